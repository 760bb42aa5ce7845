package slackapp

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// recorder notes which handler ran, with what, and what no route took.
type recorder struct {
	calls    []string
	unrouted []Route
}

func (rec *recorder) router() *Router {
	r := NewRouter(nil)
	r.OnUnrouted = func(_ context.Context, rt Route) { rec.unrouted = append(rec.unrouted, rt) }
	return r
}

// command is a handler that records its name and what it got, and acks
// with the same.
func (rec *recorder) command(name string) CommandHandler {
	return func(_ context.Context, cmd Command) any {
		got := fmt.Sprintf("%s sub=%q args=%q", name, cmd.Sub, cmd.Args)
		rec.calls = append(rec.calls, got)
		return got
	}
}

// TestCommandRoutes: the first word picks the subcommand, whatever its
// case; a word no subcommand names goes to the unknown-subcommand route
// (the quick share's mention among them, its case kept); the command typed
// alone goes to its own route. Each handler's return value is the ack.
func TestCommandRoutes(t *testing.T) {
	var rec recorder
	r := rec.router()
	r.Command("/x", rec.command("alone"))
	r.Subcommand("/x", "help", rec.command("help"))
	r.Subcommand("/x", "top", rec.command("top"))
	r.Subcommand("/x", "forget-me", rec.command("forget-me"))
	r.UnknownSubcommand("/x", rec.command("unknown"))
	r.Command("/y", rec.command("y")) // no subcommands: it takes every text
	r.Subcommand("/z", "only", rec.command("only"))

	tests := []struct {
		command, text string
		want          any // the ack; nil when unrouted
	}{
		{"/x", "", `alone sub="" args=""`},
		{"/x", " \t ", `alone sub="" args=""`},
		{"/x", "  HELP ", `help sub="help" args=""`},
		{"/x", "top  Week", `top sub="top" args="Week"`},
		{"/x", "top\tall", `top sub="top" args="all"`},
		{"/x", "<@U1|Al> did\nthings", `unknown sub="<@U1|Al>" args="did\nthings"`},
		{"/x", "forget-me", `forget-me sub="forget-me" args=""`},
		{"/x", "Tpo now", `unknown sub="tpo" args="now"`},
		{"/y", "Anything At all", `y sub="anything" args="At all"`},
		{"/y", "", `y sub="" args=""`},
		{"/z", "only", `only sub="only" args=""`},
		{"/z", "other", nil},
		{"/z", "", nil},
		{"/nope", "help", nil},
	}
	for _, tt := range tests {
		got := r.DispatchCommand(context.Background(), slack.SlashCommand{Command: tt.command, Text: tt.text})
		if got != tt.want {
			t.Errorf("%s %q: ack %v, want %v", tt.command, tt.text, got, tt.want)
		}
	}
	wantUnrouted := []Route{{KindSubcommand, "/z other"}, {KindCommand, "/z"}, {KindCommand, "/nope"}}
	if !slices.Equal(rec.unrouted, wantUnrouted) {
		t.Errorf("unrouted: got %v, want %v", rec.unrouted, wantUnrouted)
	}
}

func readCallback(t *testing.T, name string) slack.InteractionCallback {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "interactive", name))
	if err != nil {
		t.Fatal(err)
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal(raw, &cb); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return cb
}

