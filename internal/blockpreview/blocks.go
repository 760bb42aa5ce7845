package blockpreview

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"
)

// Sizes, in pixels, after Slack's desktop client.
const (
	textSize    = 15.0
	textLine    = 22.0
	headerSize  = 18.0
	headerLine  = 26.0
	smallSize   = 12.0
	smallLine   = 18.0
	blockGap    = 8.0
	buttonH     = 28.0
	buttonSize  = 13.0
	fieldH      = 36.0
	quoteIndent = 16.0
)

// layout draws blocks onto a canvas, top to bottom.
type layout struct {
	c *canvas
	o Options
}

// baseline returns the baseline of a line of the given height starting at y.
func baseline(y, lh, size float64) float64 {
	return y + (lh-size)/2 + size*0.8
}

// para draws lines of spans wrapped to w, from y; it returns the y below them. Consecutive
// quoted lines share one bar, as in Slack.
func (l *layout) para(lines []Line, x, y, w, size, lh float64, fill string) float64 {
	quoteTop := -1.0
	endQuote := func() {
		if quoteTop >= 0 {
			l.c.rect(x, quoteTop+2, 4, y-quoteTop-4, 2, colBorder, "")
			quoteTop = -1
		}
	}
	for _, ln := range lines {
		lx, lw := x, w
		if ln.Quote {
			lx, lw = x+quoteIndent, w-quoteIndent
			if quoteTop < 0 {
				quoteTop = y
			}
		} else {
			endQuote()
		}
		for _, wl := range Wrap(ln.Spans, lw, size) {
			if len(wl) > 0 {
				l.c.spans(lx, baseline(y, lh, size), size, fill, wl)
			}
			y += lh
		}
	}
	endQuote()
	return y
}

// textObject returns a text object's lines: mrkdwn parsed, plain_text as is.
func (l *layout) textObject(t *slack.TextBlockObject) []Line {
	if t == nil {
		return nil
	}
	if t.Type == slack.MarkdownType {
		return Mrkdwn(t.Text, l.o.Names)
	}
	return Plain(t.Text, t.Emoji == nil || *t.Emoji)
}

// plain returns a plain_text object's text with emoji, on one line.
func plain(t *slack.TextBlockObject) string {
	if t == nil {
		return ""
	}
	return Emojify(t.Text)
}

// blocks draws bs in the column [x, x+w) from y and returns the y below the last one.
func (l *layout) blocks(bs []slack.Block, x, y, w float64) (float64, error) {
	for i, b := range bs {
		var err error
		if y, err = l.block(b, x, y, w); err != nil {
			return 0, fmt.Errorf("block %d: %w", i, err)
		}
	}
	return y, nil
}

func (l *layout) block(b slack.Block, x, y, w float64) (float64, error) {
	switch b := b.(type) {
	case *slack.HeaderBlock:
		y += 4
		lines := l.textObject(b.Text)
		for i := range lines {
			for j := range lines[i].Spans {
				lines[i].Spans[j].Style |= Bold
			}
		}
		y = l.para(lines, x, y, w, headerSize, headerLine, colText)
		return y + blockGap, nil
	case *slack.SectionBlock:
		return l.section(b, x, y, w)
	case *slack.ContextBlock:
		return l.context(b, x, y, w)
	case *slack.DividerBlock:
		l.c.line(x, y+8, x+w, y+8, colBorder, 1)
		return y + 17, nil
	case *slack.ActionBlock:
		return l.actions(b, x, y, w)
	case *slack.ImageBlock:
		return l.image(b, x, y, w), nil
	case *slack.InputBlock:
		return l.input(b, x, y, w)
	}
	return 0, fmt.Errorf("blockpreview cannot draw a %q block yet", b.BlockType())
}

func (l *layout) section(b *slack.SectionBlock, x, y, w float64) (float64, error) {
	tw := w
	var accW float64
	if b.Accessory != nil {
		var err error
		if accW, err = l.accessoryWidth(b.Accessory); err != nil {
			return 0, err
		}
		tw = w - accW - 16
	}
	end := y
	if b.Text != nil {
		end = l.para(l.textObject(b.Text), x, y, tw, textSize, textLine, colText)
	}
	if len(b.Fields) > 0 {
		if b.Text != nil {
			end += 4
		}
		colW := (tw - 16) / 2
		for i := 0; i < len(b.Fields); i += 2 {
			row := end
			for j := i; j < i+2 && j < len(b.Fields); j++ {
				fx := x + float64(j-i)*(colW+16)
				if e := l.para(l.textObject(b.Fields[j]), fx, row, colW, textSize, textLine, colText); e > end {
					end = e
				}
			}
			end += 4
		}
	}
	if b.Accessory != nil {
		h, err := l.accessory(b.Accessory, x+w-accW, y, accW)
		if err != nil {
			return 0, err
		}
		end = max(end, y+h)
	}
	return end + blockGap, nil
}

