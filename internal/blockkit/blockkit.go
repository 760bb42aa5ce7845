// Package blockkit checks Block Kit JSON against Slack's limits and rules: one checker for the
// fake Slack (which refuses invalid blocks the way Slack does, with invalid_blocks or
// invalid_arguments and Slack-style messages) and for the tests of bot/compose (which check
// every message and view the bot builds).
//
// The limits are from Slack's Block Kit reference (characters are counted as runes):
//   - blocks: https://docs.slack.dev/reference/block-kit/blocks (50 blocks per message, 100
//     per modal or Home tab; block_id 255; section text 3000, text or fields required, fields
//     10 of 2000; header plain_text 150; context 1 to 10 elements; actions 1 to 25 elements;
//     input label and hint plain_text 2000).
//   - elements: https://docs.slack.dev/reference/block-kit/block-elements (action_id 255,
//     unique within its block; button plain_text 75, value 2000, style primary or danger;
//     overflow 1 to 5 options; static select 1 to 100 options; placeholder 150; plain-text
//     input max_length and min_length up to 3000; radio buttons 1 to 10 options;
//     max_selected_items at least 1).
//   - composition objects: https://docs.slack.dev/reference/block-kit/composition-objects
//     (text objects plain_text or mrkdwn, at least 1 character; option text 75, value 150,
//     description 75; confirmation dialog title 100, text 300, confirm and deny 30).
//   - views: https://docs.slack.dev/reference/views (type; modal title, submit and close
//     plain_text 24, title required, submit required when the view has an input block;
//     private_metadata 3000; callback_id and external_id 255) and views.open's view_too_large.
package blockkit

import (
	"encoding/json"
	"fmt"
	"path"
	"unicode/utf8"
)

// Slack's Block Kit limits (see the package comment for where each is documented).
const (
	MaxMessageBlocks = 50
	MaxViewBlocks    = 100
	MaxSectionText   = 3000
	MaxFields        = 10
	MaxFieldText     = 2000
	MaxHeaderText    = 150
	MaxContextElems  = 10
	MaxContextText   = 3000
	MaxActionsElems  = 25
	MaxButtonText    = 75
	MaxButtonValue   = 2000
	MaxOptions       = 100
	MaxOverflowOpts  = 5
	MaxRadioOptions  = 10
	MaxOptionText    = 75
	MaxOptionValue   = 150
	MaxOptionDesc    = 75
	MaxID            = 255
	MaxLabel         = 2000
	MaxHint          = 2000
	MaxPlaceholder   = 150
	MaxInputLength   = 3000
	MaxConfirmTitle  = 100
	MaxConfirmText   = 300
	MaxConfirmButton = 30
	MaxSelectedItems = 100
	MaxViewTitle     = 24
	MaxMetadata      = 3000
	MaxViewJSONBytes = 250_000 // "250 kB"; the stricter reading of it (not 250×1024)
)

// Problem is one way a payload breaks a rule, at a JSON pointer into the request.
type Problem struct {
	Pointer string // e.g. "/blocks/0/text/text"
	Message string // in Slack's words, e.g. "must be less than 3001 characters"
}

// String renders p as Slack does in response_metadata.messages:
// "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]".
func (p Problem) String() string {
	return fmt.Sprintf("[ERROR] %s [json-pointer:%s]", p.Message, p.Pointer)
}

// Error makes a Problem an error.
func (p Problem) Error() string { return p.String() }

