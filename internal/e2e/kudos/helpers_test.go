// Package kudos tests emoji-reaction kudos end to end: who receives them
// (authors, the people a shoutout recognized, never yourself or a bot),
// exactly once per reaction whatever Slack redelivers, taking them back,
// skin tones, threads, private channels, the daily limit, and where kudos
// show up (/extramile top, the digest, the export). Each test runs the real
// program through internal/apptest against the fake Slack, with reaction
// events in the shape Slack sends them.
package kudos

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/clock"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/slackfake"
)

// Reaction event kinds.
const (
	added   = "reaction_added"
	removed = "reaction_removed"
)

// now is the time on the program's clock in these tests: a fake clock that
// does not move, so that the day a kudos counts for, in any zone, is known.
var now = time.Date(2024, time.March, 4, 12, 30, 0, 0, time.UTC)

// newHarness returns a harness (not started) whose program's clock reads now.
func newHarness(t *testing.T, opts ...func(*config.Config)) *apptest.Harness {
	t.Helper()
	h := apptest.New(t, opts...)
	h.Clock = clock.NewFake(now)
	return h
}

// start returns a running harness with the kudos emoji raised_hands and
// clap, on a clock reading now.
func start(t *testing.T, opts ...func(*config.Config)) *apptest.Harness {
	t.Helper()
	h := newHarness(t, opts...)
	h.Start()
	return h
}

// post seeds a message by author in channel, as a person wrote it.
func post(h *apptest.Harness, author, channel, text string) slackfake.Message {
	return h.Slack.AddMessage(slackfake.Message{Channel: channel, User: author, Text: text})
}

// react builds the event of giver adding or removing emoji on m, as Slack
// sends it (item_user is m's author), with a fresh event_id and event_ts.
func react(h *apptest.Harness, kind, giver, emoji string, m slackfake.Message) map[string]any {
	return h.Slack.ReactionEvent(kind, giver, emoji, "", m.Channel, m.TS)
}

// eventID is the event_id of an events_api payload.
func eventID(p map[string]any) string {
	id, _ := p["event_id"].(string)
	return id
}

// withEventID is a copy of p under another event_id: the same reaction, as
// Slack has been seen sending it more than once.
func withEventID(p map[string]any, id string) map[string]any {
	c := maps.Clone(p)
	c["event_id"] = id
	return c
}

// deliver sends an events_api payload, waits for its ack and then for the
// bot to have finished with it (its ReactionOutcome), and returns the result.
func deliver(h *apptest.Harness, p map[string]any, opts ...slackfake.EnvelopeOption) bot.ReactionResult {
	h.T.Helper()
	id := eventID(p)
	before := len(h.Reactions(id))
	h.Event(p, opts...)
	return waitHandled(h, id, before+1)
}

// waitHandled waits until the bot has finished n deliveries of eventID and
// returns the result of the nth.
func waitHandled(h *apptest.Harness, id string, n int) bot.ReactionResult {
	h.T.Helper()
	return h.WaitReaction(id, n).Result
}

// kudos is a kudos as the export lists it, without its time.
type kudos struct {
	Giver, Receiver, Channel, TS, Emoji string
	Story                               int64
}

func (k kudos) String() string {
	return fmt.Sprintf("%s→%s %s/%s :%s: story %d", k.Giver, k.Receiver, k.Channel, k.TS, k.Emoji, k.Story)
}

// exported returns every kudos `extramile export` lists, sorted.
func exported(h *apptest.Harness) []kudos {
	h.T.Helper()
	var out []kudos
	for _, k := range h.Export().Kudos {
		out = append(out, kudos{k.Giver, k.Receiver, k.Channel, k.MessageTS, k.Emoji, k.StoryID})
	}
	slices.SortFunc(out, func(a, b kudos) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// wantKudos fails unless the export lists exactly want (in any order).
func wantKudos(h *apptest.Harness, when string, want ...kudos) {
	h.T.Helper()
	slices.SortFunc(want, func(a, b kudos) int { return strings.Compare(a.String(), b.String()) })
	if got := exported(h); !slices.Equal(got, want) {
		h.T.Fatalf("%s: kudos in the export:\n got  %v\n want %v", when, got, want)
	}
}

// exportedAt returns the export's kudos with their times.
func exportedAt(h *apptest.Harness) []extramile.ExportKudos {
	h.T.Helper()
	return h.Export().Kudos
}

// command is the harness's Reply: the ephemeral reply of `/extramile text`.
func command(h *apptest.Harness, user, channel, text string) string {
	h.T.Helper()
	return h.Reply(user, channel, text)
}

// share is the harness's quick share (apptest.Harness.QuickShare).
func share(h *apptest.Harness, author, channel, text string, people ...string) slackfake.Message {
	h.T.Helper()
	return h.QuickShare(author, channel, text, people...)
}

// limitNotices returns the ephemeral "daily limit reached" notices user got.
func limitNotices(h *apptest.Harness, user string) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range h.Ephemerals(user) {
		if strings.Contains(m.Text, "You've given all") {
			out = append(out, m)
		}
	}
	return out
}

// zoneAt returns an IANA zone (Etc/GMT±N) whose wall clock reads hour
// o'clock (to the hour) at now, so a test can stay clear of midnight or sit
// just after it.
func zoneAt(hour int) string {
	off := (hour - now.UTC().Hour() + 24) % 24 // hours east of UTC, 0..23
	if off > 14 {
		off -= 24 // Etc zones span UTC-12 to UTC+14
	}
	switch {
	case off == 0:
		return "Etc/GMT"
	case off > 0:
		return fmt.Sprintf("Etc/GMT-%d", off) // POSIX sign: GMT-5 is 5 hours east
	}
	return fmt.Sprintf("Etc/GMT+%d", -off)
}