func buttonWidth(b *slack.ButtonBlockElement) float64 {
	return Width(plain(b.Text), Bold, buttonSize) + 24
}

func (l *layout) selectText(s *slack.SelectBlockElement) (string, bool) {
	switch {
	case s.InitialOption != nil:
		return plain(s.InitialOption.Text), true
	case s.InitialUser != "":
		return "@" + l.o.Names.name(s.InitialUser), true
	case s.InitialConversation != "":
		return "#" + l.o.Names.name(s.InitialConversation), true
	case s.InitialChannel != "":
		return "#" + l.o.Names.name(s.InitialChannel), true
	}
	return plain(s.Placeholder), false
}

func (l *layout) selectWidth(s *slack.SelectBlockElement) float64 {
	t, _ := l.selectText(s)
	return min(max(Width(t, 0, textSize)+44, 140), 260)
}

func (l *layout) accessoryWidth(a *slack.Accessory) (float64, error) {
	switch {
	case a.ButtonElement != nil:
		return buttonWidth(a.ButtonElement), nil
	case a.OverflowElement != nil:
		return buttonH, nil
	case a.SelectElement != nil:
		return l.selectWidth(a.SelectElement), nil
	case a.ImageElement != nil:
		return 72, nil
	case a.MultiSelectElement != nil:
		return 220, nil
	}
	return 0, fmt.Errorf("blockpreview cannot draw this section accessory yet")
}

// accessory draws a section's accessory at (x, y) and returns its height.
func (l *layout) accessory(a *slack.Accessory, x, y, w float64) (float64, error) {
	switch {
	case a.ButtonElement != nil:
		l.button(x, y, a.ButtonElement)
		return buttonH, nil
	case a.OverflowElement != nil:
		l.overflow(x, y)
		return buttonH, nil
	case a.SelectElement != nil:
		t, set := l.selectText(a.SelectElement)
		l.field(x, y, w, buttonH+4, t, set)
		return buttonH + 4, nil
	case a.ImageElement != nil:
		l.placeholder(x, y, 72, 72, a.ImageElement.AltText)
		return 72, nil
	case a.MultiSelectElement != nil:
		l.multi(a.MultiSelectElement, x, y, w)
		return fieldH, nil
	}
	return 0, fmt.Errorf("blockpreview cannot draw this section accessory yet")
}

// button draws a Block Kit button at (x, y) and returns its width.
func (l *layout) button(x, y float64, b *slack.ButtonBlockElement) float64 {
	w := buttonWidth(b)
	l.styledButton(x, y, w, buttonH, buttonSize, plain(b.Text), string(b.Style))
	return w
}

func (l *layout) styledButton(x, y, w, h, size float64, text, style string) {
	fill, stroke, col := "#ffffff", "#c4c4c4", colText
	switch style {
	case "primary":
		fill, stroke, col = colPrimary, "", "#ffffff"
	case "danger":
		fill, stroke, col = colDanger, "", "#ffffff"
	}
	l.c.rect(x+0.5, y+0.5, w-1, h-1, 4, fill, stroke)
	l.c.label(x+w/2, y+h/2+size*0.36, size, col, true, "middle", text)
}

// overflow draws the "⋯" button of an overflow menu.
func (l *layout) overflow(x, y float64) {
	l.c.rect(x+0.5, y+0.5, buttonH-1, buttonH-1, 4, "#ffffff", "#c4c4c4")
	for i := -1; i <= 1; i++ {
		l.c.circle(x+buttonH/2+float64(i)*5, y+buttonH/2, 1.6, colText, "", 0)
	}
}

// field draws a select-like box with its text (grey when it is a placeholder) and a chevron.
func (l *layout) field(x, y, w, h float64, text string, set bool) {
	l.c.rect(x+0.5, y+0.5, w-1, h-1, 4, "#ffffff", "#c4c4c4")
	col := colLight
	if set {
		col = colText
	}
	text = clip(text, w-44, textSize)
	l.c.label(x+12, y+h/2+textSize*0.36, textSize, col, false, "", text)
	l.c.chevron(x+w-16, y+h/2, colText)
}

