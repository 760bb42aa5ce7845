package blockpreview

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The look: Slack's light theme, approximately.
const (
	fontStack  = `-apple-system, "Segoe UI", Lato, Helvetica, Arial, sans-serif`
	monoStack  = `Menlo, Monaco, Consolas, "Courier New", monospace`
	colText    = "#1d1c1d"
	colGrey    = "#616061"
	colLight   = "#868686"
	colBorder  = "#dddddd"
	colLink    = "#1264a3"
	colMention = "#e8f5fa"
	colCode    = "#e01e5a"
	colCodeBg  = "#f6f6f6"
	colPrimary = "#007a5a"
	colDanger  = "#e01e5a"
	colPage    = "#f8f8f8"
	colHover   = "#1164a3"
)

// canvas collects SVG elements; its numbers are rounded to a tenth of a pixel, so the same
// input always gives the same bytes.
type canvas struct {
	b strings.Builder
}

func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// esc escapes text for XML character data and attribute values.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&apos;")
		default:
			if r < 0x20 && r != '\t' {
				continue // not allowed in XML 1.0
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (c *canvas) rect(x, y, w, h, r float64, fill, stroke string) {
	fmt.Fprintf(&c.b, `<rect x="%s" y="%s" width="%s" height="%s"`, num(x), num(y), num(w), num(h))
	if r > 0 {
		fmt.Fprintf(&c.b, ` rx="%s"`, num(r))
	}
	fmt.Fprintf(&c.b, ` fill="%s"`, fill)
	if stroke != "" {
		fmt.Fprintf(&c.b, ` stroke="%s"`, stroke)
	}
	c.b.WriteString("/>\n")
}

func (c *canvas) line(x1, y1, x2, y2 float64, stroke string, w float64) {
	fmt.Fprintf(&c.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"/>`+"\n",
		num(x1), num(y1), num(x2), num(y2), stroke, num(w))
}

func (c *canvas) circle(cx, cy, r float64, fill, stroke string, sw float64) {
	fmt.Fprintf(&c.b, `<circle cx="%s" cy="%s" r="%s" fill="%s"`, num(cx), num(cy), num(r), fill)
	if stroke != "" {
		fmt.Fprintf(&c.b, ` stroke="%s" stroke-width="%s"`, stroke, num(sw))
	}
	c.b.WriteString("/>\n")
}

// chevron draws a small "v" centred at (cx, cy).
func (c *canvas) chevron(cx, cy float64, col string) {
	fmt.Fprintf(&c.b, `<path d="M%s %sL%s %sL%s %s" fill="none" stroke="%s" stroke-width="1.5"/>`+"\n",
		num(cx-4), num(cy-2), num(cx), num(cy+2), num(cx+4), num(cy-2), col)
}

// bolt draws the composer's lightning-bolt shortcuts button icon centred at (cx, cy).
func (c *canvas) bolt(cx, cy float64) {
	fmt.Fprintf(&c.b, `<path d="M%s %sL%s %sL%s %sL%s %sL%s %sL%s %sZ" fill="%s"/>`+"\n",
		num(cx+2), num(cy-8), num(cx-5), num(cy+1), num(cx-0.5), num(cy+1),
		num(cx-2), num(cy+8), num(cx+5), num(cy-1), num(cx+0.5), num(cy-1), colText)
}

// label draws a single run of plain text with its baseline at y.
func (c *canvas) label(x, y, size float64, fill string, bold bool, anchor, s string) {
	fmt.Fprintf(&c.b, `<text x="%s" y="%s" font-size="%s" fill="%s"`, num(x), num(y), num(size), fill)
	if bold {
		c.b.WriteString(` font-weight="700"`)
	}
	if anchor != "" {
		fmt.Fprintf(&c.b, ` text-anchor="%s"`, anchor)
	}
	st := Style(0)
	if bold {
		st = Bold
	}
	fmt.Fprintf(&c.b, "%s>%s</text>\n", fitTo(Width(s, st, size)), esc(s))
}

// spans draws one wrapped line of styled spans with its baseline at y. Code and mentions get
// their background first; the spans then flow in one <text>, so a viewer's font that is a
// little wider than the measuring font widens the line instead of overlapping words.
func (c *canvas) spans(x, y, size float64, fill string, line []Span) {
	bx := x
	for _, s := range line {
		w := Width(s.Text, s.Style, size)
		switch {
		case s.Style&Code != 0:
			c.rect(bx-1, y-size+1, w+2, size+5, 3, colCodeBg, "#e2e2e2")
		case s.Style&Mention != 0:
			c.rect(bx-1, y-size+1, w+2, size+5, 3, colMention, "")
		}
		bx += w
	}
	fmt.Fprintf(&c.b, `<text x="%s" y="%s" font-size="%s" fill="%s"%s>`, num(x), num(y), num(size), fill, fitTo(bx-x))
	for _, s := range line {
		var attrs []string
		if s.Style&Bold != 0 {
			attrs = append(attrs, `font-weight="700"`)
		}
		if s.Style&Italic != 0 {
			attrs = append(attrs, `font-style="italic"`)
		}
		if s.Style&Strike != 0 {
			attrs = append(attrs, `text-decoration="line-through"`)
		}
		switch {
		case s.Style&Code != 0:
			attrs = append(attrs, `font-family='`+monoStack+`'`, `font-size="`+num(size-2)+`"`, `fill="`+colCode+`"`)
		case s.Style&(Link|Mention) != 0:
			attrs = append(attrs, `fill="`+colLink+`"`)
		}
		if len(attrs) == 0 {
			c.b.WriteString(esc(s.Text))
			continue
		}
		fmt.Fprintf(&c.b, "<tspan %s>%s</tspan>", strings.Join(attrs, " "), esc(s.Text))
	}
	c.b.WriteString("</text>\n")
}

// fitTo returns the attributes that make a viewer draw a text exactly w pixels wide.
func fitTo(w float64) string {
	return ` textLength="` + num(w) + `" lengthAdjust="spacingAndGlyphs"`
}

// svg wraps the body into a document of the given size.
func (c *canvas) svg(w, h float64, title, bg string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family='%s' xml:space="preserve">`+"\n",
		num(w), num(h), num(w), num(h), fontStack)
	fmt.Fprintf(&b, "<title>%s</title>\n", esc(title))
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="%s"/>`+"\n", bg)
	b.WriteString(c.b.String())
	b.WriteString("</svg>\n")
	return []byte(b.String())
}
