// Package chart draws the monthly digest as a picture: stories per week
// through the month and the nine ways by count, each beside the month before.
// It is pure Go (gonum.org/v1/plot with its bundled Liberation fonts, drawn
// by its vgimg rasterizer), with no clock and no randomness: the same Data
// always gives the same pixels.
//
// The picture is an opaque, light card with dark text and strong colours, so
// that it reads the same on Slack's light and dark themes.
package chart

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"math"
	"strconv"
	"time"

	stdfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/extramile/extramile"
)

// The picture's size in pixels: 3:2, large enough to stay sharp when Slack
// opens it, with text big enough to read in the thread's preview.
const (
	Width  = 1200
	Height = 800
)

// dpi maps points to pixels: at 100 dots per inch the canvas is 12 × 8 in.
const dpi = 100

// Data is what the chart shows. FromDigest builds it from a digest.
type Data struct {
	Month     string // "November 2026"
	PrevMonth string // "October 2026", or "" when there is no month before to compare with
	Period    string // "2026-11": names the file
	SoFar     bool   // the month is not over yet

	Stories, PrevStories int
	Weeks                []Week // in order; a week the month lacks (day 29 in February) has Missing set
	Ways                 []Way  // the nine ways, most stories this month first
}

// Week is one week of the month (days 1–7, 8–14, …) beside the same week of
// the month before.
type Week struct {
	Label                string // the days it covers this month, e.g. "8–14"
	Stories, PrevStories int
	Missing              bool // this month has no such week (a short month)
}

// Way is one of the nine ways beside its count of the month before.
type Way struct {
	Title                string
	Stories, PrevStories int
}

// FromDigest is the chart of a digest: its month named in loc (nil means
// UTC), its Weeks beside those of d.Previous (as many as the longer month
// has) and its nine ways. soFar says the month is not over.
func FromDigest(d *extramile.Digest, loc *time.Location, soFar bool) Data {
	if loc == nil {
		loc = time.UTC
	}
	if d == nil {
		d = &extramile.Digest{}
	}
	from := d.From.In(loc)
	out := Data{
		Month:   from.Format("January 2006"),
		Period:  from.Format("2006-01"),
		SoFar:   soFar,
		Stories: max(d.Stories, 0),
	}
	var prevWeeks []extramile.WeekCount
	prevWays := map[extramile.Way]int{}
	if p := d.Previous; p != nil {
		out.PrevMonth = p.From.In(loc).Format("January 2006")
		out.PrevStories = max(p.Stories, 0)
		prevWeeks = p.Weeks
		for _, w := range p.ByWay {
			prevWays[w.Way] += max(w.Count, 0)
		}
	}
	for i := range max(len(d.Weeks), len(prevWeeks)) {
		var w Week
		switch {
		case i < len(d.Weeks):
			w.Label = dayRange(d.Weeks[i], loc)
			w.Stories = max(d.Weeks[i].Stories, 0)
		default:
			w.Label = dayRange(prevWeeks[i], loc)
			w.Missing = true
		}
		if i < len(prevWeeks) {
			w.PrevStories = max(prevWeeks[i].Stories, 0)
		}
		out.Weeks = append(out.Weeks, w)
	}
	ways := map[extramile.Way]int{}
	for _, w := range d.ByWay {
		ways[w.Way] += max(w.Count, 0)
	}
	// The nine ways, most stories first (then most the month before, then
	// in their usual order): every way is shown, the quiet ones too.
	order := append([]extramile.Way(nil), extramile.Ways...)
	sortStable(order, func(a, b extramile.Way) bool {
		if ways[a] != ways[b] {
			return ways[a] > ways[b]
		}
		return prevWays[a] > prevWays[b]
	})
	for _, w := range order {
		out.Ways = append(out.Ways, Way{Title: w.Title(), Stories: ways[w], PrevStories: prevWays[w]})
	}
	return out
}

