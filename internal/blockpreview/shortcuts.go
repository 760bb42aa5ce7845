package blockpreview

import (
	"errors"
)

// Shortcut is a shortcut as manifest.yml declares it (features.shortcuts).
type Shortcut struct {
	Name        string
	Type        string // "message" or "global"
	Description string
}

// ShortcutScene is what the shortcuts picture shows: a message by Author in Channel with its
// "More actions" menu open on the message shortcuts, and the composer's ⚡ shortcuts menu open
// on the global ones.
type ShortcutScene struct {
	Shortcuts   []Shortcut
	Author      string
	MessageText string // mrkdwn
	Channel     string
}

const (
	shortcutsWidth = 760.0
	menuWidth      = 340.0
)

// Shortcuts draws where a person finds the app's shortcuts: a message's "More actions" menu
// (message shortcuts) and the ⚡ shortcuts menu of the message composer (global shortcuts).
func Shortcuts(s ShortcutScene, o Options) ([]byte, error) {
	var msg, global []Shortcut
	for _, sc := range s.Shortcuts {
		switch sc.Type {
		case "message":
			msg = append(msg, sc)
		case "global":
			global = append(global, sc)
		default:
			return nil, errors.New("a shortcut is either of type message or global, not " + sc.Type)
		}
	}
	l := &layout{c: &canvas{}, o: o}
	c := l.c
	y := pad
	if len(msg) > 0 {
		y = l.messageMenu(s, msg, y)
	}
	if len(global) > 0 {
		if len(msg) > 0 {
			c.line(0, y+0.5, shortcutsWidth, y+0.5, colBorder, 1)
			y += pad
		}
		y = l.globalMenu(s, global, y)
	}
	return c.svg(shortcutsWidth, y, o.appName()+"'s shortcuts in Slack (an approximation of Slack's rendering)", "#ffffff"), nil
}

// caption draws a grey line that says what a part of the picture shows.
func (l *layout) caption(y float64, text string) float64 {
	l.c.label(pad, y+14, 13, colGrey, true, "", text)
	return y + 28
}

// menuItem draws one shortcut in a menu, highlighted as if under the pointer when hot, and
// returns the y below it.
func (l *layout) menuItem(x, y, w float64, sc Shortcut, hot bool) float64 {
	lines := Wrap([]Span{{Text: sc.Description}}, w-56, smallSize)
	h := 12 + textLine + float64(len(lines))*smallLine + 8
	name, grey := colText, colGrey
	if hot {
		l.c.rect(x, y, w, h, 0, colHover, "")
		name, grey = "#ffffff", "#ffffff"
	}
	appIcon(l.c, x+12, y+12, 24, l.o)
	l.c.label(x+46, baseline(y+8, textLine, textSize), textSize, name, true, "", sc.Name)
	l.c.label(x+w-12, baseline(y+8, textLine, smallSize), smallSize, grey, false, "end", l.o.appName())
	ty := y + 8 + textLine
	for _, ln := range lines {
		l.c.spans(x+46, baseline(ty, smallLine, smallSize), smallSize, grey, ln)
		ty += smallLine
	}
	return y + h
}

// messageMenu draws a message with its hover toolbar and "More actions" menu.
func (l *layout) messageMenu(s ShortcutScene, msg []Shortcut, y float64) float64 {
	c := l.c
	y = l.caption(y, "On any message: ⋯ (More actions)")
	top := y
	cx := messageHeader(c, pad, y, s.Author, "#4a7fb5", false, l.o.Time)
	// The message wraps short of the menu that opens over its right side.
	textW := shortcutsWidth - pad - menuWidth - 16 - cx
	end := l.para(Mrkdwn(s.MessageText, l.o.Names), cx, y+22, textW, textSize, textLine, colText)
	// The hover toolbar, its last button (More actions) pressed.
	tx, ty := shortcutsWidth-pad-112, top-6
	c.rect(tx+0.5, ty+0.5, 112, 34, 6, "#ffffff", "#d0d0d0")
	for i, icon := range []string{"😀", "💬", "↪"} {
		c.label(tx+18+float64(i)*26, ty+23, 15, colGrey, false, "middle", icon)
	}
	c.rect(tx+82, ty+4, 26, 26, 4, "#e8f0f8", "")
	for i := -1; i <= 1; i++ {
		c.circle(tx+95+float64(i)*5, ty+17, 1.6, colText, "", 0)
	}
	// The menu, under the toolbar.
	mx, my := shortcutsWidth-pad-menuWidth, ty+42
	var body canvas
	outer := l.c
	l.c = &body
	iy := my + 8
	for _, item := range []string{"Turn off notifications for replies", "Mark unread", "Remind me about this", "Copy link"} {
		body.label(mx+16, baseline(iy, 30, textSize), textSize, colText, false, "", item)
		iy += 30
	}
	body.line(mx, iy+4.5, mx+menuWidth, iy+4.5, colBorder, 1)
	iy += 9
	for i, sc := range msg {
		iy = l.menuItem(mx, iy, menuWidth, sc, i == 0)
	}
	body.label(mx+16, baseline(iy, 30, textSize), textSize, colLink, false, "", "More message shortcuts…")
	iy += 30 + 8
	l.c = outer
	c.rect(mx+0.5, my+0.5, menuWidth-1, iy-my-1, 8, "#ffffff", "#c8c8c8")
	c.b.WriteString(body.b.String())
	return max(end, iy) + pad
}

// globalMenu draws the message composer with its ⚡ menu open on the global shortcuts.
func (l *layout) globalMenu(s ShortcutScene, global []Shortcut, y float64) float64 {
	c := l.c
	y = l.caption(y, "Anywhere: ⚡ (Shortcuts) in the message box")
	mx, my := pad, y
	var body canvas
	outer := l.c
	l.c = &body
	body.label(mx+16, baseline(my+6, 30, textSize), textSize, colText, true, "", "Shortcuts")
	iy := my + 40
	for i, sc := range global {
		iy = l.menuItem(mx, iy, menuWidth+40, sc, i == 0)
	}
	iy += 8
	l.c = outer
	c.rect(mx+0.5, my+0.5, menuWidth+40-1, iy-my-1, 8, "#ffffff", "#c8c8c8")
	c.b.WriteString(body.b.String())
	// The composer, the ⚡ button pressed.
	by := iy + 8
	w := shortcutsWidth - 2*pad
	c.rect(pad+0.5, by+0.5, w-1, 76, 8, "#ffffff", "#b8b8b8")
	ch := s.Channel
	if ch == "" {
		ch = "general"
	}
	c.label(pad+14, by+26, textSize, colLight, false, "", "Message #"+ch)
	c.rect(pad+8, by+44, 26, 26, 4, "#e8f0f8", "")
	c.bolt(pad+21, by+57)
	c.label(pad+50, by+62, 15, colGrey, false, "middle", "+")
	return by + 77 + pad
}
