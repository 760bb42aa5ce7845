package compose

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
)

// loadView reads a view_submission payload from testdata/forms.
func loadView(t *testing.T, name string) slack.View {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "forms", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal(raw, &cb); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return cb.View
}

func TestParseStoryForm(t *testing.T) {
	tests := []struct {
		name    string
		want    StoryForm
		wantErr string
	}{
		{name: "share", want: StoryForm{
			Recognized: []string{"U0MAYA001", "U0JONAS01"},
			Text:       "Maya & Jonas moved the release window <3 and stayed online until 2am.",
			Audience:   extramile.AudienceCustomer,
			Way:        extramile.WayNoticeNeed,
			Channel:    "C0WINS0001",
			Meta:       ModalMetadata{Channel: "C0WINS0001"},
		}},
		{name: "edit", want: StoryForm{
			Recognized: []string{"U0MAYA001", "U0JONAS01"},
			Text:       "Maya & Jonas moved the release window <3 and stayed online until 2am.",
			Audience:   extramile.AudienceCoworker,
			Meta:       ModalMetadata{StoryID: 42},
		}},
		{name: "odd", want: StoryForm{
			Recognized: []string{"U0MAYA001", "U0JONAS01"},
			Way:        "made_up_way",
		}},
		{name: "no_state", want: StoryForm{Meta: ModalMetadata{Channel: "C0WINS0001"}}},
		{name: "wrong_callback", wantErr: "callback_id"},
		{name: "bad_metadata", wantErr: "metadata"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseStoryForm(loadView(t, tt.name))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one about %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseStoryForm: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestStoryFormErrors(t *testing.T) {
	good := StoryForm{
		Recognized: []string{"U0MAYA001"},
		Text:       "Stayed late to fix the customer's import.",
		Audience:   extramile.AudienceCustomer,
		Channel:    "C0WINS0001",
	}
	tests := []struct {
		name   string
		change func(*StoryForm)
		want   []string // block IDs with an error
	}{
		{"good", func(*StoryForm) {}, nil},
		{"good edit without channel", func(f *StoryForm) { f.Channel = ""; f.Meta.StoryID = 7 }, nil},
		{"nobody", func(f *StoryForm) { f.Recognized = nil }, []string{BlockWho}},
		{"too many", func(f *StoryForm) { f.Recognized = users(extramile.MaxRecognized + 1) }, []string{BlockWho}},
		{"blank", func(f *StoryForm) { f.Text = "" }, []string{BlockWhat}},
		{"short", func(f *StoryForm) { f.Text = "Thanks!" }, []string{BlockWhat}},
		{"long", func(f *StoryForm) { f.Text = strings.Repeat("é", extramile.MaxStoryLength+1) }, []string{BlockWhat}},
		{"no audience", func(f *StoryForm) { f.Audience = "" }, []string{BlockAudience}},
		{"odd audience", func(f *StoryForm) { f.Audience = "robots" }, []string{BlockAudience}},
		{"odd way", func(f *StoryForm) { f.Way = "made_up_way" }, []string{BlockWay}},
		{"no channel", func(f *StoryForm) { f.Channel = "" }, []string{BlockChannel}},
		{"everything", func(f *StoryForm) { *f = StoryForm{Way: "x"} }, []string{BlockWho, BlockWhat, BlockAudience, BlockWay, BlockChannel}},
	}
	inputs := map[string]bool{}
	for _, b := range StoryModal(ModalMetadata{}, nil).Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok {
			inputs[in.BlockID] = true
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := good
			tt.change(&f)
			errs := f.Errors()
			if len(errs) != len(tt.want) {
				t.Fatalf("Errors() = %v, want errors for %v", errs, tt.want)
			}
			for _, id := range tt.want {
				if errs[id] == "" {
					t.Errorf("no error for %s in %v", id, errs)
				}
				if !inputs[id] {
					t.Errorf("%s is not an input block of the share modal", id)
				}
			}
		})
	}
}

func TestModalMetadata(t *testing.T) {
	for _, m := range []ModalMetadata{{}, {StoryID: 42}, {Channel: "C0WINS0001"}, {StoryID: 1 << 62, Channel: "D0DM000001"}} {
		got, err := DecodeModalMetadata(m.Encode())
		if err != nil || got != m {
			t.Errorf("round trip of %+v: got %+v, %v", m, got, err)
		}
	}
	if got := (ModalMetadata{Channel: strings.Repeat("C", 5000)}).Encode(); got != "" {
		t.Errorf("Encode kept a channel that is no Slack ID: %q", got)
	}
	for _, bad := range []string{"{", `{"story_id":"x"}`, `{"story_id":-1}`, "[]", strings.Repeat(" ", 3001)} {
		if _, err := DecodeModalMetadata(bad); err == nil {
			t.Errorf("DecodeModalMetadata(%.20q) = nil error", bad)
		}
	}
}

func TestStoryModal(t *testing.T) {
	share := StoryModal(ModalMetadata{Channel: "C0WINS0001"}, nil)
	edit := StoryModal(ModalMetadata{StoryID: 42}, story())
	for name, v := range map[string]slack.ModalViewRequest{"share": share, "edit": edit} {
		if err := CheckModal(v); err != nil {
			t.Errorf("%s: CheckModal: %v", name, err)
		}
	}
	ids := func(v slack.ModalViewRequest) []string {
		var out []string
		for _, b := range v.Blocks.BlockSet {
			if in, ok := b.(*slack.InputBlock); ok {
				out = append(out, in.BlockID)
			}
		}
		return out
	}
	if got, want := ids(share), []string{BlockWho, BlockWhat, BlockAudience, BlockWay, BlockLesson, BlockChannel}; !reflect.DeepEqual(got, want) {
		t.Errorf("share inputs = %v, want %v", got, want)
	}
	if got, want := ids(edit), []string{BlockWho, BlockWhat, BlockAudience, BlockWay, BlockLesson}; !reflect.DeepEqual(got, want) {
		t.Errorf("edit inputs = %v, want %v", got, want)
	}
	// The share modal sets no min_length (the server explains better) and
	// offers the nine ways; the edit modal adds "none", to clear a way.
	for _, b := range edit.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok && in.BlockID == BlockWay {
			opts := in.Element.(*slack.SelectBlockElement).Options
			if len(opts) != len(extramile.Ways)+1 || opts[len(opts)-1].Value != wayNone {
				t.Errorf("edit way options end with %q, want %d options ending in %q", opts[len(opts)-1].Value, len(extramile.Ways)+1, wayNone)
			}
		}
	}
	for _, b := range share.Blocks.BlockSet {
		in, ok := b.(*slack.InputBlock)
		if !ok {
			continue
		}
		switch el := in.Element.(type) {
		case *slack.PlainTextInputBlockElement:
			if el.MinLength != 0 || el.MaxLength != extramile.MaxStoryLength {
				t.Errorf("what: min %d max %d, want 0 and %d", el.MinLength, el.MaxLength, extramile.MaxStoryLength)
			}
		case *slack.SelectBlockElement:
			if in.BlockID == BlockWay && len(el.Options) != len(extramile.Ways) {
				t.Errorf("way options = %d, want %d", len(el.Options), len(extramile.Ways))
			}
			if in.BlockID == BlockChannel && (el.InitialConversation != "C0WINS0001" || !el.DefaultToCurrentConversation) {
				t.Errorf("channel select = %+v, want initial C0WINS0001 and default to current", el)
			}
		}
	}
}

