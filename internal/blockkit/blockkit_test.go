package blockkit

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// j builds JSON from a Go value, for the tables.
func j(v any) json.RawMessage {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return raw
}

type m = map[string]any

func plain(s string) m  { return m{"type": "plain_text", "text": s} }
func mrkdwn(s string) m { return m{"type": "mrkdwn", "text": s} }
func section(s string) m {
	return m{"type": "section", "text": mrkdwn(s)}
}
func actions(els ...any) m { return m{"type": "actions", "elements": els} }
func button(id, text string) m {
	return m{"type": "button", "action_id": id, "text": plain(text)}
}
func opt(text, value string) m { return m{"text": plain(text), "value": value} }
func opts(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = opt("o", fmt.Sprint("v", i))
	}
	return out
}
func dividers(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = m{"type": "divider"}
	}
	return out
}
func long(n int) string { return strings.Repeat("x", n) }

func TestBlocks(t *testing.T) {
	tests := []struct {
		name   string
		blocks any
		max    int
		mode   Mode
		want   string // a whole problem ("" means none)
	}{
		{"valid", []any{section("hi")}, 50, Lenient, ""},
		{"not an array", m{"type": "section"}, 50, Lenient, "[ERROR] must be an array of block objects [json-pointer:/blocks]"},
		{"50 blocks", dividers(50), 50, Strict, ""},
		{"51 blocks", dividers(51), 50, Lenient, "[ERROR] no more than 50 items allowed [json-pointer:/blocks]"},
		{"100 blocks in a view", dividers(100), 100, Strict, ""},
		{"101 blocks in a view", dividers(101), 100, Strict, "[ERROR] no more than 100 items allowed [json-pointer:/blocks]"},
		{"null block", []any{nil}, 50, Lenient, "[ERROR] must be a block object [json-pointer:/blocks/0]"},
		{"no type", []any{m{"text": mrkdwn("x")}}, 50, Lenient, "[ERROR] missing required field: type [json-pointer:/blocks/0]"},
		{"long block_id", []any{m{"type": "divider", "block_id": long(256)}}, 50, Lenient, "[ERROR] must be less than 256 characters [json-pointer:/blocks/0/block_id]"},
		{"block_id 255 runes", []any{m{"type": "divider", "block_id": strings.Repeat("é", 255)}}, 50, Lenient, ""},
		{"duplicate block_id", []any{m{"type": "divider", "block_id": "a"}, m{"type": "divider", "block_id": "a"}}, 50, Lenient, `[ERROR] duplicate block_id "a" [json-pointer:/blocks/1/block_id]`},
		{"section text 3000 runes", []any{section(strings.Repeat("é", 3000))}, 50, Strict, ""},
		{"section text 3001", []any{section(long(3001))}, 50, Lenient, "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"},
		{"section empty text", []any{section("")}, 50, Lenient, "[ERROR] must be more than 0 characters [json-pointer:/blocks/0/text/text]"},
		{"section text type", []any{m{"type": "section", "text": m{"type": "html", "text": "x"}}}, 50, Lenient, `[ERROR] must be plain_text or mrkdwn, not "html" [json-pointer:/blocks/0/text/type]`},
		{"section without text or fields", []any{m{"type": "section"}}, 50, Lenient, "[ERROR] must provide either text or fields [json-pointer:/blocks/0]"},
		{"11 fields", []any{m{"type": "section", "fields": []any{mrkdwn("1"), mrkdwn("2"), mrkdwn("3"), mrkdwn("4"), mrkdwn("5"), mrkdwn("6"), mrkdwn("7"), mrkdwn("8"), mrkdwn("9"), mrkdwn("10"), mrkdwn("11")}}}, 50, Lenient, "[ERROR] no more than 10 items allowed [json-pointer:/blocks/0/fields]"},
		{"long field", []any{m{"type": "section", "fields": []any{mrkdwn(long(2001))}}}, 50, Lenient, "[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]"},
		{"section accessory", []any{m{"type": "section", "text": mrkdwn("x"), "accessory": button(long(256), "ok")}}, 50, Lenient, "[ERROR] must be less than 256 characters [json-pointer:/blocks/0/accessory/action_id]"},
		{"long header", []any{m{"type": "header", "text": plain(long(151))}}, 50, Lenient, "[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]"},
		{"mrkdwn header", []any{m{"type": "header", "text": mrkdwn("x")}}, 50, Lenient, `[ERROR] must be plain_text, not "mrkdwn" [json-pointer:/blocks/0/text/type]`},
		{"header without text", []any{m{"type": "header"}}, 50, Lenient, "[ERROR] missing required field: text [json-pointer:/blocks/0/text]"},
		{"11 context elements", []any{m{"type": "context", "elements": []any{mrkdwn("1"), mrkdwn("2"), mrkdwn("3"), mrkdwn("4"), mrkdwn("5"), mrkdwn("6"), mrkdwn("7"), mrkdwn("8"), mrkdwn("9"), mrkdwn("10"), mrkdwn("11")}}}, 50, Lenient, "[ERROR] no more than 10 items allowed [json-pointer:/blocks/0/elements]"},
		{"empty context", []any{m{"type": "context", "elements": []any{}}}, 50, Lenient, "[ERROR] must provide at least 1 items [json-pointer:/blocks/0/elements]"},
		{"long context text", []any{m{"type": "context", "elements": []any{mrkdwn(long(3001))}}}, 50, Lenient, "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/elements/0/text]"},
		{"26 actions", []any{actions(func() []any {
			out := make([]any, 26)
			for i := range out {
				out[i] = button(fmt.Sprint("b", i), "ok")
			}
			return out
		}()...)}, 50, Lenient, "[ERROR] no more than 25 items allowed [json-pointer:/blocks/0/elements]"},
		{"empty actions", []any{actions()}, 50, Lenient, "[ERROR] must provide at least 1 items [json-pointer:/blocks/0/elements]"},
		{"duplicate action_id", []any{actions(button("b", "1"), button("b", "2"))}, 50, Lenient, `[ERROR] duplicate action_id "b" in the block [json-pointer:/blocks/0/elements/1/action_id]`},
		{"long action_id", []any{actions(button(long(256), "ok"))}, 50, Lenient, "[ERROR] must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]"},
		{"long button text", []any{actions(button("b", long(76)))}, 50, Lenient, "[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"},
		{"mrkdwn button", []any{actions(m{"type": "button", "action_id": "b", "text": mrkdwn("ok")})}, 50, Lenient, `[ERROR] must be plain_text, not "mrkdwn" [json-pointer:/blocks/0/elements/0/text/type]`},
		{"long button value", []any{actions(m{"type": "button", "action_id": "b", "text": plain("ok"), "value": long(2001)})}, 50, Lenient, "[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]"},
		{"button style", []any{actions(m{"type": "button", "action_id": "b", "text": plain("ok"), "style": "fancy"})}, 50, Lenient, `[ERROR] must be one of primary, danger, not "fancy" [json-pointer:/blocks/0/elements/0/style]`},
		{"6 overflow options", []any{actions(m{"type": "overflow", "action_id": "o", "options": opts(6)})}, 50, Lenient, "[ERROR] no more than 5 items allowed [json-pointer:/blocks/0/elements/0/options]"},
		{"100 select options", []any{actions(m{"type": "static_select", "action_id": "s", "options": opts(100)})}, 50, Strict, ""},
		{"101 select options", []any{actions(m{"type": "static_select", "action_id": "s", "options": opts(101)})}, 50, Lenient, "[ERROR] no more than 100 items allowed [json-pointer:/blocks/0/elements/0/options]"},
		{"static select without options", []any{actions(m{"type": "static_select", "action_id": "s", "options": []any{}})}, 50, Lenient, "[ERROR] must provide at least 1 items [json-pointer:/blocks/0/elements/0/options]"},
		{"101 options of an unknown element", []any{actions(m{"type": "checkboxes", "action_id": "c", "options": opts(101)})}, 50, Lenient, "[ERROR] no more than 100 items allowed [json-pointer:/blocks/0/elements/0/options]"},
		{"long placeholder", []any{actions(m{"type": "users_select", "action_id": "u", "placeholder": plain(long(151))})}, 50, Lenient, "[ERROR] must be less than 151 characters [json-pointer:/blocks/0/elements/0/placeholder/text]"},
		{"long option text", []any{actions(m{"type": "overflow", "action_id": "o", "options": []any{opt(long(76), "v")}})}, 50, Lenient, "[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/options/0/text/text]"},
		{"long option value", []any{actions(m{"type": "overflow", "action_id": "o", "options": []any{opt("t", long(151))}})}, 50, Lenient, "[ERROR] must be less than 151 characters [json-pointer:/blocks/0/elements/0/options/0/value]"},
		{"empty option value", []any{actions(m{"type": "overflow", "action_id": "o", "options": []any{opt("t", "")}})}, 50, Lenient, "[ERROR] must be more than 0 characters [json-pointer:/blocks/0/elements/0/options/0/value]"},
		{"duplicate option value", []any{actions(m{"type": "overflow", "action_id": "o", "options": []any{opt("a", "v"), opt("b", "v")}})}, 50, Lenient, `[ERROR] duplicate option value "v" [json-pointer:/blocks/0/elements/0/options/1/value]`},
		{"long option description", []any{actions(m{"type": "radio_buttons", "action_id": "r", "options": []any{m{"text": mrkdwn("a"), "value": "v", "description": plain(long(76))}}})}, 50, Lenient, "[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/options/0/description/text]"},
		{"11 radio buttons", []any{actions(m{"type": "radio_buttons", "action_id": "r", "options": opts(11)})}, 50, Lenient, "[ERROR] no more than 10 items allowed [json-pointer:/blocks/0/elements/0/options]"},
		{"max_selected_items", []any{actions(m{"type": "multi_static_select", "action_id": "s", "options": opts(2), "max_selected_items": 0})}, 50, Lenient, "[ERROR] must be between 1 and 100, not 0 [json-pointer:/blocks/0/elements/0/max_selected_items]"},
		{"long confirm text", []any{actions(m{"type": "button", "action_id": "b", "text": plain("ok"),
			"confirm": m{"title": plain("t"), "text": mrkdwn(long(301)), "confirm": plain("y"), "deny": plain("n")}})}, 50, Lenient, "[ERROR] must be less than 301 characters [json-pointer:/blocks/0/elements/0/confirm/text/text]"},
		{"confirm without title", []any{actions(m{"type": "button", "action_id": "b", "text": plain("ok"),
			"confirm": m{"text": mrkdwn("sure?"), "confirm": plain("y")}})}, 50, Lenient, "[ERROR] missing required field: title [json-pointer:/blocks/0/elements/0/confirm/title]"},
		{"input without label", []any{m{"type": "input", "element": m{"type": "plain_text_input", "action_id": "a"}}}, 100, Lenient, "[ERROR] missing required field: label [json-pointer:/blocks/0/label]"},
		{"long input label", []any{m{"type": "input", "label": plain(long(2001)), "element": m{"type": "plain_text_input", "action_id": "a"}}}, 100, Lenient, "[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/label/text]"},
		{"long input hint", []any{m{"type": "input", "label": plain("l"), "hint": plain(long(2001)), "element": m{"type": "plain_text_input", "action_id": "a"}}}, 100, Lenient, "[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/hint/text]"},
		{"input without element", []any{m{"type": "input", "label": plain("l")}}, 100, Lenient, "[ERROR] missing required field: element [json-pointer:/blocks/0/element]"},
		{"input max_length", []any{m{"type": "input", "label": plain("l"), "element": m{"type": "plain_text_input", "action_id": "a", "max_length": 3001}}}, 100, Lenient, "[ERROR] must be between 1 and 3000, not 3001 [json-pointer:/blocks/0/element/max_length]"},
		{"input min_length", []any{m{"type": "input", "label": plain("l"), "element": m{"type": "plain_text_input", "action_id": "a", "max_length": 5, "min_length": 6}}}, 100, Lenient, "[ERROR] must be between 0 and max_length, not 6 [json-pointer:/blocks/0/element/min_length]"},
		{"input initial_value", []any{m{"type": "input", "label": plain("l"), "element": m{"type": "plain_text_input", "action_id": "a", "max_length": 2, "initial_value": "abc"}}}, 100, Lenient, "[ERROR] must be less than 3 characters (max_length) [json-pointer:/blocks/0/element/initial_value]"},
		{"image block, lenient", []any{m{"type": "image", "image_url": "https://example.com/a.png", "alt_text": "a"}}, 50, Lenient, ""},
		{"image block, strict", []any{m{"type": "image", "image_url": "https://example.com/a.png", "alt_text": "a"}}, 50, Strict, `[ERROR] unsupported block type "image" (not checked by blockkit) [json-pointer:/blocks/0]`},
		{"datepicker, strict", []any{actions(m{"type": "datepicker", "action_id": "d"})}, 50, Strict, `[ERROR] unsupported element type "datepicker" (not checked by blockkit) [json-pointer:/blocks/0/elements/0]`},
		{"datepicker, lenient", []any{actions(m{"type": "datepicker", "action_id": "d"})}, 50, Lenient, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantProblem(t, "Blocks", Blocks(j(tt.blocks), tt.max, "/blocks", tt.mode), tt.want)
		})
	}
}

