package blockpreview

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"
)

// Options are what a picture needs beyond the blocks.
type Options struct {
	// Names names the users and channels mentioned (see Names).
	Names Names
	// AppName is the app's display name, shown as a message's author and above the Home.
	AppName string
	// AppColor is the app icon's background colour (the manifest's background_color).
	AppColor string
	// Time is shown beside a message's author, for example "9:41 AM".
	Time string
}

func (o Options) appName() string {
	if o.AppName == "" {
		return "App"
	}
	return o.AppName
}

func (o Options) appColor() string {
	if o.AppColor == "" {
		return "#4a154b"
	}
	return o.AppColor
}

// Widths of the pictures, in pixels.
const (
	homeWidth    = 760.0
	modalWidth   = 520.0
	messageWidth = 680.0
	pad          = 20.0
)

// FromJSON draws a golden: a view ({"type": "home"|"modal", …}) or a message
// ({"text": …, "blocks": […]}).
func FromJSON(data []byte, o Options) ([]byte, error) {
	var probe struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("read blocks: %w", err)
	}
	switch probe.Type {
	case "home", "modal":
		var v slack.View
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("read view: %w", err)
		}
		if probe.Type == "home" {
			return Home(v.Blocks, o)
		}
		return Modal(v, o)
	case "":
		var m struct {
			Text   string       `json:"text"`
			Blocks slack.Blocks `json:"blocks"`
		}
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("read message: %w", err)
		}
		return Message(m.Text, m.Blocks, o)
	}
	return nil, fmt.Errorf("blockpreview cannot draw a %q view", probe.Type)
}

// appIcon draws the app's square icon with its initial.
func appIcon(c *canvas, x, y, size float64, o Options) {
	c.rect(x, y, size, size, size/6, o.appColor(), "")
	initial := strings.ToUpper(firstLetter(o.appName()))
	c.label(x+size/2, y+size/2+size*0.2, size*0.55, "#ffffff", true, "middle", initial)
}

func firstLetter(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}

// Home draws the blocks of a home view in the App Home frame: the app's name and the tab bar
// "Home | Messages | About", Home selected.
func Home(blocks slack.Blocks, o Options) ([]byte, error) {
	l := &layout{c: &canvas{}, o: o}
	c := l.c
	appIcon(c, pad, 16, 36, o)
	c.label(pad+48, 16+24, headerSize, colText, true, "", o.appName())
	tx := pad
	for i, tab := range []string{"Home", "Messages", "About"} {
		col, bold := colGrey, false
		if i == 0 {
			col, bold = colText, true
		}
		c.label(tx, 84, 14, col, bold, "", tab)
		tw := Width(tab, Bold, 14)
		if i == 0 {
			c.rect(tx, 95, tw, 3, 1.5, colText, "")
		}
		tx += tw + 24
	}
	c.line(0, 98.5, homeWidth, 98.5, colBorder, 1)
	y, err := l.blocks(blocks.BlockSet, pad, 98+pad, homeWidth-2*pad)
	if err != nil {
		return nil, err
	}
	return c.svg(homeWidth, y+pad, o.appName()+": App Home (an approximation of Slack's rendering)", "#ffffff"), nil
}

// Modal draws a modal view: its title, its blocks, and Cancel/Submit in the footer.
func Modal(v slack.View, o Options) ([]byte, error) {
	if v.Title == nil {
		return nil, errors.New("modal has no title")
	}
	const m = 20.0 // page margin around the dialog
	const in = 24.0
	l := &layout{c: &canvas{}, o: o}
	c := l.c
	x, w := m, modalWidth
	// The dialog's body first; its frame is drawn around it once the height is known.
	body := &canvas{}
	l.c = body
	appIcon(body, x+in, m+18, 24, o)
	body.label(x+in+34, m+38, 20, colText, true, "", plain(v.Title))
	// The close ×.
	body.line(x+w-in-12, m+24, x+w-in, m+36, colGrey, 1.6)
	body.line(x+w-in, m+24, x+w-in-12, m+36, colGrey, 1.6)
	body.line(x, m+60.5, x+w, m+60.5, colBorder, 1)
	y, err := l.blocks(v.Blocks.BlockSet, x+in, m+60+in, w-2*in)
	if err != nil {
		return nil, err
	}
	y += 4
	body.line(x, y+0.5, x+w, y+0.5, colBorder, 1)
	bx := x + w - in
	const fh = 36.0
	for _, b := range []struct {
		t     *slack.TextBlockObject
		style string
	}{{v.Submit, "primary"}, {v.Close, ""}} {
		if b.t == nil {
			continue
		}
		t := plain(b.t)
		bw := Width(t, Bold, textSize) + 32
		bx -= bw
		l.styledButton(bx, y+16, bw, fh, textSize, t, b.style)
		bx -= 12
	}
	y += 16 + fh + 16
	c.rect(x+0.5, m+0.5, w-1, y-m-1, 8, "#ffffff", "#cfcfcf")
	c.b.WriteString(body.b.String())
	return c.svg(w+2*m, y+m, plain(v.Title)+": a modal of "+o.appName()+" (an approximation of Slack's rendering)", "#8a8a8a"), nil
}

// messageHeader draws an author's avatar, name, optional APP badge and time at (x, y), and
// returns the x where the message's content starts.
func messageHeader(c *canvas, x, y float64, name, color string, app bool, tm string) float64 {
	c.rect(x, y, 36, 36, 6, color, "")
	c.label(x+18, y+25, 18, "#ffffff", true, "middle", strings.ToUpper(firstLetter(name)))
	nx := x + 48
	c.label(nx, y+14, textSize, colText, true, "", name)
	nx += Width(name, Bold, textSize) + 6
	if app {
		c.rect(nx, y+2, 30, 15, 3, "#e8e8e8", "")
		c.label(nx+15, y+13, 10, colGrey, true, "middle", "APP")
		nx += 36
	}
	if tm != "" {
		c.label(nx, y+14, smallSize, colGrey, false, "", tm)
	}
	return x + 48
}

// Message draws a message the app posted: its avatar, name, APP badge and time, then its
// blocks (or, without blocks, its text as mrkdwn).
func Message(text string, blocks slack.Blocks, o Options) ([]byte, error) {
	l := &layout{c: &canvas{}, o: o}
	cx := messageHeader(l.c, pad, pad, o.appName(), o.appColor(), true, o.Time)
	bs := blocks.BlockSet
	if len(bs) == 0 {
		bs = []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)}
	}
	y, err := l.blocks(bs, cx, pad+22, messageWidth-cx-pad)
	if err != nil {
		return nil, err
	}
	return l.c.svg(messageWidth, y+pad-blockGap, "A message from "+o.appName()+" (an approximation of Slack's rendering)", "#ffffff"), nil
}