// dayRange names a week by its days of the month in loc: "1–7", "29–30".
func dayRange(w extramile.WeekCount, loc *time.Location) string {
	first := w.From.In(loc).Day()
	last := w.To.In(loc).Add(-time.Nanosecond).Day()
	if first == last {
		return strconv.Itoa(first)
	}
	return strconv.Itoa(first) + "–" + strconv.Itoa(last)
}

// sortStable is an insertion sort: nine items, and no import for one call.
func sortStable[T any](xs []T, less func(a, b T) bool) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && less(xs[j], xs[j-1]); j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// Title is the chart's headline: "November 2026 in extra miles" (", so far"
// while the month runs). It titles the uploaded file too.
func (d Data) Title() string {
	t := d.Month + " in extra miles"
	if d.SoFar {
		t += ", so far"
	}
	return t
}

// Filename is the uploaded file's name: "extramile-2026-11.png".
func (d Data) Filename() string {
	if d.Period == "" {
		return "extramile.png"
	}
	return "extramile-" + d.Period + ".png"
}

// Colours: a light card with near-black text; this month in a strong blue,
// the month before in a mid grey, both with at least 3:1 contrast against
// the card (WCAG's bar for graphics) and far apart in lightness, so they are
// told apart without colour vision too.
var (
	cardColor  = color.RGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}
	edgeColor  = color.RGBA{R: 0xD0, G: 0xD0, B: 0xD3, A: 0xFF}
	inkColor   = color.RGBA{R: 0x1D, G: 0x1C, B: 0x1D, A: 0xFF} // Slack's own text colour
	mutedColor = color.RGBA{R: 0x5E, G: 0x5D, B: 0x60, A: 0xFF}
	gridColor  = color.RGBA{R: 0xE8, G: 0xE8, B: 0xEA, A: 0xFF}
	thisColor  = color.RGBA{R: 0x12, G: 0x64, B: 0xA3, A: 0xFF} // 6:1 on white
	prevColor  = color.RGBA{R: 0x8C, G: 0x8C, B: 0x91, A: 0xFF} // 3.4:1 on white
)

// Fonts: Liberation Sans, which the plotting library embeds.
var (
	sans = font.Font{Typeface: "Liberation", Variant: "Sans"}
	bold = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: stdfont.WeightBold}
)

func style(f font.Font, size vg.Length, c color.Color) text.Style {
	return text.Style{Color: c, Font: font.From(f, size), Handler: plot.DefaultTextHandler}
}

// Render draws d as a Width × Height PNG: a headline with the month's story
// count beside the month before, a legend, stories per week on the left and
// the nine ways on the right.
func Render(d Data) ([]byte, error) {
	w, h := vg.Length(Width)*vg.Inch/dpi, vg.Length(Height)*vg.Inch/dpi
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(cardColor))
	c := draw.New(img)

	// A hairline edge, so the card has a border on a white page too.
	c.StrokeLines(draw.LineStyle{Color: edgeColor, Width: 2}, []vg.Point{
		{X: 1, Y: 1}, {X: w - 1, Y: 1}, {X: w - 1, Y: h - 1}, {X: 1, Y: h - 1}, {X: 1, Y: 1},
	})

	const margin = 36
	top := h - margin
	head := style(bold, 30, inkColor)
	head.YAlign = draw.YTop
	c.FillText(head, vg.Point{X: margin, Y: top}, d.Title())
	sub := style(sans, 18, mutedColor)
	sub.YAlign = draw.YTop
	c.FillText(sub, vg.Point{X: margin, Y: top - 44}, summary(d))
	drawLegend(c, d, vg.Point{X: margin, Y: top - 84})

	panelTop := top - 128
	split := w * 0.40
	left := draw.Crop(c, margin-8, -(w - split), margin-12, -(h - panelTop))
	right := draw.Crop(c, split+16, -margin, margin-12, -(h - panelTop))

	weeks, err := weeksPlot(d)
	if err != nil {
		return nil, err
	}
	weeks.Draw(left)
	ways, err := waysPlot(d)
	if err != nil {
		return nil, err
	}
	ways.Draw(right)

	var buf bytes.Buffer
	if err := png.Encode(&buf, img.Image()); err != nil {
		return nil, fmt.Errorf("encode chart: %w", err)
	}
	return buf.Bytes(), nil
}

