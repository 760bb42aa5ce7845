package compose

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Block Kit limits, from Slack's reference (characters are counted as runes).
const (
	limitMessageBlocks = 50
	limitModalBlocks   = 100
	limitFallback      = 4000
	limitSectionText   = 3000
	limitFields        = 10
	limitFieldText     = 2000
	limitHeader        = 150
	limitContextEls    = 10
	limitContextText   = 3000
	limitActionEls     = 25
	limitButtonText    = 75
	limitButtonValue   = 2000
	limitOptionText    = 75
	limitOptionValue   = 150
	limitOptionDesc    = 75
	limitOptions       = 100
	limitOverflowOpts  = 5
	limitID            = 255
	limitViewText      = 24
	limitMetadata      = 3000
	limitLabel         = 2000
	limitHint          = 2000
	limitPlaceholder   = 150
	limitInputMax      = 3000
	limitConfirmTitle  = 100
	limitConfirmText   = 300
	limitConfirmButton = 30
	limitMaxSelected   = 100
	limitViewJSONBytes = 250_000
)

// Check reports every way m breaks Block Kit's limits or Slack's rules: the
// fallback text must be set and under 4000 characters, a message holds at
// most 50 blocks (100 when modal is set), and each block and element stays
// within its limits (section text 3000, fields 10×2000, header 150, context
// 10 elements, buttons 75/2000, options 75/150 and 100 per select, IDs 255,
// block IDs unique, action IDs unique within a block). nil means it is fine.
func Check(m Message, modal bool) error {
	var c checker
	switch n := utf8.RuneCountInString(m.Text); {
	case n == 0:
		c.errf("text: the fallback text is empty")
	case n >= limitFallback:
		c.errf("text: %d characters, must stay under %d", n, limitFallback)
	}
	max := limitMessageBlocks
	if modal {
		max = limitModalBlocks
	}
	c.blocks(m.Blocks, max)
	return c.err()
}

// CheckModal reports every way v breaks the limits of a modal view: title,
// submit and close at most 24 characters of plain_text (title required,
// submit required when there is an input), private_metadata 3000,
// callback_id 255, at most 100 blocks each within its limits, and at most
// 250 kB of JSON.
func CheckModal(v slack.ModalViewRequest) error {
	var c checker
	if v.Type != slack.VTModal {
		c.errf("type: %q, want %q", v.Type, slack.VTModal)
	}
	if v.Title == nil {
		c.errf("title: missing")
	}
	c.plainText("title", v.Title, limitViewText)
	c.plainText("submit", v.Submit, limitViewText)
	c.plainText("close", v.Close, limitViewText)
	if n := len(v.PrivateMetadata); n > limitMetadata {
		c.errf("private_metadata: %d characters, max %d", n, limitMetadata)
	}
	c.id("callback_id", v.CallbackID)
	c.id("external_id", v.ExternalID)
	c.blocks(v.Blocks.BlockSet, limitModalBlocks)
	if v.Submit == nil {
		for _, b := range v.Blocks.BlockSet {
			if _, ok := b.(*slack.InputBlock); ok {
				c.errf("submit: missing, but the view has inputs")
				break
			}
		}
	}
	if raw, err := json.Marshal(v); err != nil {
		c.errf("json: %v", err)
	} else if len(raw) > limitViewJSONBytes {
		c.errf("json: %d bytes, max %d", len(raw), limitViewJSONBytes)
	}
	return c.err()
}

// checker collects problems, each prefixed with where it is.
type checker struct{ problems []error }

func (c *checker) errf(format string, args ...any) {
	c.problems = append(c.problems, fmt.Errorf(format, args...))
}

func (c *checker) err() error { return errors.Join(c.problems...) }

func (c *checker) id(where, id string) {
	if n := len(id); n > limitID {
		c.errf("%s: %d characters, max %d", where, n, limitID)
	}
}

// text checks a text object: present, a known type, not empty, within max.
func (c *checker) text(where string, t *slack.TextBlockObject, max int) {
	if t == nil {
		c.errf("%s: missing text", where)
		return
	}
	if t.Type != slack.PlainTextType && t.Type != slack.MarkdownType {
		c.errf("%s: text type %q", where, t.Type)
	}
	switch n := utf8.RuneCountInString(t.Text); {
	case n == 0:
		c.errf("%s: empty text", where)
	case n > max:
		c.errf("%s: %d characters, max %d", where, n, max)
	}
}

// plainText checks an optional plain_text object.
func (c *checker) plainText(where string, t *slack.TextBlockObject, max int) {
	if t == nil {
		return
	}
	if t.Type != slack.PlainTextType {
		c.errf("%s: must be plain_text, is %q", where, t.Type)
	}
	c.text(where, t, max)
}