func TestView(t *testing.T) {
	input := m{"type": "input", "label": plain("l"), "element": m{"type": "plain_text_input", "action_id": "a"}}
	modal := func(change func(m)) map[string]json.RawMessage {
		v := m{"type": "modal", "title": plain("Title"), "submit": plain("Save"), "close": plain("Cancel"),
			"blocks": []any{input}, "callback_id": "cb", "private_metadata": "{}"}
		change(v)
		fields := map[string]json.RawMessage{}
		for k, val := range v {
			fields[k] = j(val)
		}
		return fields
	}
	tests := []struct {
		name   string
		view   map[string]json.RawMessage
		wantTy string
		want   string
	}{
		{"valid", modal(func(m) {}), "modal", ""},
		{"home", modal(func(v m) { v["type"] = "home"; delete(v, "title"); delete(v, "submit"); delete(v, "close") }), "home", ""},
		{"wrong type", modal(func(v m) { v["type"] = "home" }), "modal", `[ERROR] must be "modal", not "home" [json-pointer:/view/type]`},
		{"no blocks", modal(func(v m) { delete(v, "blocks") }), "modal", "[ERROR] missing required field: blocks [json-pointer:/view/blocks]"},
		{"101 blocks", modal(func(v m) { v["blocks"] = dividers(101) }), "modal", "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]"},
		{"no title", modal(func(v m) { delete(v, "title") }), "modal", "[ERROR] missing required field: title [json-pointer:/view/title]"},
		{"long title", modal(func(v m) { v["title"] = plain(long(25)) }), "modal", "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"},
		{"mrkdwn title", modal(func(v m) { v["title"] = mrkdwn("Hi") }), "modal", `[ERROR] must be plain_text, not "mrkdwn" [json-pointer:/view/title/type]`},
		{"long submit", modal(func(v m) { v["submit"] = plain(long(25)) }), "modal", "[ERROR] must be less than 25 characters [json-pointer:/view/submit/text]"},
		{"long close", modal(func(v m) { v["close"] = plain(long(25)) }), "modal", "[ERROR] must be less than 25 characters [json-pointer:/view/close/text]"},
		{"no submit with an input", modal(func(v m) { delete(v, "submit") }), "modal", "[ERROR] missing required field: submit (the view has an input block) [json-pointer:/view/submit]"},
		{"no submit without input", modal(func(v m) { delete(v, "submit"); v["blocks"] = []any{section("x")} }), "modal", ""},
		{"long metadata", modal(func(v m) { v["private_metadata"] = long(3001) }), "modal", "[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]"},
		{"long callback_id", modal(func(v m) { v["callback_id"] = long(256) }), "modal", "[ERROR] must be less than 256 characters [json-pointer:/view/callback_id]"},
		{"long external_id", modal(func(v m) { v["external_id"] = long(256) }), "modal", "[ERROR] must be less than 256 characters [json-pointer:/view/external_id]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantProblem(t, "View", View(tt.view, tt.wantTy, "/view", Lenient), tt.want)
		})
	}
}

// wantProblem fails t unless problems are none (want "") or hold want.
func wantProblem(t *testing.T, what string, problems []Problem, want string) {
	t.Helper()
	got := Strings(problems)
	for _, p := range got {
		if p == want {
			return
		}
	}
	if want != "" || len(got) != 0 {
		t.Errorf("%s: %q, want %q", what, got, want)
	}
}
