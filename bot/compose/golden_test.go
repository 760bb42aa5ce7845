package compose

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares v, as indented JSON, with testdata/golden/name.json, or
// rewrites that file with -update.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("marshal %s: %v", name, err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("write golden: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test ./bot/compose -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s (run with -update if the change is intended):\n%s", name, path, firstDiff(string(got), string(want)))
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return "(no line differs)"
}

// Fixtures: fixed times, made-up IDs.
var (
	t0     = time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	berlin = mustLoad("Europe/Berlin")
)

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func story() *extramile.Story {
	return &extramile.Story{
		ID:         42,
		Author:     "U0AUTHOR1",
		Recognized: []string{"U0MAYA001", "U0JONAS01"},
		Audience:   extramile.AudienceCustomer,
		Way:        extramile.WayNoticeNeed,
		Text: "A customer in Lyon mentioned on a call that their warehouse team works nights.\n" +
			"Maya & Jonas moved the release window and stayed online until 2am to walk them through it. " +
			"The customer wrote back: \"first upgrade with zero downtime for us <3\".",
		Channel:    "C0WINS0001",
		ShoutoutTS: "1763890200.000100",
		Permalink:  "https://example.slack.com/archives/C0WINS0001/p1763890200000100",
		CreatedAt:  t0,
		UpdatedAt:  t0,
	}
}

// pingStory is a story made of every form that could ping or break mrkdwn.
const pingStory = "<!channel> <!here> <!everyone> <!subteam^S0TEAM1|@support> " +
	"<!date^1392734382^{date}|Feb 18> <http://evil.example|click me> <mailto:a@b.c> " +
	"@channel @here & &amp; &lt; > <@U0MAYA001|maya> <@W0ENT0001> <#C0WINS0001|wins> " +
	"<@u0lower> <@U0BAD <#D0DM00001> *bold* `code` ~strike~ <@U0X> <@U0MAYA001|<!here>>"

// longText is as long as a story may be, of characters that grow when escaped.
func longText() string {
	return strings.Repeat("<&>\n", extramile.MaxStoryLength/4)
}

// users returns n distinct user IDs.
func users(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("U%08d", i)
	}
	return out
}

// manyStories returns n stories, newest first, with long texts.
func manyStories(n int) []*extramile.Story {
	out := make([]*extramile.Story, n)
	us := users(n + 3)
	for i := range out {
		s := story()
		s.ID = int64(1000 + i)
		s.Recognized = []string{us[i], us[i+1], us[i+3]}
		s.Author = us[i+2]
		s.Text = strings.Repeat("Stayed late & fixed <everything>. ", 80)
		s.Way = extramile.Ways[i%len(extramile.Ways)]
		s.CreatedAt = t0.Add(-time.Duration(i) * time.Hour)
		out[i] = s
	}
	return out
}

// mustCheck fails the test when m breaks a Block Kit limit.
func mustCheck(t *testing.T, name string, m Message) {
	t.Helper()
	if err := Check(m, false); err != nil {
		t.Errorf("%s: Check: %v", name, err)
	}
}