// TestInteractionRoutes: a view submission by its callback_id (its handler
// gives the ack), each action of a block_actions payload by its action_id,
// in order, and shortcuts by their callback_id; the rest is unrouted and
// acked plainly.
func TestInteractionRoutes(t *testing.T) {
	var rec recorder
	r := rec.router()
	r.View("story_modal", func(_ context.Context, cb slack.InteractionCallback) any {
		rec.calls = append(rec.calls, "view "+cb.User.ID)
		return slack.NewClearViewSubmissionResponse()
	})
	action := func(name string) ActionHandler {
		return func(_ context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
			rec.calls = append(rec.calls, name+" "+a.Value+" in "+cb.Channel.ID)
		}
	}
	r.Action("WaXA", action("WaXA"))
	r.Action("second", action("second"))
	shortcut := func(name string) ShortcutHandler {
		return func(_ context.Context, cb slack.InteractionCallback) {
			rec.calls = append(rec.calls, name+" "+cb.TriggerID)
		}
	}
	r.Shortcut("test-shortcut", shortcut("global"))
	r.MessageAction("test-shortcut", shortcut("message"))
	ctx := context.Background()

	view := slack.InteractionCallback{Type: slack.InteractionTypeViewSubmission, User: slack.User{ID: "U1"}}
	view.View.CallbackID = "story_modal"
	if got := r.DispatchInteraction(ctx, view); got == nil {
		t.Error("the view's handler did not give the ack")
	}
	view.View.CallbackID = "some_other_modal"
	if got := r.DispatchInteraction(ctx, view); got != nil {
		t.Errorf("an unrouted view acked with %v", got)
	}

	clicks := readCallback(t, "block_actions.json")
	clicks.ActionCallback.BlockActions = append(clicks.ActionCallback.BlockActions,
		&slack.BlockAction{ActionID: "nobody_handles_this"}, &slack.BlockAction{ActionID: "second", Value: "2"})
	if got := r.DispatchInteraction(ctx, clicks); got != nil {
		t.Errorf("block_actions acked with %v; want a plain ack", got)
	}
	for _, name := range []string{"shortcut.json", "message_action.json"} {
		if got := r.DispatchInteraction(ctx, readCallback(t, name)); got != nil {
			t.Errorf("%s acked with %v; want a plain ack", name, got)
		}
	}
	closed := slack.InteractionCallback{Type: slack.InteractionTypeViewClosed}
	if got := r.DispatchInteraction(ctx, closed); got != nil {
		t.Errorf("view_closed acked with %v", got)
	}
	unknownShortcut := readCallback(t, "shortcut.json")
	unknownShortcut.CallbackID = "another-one"
	r.DispatchInteraction(ctx, unknownShortcut)

	wantCalls := []string{
		"view U1",
		"WaXA click_me_123 in C123ABC456", "second 2 in C123ABC456",
		"global 111.111.xxxxxx", "message 111.222.xxx",
	}
	if !slices.Equal(rec.calls, wantCalls) {
		t.Errorf("handlers: got %q, want %q", rec.calls, wantCalls)
	}
	wantUnrouted := []Route{
		{KindView, "some_other_modal"}, {KindAction, "nobody_handles_this"},
		{KindInteraction, "view_closed"}, {KindShortcut, "another-one"},
	}
	if !slices.Equal(rec.unrouted, wantUnrouted) {
		t.Errorf("unrouted: got %v, want %v", rec.unrouted, wantUnrouted)
	}
}

// parseEvent parses an Events API callback as slack-go does for a Socket
// Mode envelope.
func parseEvent(t *testing.T, raw string) Event {
	t.Helper()
	ev, err := slackevents.ParseEvent(json.RawMessage(raw), slackevents.OptionNoVerifyToken())
	if err != nil {
		t.Fatal(err)
	}
	return Event{ID: eventID(json.RawMessage(raw)), Inner: ev.InnerEvent}
}

// TestEventRoutes: an event goes to the handler of its type, its data
// typed; an event of another type is unrouted.
func TestEventRoutes(t *testing.T) {
	var rec recorder
	r := rec.router()
	On(r, "reaction_added", func(_ context.Context, ev Event, e *slackevents.ReactionAddedEvent) {
		rec.calls = append(rec.calls, ev.ID+" "+e.User+" "+e.Reaction+" "+e.Item.Channel)
	})
	r.Event("channel_left", func(_ context.Context, ev Event) { rec.calls = append(rec.calls, "left "+ev.Inner.Type) })
	ctx := context.Background()

	// Slack's reference, "reaction_added" (https://api.slack.com/events/reaction_added).
	r.DispatchEvent(ctx, parseEvent(t, `{"token":"XXYYZZ","team_id":"T123ABC456","api_app_id":"A123ABC456",
		"event":{"type":"reaction_added","user":"U123ABC456","reaction":"thumbsup","item_user":"U222222222",
			"item":{"type":"message","channel":"C123ABC456","ts":"1360782400.498405"},"event_ts":"1360782804.083113"},
		"type":"event_callback","authed_users":["U123ABC456","U222222222"],"event_id":"Ev123ABC456","event_time":123456789}`))
	r.DispatchEvent(ctx, parseEvent(t, `{"type":"event_callback","event_id":"Ev2","event":{"type":"channel_left","channel":"C1","actor_id":"U1","event_ts":"1.2"}}`))
	r.DispatchEvent(ctx, parseEvent(t, `{"type":"event_callback","event_id":"Ev3","event":{"type":"emoji_changed","subtype":"add","name":"x","event_ts":"1.3"}}`))

	wantCalls := []string{"Ev123ABC456 U123ABC456 thumbsup C123ABC456", "left channel_left"}
	if !slices.Equal(rec.calls, wantCalls) {
		t.Errorf("handlers: got %q, want %q", rec.calls, wantCalls)
	}
	if want := []Route{{KindEvent, "emoji_changed"}}; !slices.Equal(rec.unrouted, want) {
		t.Errorf("unrouted: got %v, want %v", rec.unrouted, want)
	}
}

