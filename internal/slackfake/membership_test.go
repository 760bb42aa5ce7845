package slackfake

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// nextEvent returns the next events_api delivery the socket got, with its raw payload.
func nextEvent(t *testing.T, sock *socket) (slackevents.EventsAPIEvent, json.RawMessage) {
	t.Helper()
	evt := sock.next(t, socketmode.EventTypeEventsAPI)
	outer, ok := evt.Data.(slackevents.EventsAPIEvent)
	if !ok {
		t.Fatalf("event data: got %T", evt.Data)
	}
	return outer, evt.Request.Payload
}

func TestEventsComeOnlyFromConversationsTheBotIsIn(t *testing.T) {
	srv := withDirectory(New(t))
	sock := startSocket(t, srv)
	ctx := testCtx(t)
	for _, tc := range []struct {
		name      string
		payload   map[string]any
		delivered bool
	}{
		{"reaction in a public channel without the bot", srv.ReactionEvent("reaction_added", "U1", "tada", "U2", "C2", "1.000001"), false},
		{"reaction removed there", srv.ReactionEvent("reaction_removed", "U1", "tada", "U2", "C2", "1.000001"), false},
		{"reaction in a private channel without the bot", srv.ReactionEvent("reaction_added", "U1", "tada", "U2", "G2", "1.000002"), false},
		{"reaction in an unknown channel", srv.ReactionEvent("reaction_added", "U1", "tada", "U2", "CNOPE", "1.000003"), false},
		{"message there", srv.EventCallback(map[string]any{"type": "message", "channel": "C2", "user": "U1", "text": "hi", "ts": "1.000004"}), false},
		{"someone joins there", srv.EventCallback(map[string]any{"type": "member_joined_channel", "channel": "C2", "user": "U1"}), false},
		{"reaction in the bot's channel", srv.ReactionEvent("reaction_added", "U1", "tada", "U2", "C1", "1.000005"), true},
		{"reaction in a private channel with the bot", srv.ReactionEvent("reaction_added", "U1", "tada", "U2", "G1", "1.000006"), true},
		{"reaction in the bot's DM", srv.ReactionEvent("reaction_added", "U1", "tada", "UBOT", "DU1", "1.000007"), true},
		{"an event about no conversation", srv.EventCallback(map[string]any{"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home"}), true},
	} {
		id, err := srv.Send(ctx, TypeEventsAPI, tc.payload)
		if !tc.delivered {
			if !errors.Is(err, ErrBotNotMember) || id != "" {
				t.Errorf("%s: got %q %v, want ErrBotNotMember", tc.name, id, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		// The next event on the socket is this one: nothing refused before it slipped through.
		_, raw := nextEvent(t, sock)
		var got struct {
			EventID string `json:"event_id"`
		}
		_ = json.Unmarshal(raw, &got)
		if got.EventID != tc.payload["event_id"] {
			t.Errorf("%s: the socket got %s, want %v", tc.name, got.EventID, tc.payload["event_id"])
		}
	}
	if n := len(srv.Events()); n != 4 {
		t.Errorf("Events: got %d, want the 4 delivered", n)
	}
}

func TestJoinSendsTheBotMemberJoinedChannel(t *testing.T) {
	srv := withDirectory(New(t))
	sock := startSocket(t, srv)
	ctx := testCtx(t)
	if _, _, _, err := newAPI(srv).JoinConversationContext(ctx, "C2"); err != nil {
		t.Fatal(err)
	}
	sent, err := srv.WaitEvent(ctx, "member_joined_channel", "C2")
	if err != nil {
		t.Fatal(err)
	}
	outer, _ := nextEvent(t, sock)
	ev, ok := outer.InnerEvent.Data.(*slackevents.MemberJoinedChannelEvent)
	if !ok {
		t.Fatalf("inner event: got %T", outer.InnerEvent.Data)
	}
	if ev.User != "UBOT" || ev.Channel != "C2" || ev.ChannelType != "C" || ev.Inviter != "" || sent.User != "UBOT" {
		t.Errorf("member_joined_channel: got %+v, want the bot in C2, public, no inviter", ev)
	}
	// Now reactions there reach the bot.
	if _, err := srv.Send(ctx, TypeEventsAPI, srv.ReactionEvent("reaction_added", "U1", "tada", "U2", "C2", "1.000001")); err != nil {
		t.Errorf("reaction after joining: %v", err)
	}
	// Joining again only warns, and sends nothing more.
	if _, warning, _, err := newAPI(srv).JoinConversationContext(ctx, "C2"); err != nil || warning != "already_in_channel" {
		t.Errorf("second join: got %q %v", warning, err)
	}
	nextEvent(t, sock) // the reaction
	for _, e := range srv.Events() {
		if e.Type == "member_joined_channel" && e.EnvelopeID != sent.EnvelopeID {
			t.Errorf("a second member_joined_channel: %+v", e)
		}
	}
}

func TestInviteAndRemoveTheBot(t *testing.T) {
	srv := withDirectory(New(t))
	sock := startSocket(t, srv)
	ctx := testCtx(t)

	if _, err := srv.Send(ctx, TypeEventsAPI, srv.ReactionEvent("reaction_added", "U1", "tada", "U2", "G2", "1.000001")); !errors.Is(err, ErrBotNotMember) {
		t.Fatalf("before the invite: got %v, want ErrBotNotMember", err)
	}
	if _, err := srv.InviteBot(ctx, "G2", "U1"); err != nil {
		t.Fatal(err)
	}
	outer, raw := nextEvent(t, sock)
	ev, ok := outer.InnerEvent.Data.(*slackevents.MemberJoinedChannelEvent)
	if !ok || ev.User != "UBOT" || ev.Channel != "G2" || ev.ChannelType != "G" || ev.Inviter != "U1" || ev.Team != "T0001" {
		t.Fatalf("invite: got %T %+v, want the bot in private G2, invited by U1", outer.InnerEvent.Data, ev)
	}
	var payload map[string]any
	if err := json.Unmarshal(raw, &payload); err != nil {
		t.Fatal(err)
	}
	want, _ := loadShape(t, "socket_event_member_joined_channel_ASSEMBLED.json")["payload"].(map[string]any)
	assertShape(t, "member_joined_channel", payload, want)
	if c, _ := srv.Channel("G2"); !c.BotIsMember {
		t.Error("invited, but BotIsMember is false")
	}
	if _, err := srv.Send(ctx, TypeEventsAPI, srv.ReactionEvent("reaction_added", "U1", "tada", "U2", "G2", "1.000002")); err != nil {
		t.Fatalf("after the invite: %v", err)
	}
	nextEvent(t, sock)

	for _, tc := range []struct{ channel, want string }{{"G2", "group_left"}, {"C1", "channel_left"}} {
		if _, err := srv.RemoveBot(ctx, tc.channel, "U2"); err != nil {
			t.Fatal(err)
		}
		outer, raw := nextEvent(t, sock)
		var actor struct {
			Event struct {
				ActorID string `json:"actor_id"`
			} `json:"event"`
		}
		_ = json.Unmarshal(raw, &actor)
		switch ev := outer.InnerEvent.Data.(type) {
		case *slackevents.ChannelLeftEvent:
			if tc.want != "channel_left" || ev.Channel != tc.channel {
				t.Errorf("remove from %s: got channel_left %+v, want %s", tc.channel, ev, tc.want)
			}
			var p map[string]any
			_ = json.Unmarshal(raw, &p)
			assertShape(t, "channel_left", p, loadShape(t, "event_channel_left_docs.json"))
		case *slackevents.GroupLeftEvent:
			if tc.want != "group_left" || ev.Channel != tc.channel {
				t.Errorf("remove from %s: got group_left %+v, want %s", tc.channel, ev, tc.want)
			}
		default:
			t.Errorf("remove from %s: got %T, want %s", tc.channel, ev, tc.want)
		}
		if actor.Event.ActorID != "U2" {
			t.Errorf("remove from %s: actor_id %q, want U2", tc.channel, actor.Event.ActorID)
		}
		if _, err := srv.Send(ctx, TypeEventsAPI, srv.ReactionEvent("reaction_added", "U1", "tada", "U2", tc.channel, "1.000003")); !errors.Is(err, ErrBotNotMember) {
			t.Errorf("reaction in %s after the removal: got %v, want ErrBotNotMember", tc.channel, err)
		}
	}

	for _, tc := range []struct{ name, channel string }{{"archived", "C4"}, {"already in", "G1"}, {"unknown", "CNOPE"}} {
		if _, err := srv.InviteBot(ctx, tc.channel, "U1"); err == nil {
			t.Errorf("invite into %s channel: no error", tc.name)
		}
	}
	if _, err := srv.RemoveBot(ctx, "C2", "U1"); err == nil {
		t.Error("remove from a channel the bot is not in: no error")
	}
}

func TestCreateChannelAnnouncesPublicOnes(t *testing.T) {
	srv := withDirectory(New(t))
	sock := startSocket(t, srv)
	ctx := testCtx(t)
	id, err := srv.CreateChannel(ctx, Channel{ID: "CNEW", Name: "new-project"}, "U1")
	if err != nil || id == "" {
		t.Fatalf("create a public channel: %q %v", id, err)
	}
	outer, raw := nextEvent(t, sock)
	ev, ok := outer.InnerEvent.Data.(*slackevents.ChannelCreatedEvent)
	if !ok || ev.Channel.ID != "CNEW" || ev.Channel.Name != "new-project" || ev.Channel.Creator != "U1" || ev.Channel.Created == 0 {
		t.Fatalf("channel_created: got %T %+v", outer.InnerEvent.Data, ev)
	}
	var p map[string]any
	_ = json.Unmarshal(raw, &p)
	assertShape(t, "channel_created", p, loadShape(t, "event_channel_created_docs.json"))
	if c, ok := srv.Channel("CNEW"); !ok || c.BotIsMember {
		t.Errorf("new channel: got %+v %v, want it, without the bot", c, ok)
	}

	if id, err := srv.CreateChannel(ctx, Channel{ID: "GNEW", Name: "new-secret", IsPrivate: true}, "U1"); err != nil || id != "" {
		t.Errorf("create a private channel: got %q %v, want no event", id, err)
	}
	if _, err := srv.CreateChannel(ctx, Channel{ID: "CBOT", Name: "x", BotIsMember: true}, "U1"); err == nil {
		t.Error("create a channel with the bot in it: no error")
	}
	if n := len(srv.Events()); n != 1 {
		t.Errorf("events: got %d, want only channel_created", n)
	}
}

func TestUsersConversationsListsTheBotsChannels(t *testing.T) {
	srv := withDirectory(New(t))
	api := newAPI(srv)
	ctx := testCtx(t)
	all := func(p slack.GetConversationsForUserParameters) ([]string, int, error) {
		var ids []string
		pages := 0
		for {
			chans, next, err := api.GetConversationsForUserContext(ctx, &p)
			if err != nil {
				return ids, pages, err
			}
			pages++
			for _, c := range chans {
				ids = append(ids, c.ID)
			}
			if next == "" {
				return ids, pages, nil
			}
			p.Cursor = next
		}
	}
	for _, tc := range []struct {
		name  string
		p     slack.GetConversationsForUserParameters
		want  []string
		pages int
	}{
		{"default types: public", slack.GetConversationsForUserParameters{}, []string{"C1", "C3"}, 1},
		{"public and private, paged", slack.GetConversationsForUserParameters{Types: []string{"public_channel", "private_channel"}, Limit: 1}, []string{"C1", "C3", "G1"}, 3},
		{"without archived", slack.GetConversationsForUserParameters{Types: []string{"public_channel", "private_channel"}, ExcludeArchived: true}, []string{"C1", "G1"}, 1},
		{"the bot by its ID", slack.GetConversationsForUserParameters{UserID: "UBOT", Types: []string{"private_channel"}}, []string{"G1"}, 1},
	} {
		got, pages, err := all(tc.p)
		if err != nil || !slices.Equal(got, tc.want) || pages != tc.pages {
			t.Errorf("%s: got %v in %d pages, %v; want %v in %d", tc.name, got, pages, err, tc.want, tc.pages)
		}
	}
	if _, _, err := api.GetConversationsForUserContext(ctx, &slack.GetConversationsForUserParameters{UserID: "U1"}); slackCode(err) != "invalid_arguments" {
		t.Errorf("another user's conversations: got %v, want invalid_arguments", err)
	}
	var raw map[string]any
	if err := rawCall(ctx, srv, "users.conversations", "xoxb-test", map[string]string{"limit": "1"}, &raw); err != nil {
		t.Fatal(err)
	}
	assertShape(t, "users.conversations", raw, loadShape(t, "web_users_conversations_docs.json"))
	if c := raw["channels"].([]any)[0].(map[string]any); c["is_member"] != nil {
		t.Errorf("users.conversations carries is_member: %v", c)
	}
}