// summary is the line under the headline: "42 stories · October 2026: 35".
func summary(d Data) string {
	s := plural(d.Stories, "story", "stories")
	if d.SoFar {
		s += " so far"
	}
	if d.PrevMonth == "" {
		return s + " · the first month"
	}
	return s + " · " + d.PrevMonth + ": " + strconv.Itoa(d.PrevStories)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// drawLegend draws a swatch and name for this month and the month before.
func drawLegend(c draw.Canvas, d Data, at vg.Point) {
	label := style(sans, 17, inkColor)
	label.YAlign = draw.YCenter
	const box = 18
	x := at.X
	entry := func(col color.Color, name string) {
		c.FillPolygon(col, []vg.Point{{X: x, Y: at.Y - box/2}, {X: x + box, Y: at.Y - box/2}, {X: x + box, Y: at.Y + box/2}, {X: x, Y: at.Y + box/2}})
		c.FillText(label, vg.Point{X: x + box + 8, Y: at.Y}, name)
		x += box + 8 + label.Width(name) + 28
	}
	entry(thisColor, d.Month)
	if d.PrevMonth != "" {
		entry(prevColor, d.PrevMonth)
	}
}

// newPlot is a plot in the card's style.
func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.BackgroundColor = nil // the card shows through
	p.Title.Text = title
	p.Title.TextStyle = style(bold, 20, inkColor)
	p.Title.TextStyle.XAlign = draw.XCenter
	p.Title.Padding = 14
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.LineStyle = draw.LineStyle{Color: edgeColor, Width: 1}
		a.Tick.LineStyle = draw.LineStyle{Color: edgeColor, Width: 1}
		a.Tick.Length = 5
		a.Tick.Label.Font = font.From(sans, 15)
		a.Tick.Label.Color = inkColor
		a.Label.TextStyle = style(sans, 15, mutedColor)
		a.Padding = 4
	}
	return p
}

// countTicks marks whole numbers only, about five of them, from 0.
type countTicks struct{}

// Ticks implements plot.Ticker.
func (countTicks) Ticks(_, hi float64) []plot.Tick {
	step := niceStep(hi / 5)
	var ticks []plot.Tick
	for v := 0.0; v <= hi+1e-9; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.Itoa(int(v))})
	}
	return ticks
}