// TestRegistrationMistakesPanic: a route registered twice, a subcommand
// that is not one lower-case word, a nil handler, an event type slack-go
// does not know, or a handler of another event's data stop the program at
// its start rather than leave a door that does nothing.
func TestRegistrationMistakesPanic(t *testing.T) {
	nop := func(context.Context, Command) any { return nil }
	tests := map[string]func(r *Router){
		"two subcommands": func(r *Router) { r.Subcommand("/x", "a", nop); r.Subcommand("/x", "a", nop) },
		"two commands":    func(r *Router) { r.Command("/x", nop); r.Command("/x", nop) },
		"two unknowns":    func(r *Router) { r.UnknownSubcommand("/x", nop); r.UnknownSubcommand("/x", nop) },
		"upper case":      func(r *Router) { r.Subcommand("/x", "Help", nop) },
		"two words":       func(r *Router) { r.Subcommand("/x", "a b", nop) },
		"empty word":      func(r *Router) { r.Subcommand("/x", "", nop) },
		"nil handler":     func(r *Router) { r.Action("a", nil) },
		"empty action":    func(r *Router) { r.Action("", func(context.Context, slack.InteractionCallback, *slack.BlockAction) {}) },
		"two actions": func(r *Router) {
			h := func(context.Context, slack.InteractionCallback, *slack.BlockAction) {}
			r.Action("a", h)
			r.Action("a", h)
		},
		"two views": func(r *Router) {
			h := func(context.Context, slack.InteractionCallback) any { return nil }
			r.View("v", h)
			r.View("v", h)
		},
		"unknown event": func(r *Router) {
			On(r, "reaction_addded", func(context.Context, Event, *slackevents.ReactionAddedEvent) {})
		},
		"another event's data": func(r *Router) {
			On(r, "reaction_added", func(context.Context, Event, *slackevents.ReactionRemovedEvent) {})
		},
		"data not a pointer": func(r *Router) {
			On(r, "reaction_added", func(context.Context, Event, slackevents.ReactionAddedEvent) {})
		},
		"two events": func(r *Router) {
			h := func(context.Context, Event, *slackevents.ChannelLeftEvent) {}
			On(r, "channel_left", h)
			On(r, "channel_left", h)
		},
	}
	for name, register := range tests {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			register(NewRouter(nil))
		})
	}
}

// TestRoutesListsTheTable: Routes lists every route once, in the order
// registered, and a command's routes keep their kinds.
func TestRoutesListsTheTable(t *testing.T) {
	r := NewRouter(nil)
	nop := func(context.Context, Command) any { return nil }
	r.Command("/x", nop)
	r.Subcommand("/x", "mine", nop)
	r.UnknownSubcommand("/x", nop)
	r.View("v", func(context.Context, slack.InteractionCallback) any { return nil })
	r.Action("a", func(context.Context, slack.InteractionCallback, *slack.BlockAction) {})
	r.Shortcut("s", func(context.Context, slack.InteractionCallback) {})
	r.MessageAction("m", func(context.Context, slack.InteractionCallback) {})
	On(r, "group_left", func(context.Context, Event, *slackevents.GroupLeftEvent) {})
	want := []Route{
		{KindCommand, "/x"}, {KindSubcommand, "/x mine"}, {KindUnknownSubcommand, "/x"},
		{KindView, "v"}, {KindAction, "a"}, {KindShortcut, "s"}, {KindMessageAction, "m"}, {KindEvent, "group_left"},
	}
	if got := r.Routes(); !slices.Equal(got, want) {
		t.Errorf("Routes: got %v, want %v", got, want)
	}
}
