package compose

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

func TestCheckCatches(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	sec := func(text string) slack.Block { return section(text) }
	opt := func(text, value string) *slack.OptionBlockObject {
		return &slack.OptionBlockObject{Text: plain(text), Value: value}
	}
	blocks := func(n int) []slack.Block {
		out := make([]slack.Block, n)
		for i := range out {
			out[i] = divider()
		}
		return out
	}
	tests := []struct {
		name  string
		m     Message
		modal bool
		want  string // part of the error; "" means valid
	}{
		{"valid", Message{Text: "hi", Blocks: []slack.Block{sec("hi")}}, false, ""},
		{"empty fallback", Message{Blocks: []slack.Block{sec("hi")}}, false, "fallback text is empty"},
		{"long fallback", Message{Text: long(4000), Blocks: []slack.Block{sec("hi")}}, false, "must stay under 4000"},
		{"50 blocks", Message{Text: "x", Blocks: blocks(50)}, false, ""},
		{"51 blocks", Message{Text: "x", Blocks: blocks(51)}, false, "no more than 50 items allowed [json-pointer:/blocks]"},
		{"51 blocks in a modal", Message{Text: "x", Blocks: blocks(51)}, true, ""},
		{"101 blocks in a modal", Message{Text: "x", Blocks: blocks(101)}, true, "no more than 100 items allowed [json-pointer:/blocks]"},
		{"section text", Message{Text: "x", Blocks: []slack.Block{sec(long(3001))}}, false, "must be less than 3001 characters [json-pointer:/blocks/0/text/text]"},
		{"section text 3000 runes", Message{Text: "x", Blocks: []slack.Block{sec(strings.Repeat("é", 3000))}}, false, ""},
		{"empty section", Message{Text: "x", Blocks: []slack.Block{&slack.SectionBlock{Type: slack.MBTSection}}}, false, "must provide either text or fields [json-pointer:/blocks/0]"},
		{"empty text", Message{Text: "x", Blocks: []slack.Block{sec("")}}, false, "must be more than 0 characters [json-pointer:/blocks/0/text/text]"},
		{"11 fields", Message{Text: "x", Blocks: []slack.Block{&slack.SectionBlock{Type: slack.MBTSection,
			Fields: []*slack.TextBlockObject{mrkdwn("1"), mrkdwn("2"), mrkdwn("3"), mrkdwn("4"), mrkdwn("5"), mrkdwn("6"),
				mrkdwn("7"), mrkdwn("8"), mrkdwn("9"), mrkdwn("10"), mrkdwn("11")}}}}, false, "no more than 10 items allowed [json-pointer:/blocks/0/fields]"},
		{"long field", Message{Text: "x", Blocks: []slack.Block{&slack.SectionBlock{Type: slack.MBTSection,
			Fields: []*slack.TextBlockObject{mrkdwn(long(2001))}}}}, false, "must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]"},
		{"long header", Message{Text: "x", Blocks: []slack.Block{&slack.HeaderBlock{Type: slack.MBTHeader, Text: plain(long(151))}}}, false, "must be less than 151 characters [json-pointer:/blocks/0/text/text]"},
		{"mrkdwn header", Message{Text: "x", Blocks: []slack.Block{&slack.HeaderBlock{Type: slack.MBTHeader, Text: mrkdwn("hi")}}}, false, "must be plain_text, not \"mrkdwn\" [json-pointer:/blocks/0/text/type]"},
		{"11 context elements", Message{Text: "x", Blocks: []slack.Block{contextBlock("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11")}}, false, "no more than 10 items allowed [json-pointer:/blocks/0/elements]"},
		{"empty context", Message{Text: "x", Blocks: []slack.Block{contextBlock()}}, false, "must provide at least 1 items [json-pointer:/blocks/0/elements]"},
		{"long button text", Message{Text: "x", Blocks: []slack.Block{actions("a", button("b", long(76), "", ""))}}, false, "must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"},
		{"long button value", Message{Text: "x", Blocks: []slack.Block{actions("a", button("b", "ok", long(2001), ""))}}, false, "must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]"},
		{"mrkdwn button", Message{Text: "x", Blocks: []slack.Block{actions("a", &slack.ButtonBlockElement{Type: slack.METButton, ActionID: "b", Text: mrkdwn("ok")})}}, false, "must be plain_text"},
		{"bad style", Message{Text: "x", Blocks: []slack.Block{actions("a", button("b", "ok", "", "fancy"))}}, false, "style"},
		{"same action twice", Message{Text: "x", Blocks: []slack.Block{actions("a", button("b", "1", "", ""), button("b", "2", "", ""))}}, false, "duplicate action_id \"b\" in the block [json-pointer:/blocks/0/elements/1/action_id]"},
		{"empty actions", Message{Text: "x", Blocks: []slack.Block{actions("a")}}, false, "must provide at least 1 items [json-pointer:/blocks/0/elements]"},
		{"long action id", Message{Text: "x", Blocks: []slack.Block{actions("a", button(long(256), "ok", "", ""))}}, false, "must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]"},
		{"long block id", Message{Text: "x", Blocks: []slack.Block{actions(long(256), button("b", "ok", "", ""))}}, false, "must be less than 256 characters [json-pointer:/blocks/0/block_id]"},
		{"same block id twice", Message{Text: "x", Blocks: []slack.Block{actions("a", button("b", "ok", "", "")), actions("a", button("b", "ok", "", ""))}}, false, "duplicate block_id \"a\" [json-pointer:/blocks/1/block_id]"},
		{"long option text", Message{Text: "x", Blocks: []slack.Block{actions("a", slack.NewOverflowBlockElement("o", opt(long(76), "v")))}}, false, "must be less than 76 characters [json-pointer:/blocks/0/elements/0/options/0/text/text]"},
		{"long option value", Message{Text: "x", Blocks: []slack.Block{actions("a", slack.NewOverflowBlockElement("o", opt("t", long(151))))}}, false, "must be less than 151 characters [json-pointer:/blocks/0/elements/0/options/0/value]"},
		{"empty option value", Message{Text: "x", Blocks: []slack.Block{actions("a", slack.NewOverflowBlockElement("o", opt("t", "")))}}, false, "must be more than 0 characters [json-pointer:/blocks/0/elements/0/options/0/value]"},
		{"6 overflow options", Message{Text: "x", Blocks: []slack.Block{actions("a", slack.NewOverflowBlockElement("o",
			opt("1", "1"), opt("2", "2"), opt("3", "3"), opt("4", "4"), opt("5", "5"), opt("6", "6")))}}, false, "no more than 5 items allowed [json-pointer:/blocks/0/elements/0/options]"},
		{"101 select options", Message{Text: "x", Blocks: []slack.Block{actions("a", manyOptions(101))}}, false, "no more than 100 items allowed [json-pointer:/blocks/0/elements/0/options]"},
		{"100 select options", Message{Text: "x", Blocks: []slack.Block{actions("a", manyOptions(100))}}, false, ""},
		{"confirm too long", Message{Text: "x", Blocks: []slack.Block{actions("a", button("b", "ok", "", "").WithConfirm(confirm("t", long(301), "y", "n")))}}, false, "must be less than 301 characters [json-pointer:/blocks/0/elements/0/confirm/text/text]"},
		{"unsupported block", Message{Text: "x", Blocks: []slack.Block{slack.NewImageBlock("https://x", "alt", "", nil)}}, false, "unsupported block"},
		{"nil block", Message{Text: "x", Blocks: []slack.Block{nil}}, false, "must be a block object [json-pointer:/blocks/0]"},
		{"input label", Message{Text: "x", Blocks: []slack.Block{&slack.InputBlock{Type: slack.MBTInput, Label: plain(long(2001)),
			Element: &slack.PlainTextInputBlockElement{Type: slack.METPlainTextInput, ActionID: "a"}}}}, true, "must be less than 2001 characters [json-pointer:/blocks/0/label/text]"},
		{"input max_length", Message{Text: "x", Blocks: []slack.Block{&slack.InputBlock{Type: slack.MBTInput, Label: plain("l"),
			Element: &slack.PlainTextInputBlockElement{Type: slack.METPlainTextInput, ActionID: "a", MaxLength: 3001}}}}, true, "must be between 1 and 3000, not 3001 [json-pointer:/blocks/0/element/max_length]"},
		{"input placeholder", Message{Text: "x", Blocks: []slack.Block{&slack.InputBlock{Type: slack.MBTInput, Label: plain("l"),
			Element: &slack.PlainTextInputBlockElement{Type: slack.METPlainTextInput, ActionID: "a", Placeholder: plain(long(151))}}}}, true, "must be less than 151 characters [json-pointer:/blocks/0/element/placeholder/text]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.m, tt.modal)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Check: %v, want nil", err)
			case tt.want != "" && err == nil:
				t.Errorf("Check: nil, want an error about %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("Check: %v, want an error about %q", err, tt.want)
			}
		})
	}
}