// Strings renders problems as Slack's messages.
func Strings(ps []Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// Mode says how a checker treats what it does not know.
type Mode int

const (
	// Lenient accepts block and element types the checker does not look into (image, video,
	// rich_text, datepicker…), checking only their IDs: what the fake Slack does, since Slack
	// takes them.
	Lenient Mode = iota
	// Strict reports every block or element type the checker does not check in full, so that
	// a builder's test cannot pass unchecked content: what bot/compose's tests use.
	Strict
)

// Blocks checks a JSON array of blocks of a surface holding at most maxBlocks, at pointer at
// ("/blocks" for a message, "/view/blocks" for a view).
func Blocks(raw json.RawMessage, maxBlocks int, at string, mode Mode) []Problem {
	c := &checker{mode: mode}
	c.blocks(raw, maxBlocks, at)
	return c.problems
}

// View checks a JSON view object of type wantType ("modal" or "home") at pointer at ("/view"):
// its type, blocks, modal title, submit and close, private_metadata, callback_id and
// external_id. Its size is for the caller (MaxViewJSONBytes; Slack answers view_too_large).
func View(fields map[string]json.RawMessage, wantType, at string, mode Mode) []Problem {
	c := &checker{mode: mode}
	if typ := str(fields["type"]); typ != wantType {
		c.errf(at+"/type", "must be %q, not %q", wantType, typ)
	}
	if fields["blocks"] == nil {
		c.errf(at+"/blocks", "missing required field: blocks")
	} else {
		c.blocks(fields["blocks"], MaxViewBlocks, at+"/blocks")
	}
	if wantType == "modal" {
		if fields["title"] == nil {
			c.errf(at+"/title", "missing required field: title")
		}
		for _, k := range []string{"title", "submit", "close"} {
			c.text(at+"/"+k, fields[k], MaxViewTitle, plainOnly, optional)
		}
		if fields["submit"] == nil && hasInput(fields["blocks"]) {
			c.errf(at+"/submit", "missing required field: submit (the view has an input block)")
		}
	}
	c.maxLen(at+"/private_metadata", str(fields["private_metadata"]), MaxMetadata)
	c.maxLen(at+"/callback_id", str(fields["callback_id"]), MaxID)
	c.maxLen(at+"/external_id", str(fields["external_id"]), MaxID)
	return c.problems
}

// hasInput says whether a JSON array of blocks holds an input block.
func hasInput(raw json.RawMessage) bool {
	var blocks []struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(raw, &blocks)
	for _, b := range blocks {
		if b.Type == "input" {
			return true
		}
	}
	return false
}

// checker collects problems.
type checker struct {
	mode     Mode
	problems []Problem
}

func (c *checker) errf(at, format string, args ...any) {
	c.problems = append(c.problems, Problem{Pointer: at, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) maxLen(at, s string, limit int) {
	if utf8.RuneCountInString(s) > limit {
		c.errf(at, "must be less than %d characters", limit+1)
	}
}

// count checks the length of a list against lo..hi.
func (c *checker) count(at string, n, lo, hi int) {
	switch {
	case n > hi:
		c.errf(at, "no more than %d items allowed", hi)
	case n < lo:
		c.errf(at, "must provide at least %d items", lo)
	}
}

func (c *checker) unsupported(at, what, typ string) {
	if c.mode == Strict {
		c.errf(at, "unsupported %s type %q (not checked by blockkit)", what, typ)
	}
}

// Text object rules.
const (
	anyText   = false
	plainOnly = true
	optional  = false
	required  = true
)

// text checks a text object: a known type, not empty, within limit.
func (c *checker) text(at string, raw json.RawMessage, limit int, plain, needed bool) {
	if raw == nil || string(raw) == "null" {
		if needed {
			c.errf(at, "missing required field: %s", path.Base(at))
		}
		return
	}
	var t struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &t) != nil {
		c.errf(at, "must be a text object")
		return
	}
	switch {
	case plain && t.Type != "plain_text":
		c.errf(at+"/type", "must be plain_text, not %q", t.Type)
	case t.Type != "plain_text" && t.Type != "mrkdwn":
		c.errf(at+"/type", "must be plain_text or mrkdwn, not %q", t.Type)
	}
	if t.Text == "" {
		c.errf(at+"/text", "must be more than 0 characters")
	}
	c.maxLen(at+"/text", t.Text, limit)
}

func (c *checker) blocks(raw json.RawMessage, maxBlocks int, at string) {
	var blocks []json.RawMessage
	if err := json.Unmarshal(raw, &blocks); err != nil {
		c.errf(at, "must be an array of block objects")
		return
	}
	if len(blocks) > maxBlocks {
		c.errf(at, "no more than %d items allowed", maxBlocks)
	}
	ids := map[string]bool{}
	for i, braw := range blocks {
		where := fmt.Sprintf("%s/%d", at, i)
		var b map[string]json.RawMessage
		if json.Unmarshal(braw, &b) != nil || b == nil {
			c.errf(where, "must be a block object")
			continue
		}
		typ := str(b["type"])
		if typ == "" {
			c.errf(where, "missing required field: type")
			continue
		}
		if id := str(b["block_id"]); id != "" {
			c.maxLen(where+"/block_id", id, MaxID)
			if ids[id] {
				c.errf(where+"/block_id", "duplicate block_id %q", id)
			}
			ids[id] = true
		}
		c.block(where, typ, b)
	}
}

func (c *checker) block(where, typ string, b map[string]json.RawMessage) {
	switch typ {
	case "section":
		fields := list(b["fields"])
		if b["text"] == nil && len(fields) == 0 {
			c.errf(where, "must provide either text or fields")
		}
		c.text(where+"/text", b["text"], MaxSectionText, anyText, optional)
		c.count(where+"/fields", len(fields), 0, MaxFields)
		for j, f := range fields {
			c.text(fmt.Sprintf("%s/fields/%d", where, j), f, MaxFieldText, anyText, required)
		}
		if b["accessory"] != nil {
			c.element(where+"/accessory", b["accessory"])
		}
	case "header":
		c.text(where+"/text", b["text"], MaxHeaderText, plainOnly, required)
	case "context":
		els := list(b["elements"])
		c.count(where+"/elements", len(els), 1, MaxContextElems)
		for j, e := range els {
			ew := fmt.Sprintf("%s/elements/%d", where, j)
			switch et := str(field(e, "type")); et {
			case "plain_text", "mrkdwn":
				c.text(ew, e, MaxContextText, anyText, required)
			case "image":
			default:
				c.unsupported(ew, "context element", et)
			}
		}
	case "actions":
		els := list(b["elements"])
		c.count(where+"/elements", len(els), 1, MaxActionsElems)
		seen := map[string]bool{}
		for j, e := range els {
			ew := fmt.Sprintf("%s/elements/%d", where, j)
			if id := str(field(e, "action_id")); id != "" {
				if seen[id] {
					c.errf(ew+"/action_id", "duplicate action_id %q in the block", id)
				}
				seen[id] = true
			}
			c.element(ew, e)
		}
	case "divider":
	case "input":
		if b["label"] == nil {
			c.errf(where+"/label", "missing required field: label")
		}
		c.text(where+"/label", b["label"], MaxLabel, plainOnly, optional)
		c.text(where+"/hint", b["hint"], MaxHint, plainOnly, optional)
		if b["element"] == nil {
			c.errf(where+"/element", "missing required field: element")
			return
		}
		c.element(where+"/element", b["element"])
	default:
		c.unsupported(where, "block", typ)
	}
}

// element checks a button, menu, input or other interactive element.
func (c *checker) element(at string, raw json.RawMessage) {
	var e struct {
		Type             string            `json:"type"`
		ActionID         string            `json:"action_id"`
		Text             json.RawMessage   `json:"text"`
		Value            string            `json:"value"`
		Style            string            `json:"style"`
		Placeholder      json.RawMessage   `json:"placeholder"`
		Options          []json.RawMessage `json:"options"`
		InitialOption    json.RawMessage   `json:"initial_option"`
		Confirm          json.RawMessage   `json:"confirm"`
		MaxSelectedItems *int              `json:"max_selected_items"`
		MaxLength        int               `json:"max_length"`
		MinLength        int               `json:"min_length"`
		InitialValue     string            `json:"initial_value"`
	}
	if json.Unmarshal(raw, &e) != nil {
		c.errf(at, "must be an element object")
		return
	}
	c.maxLen(at+"/action_id", e.ActionID, MaxID)
	initial := func(plain bool) {
		if e.InitialOption != nil {
			c.options(at+"/initial_option", []json.RawMessage{e.InitialOption}, plain)
		}
	}
	switch e.Type {
	case "button":
		c.text(at+"/text", e.Text, MaxButtonText, plainOnly, required)
		c.maxLen(at+"/value", e.Value, MaxButtonValue)
		if e.Style != "" && e.Style != "primary" && e.Style != "danger" {
			c.errf(at+"/style", "must be one of primary, danger, not %q", e.Style)
		}
		c.confirm(at+"/confirm", e.Confirm)
	case "overflow":
		c.count(at+"/options", len(e.Options), 1, MaxOverflowOpts)
		c.options(at+"/options", e.Options, plainOnly)
		c.confirm(at+"/confirm", e.Confirm)
	case "static_select", "external_select", "users_select", "conversations_select", "channels_select":
		c.text(at+"/placeholder", e.Placeholder, MaxPlaceholder, plainOnly, optional)
		lo := 0
		if e.Type == "static_select" {
			lo = 1
		}
		c.count(at+"/options", len(e.Options), lo, MaxOptions)
		c.options(at+"/options", e.Options, plainOnly)
		initial(plainOnly)
		c.confirm(at+"/confirm", e.Confirm)
	case "multi_static_select", "multi_external_select", "multi_users_select", "multi_conversations_select", "multi_channels_select":
		c.text(at+"/placeholder", e.Placeholder, MaxPlaceholder, plainOnly, optional)
		c.count(at+"/options", len(e.Options), 0, MaxOptions)
		c.options(at+"/options", e.Options, plainOnly)
		if n := e.MaxSelectedItems; n != nil && (*n < 1 || *n > MaxSelectedItems) {
			c.errf(at+"/max_selected_items", "must be between 1 and %d, not %d", MaxSelectedItems, *n)
		}
		c.confirm(at+"/confirm", e.Confirm)
	case "plain_text_input":
		c.text(at+"/placeholder", e.Placeholder, MaxPlaceholder, plainOnly, optional)
		if e.MaxLength < 0 || e.MaxLength > MaxInputLength {
			c.errf(at+"/max_length", "must be between 1 and %d, not %d", MaxInputLength, e.MaxLength)
		}
		if e.MinLength < 0 || e.MinLength > MaxInputLength || (e.MaxLength > 0 && e.MinLength > e.MaxLength) {
			c.errf(at+"/min_length", "must be between 0 and max_length, not %d", e.MinLength)
		}
		if n := utf8.RuneCountInString(e.InitialValue); e.MaxLength > 0 && n > e.MaxLength {
			c.errf(at+"/initial_value", "must be less than %d characters (max_length)", e.MaxLength+1)
		}
	case "radio_buttons":
		c.count(at+"/options", len(e.Options), 1, MaxRadioOptions)
		c.options(at+"/options", e.Options, anyText)
		initial(anyText)
	case "image":
	default:
		c.unsupported(at, "element", e.Type)
		// Whatever the element, Slack's option limits hold.
		c.count(at+"/options", len(e.Options), 0, MaxOptions)
		c.options(at+"/options", e.Options, anyText)
	}
}

// options checks option objects: text (plain_text only where plain is set) 75, value 1 to
// 150 and unique, description 75.
func (c *checker) options(at string, opts []json.RawMessage, plain bool) {
	seen := map[string]bool{}
	for i, raw := range opts {
		ow := fmt.Sprintf("%s/%d", at, i)
		var o struct {
			Text        json.RawMessage `json:"text"`
			Value       *string         `json:"value"`
			Description json.RawMessage `json:"description"`
		}
		if json.Unmarshal(raw, &o) != nil || string(raw) == "null" {
			c.errf(ow, "must be an option object")
			continue
		}
		c.text(ow+"/text", o.Text, MaxOptionText, plain, required)
		c.text(ow+"/description", o.Description, MaxOptionDesc, anyText, optional)
		value := ""
		if o.Value != nil {
			value = *o.Value
		}
		if value == "" {
			c.errf(ow+"/value", "must be more than 0 characters")
		}
		c.maxLen(ow+"/value", value, MaxOptionValue)
		if seen[value] {
			c.errf(ow+"/value", "duplicate option value %q", value)
		}
		seen[value] = true
	}
}

// confirm checks a confirmation dialog object.
func (c *checker) confirm(at string, raw json.RawMessage) {
	if raw == nil || string(raw) == "null" {
		return
	}
	var cf map[string]json.RawMessage
	if json.Unmarshal(raw, &cf) != nil {
		c.errf(at, "must be a confirmation object")
		return
	}
	c.text(at+"/title", cf["title"], MaxConfirmTitle, plainOnly, required)
	c.text(at+"/text", cf["text"], MaxConfirmText, anyText, required)
	c.text(at+"/confirm", cf["confirm"], MaxConfirmButton, plainOnly, required)
	c.text(at+"/deny", cf["deny"], MaxConfirmButton, plainOnly, optional)
}

// list reads a JSON array (nil for anything else).
func list(raw json.RawMessage) []json.RawMessage {
	var out []json.RawMessage
	_ = json.Unmarshal(raw, &out)
	return out
}

// field reads one field of a JSON object (nil if absent).
func field(raw json.RawMessage, name string) json.RawMessage {
	var m map[string]json.RawMessage
	_ = json.Unmarshal(raw, &m)
	return m[name]
}

// str reads a JSON string ("" for anything else).
func str(raw json.RawMessage) string {
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}