func (c *checker) blocks(blocks []slack.Block, max int) {
	if len(blocks) > max {
		c.errf("blocks: %d, max %d", len(blocks), max)
	}
	seen := map[string]bool{}
	for i, b := range blocks {
		where := fmt.Sprintf("blocks[%d]", i)
		if b == nil {
			c.errf("%s: nil block", where)
			continue
		}
		if id := b.ID(); id != "" {
			c.id(where+".block_id", id)
			if seen[id] {
				c.errf("%s.block_id: %q is used twice", where, id)
			}
			seen[id] = true
		}
		c.block(where, b)
	}
}

func (c *checker) block(where string, b slack.Block) {
	switch b := b.(type) {
	case *slack.SectionBlock:
		if b.Text == nil && len(b.Fields) == 0 {
			c.errf("%s: section without text or fields", where)
		}
		if b.Text != nil {
			c.text(where+".text", b.Text, limitSectionText)
		}
		if len(b.Fields) > limitFields {
			c.errf("%s.fields: %d, max %d", where, len(b.Fields), limitFields)
		}
		for i, f := range b.Fields {
			c.text(fmt.Sprintf("%s.fields[%d]", where, i), f, limitFieldText)
		}
		if b.Accessory != nil {
			c.accessory(where+".accessory", b.Accessory)
		}
	case *slack.ContextBlock:
		els := b.ContextElements.Elements
		if len(els) == 0 || len(els) > limitContextEls {
			c.errf("%s.elements: %d, want 1 to %d", where, len(els), limitContextEls)
		}
		for i, e := range els {
			ew := fmt.Sprintf("%s.elements[%d]", where, i)
			switch e := e.(type) {
			case *slack.TextBlockObject:
				c.text(ew, e, limitContextText)
			case *slack.ImageBlockElement:
			default:
				c.errf("%s: unsupported context element %T", ew, e)
			}
		}
	case *slack.ActionBlock:
		if b.Elements == nil || len(b.Elements.ElementSet) == 0 {
			c.errf("%s.elements: none", where)
			return
		}
		if n := len(b.Elements.ElementSet); n > limitActionEls {
			c.errf("%s.elements: %d, max %d", where, n, limitActionEls)
		}
		seen := map[string]bool{}
		for i, e := range b.Elements.ElementSet {
			ew := fmt.Sprintf("%s.elements[%d]", where, i)
			if id := actionID(e); id != "" {
				if seen[id] {
					c.errf("%s.action_id: %q is used twice in the block", ew, id)
				}
				seen[id] = true
			}
			c.element(ew, e)
		}
	case *slack.HeaderBlock:
		if b.Text == nil || b.Text.Type != slack.PlainTextType {
			c.errf("%s.text: a header needs plain_text", where)
		}
		c.text(where+".text", b.Text, limitHeader)
	case *slack.DividerBlock:
	case *slack.InputBlock:
		c.plainText(where+".label", b.Label, limitLabel)
		if b.Label == nil {
			c.errf("%s.label: missing", where)
		}
		c.plainText(where+".hint", b.Hint, limitHint)
		if b.Element == nil {
			c.errf("%s.element: missing", where)
			return
		}
		c.element(where+".element", b.Element)
	default:
		c.errf("%s: unsupported block %T", where, b)
	}
}

func (c *checker) accessory(where string, a *slack.Accessory) {
	switch {
	case a.ButtonElement != nil:
		c.element(where, a.ButtonElement)
	case a.OverflowElement != nil:
		c.element(where, a.OverflowElement)
	case a.SelectElement != nil:
		c.element(where, a.SelectElement)
	case a.ImageElement != nil:
	default:
		c.errf("%s: unsupported accessory", where)
	}
}

func actionID(e slack.BlockElement) string {
	switch e := e.(type) {
	case *slack.ButtonBlockElement:
		return e.ActionID
	case *slack.OverflowBlockElement:
		return e.ActionID
	case *slack.SelectBlockElement:
		return e.ActionID
	case *slack.MultiSelectBlockElement:
		return e.ActionID
	case *slack.PlainTextInputBlockElement:
		return e.ActionID
	case *slack.RadioButtonsBlockElement:
		return e.ActionID
	}
	return ""
}

