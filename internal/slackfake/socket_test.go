package slackfake

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

func TestSlashCommandIsDeliveredAndAcked(t *testing.T) {
	srv := withDirectory(New(t))
	sock := startSocket(t, srv)
	ctx := testCtx(t)
	if err := srv.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	hello := sock.next(t, socketmode.EventTypeHello)
	if got, want := hello.Request.ConnectionInfo.AppID, "A0001"; got != want {
		t.Errorf("hello app_id: got %q, want %q", got, want)
	}
	if got, want := hello.Request.NumConnections, 1; got != want {
		t.Errorf("hello num_connections: got %d, want %d", got, want)
	}

	payload := srv.SlashCommand("U1", "C1", "hello there")
	id, err := srv.Send(ctx, TypeSlashCommands, payload)
	if err != nil {
		t.Fatal(err)
	}
	evt := sock.next(t, socketmode.EventTypeSlashCommand)
	cmd, ok := evt.Data.(slack.SlashCommand)
	if !ok {
		t.Fatalf("event data: got %T, want slack.SlashCommand", evt.Data)
	}
	want := slack.SlashCommand{
		Token: verificationToken, TeamID: "T0001", TeamDomain: "fake", ChannelID: "C1", ChannelName: "general",
		UserID: "U1", UserName: "alice", Command: "/extramile", Text: "hello there",
		ResponseURL: payload["response_url"].(string), TriggerID: payload["trigger_id"].(string), APIAppID: "A0001",
	}
	if cmd != want {
		t.Errorf("slash command:\n got %+v\nwant %+v", cmd, want)
	}
	if evt.Request.EnvelopeID != id || !evt.Request.AcceptsResponsePayload {
		t.Errorf("envelope: got id %q accepts %v, want id %q accepts true", evt.Request.EnvelopeID, evt.Request.AcceptsResponsePayload, id)
	}

	if err := sock.client.Ack(*evt.Request, map[string]any{"text": "thanks"}); err != nil {
		t.Fatal(err)
	}
	ack, err := srv.WaitAck(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(ack.Payload), `{"text":"thanks"}`; got != want {
		t.Errorf("ack payload: got %s, want %s", got, want)
	}
	if ack.Sent.IsZero() || ack.Received.Before(ack.Sent) {
		t.Errorf("ack times: sent %v, received %v", ack.Sent, ack.Received)
	}
	if got := srv.AckCount(id); got != 1 {
		t.Errorf("AckCount: got %d, want 1", got)
	}
}

func TestDuplicateAcksAreCounted(t *testing.T) {
	srv := withDirectory(New(t))
	sock := startSocket(t, srv)
	ctx := testCtx(t)
	id, err := srv.Send(ctx, TypeEventsAPI, srv.ReactionEvent("reaction_added", "U1", "tada", "U2", "C1", "1700000000.000100"))
	if err != nil {
		t.Fatal(err)
	}
	evt := sock.next(t, socketmode.EventTypeEventsAPI)
	for range 2 {
		if err := sock.client.Ack(*evt.Request); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "two acks", func() bool { return srv.AckCount(id) == 2 })
	acks := srv.Acks()
	if len(acks) != 2 || acks[0].Payload != nil {
		t.Errorf("acks: got %+v, want two without payload", acks)
	}
}

func TestEventsAPIEnvelope(t *testing.T) {
	srv := withDirectory(New(t))
	sock := startSocket(t, srv)
	ctx := testCtx(t)
	p := srv.ReactionEvent("reaction_added", "U1", "raised_hands::skin-tone-3", "U2", "C1", "1700000000.000100")
	p["event_id"] = "EvFIXED"
	for _, tc := range []struct {
		opts          []EnvelopeOption
		attempt       int
		reason, envID string
	}{
		{nil, 0, "", ""},
		{[]EnvelopeOption{WithRetry(2, "timeout"), WithEnvelopeID("env-retry")}, 2, "timeout", "env-retry"},
	} {
		id, err := srv.Send(ctx, TypeEventsAPI, p, tc.opts...)
		if err != nil {
			t.Fatal(err)
		}
		if tc.envID != "" && id != tc.envID {
			t.Errorf("envelope id: got %q, want %q", id, tc.envID)
		}
		evt := sock.next(t, socketmode.EventTypeEventsAPI)
		if evt.Request.RetryAttempt != tc.attempt || evt.Request.RetryReason != tc.reason || evt.Request.AcceptsResponsePayload {
			t.Errorf("retry: got %d %q accepts %v, want %d %q false", evt.Request.RetryAttempt, evt.Request.RetryReason, evt.Request.AcceptsResponsePayload, tc.attempt, tc.reason)
		}
		outer, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok {
			t.Fatalf("event data: got %T", evt.Data)
		}
		cb, _ := outer.Data.(*slackevents.EventsAPICallbackEvent)
		if cb == nil || cb.EventID != "EvFIXED" {
			t.Errorf("event_id: got %+v, want EvFIXED", outer.Data)
		}
		ra, ok := outer.InnerEvent.Data.(*slackevents.ReactionAddedEvent)
		if !ok {
			t.Fatalf("inner event: got %T", outer.InnerEvent.Data)
		}
		if ra.User != "U1" || ra.Reaction != "raised_hands::skin-tone-3" || ra.ItemUser != "U2" || ra.Item.Channel != "C1" || ra.Item.Timestamp != "1700000000.000100" || ra.EventTimestamp == "" {
			t.Errorf("reaction_added: got %+v", ra)
		}
	}
}

func TestViewSubmissionAndBlockActionsParse(t *testing.T) {
	srv := withDirectory(New(t))
	sock := startSocket(t, srv)
	ctx := testCtx(t)

	values := map[string]map[string]any{
		"what": {"what_input": TextValue("Stayed late to fix the release")},
		"who":  {"who_select": UsersValue("U2", "UGONE")},
		"way":  {"way_radio": RadioValue("customer")},
		"ch":   {"ch_select": ConversationValue("C1")},
		"none": {"none_select": SelectValue("")},
	}
	if _, err := srv.Send(ctx, TypeInteractive, srv.ViewSubmissionPayload("U1", "story", `{"c":"C1"}`, values)); err != nil {
		t.Fatal(err)
	}
	cb := sock.next(t, socketmode.EventTypeInteractive).Data.(slack.InteractionCallback)
	if cb.Type != slack.InteractionTypeViewSubmission || cb.User.ID != "U1" || cb.User.Name != "alice" || cb.View.CallbackID != "story" || cb.View.PrivateMetadata != `{"c":"C1"}` || cb.TriggerID == "" {
		t.Errorf("view_submission: got type %q user %+v view %q %q trigger %q", cb.Type, cb.User, cb.View.CallbackID, cb.View.PrivateMetadata, cb.TriggerID)
	}
	st := cb.View.State.Values
	if got := st["what"]["what_input"].Value; got != "Stayed late to fix the release" {
		t.Errorf("text value: got %q", got)
	}
	if got := st["who"]["who_select"].SelectedUsers; strings.Join(got, ",") != "U2,UGONE" {
		t.Errorf("users value: got %v", got)
	}
	if got := st["way"]["way_radio"].SelectedOption.Value; got != "customer" {
		t.Errorf("radio value: got %q", got)
	}
	if got := st["ch"]["ch_select"].SelectedConversation; got != "C1" {
		t.Errorf("conversation value: got %q", got)
	}

	post := srv.AddMessage(Message{Channel: "C1", User: "UBOT", Text: "shoutout"})
	acts := []map[string]any{ButtonAction("share_story", "b1", "v1"), OverflowAction("story_menu", "b2", "edit:7")}
	p := srv.BlockActionsPayload("U2", "C1", post.TS, acts)
	if _, err := srv.Send(ctx, TypeInteractive, p); err != nil {
		t.Fatal(err)
	}
	cb = sock.next(t, socketmode.EventTypeInteractive).Data.(slack.InteractionCallback)
	ba := cb.ActionCallback.BlockActions
	if cb.Type != slack.InteractionTypeBlockActions || len(ba) != 2 || ba[0].ActionID != "share_story" || ba[0].Value != "v1" || ba[1].SelectedOption.Value != "edit:7" {
		t.Fatalf("block_actions: got %q %+v", cb.Type, ba)
	}
	if cb.Channel.ID != "C1" || cb.Container.ChannelID != "C1" || cb.Container.MessageTs != post.TS || cb.Message.Text != "shoutout" || cb.ResponseURL == "" {
		t.Errorf("block_actions context: channel %q container %+v message %q response_url %q", cb.Channel.ID, cb.Container, cb.Message.Text, cb.ResponseURL)
	}
}

func TestDisconnectMakesSlackGoReconnect(t *testing.T) {
	srv := New(t)
	sock := startSocket(t, srv)
	ctx := testCtx(t)
	if err := srv.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	srv.Disconnect("refresh_requested")
	if err := srv.WaitConnected(ctx, 2); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the old socket closed", func() bool { return srv.Connections() == 1 })
	if got := len(srv.Calls("apps.connections.open")); got != 2 {
		t.Errorf("apps.connections.open calls: got %d, want 2", got)
	}
	id, err := srv.Send(ctx, TypeSlashCommands, srv.SlashCommand("U1", "C1", ""))
	if err != nil {
		t.Fatal(err)
	}
	evt := sock.next(t, socketmode.EventTypeSlashCommand)
	if evt.Request.EnvelopeID != id {
		t.Errorf("envelope after reconnect: got %q, want %q", evt.Request.EnvelopeID, id)
	}
}

func TestDropConnectionsMakesSlackGoReconnect(t *testing.T) {
	srv := New(t)
	startSocket(t, srv)
	ctx := testCtx(t)
	if err := srv.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	srv.DropConnections()
	if err := srv.WaitConnected(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if got := srv.Connections(); got != 1 {
		t.Errorf("Connections: got %d, want 1", got)
	}
}

func TestPingsKeepTheSocketAndSilenceDropsIt(t *testing.T) {
	srv := New(t, WithPingInterval(20*time.Millisecond))
	startSocket(t, srv, socketmode.OptionPingInterval(400*time.Millisecond))
	ctx := testCtx(t)
	if err := srv.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// 25 pongs take ~500 ms, longer than slack-go's 400 ms ping timeout.
	eventually(t, "25 pongs", func() bool { return pongs(srv) >= 25 })
	srv.mu.Lock()
	hellos := srv.hellos
	srv.mu.Unlock()
	if hellos != 1 {
		t.Fatalf("sockets opened while pinging: got %d, want 1", hellos)
	}

	srv.SetPings(false)
	if err := srv.WaitConnected(ctx, 2); err != nil {
		t.Fatalf("slack-go did not reconnect a silent socket: %v", err)
	}
}

func TestGoSilentStopsEverythingOnTheSocketsOpenNow(t *testing.T) {
	srv := New(t, WithPingInterval(20*time.Millisecond))
	sock := startSocket(t, srv, socketmode.OptionPingInterval(400*time.Millisecond))
	ctx := testCtx(t)
	if err := srv.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitPongs(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if n := srv.GoSilent(); n != 1 {
		t.Fatalf("GoSilent: got %d sockets, want 1", n)
	}
	// No socket takes envelopes now: Send waits for slack-go to replace the silent one
	// (after its ping timeout) and delivers there.
	id, err := srv.Send(ctx, TypeSlashCommands, srv.SlashCommand("U1", "C1", "after"))
	if err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	hellos := srv.hellos
	srv.mu.Unlock()
	if hellos != 2 {
		t.Errorf("sockets opened by the time the envelope went out: got %d, want 2", hellos)
	}
	evt := sock.next(t, socketmode.EventTypeSlashCommand)
	if evt.Request.EnvelopeID != id {
		t.Errorf("envelope after the silence: got %q, want %q", evt.Request.EnvelopeID, id)
	}
	eventually(t, "the silent socket closed", func() bool { return srv.Connections() == 1 })
	if n := srv.GoSilent(); n != 1 {
		t.Errorf("GoSilent on the new socket: got %d, want 1", n)
	}
}

// pongs sums the pongs received on the open sockets.
func pongs(srv *Server) int64 {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	var n int64
	for _, c := range srv.conns {
		n += c.pongs.Load()
	}
	return n
}

func TestEnvelopesGoRoundRobin(t *testing.T) {
	srv := New(t)
	a, b := startSocket(t, srv), startSocket(t, srv)
	ctx := testCtx(t)
	if err := srv.WaitConnected(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if got := srv.Connections(); got != 2 {
		t.Fatalf("Connections: got %d, want 2", got)
	}
	for range 4 {
		if _, err := srv.Send(ctx, TypeSlashCommands, srv.SlashCommand("U1", "C1", "")); err != nil {
			t.Fatal(err)
		}
	}
	counts := map[*socket]int{}
	for n := 0; n < 4; {
		select {
		case e := <-a.events:
			if e.Type == socketmode.EventTypeSlashCommand {
				counts[a]++
				n++
			}
		case e := <-b.events:
			if e.Type == socketmode.EventTypeSlashCommand {
				counts[b]++
				n++
			}
		case <-ctx.Done():
			t.Fatalf("got %d of 4 envelopes", n)
		}
	}
	if counts[a] != 2 || counts[b] != 2 {
		t.Errorf("envelopes per socket: got %d and %d, want 2 and 2", counts[a], counts[b])
	}
}

func TestSendWaitsForASocket(t *testing.T) {
	srv := New(t)
	ctx := testCtx(t)

	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := srv.Send(short, TypeSlashCommands, srv.SlashCommand("U1", "C1", "")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Send with no socket: got %v, want a deadline error", err)
	}

	sent := make(chan error, 1)
	go func() {
		_, err := srv.Send(ctx, TypeSlashCommands, json.RawMessage(`{"command":"/extramile","text":"late"}`))
		sent <- err
	}()
	sock := startSocket(t, srv)
	cmd := sock.next(t, socketmode.EventTypeSlashCommand).Data.(slack.SlashCommand)
	if cmd.Text != "late" {
		t.Errorf("text: got %q, want late", cmd.Text)
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
}

func TestSendRefusesBadInput(t *testing.T) {
	srv := New(t)
	ctx := testCtx(t)
	if _, err := srv.Send(ctx, "", map[string]any{}); err == nil {
		t.Error("empty type: got nil error")
	}
	if _, err := srv.Send(ctx, TypeInteractive, []byte("{not json")); err == nil {
		t.Error("invalid raw payload: got nil error")
	}
	srv.Close()
	srv.Close() // idempotent
	if _, err := srv.Send(ctx, TypeInteractive, map[string]any{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Send after Close: got %v, want ErrClosed", err)
	}
}

func TestConnectionsOpenRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, appToken, setErr, want string
	}{
		{"wrong token", "xapp-wrong", "", "invalid_auth"},
		{"missing token", "", "", "invalid_auth"},
		{"bot token", "xoxb-test", "", "not_allowed_token_type"},
		{"set error", "xapp-test", "token_revoked", "token_revoked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := New(t)
			srv.SetConnectionsOpenError(tc.setErr)
			api := newAPI(srv, slack.OptionAppLevelToken(tc.appToken))
			_, _, err := api.StartSocketModeContext(testCtx(t))
			if got := slackCode(err); got != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
		})
	}

	t.Run("slack-go gives up on invalid_auth", func(t *testing.T) {
		srv := New(t, WithAppToken("xapp-other"))
		sm := socketmode.New(newAPI(srv))
		go func() {
			for range sm.Events {
			}
		}()
		err := sm.RunContext(testCtx(t))
		if got := slackCode(err); got != "invalid_auth" {
			t.Errorf("RunContext: got %v, want invalid_auth", err)
		}
	})

	t.Run("cleared error lets it connect", func(t *testing.T) {
		srv := New(t)
		srv.SetConnectionsOpenError("invalid_auth")
		srv.SetConnectionsOpenError("")
		if _, url, err := newAPI(srv).StartSocketModeContext(testCtx(t)); err != nil || !strings.HasPrefix(url, "ws://127.0.0.1:") {
			t.Errorf("got %q %v, want a ws://127.0.0.1 URL", url, err)
		}
	})
}

func TestTicketsAreSingleUse(t *testing.T) {
	srv := New(t)
	ctx := testCtx(t)
	_, url, err := newAPI(srv).StartSocketModeContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ws, _, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_, resp, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("second dial of one ticket: got %v, want 401", err)
	}
}

// TestRawSocketShapes reads the socket the way Slack's docs describe it, without slack-go.
func TestRawSocketShapes(t *testing.T) {
	srv := New(t, WithPingInterval(10*time.Millisecond))
	srv.cfg.discGrace = 100 * time.Millisecond // pings arrive while the socket waits to be closed
	ctx := testCtx(t)
	_, url, err := newAPI(srv).StartSocketModeContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ws, _, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	pinged := make(chan struct{}, 1)
	ws.SetPingHandler(func(string) error {
		select {
		case pinged <- struct{}{}:
		default:
		}
		return nil
	})
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))

	read := func() map[string]any {
		t.Helper()
		var m map[string]any
		if err := ws.ReadJSON(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	assertShape(t, "hello", read(), loadShape(t, "socket_hello_docs.json"))

	// an unparsable message is recorded too
	if err := ws.WriteMessage(websocket.TextMessage, []byte("not json")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "raw message recorded", func() bool { a := srv.Acks(); return len(a) == 1 && string(a[0].Raw) == "not json" })

	srv.Disconnect("refresh_requested")
	assertShape(t, "disconnect", read(), loadShape(t, "socket_disconnect_refresh_requested.json"))
	if _, _, err := ws.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("after disconnect: got %v, want a normal close", err)
	}
	select {
	case <-pinged:
	default:
		t.Error("no ping received")
	}
}

func TestEleventhSocketIsRefused(t *testing.T) {
	srv := New(t)
	ctx := testCtx(t)
	api := newAPI(srv)
	dial := func() *websocket.Conn {
		t.Helper()
		_, url, err := api.StartSocketModeContext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ws, _, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ws.Close() })
		_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		return ws
	}
	for range maxSockets {
		dial()
	}
	if err := srv.WaitConnected(ctx, maxSockets); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := dial().ReadJSON(&m); err != nil {
		t.Fatal(err)
	}
	if m["type"] != "disconnect" || m["reason"] != "too_many_websockets" {
		t.Errorf("11th socket: got %v, want a too_many_websockets disconnect", m)
	}
	if got := srv.Connections(); got != maxSockets {
		t.Errorf("Connections: got %d, want %d", got, maxSockets)
	}
}

func TestPingNow(t *testing.T) {
	srv := New(t, WithPingInterval(time.Hour))
	startSocket(t, srv)
	ctx := testCtx(t)
	if err := srv.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if n := srv.Ping(); n != 1 {
		t.Fatalf("Ping: pinged %d sockets, want 1", n)
	}
	eventually(t, "a pong", func() bool { return pongs(srv) == 1 })
}
