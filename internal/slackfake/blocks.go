package slackfake

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Block Kit limits the fake enforces (a subset of Slack's; see doc.go).
const (
	maxMessageBlocks = 50
	maxViewBlocks    = 100
	maxSectionText   = 3000
	maxFields        = 10
	maxFieldText     = 2000
	maxHeaderText    = 150
	maxContextElems  = 10
	maxActionsElems  = 25
	maxButtonText    = 75
	maxButtonValue   = 2000
	maxOptions       = 100
	maxOptionText    = 75
	maxOptionValue   = 150
	maxID            = 255
	maxViewTitle     = 24
	maxMetadata      = 3000
)

// checkBlocks returns Slack-style problem messages ("[ERROR] … [json-pointer:/blocks/0/text/text]")
// for a list of blocks.
func checkBlocks(raw json.RawMessage, maxBlocks int, at string) []string {
	var blocks []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return []string{fmt.Sprintf("[ERROR] must be an array of block objects [json-pointer:%s]", at)}
	}
	c := &checker{}
	if len(blocks) > maxBlocks {
		c.errf(at, "no more than %d items allowed", maxBlocks)
	}
	ids := map[string]bool{}
	for i, b := range blocks {
		where := fmt.Sprintf("%s/%d", at, i)
		typ := str(b["type"])
		if typ == "" {
			c.errf(where, "missing required field: type")
			continue
		}
		if id := str(b["block_id"]); id != "" {
			c.maxLen(where+"/block_id", id, maxID)
			if ids[id] {
				c.errf(where+"/block_id", "duplicate block_id %q", id)
			}
			ids[id] = true
		}
		switch typ {
		case "section":
			c.text(where+"/text", b["text"], maxSectionText)
			var fields []json.RawMessage
			_ = json.Unmarshal(b["fields"], &fields)
			if len(fields) > maxFields {
				c.errf(where+"/fields", "no more than %d items allowed", maxFields)
			}
			for j, f := range fields {
				c.text(fmt.Sprintf("%s/fields/%d", where, j), f, maxFieldText)
			}
			if b["accessory"] != nil {
				c.element(where+"/accessory", b["accessory"])
			}
		case "header":
			c.text(where+"/text", b["text"], maxHeaderText)
		case "context":
			var els []json.RawMessage
			_ = json.Unmarshal(b["elements"], &els)
			if len(els) > maxContextElems {
				c.errf(where+"/elements", "no more than %d items allowed", maxContextElems)
			}
		case "actions":
			var els []json.RawMessage
			_ = json.Unmarshal(b["elements"], &els)
			if len(els) > maxActionsElems {
				c.errf(where+"/elements", "no more than %d items allowed", maxActionsElems)
			}
			for j, e := range els {
				c.element(fmt.Sprintf("%s/elements/%d", where, j), e)
			}
		case "input":
			c.element(where+"/element", b["element"])
		}
	}
	return c.problems
}

// checker collects problems.
type checker struct{ problems []string }

func (c *checker) errf(at, format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf("[ERROR] %s [json-pointer:%s]", fmt.Sprintf(format, args...), at))
}

func (c *checker) maxLen(at, s string, limit int) {
	if utf8.RuneCountInString(s) > limit {
		c.errf(at, "must be less than %d characters", limit+1)
	}
}

// text checks a text object's text.
func (c *checker) text(at string, raw json.RawMessage, limit int) {
	if raw == nil {
		return
	}
	var t struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal(raw, &t)
	c.maxLen(at+"/text", t.Text, limit)
}

// element checks a button, menu or input element.
func (c *checker) element(at string, raw json.RawMessage) {
	var e struct {
		Type     string            `json:"type"`
		ActionID string            `json:"action_id"`
		Text     json.RawMessage   `json:"text"`
		Value    string            `json:"value"`
		Options  []json.RawMessage `json:"options"`
	}
	if json.Unmarshal(raw, &e) != nil {
		return
	}
	c.maxLen(at+"/action_id", e.ActionID, maxID)
	if e.Type == "button" {
		c.text(at+"/text", e.Text, maxButtonText)
		c.maxLen(at+"/value", e.Value, maxButtonValue)
	}
	if len(e.Options) > maxOptions {
		c.errf(at+"/options", "no more than %d items allowed", maxOptions)
	}
	for i, o := range e.Options {
		var opt struct {
			Text  json.RawMessage `json:"text"`
			Value string          `json:"value"`
		}
		_ = json.Unmarshal(o, &opt)
		c.text(fmt.Sprintf("%s/options/%d/text", at, i), opt.Text, maxOptionText)
		c.maxLen(fmt.Sprintf("%s/options/%d/value", at, i), opt.Value, maxOptionValue)
	}
}

// str reads a JSON string ("" for anything else).
func str(raw json.RawMessage) string {
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}