func TestGoldenMessages(t *testing.T) {
	self := story()
	self.Recognized = []string{self.Author}
	self.Way = ""
	self.Audience = extramile.AudienceCoworker
	self.UpdatedAt = t0.Add(time.Hour)

	among := story()
	among.Recognized = []string{"U0MAYA001", among.Author}

	pings := story()
	pings.Text = pingStory

	long := story()
	long.Text = longText()
	long.Recognized = users(extramile.MaxRecognized)

	noLink := story()
	noLink.Permalink = ""

	full := &extramile.Digest{
		From: time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC),
		Stories: 14, Recognized: 11, Sharers: 6, Kudos: 53, Customer: 5, Coworker: 9,
		ByWay: []extramile.WayCount{
			{Way: extramile.WayNoticeNeed, Count: 5}, {Way: extramile.WaySayThankYou, Count: 4},
			{Way: extramile.WayKeepInLoop, Count: 2}, {Way: extramile.WayGiveExtra, Count: 1},
			{Way: extramile.WayAboveAndBeyond, Count: 0},
		},
		Top: []extramile.Tally{
			{User: "U0MAYA001", Stories: 4, Kudos: 17}, {User: "U0JONAS01", Stories: 3, Kudos: 9},
			{User: "U0LEA0001", Stories: 1, Kudos: 1},
		},
		MostKudosed: story(), MostKudosedN: 12,
		Previous: &extramile.Digest{From: time.Date(2026, 9, 30, 22, 0, 0, 0, time.UTC), Stories: 11},
	}
	preview := *full
	preview.Previous = &extramile.Digest{From: time.Date(2026, 9, 30, 22, 0, 0, 0, time.UTC), Stories: 20}
	first := *full
	first.Previous = nil
	first.MostKudosed = nil
	empty := &extramile.Digest{From: full.From, To: full.To, Kudos: 3, Previous: &extramile.Digest{Stories: 2}}
	huge := hugeDigest()

	tallies := []extramile.Tally{
		{User: "U0MAYA001", Stories: 4, Kudos: 17}, {User: "U0JONAS01", Stories: 1, Kudos: 0},
		{User: "U0NOBODY1"}, {User: "U0LEA0001", Stories: 0, Kudos: 1},
		{User: "U0SAM0001", Stories: 2, Kudos: 2},
	}
	var manyTallies []extramile.Tally
	for i, u := range users(25) {
		manyTallies = append(manyTallies, extramile.Tally{User: u, Stories: 30 - i, Kudos: 100 - i})
	}
	var kudos []extramile.Kudos
	for i, g := range []string{"U0MAYA001", "U0JONAS01", "U0MAYA001", "U0LEA0001", "U0MAYA001", "U0JONAS01"} {
		kudos = append(kudos, extramile.Kudos{Giver: g, Receiver: "U0AUTHOR1", Emoji: []string{"clap", "tada", "clap", "heart", "bad emoji!", "clap"}[i]})
	}
	var manyKudos []extramile.Kudos
	for _, g := range users(30) {
		manyKudos = append(manyKudos, extramile.Kudos{Giver: g, Emoji: "clap"})
	}

	settings := SettingsView{
		Zone: "Europe/Berlin",
		Jobs: []JobInfo{
			{Name: "Weekly prompt", Description: "every Monday at 10:00", Next: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)},
			{Name: "Weekly roundup", Description: "every Friday at 16:00", Next: time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC), EnvVar: "EXTRAMILE_ROUNDUP_SCHEDULE"},
			{Name: "Monthly digest", Description: "on the 1st at 09:00", Next: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), ChangedBy: "U0ADMIN001"},
			{Name: "Kudos DMs", Description: "every day at 17:00"},
		},
		Channels:   []string{"C0WINS0001", "C0TEAM0001"},
		KudosEmoji: []string{"clap", "raised_hands", "tada", "<!channel>"},
		DailyLimit: 5,
		IsAdmin:    true,

		KudosChannelsKnown: true,
		KudosChannels:      []string{"C0WINS0001", "C0TEAM0001", "C0RANDOM01"},
		Groups: []SettingLines{
			{Title: "Scheduled posts", Lines: []SettingLine{{Label: "Time zone", Shown: "Europe/Berlin", EnvVar: "EXTRAMILE_TIMEZONE"}}},
			{Title: "Kudos", Lines: []SettingLine{
				{Label: "Kudos emoji", Shown: "clap, raised_hands", By: "U0ADMIN001"},
				{Label: "Daily kudos limit", Shown: "5 a day"},
			}},
			{Title: SkipDatesGroup, Lines: []SettingLine{
				{Label: "Weekly nudge", Shown: "every Thursday at 15:00, in each person's own time zone"},
				{Label: "Nudge guests", Shown: "No, members only"},
				{Label: "Who already shared this week", Shown: "A short thank-you", By: "U0ADMIN001"},
			}},
			{Title: "After a restart", Lines: []SettingLine{{Label: "Catch-up window", Shown: "6 hours", EnvVar: "EXTRAMILE_CATCHUP"}}},
		},
		SkipDates: []string{"2026-12-24", "2026-12-31"},
	}

	fromMessage := story()
	fromMessage.SourceChannel, fromMessage.SourceTS = "C0TEAM0001", "1700000000.000100"
	fromMessage.SourceLink = "https://example.slack.com/archives/C0TEAM0001/p1700000000000100"

	cases := []struct {
		name string
		m    Message
	}{
		{"shoutout", Shoutout(story(), "clap")},
		{"shoutout_self", Shoutout(self)},
		{"shoutout_self_among_others", Shoutout(among, "raised_hands", "clap")},
		{"shoutout_pings", Shoutout(pings, "clap")},
		{"shoutout_long", Shoutout(long, "clap")},
		{"shoutout_from_message", Shoutout(fromMessage, "clap")},
		{"removed_shoutout", RemovedShoutout()},
		{"delete_confirm", DeleteConfirm(story())},
		{"delete_confirm_changed", DeleteConfirmChanged(story())},
		{"delete_cancelled", DeleteCancelled()},
		{"not_story_author", NotStoryAuthor()},
		{"thank_you_dm", ThankYouDM(story(), story().Permalink)},
		{"thank_you_dm_no_link", ThankYouDM(self, "")},
		{"thank_you_dm_long", ThankYouDM(long, "javascript:alert(1)")},
		{"confirmation", Confirmation(story(), story().Permalink)},
		{"confirmation_self_no_link", Confirmation(self, "")},
		{"undeliverable_private", Undeliverable(story(), "C0SECRET01", ReasonPrivate)},
		{"undeliverable_archived", Undeliverable(story(), "C0OLD00001", ReasonArchived)},
		{"undeliverable_not_found", Undeliverable(story(), "C0GONE0001", ReasonNotFound)},
		{"undeliverable_other", Undeliverable(long, "C0WINS0001", ReasonOther)},
		{"undeliverable_read_only", Undeliverable(story(), "C0ANNOUNCE", ReasonReadOnly)},
		{"undeliverable_thread_only", Undeliverable(story(), "C0THREADS1", ReasonThreadOnly)},
		{"undeliverable_limit", Undeliverable(story(), "C0WINS0001", ReasonLimit)},
		{"undeliverable_cannot_join", Undeliverable(story(), "C0HUGE0001", ReasonCannotJoin)},
		{"help", Help()},
		{"unknown_command", UnknownCommand("tpo", Suggest("tpo", Subcommands))},
		{"unknown_command_no_suggestion", UnknownCommand("<!here> `x`", "")},
		{"mine_empty", Mine("U0AUTHOR1", nil, 0, 0, 5)},
		{"mine_first_page", Mine("U0AUTHOR1", mineStories(3), 12, 0, 3)},
		{"mine_middle_page", Mine("U0MAYA001", mineStories(3), 12, 3, 3)},
		{"mine_last_page", Mine("U0MAYA001", mineStories(2), 12, 10, 3)},
		{"mine_past_end", Mine("U0MAYA001", nil, 12, 30, 5)},
		{"mine_long", Mine("U0AUTHOR1", manyStories(10), 500, 20, 10)},
		{"checkins_empty", Checkins(nil, 0, 0, time.UTC)},
		{"checkins_middle_page", Checkins(checkins(CheckinsPageSize), 12, 5, time.UTC)},
		{"top_week", Top("week", tallies)},
		{"top_empty_month", Top("month", nil)},
		{"top_empty_all", Top("all", []extramile.Tally{{User: "U0NOBODY1"}})},
		{"top_all_many", Top("all", manyTallies)},
		{"prompt_week_0", Prompt(0, 3)},
		{"prompt_week_1_one_story", Prompt(1, 1)},
		{"prompt_week_10_none", Prompt(10, 0)},
		{"roundup_empty", Roundup(nil, t0, berlin)},
		{"roundup_three", Roundup([]*extramile.Story{story(), self, noLink}, t0.AddDate(0, 0, -7), berlin)},
		{"roundup_200", Roundup(manyStories(200), t0.AddDate(0, 0, -7), berlin)},
		{"roundup_with_kudos", RoundupWithKudos([]*extramile.Story{story(), self}, tallies, t0.AddDate(0, 0, -7), berlin)},
		{"roundup_empty_with_kudos", RoundupWithKudos(nil, tallies, t0.AddDate(0, 0, -7), berlin)},
		{"roundup_200_many_kudos", RoundupWithKudos(manyStories(200), manyTallies, t0.AddDate(0, 0, -7), berlin)},
		{"digest", Digest(full, berlin)},
		{"digest_preview", DigestPreview(&preview, berlin)},
		{"digest_first_month", Digest(&first, berlin)},
		{"digest_empty", Digest(empty, berlin)},
		{"digest_empty_preview", DigestPreview(&extramile.Digest{From: full.From}, berlin)},
		{"digest_huge", Digest(huge, berlin)},
		{"settings_admin", Settings(settings)},
		{"settings_member_no_channels", Settings(SettingsView{Zone: "Nowhere/Atlantis", Jobs: settings.Jobs[:1]})},
		{"subscribed", Subscribed("C0WINS0001", true)},
		{"subscribed_already", Subscribed("C0WINS0001", false)},
		{"unsubscribed", Unsubscribed("C0WINS0001", true)},
		{"unsubscribed_not", Unsubscribed("C0WINS0001", false)},
		{"not_admin", NotAdmin("subscribe a channel")},
		{"channel_problem_not_in_channel", ChannelProblem("C0SECRET01", ReasonPrivate, "not_in_channel")},
		{"channel_problem_archived", ChannelProblem("C0OLD00001", ReasonArchived, "is_archived")},
		{"channel_problem_other", ChannelProblem("C0WINS0001", ReasonOther, "restricted_action")},
		{"channel_problem_not_found", ChannelProblem("C0GONE0001", ReasonNotFound, "channel_not_found")},
		{"channel_problem_read_only", ChannelProblem("C0ANNOUNCE", ReasonReadOnly, "restricted_action_read_only_channel")},
		{"channel_problem_thread_only", ChannelProblem("C0THREADS1", ReasonThreadOnly, "restricted_action_thread_only_channel")},
		{"channel_problem_limit", ChannelProblem("C0WINS0001", ReasonLimit, "message_limit_exceeded")},
		{"channel_problem_cannot_join", ChannelProblem("C0HUGE0001", ReasonCannotJoin, "too_many_members")},
		{"forget_me_confirm", ForgetMeConfirm(3, 12, false)},
		{"forget_me_confirm_checkins", ForgetMeConfirm(0, 0, true)},
		{"forget_me_confirm_nothing", ForgetMeConfirm(0, 0, false)},
		{"forget_me_done", ForgetMeDone(1, 1)},
		{"forget_me_cancelled", ForgetMeCancelled()},
		{"quiet_on", QuietChanged(true)},
		{"quiet_off", QuietChanged(false)},
		{"quiet_state_on", QuietState(true)},
		{"quiet_state_off", QuietState(false)},
		{"extra_words", ExtraWords("mine", "<!channel> please")},
		{"kudos_summary", KudosSummaryDM(kudos)},
		{"kudos_summary_many", KudosSummaryDM(manyKudos)},
		{"kudos_limit", KudosLimitReached(5)},
		{"error", Error("That story is 3012 characters; please keep it under 3000.")},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("duplicate case %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			mustCheck(t, c.name, c.m)
			golden(t, c.name, c.m)
		})
	}
}

