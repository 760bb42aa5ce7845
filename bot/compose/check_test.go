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
		{"51 blocks", Message{Text: "x", Blocks: blocks(51)}, false, "blocks: 51, max 50"},
		{"51 blocks in a modal", Message{Text: "x", Blocks: blocks(51)}, true, ""},
		{"101 blocks in a modal", Message{Text: "x", Blocks: blocks(101)}, true, "blocks: 101, max 100"},
		{"section text", Message{Text: "x", Blocks: []slack.Block{sec(long(3001))}}, false, "3001 characters, max 3000"},
		{"section text 3000 runes", Message{Text: "x", Blocks: []slack.Block{sec(strings.Repeat("é", 3000))}}, false, ""},
		{"empty section", Message{Text: "x", Blocks: []slack.Block{&slack.SectionBlock{Type: slack.MBTSection}}}, false, "without text or fields"},
		{"empty text", Message{Text: "x", Blocks: []slack.Block{sec("")}}, false, "empty text"},
		{"11 fields", Message{Text: "x", Blocks: []slack.Block{&slack.SectionBlock{Type: slack.MBTSection,
			Fields: []*slack.TextBlockObject{mrkdwn("1"), mrkdwn("2"), mrkdwn("3"), mrkdwn("4"), mrkdwn("5"), mrkdwn("6"),
				mrkdwn("7"), mrkdwn("8"), mrkdwn("9"), mrkdwn("10"), mrkdwn("11")}}}}, false, "fields: 11, max 10"},
		{"long field", Message{Text: "x", Blocks: []slack.Block{&slack.SectionBlock{Type: slack.MBTSection,
			Fields: []*slack.TextBlockObject{mrkdwn(long(2001))}}}}, false, "2001 characters, max 2000"},
		{"long header", Message{Text: "x", Blocks: []slack.Block{&slack.HeaderBlock{Type: slack.MBTHeader, Text: plain(long(151))}}}, false, "151 characters, max 150"},
		{"mrkdwn header", Message{Text: "x", Blocks: []slack.Block{&slack.HeaderBlock{Type: slack.MBTHeader, Text: mrkdwn("hi")}}}, false, "needs plain_text"},
		{"11 context elements", Message{Text: "x", Blocks: []slack.Block{contextBlock("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11")}}, false, "elements: 11"},
		{"empty context", Message{Text: "x", Blocks: []slack.Block{contextBlock()}}, false, "elements: 0"},
		{"long button text", Message{Text: "x", Blocks: []slack.Block{actions("a", button("b", long(76), "", ""))}}, false, "76 characters, max 75"},
		{"long button value", Message{Text: "x", Blocks: []slack.Block{actions("a", button("b", "ok", long(2001), ""))}}, false, "2001 characters, max 2000"},
		{"mrkdwn button", Message{Text: "x", Blocks: []slack.Block{actions("a", &slack.ButtonBlockElement{Type: slack.METButton, ActionID: "b", Text: mrkdwn("ok")})}}, false, "must be plain_text"},
		{"bad style", Message{Text: "x", Blocks: []slack.Block{actions("a", button("b", "ok", "", "fancy"))}}, false, "style"},
		{"same action twice", Message{Text: "x", Blocks: []slack.Block{actions("a", button("b", "1", "", ""), button("b", "2", "", ""))}}, false, "used twice in the block"},
		{"empty actions", Message{Text: "x", Blocks: []slack.Block{actions("a")}}, false, "elements: none"},
		{"long action id", Message{Text: "x", Blocks: []slack.Block{actions("a", button(long(256), "ok", "", ""))}}, false, "action_id: 256 characters"},
		{"long block id", Message{Text: "x", Blocks: []slack.Block{actions(long(256), button("b", "ok", "", ""))}}, false, "block_id: 256 characters"},
		{"same block id twice", Message{Text: "x", Blocks: []slack.Block{actions("a", button("b", "ok", "", "")), actions("a", button("b", "ok", "", ""))}}, false, `"a" is used twice`},
		{"long option text", Message{Text: "x", Blocks: []slack.Block{actions("a", slack.NewOverflowBlockElement("o", opt(long(76), "v")))}}, false, "76 characters, max 75"},
		{"long option value", Message{Text: "x", Blocks: []slack.Block{actions("a", slack.NewOverflowBlockElement("o", opt("t", long(151))))}}, false, "151 characters, max 150"},
		{"empty option value", Message{Text: "x", Blocks: []slack.Block{actions("a", slack.NewOverflowBlockElement("o", opt("t", "")))}}, false, "value: empty"},
		{"6 overflow options", Message{Text: "x", Blocks: []slack.Block{actions("a", slack.NewOverflowBlockElement("o",
			opt("1", "1"), opt("2", "2"), opt("3", "3"), opt("4", "4"), opt("5", "5"), opt("6", "6")))}}, false, "options: 6"},
		{"101 select options", Message{Text: "x", Blocks: []slack.Block{actions("a", manyOptions(101))}}, false, "options: 101"},
		{"100 select options", Message{Text: "x", Blocks: []slack.Block{actions("a", manyOptions(100))}}, false, ""},
		{"confirm too long", Message{Text: "x", Blocks: []slack.Block{actions("a", button("b", "ok", "", "").WithConfirm(confirm("t", long(301), "y", "n")))}}, false, "301 characters, max 300"},
		{"unsupported block", Message{Text: "x", Blocks: []slack.Block{slack.NewImageBlock("https://x", "alt", "", nil)}}, false, "unsupported block"},
		{"nil block", Message{Text: "x", Blocks: []slack.Block{nil}}, false, "nil block"},
		{"input label", Message{Text: "x", Blocks: []slack.Block{&slack.InputBlock{Type: slack.MBTInput, Label: plain(long(2001)),
			Element: &slack.PlainTextInputBlockElement{Type: slack.METPlainTextInput, ActionID: "a"}}}}, true, "2001 characters, max 2000"},
		{"input max_length", Message{Text: "x", Blocks: []slack.Block{&slack.InputBlock{Type: slack.MBTInput, Label: plain("l"),
			Element: &slack.PlainTextInputBlockElement{Type: slack.METPlainTextInput, ActionID: "a", MaxLength: 3001}}}}, true, "max_length: 3001"},
		{"input placeholder", Message{Text: "x", Blocks: []slack.Block{&slack.InputBlock{Type: slack.MBTInput, Label: plain("l"),
			Element: &slack.PlainTextInputBlockElement{Type: slack.METPlainTextInput, ActionID: "a", Placeholder: plain(long(151))}}}}, true, "151 characters, max 150"},
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
		{"long title", func(v *slack.ModalViewRequest) { v.Title = plain("Share a story about someone") }, "title: 27 characters, max 24"},
		{"no title", func(v *slack.ModalViewRequest) { v.Title = nil }, "title: missing"},
		{"long submit", func(v *slack.ModalViewRequest) { v.Submit = plain(strings.Repeat("s", 25)) }, "submit: 25 characters"},
		{"no submit", func(v *slack.ModalViewRequest) { v.Submit = nil }, "submit: missing"},
		{"long close", func(v *slack.ModalViewRequest) { v.Close = plain(strings.Repeat("c", 25)) }, "close: 25 characters"},
		{"mrkdwn title", func(v *slack.ModalViewRequest) { v.Title = mrkdwn("Hi") }, "must be plain_text"},
		{"metadata", func(v *slack.ModalViewRequest) { v.PrivateMetadata = strings.Repeat("m", 3001) }, "private_metadata: 3001"},
		{"callback", func(v *slack.ModalViewRequest) { v.CallbackID = strings.Repeat("c", 256) }, "callback_id: 256"},
		{"type", func(v *slack.ModalViewRequest) { v.Type = "home" }, "type"},
		{"101 blocks", func(v *slack.ModalViewRequest) {
			for len(v.Blocks.BlockSet) < 101 {
				v.Blocks.BlockSet = append(v.Blocks.BlockSet, divider())
			}
		}, "blocks: 101, max 100"},
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
