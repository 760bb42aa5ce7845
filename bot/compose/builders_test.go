package compose

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
)

func TestSuggest(t *testing.T) {
	tests := []struct{ in, want string }{
		{"tpo", "top"},
		{"TOP", "top"},
		{"mien", "mine"},
		{"me", "mine"},
		{"forgetme", "forget-me"},
		{"forget", "forget-me"},
		{"setings", "settings"},
		{"subscrib", "subscribe"},
		{"unsub", "unsubscribe"},
		{"qu", "quiet"},
		{"digets", "digest"},
		{"halp", "help"},
		{"", ""},
		{"xyzzy", ""},
		{"birthday", ""},
		{strings.Repeat("a", 100), ""},
	}
	for _, tt := range tests {
		if got := Suggest(tt.in, Subcommands); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := Suggest("tpo", nil); got != "" {
		t.Errorf("Suggest with nothing known = %q, want \"\"", got)
	}
}

func TestHelpNamesEverySubcommand(t *testing.T) {
	raw, err := json.Marshal(Help())
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range Subcommands {
		if !strings.Contains(string(raw), "/extramile "+sub) {
			t.Errorf("Help does not mention /extramile %s", sub)
		}
	}
}

// TestPromptNeverRepeatsTwoWeeksRunning checks 200 consecutive weeks, through
// zero and negative week numbers.
func TestPromptNeverRepeatsTwoWeeksRunning(t *testing.T) {
	jsonOf := func(m Message) string {
		raw, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	questions := map[string]bool{}
	prev := jsonOf(Prompt(-101, 2))
	for week := -100; week < 100; week++ {
		m := Prompt(week, 2)
		mustCheck(t, fmt.Sprintf("week %d", week), m)
		cur := jsonOf(m)
		if cur == prev {
			t.Errorf("weeks %d and %d read the same", week-1, week)
		}
		if !strings.Contains(cur, "There is one extra-mile story in each of us every week: share yours.") {
			t.Errorf("week %d lacks the theme line", week)
		}
		if !strings.Contains(cur, ActionShareStory) {
			t.Errorf("week %d has no share button", week)
		}
		questions[m.Text] = true
		prev = cur
	}
	for _, w := range extramile.Ways {
		found := false
		for q := range questions {
			found = found || strings.HasPrefix(q, w.Question())
		}
		if !found {
			t.Errorf("no week asks %q", w.Question())
		}
	}
}

func TestPromptLastWeek(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{3, "Last week this channel wrote down 3 stories."},
		{1, "Last week this channel wrote down 1 story."},
		{0, "Nothing was written down here last week."},
		{-4, "Nothing was written down here last week."},
	}
	for _, tt := range tests {
		raw, _ := json.Marshal(Prompt(5, tt.n))
		if !strings.Contains(string(raw), tt.want) {
			t.Errorf("Prompt(5, %d) does not say %q", tt.n, tt.want)
		}
	}
}

// TestMineBounds checks every page size up to 10 with the longest texts.
func TestMineBounds(t *testing.T) {
	for size := 1; size <= MaxMinePageSize; size++ {
		stories := manyStories(size)
		for _, s := range stories {
			s.Text = longText()
			s.Recognized = users(extramile.MaxRecognized)
		}
		for _, offset := range []int{0, size, 1000} {
			m := Mine("U0AUTHOR1", stories, 2000, offset, size)
			mustCheck(t, fmt.Sprintf("size %d offset %d", size, offset), m)
		}
	}
	// Pager: buttons only where there is a page.
	tests := []struct {
		name              string
		n, total, offset  int
		wantPrev, wantNxt string
	}{
		{"only page", 3, 3, 0, "", ""},
		{"first of two", 5, 8, 0, "", "5"},
		{"second of two", 3, 8, 5, "0", ""},
		{"middle", 5, 20, 5, "0", "10"},
		{"past the end", 0, 8, 40, "5", ""},
	}
	for _, tt := range tests {
		m := Mine("U0AUTHOR1", manyStories(tt.n), tt.total, tt.offset, 5)
		prev, next := buttonValue(m, "mine_newer"), buttonValue(m, "mine_older")
		if prev != tt.wantPrev || next != tt.wantNxt {
			t.Errorf("%s: prev %q next %q, want %q and %q", tt.name, prev, next, tt.wantPrev, tt.wantNxt)
		}
	}
}

// buttonValue finds the value of the ActionMinePage button in the actions
// block blockID, "" when absent.
func buttonValue(m Message, blockID string) string {
	for _, b := range m.Blocks {
		a, ok := b.(*slack.ActionBlock)
		if !ok || a.BlockID != blockID {
			continue
		}
		for _, e := range a.Elements.ElementSet {
			if btn, ok := e.(*slack.ButtonBlockElement); ok && btn.ActionID == ActionMinePage {
				return btn.Value
			}
		}
	}
	return ""
}

func TestRoundupBounds(t *testing.T) {
	for _, n := range []int{0, 1, roundupFull, roundupFull + 1, 200, 3000} {
		stories := manyStories(n)
		for _, s := range stories {
			s.Recognized = users(extramile.MaxRecognized + 2)[:extramile.MaxRecognized]
			s.Recognized[0] = fmt.Sprintf("U%08d", n+len(s.Text)+int(s.ID)) // a new person in each story
		}
		m := Roundup(stories, t0, nil)
		mustCheck(t, fmt.Sprintf("%d stories", n), m)
		if got := utf8.RuneCountInString(m.Text); got >= 4000 {
			t.Errorf("%d stories: fallback has %d characters", n, got)
		}
	}
}

// TestEveryBuilderWithinLimits feeds every builder extreme input.
func TestEveryBuilderWithinLimits(t *testing.T) {
	worst := story()
	worst.Text = strings.Repeat(pingStory, 20)[:extramile.MaxStoryLength*2]
	worst.Recognized = users(extramile.MaxRecognized * 3)
	worst.Permalink = "https://example.slack.com/" + strings.Repeat("p", 2000)
	weird := &extramile.Story{Text: "\n\n\n", Author: "not an id", Recognized: []string{"<!here>", ""}, Audience: "robots", Way: "nope"}
	var manyKudos []extramile.Kudos
	for _, u := range users(5000) {
		manyKudos = append(manyKudos, extramile.Kudos{Giver: u, Emoji: strings.Repeat("x", 300)})
	}
	hugeSettings := SettingsView{Zone: "America/New_York", Channels: make([]string, 500), KudosEmoji: make([]string, 500), DailyLimit: -1}
	for i := 0; i < 500; i++ {
		hugeSettings.Jobs = append(hugeSettings.Jobs, JobInfo{Name: strings.Repeat("n", 500), Description: strings.Repeat("<d>", 500), Next: t0})
		hugeSettings.Channels[i] = fmt.Sprintf("C%08d", i)
		hugeSettings.KudosEmoji[i] = "clap"
	}
	hugeSettings.KudosChannels, hugeSettings.KudosChannelsKnown, hugeSettings.KudosWhereBy = hugeSettings.Channels, true, "<!channel>"
	d := hugeDigest()
	d.MostKudosed = worst
	msgs := map[string]Message{
		"shoutout":       Shoutout(worst, strings.Repeat("a", 200), "clap", "clap", "tada", "heart", "fire"),
		"shoutout weird": Shoutout(weird, ":<!here>:"),
		"thank you":      ThankYouDM(worst, worst.Permalink),
		"thank weird":    ThankYouDM(weird, ""),
		"confirm":        Confirmation(worst, worst.Permalink),
		"undeliverable":  Undeliverable(worst, "C0WINS0001", "private"),
		"undeliv weird":  Undeliverable(weird, "<!here>", "???"),
		"delete":         DeleteConfirm(worst),
		"unknown":        UnknownCommand(strings.Repeat("`<!here>`", 1000), strings.Repeat("x", 1000)),
		"mine":           Mine("U0AUTHOR1", []*extramile.Story{worst, weird, nil}, -5, -5, 100),
		"top":            Top("decade", []extramile.Tally{{User: "<!here>", Stories: -1, Kudos: 5}, {User: "U0MAYA001", Kudos: 1 << 40}}),
		"roundup":        Roundup([]*extramile.Story{worst, weird, nil}, time.Time{}, nil),
		"digest":         Digest(d, nil),
		"digest nil":     Digest(nil, nil),
		"digest prev":    DigestPreview(d, time.UTC),
		"settings":       Settings(hugeSettings),
		"kudos":          KudosSummaryDM(manyKudos),
		"no kudos":       KudosSummaryDM(nil),
		"not admin":      NotAdmin(strings.Repeat("<!channel>", 500)),
		"error":          Error(strings.Repeat("<!channel>", 500)),
		"error empty":    Error(""),
		"forget":         ForgetMeConfirm(-1, 5, true),
		"limit":          KudosLimitReached(-3),
		"subscribed":     Subscribed("<!here>", true),
		"joined":         SubscribedJoined("<!here>", true),
		"joined already": SubscribedJoined("<!channel>", false),
	}
	for name, m := range msgs {
		mustCheck(t, name, m)
		raw, _ := json.Marshal(m)
		if strings.Contains(string(raw), "\\u003c!here") || strings.Contains(string(raw), "\\u003c!channel") {
			t.Errorf("%s: a ping got through", name)
		}
	}
	if err := CheckModal(StoryModal(ModalMetadata{StoryID: 1}, worst)); err != nil {
		t.Errorf("edit modal of the worst story: %v", err)
	}
	if err := CheckModal(StoryModal(ModalMetadata{}, weird)); err != nil {
		t.Errorf("edit modal of a weird story: %v", err)
	}
}

func TestDigestCompare(t *testing.T) {
	oct := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		prev *extramile.Digest
		want string
	}{
		{nil, "(first month)"},
		{&extramile.Digest{From: oct, Stories: 11}, "(+3 vs October)"},
		{&extramile.Digest{From: oct, Stories: 20}, "(-6 vs October)"},
		{&extramile.Digest{From: oct, Stories: 14}, "(same as October)"},
		{&extramile.Digest{Stories: 1}, "(+13 vs last month)"},
	}
	for _, tt := range tests {
		d := &extramile.Digest{From: oct.AddDate(0, 1, 0), Stories: 14, Previous: tt.prev}
		raw, _ := json.Marshal(Digest(d, time.UTC))
		if !strings.Contains(string(raw), tt.want) {
			t.Errorf("previous %+v: digest does not say %q", tt.prev, tt.want)
		}
	}
	d := &extramile.Digest{From: oct.AddDate(0, 1, 0), Stories: 14, Previous: &extramile.Digest{From: oct, Stories: 20}}
	if raw, _ := json.Marshal(DigestPreview(d, time.UTC)); !strings.Contains(string(raw), "14 (October: 20)") {
		t.Errorf("a preview should recall October's count, not subtract: %s", raw)
	}
}

func TestShoutoutMenu(t *testing.T) {
	m := Shoutout(story())
	sec := m.Blocks[0].(*slack.SectionBlock)
	if sec.Accessory == nil || sec.Accessory.OverflowElement == nil {
		t.Fatal("shoutout has no menu")
	}
	var got []string
	for _, o := range sec.Accessory.OverflowElement.Options {
		verb, id, err := ParseMenuValue(o.Value)
		if err != nil || id != 42 {
			t.Errorf("option %q: %q %d %v", o.Value, verb, id, err)
		}
		got = append(got, verb)
	}
	if strings.Join(got, ",") != "edit,delete" {
		t.Errorf("menu verbs = %v, want edit, delete", got)
	}
	unsaved := story()
	unsaved.ID = 0
	if Shoutout(unsaved).Blocks[0].(*slack.SectionBlock).Accessory != nil {
		t.Error("a story without an ID got a menu that could not work")
	}
}