// mineStories is a page of n stories by and about U0AUTHOR1 and U0MAYA001.
func mineStories(n int) []*extramile.Story {
	out := make([]*extramile.Story, n)
	for i := range out {
		s := story()
		s.ID = int64(100 - i)
		s.CreatedAt = t0.AddDate(0, 0, -7*i)
		switch i % 3 {
		case 1:
			s.Author, s.Recognized = "U0MAYA001", []string{"U0AUTHOR1"}
			s.Way = ""
		case 2:
			s.Recognized = []string{"U0AUTHOR1"}
			s.Permalink = ""
		}
		out[i] = s
	}
	return out
}

// hugeDigest is a month of 5,000 stories, with more Top and ByWay entries
// than anyone would send, and a most-kudosed story as long as can be.
func hugeDigest() *extramile.Digest {
	d := &extramile.Digest{
		From: time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC),
		Stories: 5000, Recognized: 4100, Sharers: 2900, Kudos: 48000, Customer: 2600, Coworker: 2400,
		MostKudosedN: 912,
		Previous:     &extramile.Digest{From: time.Date(2026, 9, 30, 22, 0, 0, 0, time.UTC), Stories: 5200},
	}
	for i := 0; i < 5000; i++ {
		w := extramile.Ways[i%len(extramile.Ways)]
		if i%7 == 0 {
			w = "made_up_way"
		}
		d.ByWay = append(d.ByWay, extramile.WayCount{Way: w, Count: 5000 - i})
	}
	for i, u := range users(5000) {
		d.Top = append(d.Top, extramile.Tally{User: u, Stories: 5000 - i, Kudos: 9000 - i})
	}
	s := story()
	s.Text = longText()
	s.Recognized = users(extramile.MaxRecognized + 5)
	d.MostKudosed = s
	return d
}