// niceStep rounds a step up to 1, 2 or 5 times a power of ten (at least 1).
func niceStep(raw float64) float64 {
	if raw <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

// axisMax leaves room above the tallest bar for its value label.
func axisMax(n int) float64 {
	return math.Max(4, math.Ceil(float64(n)*1.18))
}

// bars adds this month's and the month before's bars side by side at each
// category, with their values written at their ends.
func bars(p *plot.Plot, this, prev []float64, hide []bool, horizontal bool, width vg.Length) error {
	type series struct {
		values []float64
		color  color.Color
		offset vg.Length
		skip   func(i int) bool
	}
	all := []series{
		{prev, prevColor, width / 2, func(int) bool { return false }},
		{this, thisColor, -width / 2, func(i int) bool { return hide[i] }},
	}
	if horizontal {
		// The category axis runs bottom to top: this month's bar goes above.
		all[0].offset, all[1].offset = -width/2, width/2
	} else {
		all[0].offset, all[1].offset = width/2, -width/2
	}
	if prev == nil {
		all = all[1:]
		all[0].offset = 0
	}
	for _, s := range all {
		b, err := plotter.NewBarChart(plotter.Values(s.values), width)
		if err != nil {
			return fmt.Errorf("chart bars: %w", err)
		}
		b.Color = s.color
		b.LineStyle.Width = 0
		b.Offset = s.offset
		b.Horizontal = horizontal
		p.Add(b)

		var xys plotter.XYs
		var labels []string
		for i, v := range s.values {
			if s.skip(i) {
				continue
			}
			if horizontal {
				xys = append(xys, plotter.XY{X: v, Y: float64(i)})
			} else {
				xys = append(xys, plotter.XY{X: float64(i), Y: v})
			}
			labels = append(labels, strconv.Itoa(int(v)))
		}
		if len(xys) == 0 {
			continue
		}
		l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
		if err != nil {
			return fmt.Errorf("chart labels: %w", err)
		}
		for i := range l.TextStyle {
			st := style(bold, 14, s.color)
			if s.color == prevColor {
				st = style(sans, 14, mutedColor)
			}
			if horizontal {
				st.YAlign = draw.YCenter
			} else {
				st.XAlign = draw.XCenter
			}
			l.TextStyle[i] = st
		}
		if horizontal {
			l.Offset = vg.Point{X: 6, Y: s.offset}
		} else {
			l.Offset = vg.Point{X: s.offset, Y: 4}
		}
		p.Add(l)
	}
	return nil
}

// weeksPlot is stories per week, this month beside the month before.
func weeksPlot(d Data) (*plot.Plot, error) {
	p := newPlot("Stories per week")
	n := len(d.Weeks)
	this, prev, hide := make([]float64, n), make([]float64, n), make([]bool, n)
	names := make([]string, n)
	top := 0
	for i, w := range d.Weeks {
		this[i], prev[i], hide[i], names[i] = float64(w.Stories), float64(w.PrevStories), w.Missing, w.Label
		top = max(top, w.Stories, w.PrevStories)
	}
	if d.PrevMonth == "" {
		prev = nil
	}
	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	grid.Horizontal = draw.LineStyle{Color: gridColor, Width: 1}
	p.Add(grid)
	if n > 0 {
		if err := bars(p, this, prev, hide, false, 24); err != nil {
			return nil, err
		}
	}
	if n > 0 {
		p.NominalX(names...)
	}
	p.X.Min, p.X.Max = -0.6, float64(max(n, 1))-0.4 // room for the outer bars
	p.X.Label.Text = "Days of the month"
	p.Y.Min, p.Y.Max = 0, axisMax(top)
	p.Y.Tick.Marker = countTicks{}
	p.X.Tick.Length = 0
	return p, nil
}

// waysPlot is the nine ways by count, most first, this month beside the
// month before.
func waysPlot(d Data) (*plot.Plot, error) {
	p := newPlot("The nine ways")
	n := len(d.Ways)
	this, prev, hide := make([]float64, n), make([]float64, n), make([]bool, n)
	names := make([]string, n)
	top := 0
	for i, w := range d.Ways {
		j := n - 1 - i // the first way goes on top
		this[j], prev[j], names[j] = float64(w.Stories), float64(w.PrevStories), w.Title
		top = max(top, w.Stories, w.PrevStories)
	}
	if d.PrevMonth == "" {
		prev = nil
	}
	grid := plotter.NewGrid()
	grid.Horizontal.Color = nil
	grid.Vertical = draw.LineStyle{Color: gridColor, Width: 1}
	p.Add(grid)
	if n > 0 {
		if err := bars(p, this, prev, hide, true, 14); err != nil {
			return nil, err
		}
	}
	if n > 0 {
		p.NominalY(names...)
	}
	p.Y.Min, p.Y.Max = -0.6, float64(max(n, 1))-0.4
	p.Y.Tick.Length = 0
	p.X.Label.Text = "Stories"
	p.X.Min, p.X.Max = 0, axisMax(top)
	p.X.Tick.Marker = countTicks{}
	return p, nil
}