// clip shortens s with "…" to fit w.
func clip(s string, w, size float64) string {
	if Width(s, 0, size) <= w {
		return s
	}
	n := fit(s, 0, size, w-Width("…", 0, size))
	return strings.TrimRight(s[:n], " ") + "…"
}

// placeholder draws a labelled box where an image would be.
func (l *layout) placeholder(x, y, w, h float64, alt string) {
	l.c.rect(x+0.5, y+0.5, w-1, h-1, 6, "#eeeeee", "#d0d0d0")
	label := "image"
	if alt != "" {
		label = "image: " + alt
	}
	l.c.label(x+w/2, y+h/2+4, smallSize, colGrey, false, "middle", clip(label, w-8, smallSize))
}

func (l *layout) context(b *slack.ContextBlock, x, y, w float64) (float64, error) {
	var spans []Span
	for i, e := range b.ContextElements.Elements {
		if i > 0 {
			spans = append(spans, Span{Text: "   "})
		}
		switch e := e.(type) {
		case *slack.TextBlockObject:
			for j, ln := range l.textObject(e) {
				if j > 0 {
					spans = append(spans, Span{Text: " "})
				}
				spans = append(spans, ln.Spans...)
			}
		case *slack.ImageBlockElement:
			spans = append(spans, Span{Text: "▣"})
		default:
			return 0, fmt.Errorf("blockpreview cannot draw a %q context element yet", e.MixedElementType())
		}
	}
	y = l.para([]Line{{Spans: merge(spans)}}, x, y, w, smallSize, smallLine, colGrey)
	return y + blockGap, nil
}

func (l *layout) actions(b *slack.ActionBlock, x, y, w float64) (float64, error) {
	if b.Elements == nil {
		return y, nil
	}
	cx, rowH := x, buttonH
	for _, e := range b.Elements.ElementSet {
		var ew float64
		switch e := e.(type) {
		case *slack.ButtonBlockElement:
			ew = buttonWidth(e)
		case *slack.OverflowBlockElement:
			ew = buttonH
		case *slack.SelectBlockElement:
			ew = l.selectWidth(e)
			rowH = max(rowH, buttonH+4)
		case *slack.MultiSelectBlockElement:
			ew = 260
			rowH = max(rowH, fieldH)
		case *slack.DatePickerBlockElement:
			ew = 150
			rowH = max(rowH, buttonH+4)
		default:
			return 0, fmt.Errorf("blockpreview cannot draw a %q actions element yet", e.ElementType())
		}
		if cx > x && cx+ew > x+w {
			cx, y = x, y+rowH+8
		}
		switch e := e.(type) {
		case *slack.ButtonBlockElement:
			l.button(cx, y, e)
		case *slack.OverflowBlockElement:
			l.overflow(cx, y)
		case *slack.SelectBlockElement:
			t, set := l.selectText(e)
			l.field(cx, y, ew, buttonH+4, t, set)
		case *slack.MultiSelectBlockElement:
			l.multi(e, cx, y, ew)
		case *slack.DatePickerBlockElement:
			t, set := e.InitialDate, e.InitialDate != ""
			if !set {
				t = plain(e.Placeholder)
			}
			l.field(cx, y, ew, buttonH+4, t, set)
		}
		cx += ew + 8
	}
	return y + rowH + blockGap + 4, nil
}

func (l *layout) image(b *slack.ImageBlock, x, y, w float64) float64 {
	if b.Title != nil {
		y = l.para(Plain(b.Title.Text, true), x, y, w, textSize, textLine, colText) + 4
	}
	h := min(w*0.5, 240)
	l.placeholder(x, y, w, h, b.AltText)
	return y + h + blockGap
}