func manyOptions(n int) *slack.SelectBlockElement {
	el := &slack.SelectBlockElement{Type: slack.OptTypeStatic, ActionID: "s", Placeholder: plain("p")}
	for i := 0; i < n; i++ {
		v := strings.Repeat("v", i+1)
		if len(v) > 150 {
			v = v[:140] + string(rune('a'+i%26)) + string(rune('a'+i/26))
		}
		el.Options = append(el.Options, &slack.OptionBlockObject{Text: plain("o"), Value: v})
	}
	return el
}

func TestCheckModalCatches(t *testing.T) {
	good := func() slack.ModalViewRequest { return StoryModal(ModalMetadata{}, nil) }
	tests := []struct {
		name   string
		change func(*slack.ModalViewRequest)
		want   string
	}{
		{"valid", func(*slack.ModalViewRequest) {}, ""},
		{"long title", func(v *slack.ModalViewRequest) { v.Title = plain("Share a story about someone") }, "must be less than 25 characters [json-pointer:/view/title/text]"},
		{"no title", func(v *slack.ModalViewRequest) { v.Title = nil }, "missing required field: title [json-pointer:/view/title]"},
		{"long submit", func(v *slack.ModalViewRequest) { v.Submit = plain(strings.Repeat("s", 25)) }, "must be less than 25 characters [json-pointer:/view/submit/text]"},
		{"no submit", func(v *slack.ModalViewRequest) { v.Submit = nil }, "missing required field: submit (the view has an input block) [json-pointer:/view/submit]"},
		{"long close", func(v *slack.ModalViewRequest) { v.Close = plain(strings.Repeat("c", 25)) }, "must be less than 25 characters [json-pointer:/view/close/text]"},
		{"mrkdwn title", func(v *slack.ModalViewRequest) { v.Title = mrkdwn("Hi") }, "must be plain_text"},
		{"metadata", func(v *slack.ModalViewRequest) { v.PrivateMetadata = strings.Repeat("m", 3001) }, "must be less than 3001 characters [json-pointer:/view/private_metadata]"},
		{"callback", func(v *slack.ModalViewRequest) { v.CallbackID = strings.Repeat("c", 256) }, "must be less than 256 characters [json-pointer:/view/callback_id]"},
		{"type", func(v *slack.ModalViewRequest) { v.Type = "home" }, "type"},
		{"101 blocks", func(v *slack.ModalViewRequest) {
			for len(v.Blocks.BlockSet) < 101 {
				v.Blocks.BlockSet = append(v.Blocks.BlockSet, divider())
			}
		}, "no more than 100 items allowed [json-pointer:/view/blocks]"},
		{"250 kB", func(v *slack.ModalViewRequest) {
			for i := 0; i < 95; i++ {
				v.Blocks.BlockSet = append(v.Blocks.BlockSet, section(strings.Repeat("<", 2990)))
			}
		}, "bytes, max 250000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := good()
			tt.change(&v)
			err := CheckModal(v)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("CheckModal: %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("CheckModal: %v, want an error about %q", err, tt.want)
			}
		})
	}
}