func (c *checker) element(where string, e slack.BlockElement) {
	c.id(where+".action_id", actionID(e))
	switch e := e.(type) {
	case *slack.ButtonBlockElement:
		c.plainText(where+".text", e.Text, limitButtonText)
		if e.Text == nil {
			c.errf("%s.text: missing", where)
		}
		if n := utf8.RuneCountInString(e.Value); n > limitButtonValue {
			c.errf("%s.value: %d characters, max %d", where, n, limitButtonValue)
		}
		if e.Style != "" && e.Style != slack.StylePrimary && e.Style != slack.StyleDanger {
			c.errf("%s.style: %q", where, e.Style)
		}
		c.confirm(where+".confirm", e.Confirm)
	case *slack.OverflowBlockElement:
		if n := len(e.Options); n == 0 || n > limitOverflowOpts {
			c.errf("%s.options: %d, want 1 to %d", where, n, limitOverflowOpts)
		}
		c.options(where, e.Options, true)
		c.confirm(where+".confirm", e.Confirm)
	case *slack.SelectBlockElement:
		c.plainText(where+".placeholder", e.Placeholder, limitPlaceholder)
		if e.Type == slack.OptTypeStatic {
			if n := len(e.Options); n == 0 || n > limitOptions {
				c.errf("%s.options: %d, want 1 to %d", where, n, limitOptions)
			}
		}
		c.options(where, e.Options, true)
		if e.InitialOption != nil {
			c.options(where+".initial_option", []*slack.OptionBlockObject{e.InitialOption}, true)
		}
		c.confirm(where+".confirm", e.Confirm)
	case *slack.MultiSelectBlockElement:
		c.plainText(where+".placeholder", e.Placeholder, limitPlaceholder)
		if len(e.Options) > limitOptions {
			c.errf("%s.options: %d, max %d", where, len(e.Options), limitOptions)
		}
		c.options(where, e.Options, true)
		if e.MaxSelectedItems != nil && (*e.MaxSelectedItems < 1 || *e.MaxSelectedItems > limitMaxSelected) {
			c.errf("%s.max_selected_items: %d", where, *e.MaxSelectedItems)
		}
		c.confirm(where+".confirm", e.Confirm)
	case *slack.PlainTextInputBlockElement:
		c.plainText(where+".placeholder", e.Placeholder, limitPlaceholder)
		if e.MaxLength < 0 || e.MaxLength > limitInputMax {
			c.errf("%s.max_length: %d, want 1 to %d", where, e.MaxLength, limitInputMax)
		}
		if e.MinLength < 0 || e.MinLength > limitInputMax || (e.MaxLength > 0 && e.MinLength > e.MaxLength) {
			c.errf("%s.min_length: %d", where, e.MinLength)
		}
		if n := utf8.RuneCountInString(e.InitialValue); e.MaxLength > 0 && n > e.MaxLength {
			c.errf("%s.initial_value: %d characters, max_length %d", where, n, e.MaxLength)
		}
	case *slack.RadioButtonsBlockElement:
		if n := len(e.Options); n == 0 || n > 10 {
			c.errf("%s.options: %d, want 1 to 10", where, n)
		}
		c.options(where, e.Options, false)
		if e.InitialOption != nil {
			c.options(where+".initial_option", []*slack.OptionBlockObject{e.InitialOption}, false)
		}
	default:
		c.errf("%s: unsupported element %T", where, e)
	}
}

// options checks option objects; plainOnly is set where mrkdwn is refused.
func (c *checker) options(where string, opts []*slack.OptionBlockObject, plainOnly bool) {
	seen := map[string]bool{}
	for i, o := range opts {
		ow := fmt.Sprintf("%s.options[%d]", where, i)
		if o == nil {
			c.errf("%s: nil option", ow)
			continue
		}
		if plainOnly && o.Text != nil {
			c.plainText(ow+".text", o.Text, limitOptionText)
		} else {
			c.text(ow+".text", o.Text, limitOptionText)
		}
		if o.Description != nil {
			c.text(ow+".description", o.Description, limitOptionDesc)
		}
		switch n := utf8.RuneCountInString(o.Value); {
		case n == 0:
			c.errf("%s.value: empty", ow)
		case n > limitOptionValue:
			c.errf("%s.value: %d characters, max %d", ow, n, limitOptionValue)
		}
		if seen[o.Value] {
			c.errf("%s.value: %q is used twice", ow, o.Value)
		}
		seen[o.Value] = true
	}
}

func (c *checker) confirm(where string, cf *slack.ConfirmationBlockObject) {
	if cf == nil {
		return
	}
	c.plainText(where+".title", cf.Title, limitConfirmTitle)
	c.text(where+".text", cf.Text, limitConfirmText)
	c.plainText(where+".confirm", cf.Confirm, limitConfirmButton)
	c.plainText(where+".deny", cf.Deny, limitConfirmButton)
	if cf.Title == nil || cf.Confirm == nil {
		c.errf("%s: needs title, text and confirm", where)
	}
}

// CheckHome reports every way v breaks the limits of a Home tab view: type
// home, at most 100 blocks each within its limits, private_metadata 3000,
// callback_id 255, and at most 250 kB of JSON.
func CheckHome(v slack.HomeTabViewRequest) error {
	var c checker
	if v.Type != slack.VTHomeTab {
		c.errf("type: %q, want %q", v.Type, slack.VTHomeTab)
	}
	if n := len(v.PrivateMetadata); n > limitMetadata {
		c.errf("private_metadata: %d characters, max %d", n, limitMetadata)
	}
	c.id("callback_id", v.CallbackID)
	c.id("external_id", v.ExternalID)
	c.blocks(v.Blocks.BlockSet, limitModalBlocks)
	if raw, err := json.Marshal(v); err != nil {
		c.errf("json: %v", err)
	} else if len(raw) > limitViewJSONBytes {
		c.errf("json: %d bytes, max %d", len(raw), limitViewJSONBytes)
	}
	return c.err()
}