// TestModalRoundTrip submits a prefilled edit modal as Slack would and reads
// it back: what the modal shows is what the parser gets.
func TestModalRoundTrip(t *testing.T) {
	s := story()
	v := StoryModal(ModalMetadata{StoryID: s.ID}, s)
	values := map[string]map[string]slack.BlockAction{}
	for _, b := range v.Blocks.BlockSet {
		in, ok := b.(*slack.InputBlock)
		if !ok {
			continue
		}
		var a slack.BlockAction
		switch el := in.Element.(type) {
		case *slack.MultiSelectBlockElement:
			a = slack.BlockAction{ActionID: el.ActionID, SelectedUsers: el.InitialUsers}
		case *slack.PlainTextInputBlockElement:
			a = slack.BlockAction{ActionID: el.ActionID, Value: el.InitialValue}
		case *slack.RadioButtonsBlockElement:
			a = slack.BlockAction{ActionID: el.ActionID, SelectedOption: *el.InitialOption}
		case *slack.SelectBlockElement:
			a = slack.BlockAction{ActionID: el.ActionID, SelectedOption: *el.InitialOption}
		}
		values[in.BlockID] = map[string]slack.BlockAction{a.ActionID: a}
	}
	got, err := ParseStoryForm(slack.View{CallbackID: v.CallbackID, PrivateMetadata: v.PrivateMetadata, State: &slack.ViewState{Values: values}})
	if err != nil {
		t.Fatal(err)
	}
	want := StoryForm{Recognized: s.Recognized, Text: s.Text, Audience: s.Audience, Way: s.Way, Meta: ModalMetadata{StoryID: s.ID}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if errs := got.Errors(); errs != nil {
		t.Errorf("a story read back from its own modal has errors: %v", errs)
	}
	none := slack.View{CallbackID: CallbackStory, State: &slack.ViewState{Values: map[string]map[string]slack.BlockAction{
		BlockWay: {ActionWay: {SelectedOption: slack.OptionBlockObject{Value: wayNone}}},
	}}}
	if f, err := ParseStoryForm(none); err != nil || f.Way != "" {
		t.Errorf("choosing \"None of these\" gave way %q, %v; want \"\"", f.Way, err)
	}
}

func FuzzParseStoryForm(f *testing.F) {
	for _, name := range []string{"share", "edit", "odd", "no_state"} {
		raw, err := os.ReadFile(filepath.Join("testdata", "forms", name+".json"))
		if err != nil {
			f.Fatal(err)
		}
		var cb struct {
			View json.RawMessage `json:"view"`
		}
		if err := json.Unmarshal(raw, &cb); err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(cb.View))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var v slack.View
		if err := json.Unmarshal(raw, &v); err != nil {
			return
		}
		form, err := ParseStoryForm(v)
		if err != nil {
			return
		}
		_ = form.Errors()
		if len(form.Recognized) > 0 {
			seen := map[string]bool{}
			for _, u := range form.Recognized {
				if u == "" || seen[u] {
					t.Fatalf("Recognized %q has an empty or repeated ID", form.Recognized)
				}
				seen[u] = true
			}
		}
	})
}

func TestParseMenuValue(t *testing.T) {
	tests := []struct {
		in      string
		verb    string
		id      int64
		wantErr bool
	}{
		{MenuValue(MenuEdit, 42), MenuEdit, 42, false},
		{MenuValue(MenuDelete, 7), MenuDelete, 7, false},
		{"delete:0", "", 0, true},
		{"delete:-1", "", 0, true},
		{"share:1", "", 0, true},
		{"edit", "", 0, true},
		{"edit:x", "", 0, true},
		{"", "", 0, true},
	}
	for _, tt := range tests {
		verb, id, err := ParseMenuValue(tt.in)
		if (err != nil) != tt.wantErr || verb != tt.verb || id != tt.id {
			t.Errorf("ParseMenuValue(%q) = %q, %d, %v; want %q, %d, error %v", tt.in, verb, id, err, tt.verb, tt.id, tt.wantErr)
		}
	}
}