func (l *layout) input(b *slack.InputBlock, x, y, w float64) (float64, error) {
	lab := []Span{{Text: plain(b.Label), Style: Bold}}
	if b.Optional {
		lab = append(lab, Span{Text: " (optional)"})
	}
	for _, wl := range Wrap(lab, w, textSize) {
		l.c.spans(x, baseline(y, textLine, textSize), textSize, colText, wl)
		y += textLine
	}
	y += 6
	switch e := b.Element.(type) {
	case *slack.PlainTextInputBlockElement:
		text, col := e.InitialValue, colText
		if text == "" {
			text, col = plain(e.Placeholder), colLight
		}
		var lines [][]Span
		for _, para := range strings.Split(text, "\n") { // a multiline value keeps its lines
			lines = append(lines, Wrap([]Span{{Text: para}}, w-24, textSize)...)
		}
		h := fieldH
		if e.Multiline {
			h = max(88, float64(len(lines))*textLine+16)
		} else {
			lines = lines[:1]
		}
		l.c.rect(x+0.5, y+0.5, w-1, h-1, 4, "#ffffff", "#c4c4c4")
		ty := y + (fieldH-textLine)/2
		for _, wl := range lines {
			if len(wl) > 0 {
				l.c.spans(x+12, baseline(ty, textLine, textSize), textSize, col, wl)
			}
			ty += textLine
		}
		y += h
	case *slack.SelectBlockElement:
		t, set := l.selectText(e)
		l.field(x, y, w, fieldH, t, set)
		y += fieldH
	case *slack.MultiSelectBlockElement:
		l.multi(e, x, y, w)
		y += fieldH
	case *slack.RadioButtonsBlockElement:
		for _, o := range e.Options {
			on := e.InitialOption != nil && e.InitialOption.Value == o.Value
			l.c.circle(x+8, y+textLine/2, 7, "#ffffff", "#868686", 1)
			if on {
				l.c.circle(x+8, y+textLine/2, 7, colHover, "", 0)
				l.c.circle(x+8, y+textLine/2, 2.5, "#ffffff", "", 0)
			}
			y = l.para(Plain(plain(o.Text), false), x+24, y, w-24, textSize, textLine, colText)
			if o.Description != nil {
				y = l.para(Plain(plain(o.Description), false), x+24, y, w-24, smallSize, smallLine, colGrey)
			}
			y += 4
		}
	case *slack.CheckboxGroupsBlockElement:
		for _, o := range e.Options {
			l.c.rect(x+1.5, y+4.5, 13, 13, 3, "#ffffff", "#868686")
			for _, io := range e.InitialOptions {
				if io.Value == o.Value {
					l.c.rect(x+1.5, y+4.5, 13, 13, 3, colHover, "")
				}
			}
			y = l.para(Plain(plain(o.Text), false), x+24, y, w-24, textSize, textLine, colText) + 4
		}
	case *slack.DatePickerBlockElement:
		t, set := e.InitialDate, e.InitialDate != ""
		if !set {
			t = plain(e.Placeholder)
		}
		l.field(x, y, min(w, 200), fieldH, t, set)
		y += fieldH
	default:
		if b.Element == nil {
			return 0, fmt.Errorf("input block %q has no element", b.BlockID)
		}
		return 0, fmt.Errorf("blockpreview cannot draw a %q input element yet", b.Element.ElementType())
	}
	if b.Hint != nil {
		y += 4
		y = l.para(Plain(plain(b.Hint), true), x, y, w, smallSize, smallLine, colGrey)
	}
	return y + 16, nil
}

// multi draws a multi-select with its initial choices as chips.
func (l *layout) multi(e *slack.MultiSelectBlockElement, x, y, w float64) {
	l.c.rect(x+0.5, y+0.5, w-1, fieldH-1, 4, "#ffffff", "#c4c4c4")
	var chips []string
	for _, u := range e.InitialUsers {
		chips = append(chips, l.o.Names.name(u))
	}
	for _, c := range append(e.InitialConversations, e.InitialChannels...) {
		chips = append(chips, "#"+l.o.Names.name(c))
	}
	for _, o := range e.InitialOptions {
		chips = append(chips, plain(o.Text))
	}
	if len(chips) == 0 {
		l.c.label(x+12, y+fieldH/2+textSize*0.36, textSize, colLight, false, "", clip(plain(e.Placeholder), w-44, textSize))
	}
	cx := x + 6
	for _, c := range chips {
		cw := Width(c, Bold, 13) + 28
		if cx+cw > x+w-36 {
			break
		}
		l.c.rect(cx, y+5, cw, fieldH-10, 4, "#eaeaea", "")
		l.c.label(cx+8, y+fieldH/2+13*0.36, 13, colText, true, "", c)
		l.c.label(cx+cw-10, y+fieldH/2+13*0.36, 13, colGrey, false, "middle", "×")
		cx += cw + 6
	}
	l.c.chevron(x+w-16, y+fieldH/2, colText)
}