func TestGoldenHome(t *testing.T) {
	admin := busyHome()
	admin.Admin = &HomeAdmin{Zone: "Europe/Berlin", Schedules: []ScheduleSetting{
		{Job: "prompt", Label: "Weekly prompt", Spec: "0 10 * * MON", Description: "every Monday at 10:00", Next: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)},
		{Job: "roundup", Label: "Weekly roundup", Spec: "0 16 * * FRI", Description: "every Friday at 16:00", Next: time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC), EnvVar: "EXTRAMILE_ROUNDUP_SCHEDULE"},
	}}
	cases := []struct {
		name string
		v    HomeView
	}{
		{"home_new", newHome()},
		{"home_busy", busyHome()},
		{"home_admin", admin},
		{"home_snoozed", snoozedHome()},
		{"home_guest", guestHome()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := Home(c.v)
			if err := CheckHome(h); err != nil {
				t.Errorf("CheckHome: %v", err)
			}
			golden(t, c.name, h)
		})
	}
}

func TestGoldenModals(t *testing.T) {
	edit := story()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if berlin == nil {
		berlin = time.UTC
	}
	onOff := []SettingChoice{{Value: "off", Label: "No, members only"}, {Value: "on", Label: "Yes, guests too"}}
	groups := []SettingGroup{
		{Title: "Scheduled posts", Intro: "Schedules are cron specs read in the time zone. <#C0WINS0001> always gets them.", Fields: []SettingField{
			{Block: BlockChannels, Label: "Channels that get the scheduled posts", Kind: FieldChannels, Values: []string{"C0TEAM0001", "G0PRIVATE1"}, Help: "Like /extramile subscribe."},
			{Block: SettingBlock("timezone"), Label: "Time zone", Value: "Europe/Berlin", Words: "Europe/Berlin", Help: "An IANA name.", EnvVar: "EXTRAMILE_TIMEZONE"},
			{Block: ScheduleBlock("prompt"), Label: "Weekly prompt", Value: "0 10 * * MON", Words: "every Monday at 10:00, next Mon 30 Nov 10:00", Help: "When the prompt is posted.", Source: "Default."},
			{Block: ScheduleBlock("roundup"), Label: "Weekly roundup", Value: "0 16 * * FRI", Words: "every Friday at 16:00", EnvVar: "EXTRAMILE_ROUNDUP_SCHEDULE"},
			{Block: ScheduleBlock("digest"), Label: "Monthly digest", Value: "0 9 1 * *", Words: "on the 1st at 09:00", Source: "Changed in Slack on 2 Nov 2026."},
		}},
		{Title: "The weekly habit", Fields: []SettingField{
			{Block: SettingBlock("habit.nudge_guests"), Label: "Nudge guests", Kind: FieldChoice, Value: "off", Words: "No, members only", Choices: onOff, Source: "Default."},
			{Block: SettingBlock("habit.nudge_shared"), Label: "Who already shared", Kind: FieldChoice, Value: "on", Words: "Yes", Choices: onOff, EnvVar: "EXTRAMILE_MADE_UP"},
			{Block: BlockSkipDates, Label: "Skipped dates", Kind: FieldDates, Values: []string{"2026-12-24", "2026-12-31"}},
		}},
	}
	cases := []struct {
		name string
		v    slack.ModalViewRequest
	}{
		{"modal_share", StoryModal(ModalMetadata{Channel: "C0WINS0001"}, nil)},
		{"modal_share_from_dm", StoryModal(ModalMetadata{Channel: "D0DM000001"}, nil)},
		{"modal_edit", StoryModal(ModalMetadata{StoryID: edit.ID}, edit)},
		{"modal_settings", SettingsModal(groups)},
		{"modal_share_from_message", StoryModal(
			ModalMetadata{Channel: "C0TEAM0001", SourceChannel: "C0TEAM0001", SourceTS: "1700000000.000100"},
			&extramile.Story{Recognized: []string{"U0BOB00001"}, Text: StoryTextFromMessage("Fixed the &lt;login&gt; page for <@U0ANN00001> &amp; stayed late", extramile.MaxStoryLength, map[string]string{"U0ANN00001": "Ann"})})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := CheckModal(c.v); err != nil {
				t.Errorf("CheckModal: %v", err)
			}
			golden(t, c.name, c.v)
		})
	}
}

// checkins are n check-ins of one person, newest week first, one with
// markup that must stay text.
func checkins(n int) []extramile.Checkin {
	var out []extramile.Checkin
	for i := range n {
		out = append(out, extramile.Checkin{User: "U0ANN00001", Week: 2900 - i,
			Text: "Could have called the customer back the same day. <!channel> *not bold*", CreatedAt: time.Date(2026, 11, 30-7*i, 15, 0, 0, 0, time.UTC)})
	}
	return out
}
