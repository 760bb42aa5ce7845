package slackfake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrBotNotMember is returned (wrapped) by Send for an events_api envelope whose event happened
// in a conversation the bot is not a member of. Slack sends a bot reactions, messages and
// membership changes only from channels, private channels and DMs it is in ("This event requires
// membership in the conversation in order to receive events … Bot users will receive this event
// when a new member joins a channel your bot or app is already a member of",
// https://docs.slack.dev/reference/events/member_joined_channel; reaction_added "is sent to all
// connected clients for users who can see the content that was reacted to",
// https://docs.slack.dev/reference/events/reaction_added), so the fake does not deliver it
// either: a test asserts with errors.Is that nothing arrived.
var ErrBotNotMember = errors.New("not delivered: the bot is not a member of the conversation")

// memberScoped are the event types that reach a bot only from conversations it is in.
var memberScoped = map[string]bool{
	"reaction_added":        true,
	"reaction_removed":      true,
	"message":               true,
	"app_mention":           true,
	"member_joined_channel": true,
	"member_left_channel":   true,
}

// SentEvent is one events_api envelope the server sent, whether a test called Send or the fake
// emitted it itself (conversations.join, InviteBot, RemoveBot, CreateChannel).
type SentEvent struct {
	EnvelopeID string
	EventID    string
	Type       string // the inner event's type, e.g. "member_joined_channel"
	Channel    string // the conversation it is about ("" when none)
	User       string // the inner event's user ("" when none)
	At         time.Time
}

// eventFacts reads an events_api payload's inner event: its type, the conversation it happened
// in (item.channel for reactions; channel, or channel.id where channel is an object) and its user.
func eventFacts(raw json.RawMessage) (typ, channel, user string) {
	var p struct {
		EventID string `json:"event_id"`
		Event   struct {
			Type    string          `json:"type"`
			User    json.RawMessage `json:"user"`
			Channel json.RawMessage `json:"channel"`
			Item    struct {
				Channel string `json:"channel"`
			} `json:"item"`
		} `json:"event"`
	}
	if json.Unmarshal(raw, &p) != nil {
		return "", "", ""
	}
	ev := p.Event
	_ = json.Unmarshal(ev.User, &user)
	if ev.Item.Channel != "" {
		return ev.Type, ev.Item.Channel, user
	}
	if json.Unmarshal(ev.Channel, &channel) != nil {
		var c struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(ev.Channel, &c)
		channel = c.ID
	}
	return ev.Type, channel, user
}

// botIn reports whether the bot is a member of a conversation: a channel with BotIsMember, or its
// DM with an existing user ("D"+user ID). s.mu must be held.
func (s *Server) botIn(channel string) bool {
	if c, ok := s.channels[channel]; ok {
		return c.BotIsMember
	}
	_, ok := s.dmUser(channel)
	return ok
}

// Events returns every events_api envelope sent so far, in order (see SentEvent).
func (s *Server) Events() []SentEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SentEvent(nil), s.events...)
}

// WaitEvent waits until an event of type typ about channel ("" for any) was sent and returns
// the first, e.g. the member_joined_channel that conversations.join emits.
func (s *Server) WaitEvent(ctx context.Context, typ, channel string) (SentEvent, error) {
	var got SentEvent
	err := s.waitFor(ctx, func() bool {
		for _, e := range s.events {
			if e.Type == typ && (channel == "" || e.Channel == channel) {
				got = e
				return true
			}
		}
		return false
	})
	if err != nil {
		return SentEvent{}, fmt.Errorf("wait for a %s event in %q: %w", typ, channel, err)
	}
	return got, nil
}

// emit sends an event the fake itself raises (as Slack does after a join), in the background:
// it goes out when a socket is open, like Slack's queued events, and is dropped if the server
// closes first. s.mu must be held.
func (s *Server) emit(ev obj) {
	if s.closed {
		return
	}
	payload := s.eventCallback(ev)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if _, err := s.Send(context.Background(), TypeEventsAPI, payload); err != nil {
			s.log.Debug("emitted event not sent", "type", ev["type"], "error", err)
		}
	}()
}

// channelType is the one-letter channel_type of member events: "C" for a public channel, "G" for a
// private one (https://docs.slack.dev/reference/events/member_joined_channel).
func channelType(c Channel) string {
	if c.IsPrivate {
		return "G"
	}
	return "C"
}

// memberJoined is the member_joined_channel of the bot joining c; inviter "" when it joined by
// itself ("The property will be absent when a user manually joins a channel", per Slack's
// member_joined_channel reference). Shape: Slack's example, as in
// shared/slack-payloads/socket_event_member_joined_channel_ASSEMBLED.json. s.mu must be held.
func (s *Server) memberJoined(c Channel, inviter string) obj {
	ev := obj{
		"type": "member_joined_channel", "user": s.cfg.botUserID, "channel": c.ID,
		"channel_type": channelType(c), "team": s.cfg.teamID,
	}
	if inviter != "" {
		ev["inviter"] = inviter
	}
	return ev
}

// InviteBot is someone typing `/invite @Extra Mile` in channel: the bot becomes a member and
// Slack sends it member_joined_channel with the inviter ("Even bot users receive this
// delightful event via Bot User subscription, when joining a channel"). It returns the
// envelope ID once the event went out (waiting for an open socket until ctx is done).
// Inviting into an archived channel, or a channel the bot is in, is an error.
func (s *Server) InviteBot(ctx context.Context, channel, inviter string) (string, error) {
	s.mu.Lock()
	c, ok := s.channels[channel]
	switch {
	case !ok:
		s.mu.Unlock()
		return "", fmt.Errorf("invite the bot: no channel %q", channel)
	case c.IsArchived:
		s.mu.Unlock()
		return "", fmt.Errorf("invite the bot: %s is archived", channel)
	case c.IsMpIM:
		s.mu.Unlock()
		return "", fmt.Errorf("invite the bot: %s is a group DM, and Slack adds no app to one", channel)
	case c.BotIsMember:
		s.mu.Unlock()
		return "", fmt.Errorf("invite the bot: already in %s", channel)
	}
	c.BotIsMember = true
	s.channels[channel] = c
	payload := s.eventCallback(s.memberJoined(c, inviter))
	s.notify()
	s.mu.Unlock()
	return s.Send(ctx, TypeEventsAPI, payload)
}

// RemoveBot is someone removing the bot from channel (/kick, or the channel's settings): it is
// no longer a member and Slack sends it channel_left, or group_left for a private channel, with
// actor_id, the person who removed it (https://docs.slack.dev/reference/events/channel_left,
// https://docs.slack.dev/reference/events/group_left; actor_id and a bot's authorization as in
// the channel_left fixture of the slack-web Haskell SDK,
// tests/golden/SlackWebhookEvent/channel_left.json). It returns the envelope ID once the event
// went out. Removing the bot from a channel it is not in is an error.
func (s *Server) RemoveBot(ctx context.Context, channel, actor string) (string, error) {
	s.mu.Lock()
	c, ok := s.channels[channel]
	if !ok || !c.BotIsMember {
		s.mu.Unlock()
		return "", fmt.Errorf("remove the bot: not in %q", channel)
	}
	c.BotIsMember = false
	s.channels[channel] = c
	typ := "channel_left"
	if c.IsPrivate {
		typ = "group_left"
	}
	payload := s.eventCallback(obj{"type": typ, "channel": c.ID, "actor_id": actor})
	s.notify()
	s.mu.Unlock()
	return s.Send(ctx, TypeEventsAPI, payload)
}

// CreateChannel is creator making a new channel. A public one is announced to the bot with
// channel_created ("sent to all connections for a workspace when a new channel is created",
// https://docs.slack.dev/reference/events/channel_created; its channel object holds id, name,
// created and creator) and CreateChannel returns that envelope's ID once it went out; a private
// one is not (the bot cannot see it), and the ID is "". c.BotIsMember must be false.
func (s *Server) CreateChannel(ctx context.Context, c Channel, creator string) (string, error) {
	if c.BotIsMember {
		return "", errors.New("create channel: the bot is not in a channel someone else creates (use InviteBot after)")
	}
	s.AddChannel(c)
	if c.IsPrivate || c.IsMpIM {
		return "", nil
	}
	s.mu.Lock()
	payload := s.eventCallback(obj{"type": "channel_created", "channel": obj{
		"id": c.ID, "name": c.Name, "created": s.now().Unix(), "creator": creator,
	}})
	s.notify()
	s.mu.Unlock()
	return s.Send(ctx, TypeEventsAPI, payload)
}

// usersConversations lists the conversations the bot is a member of (users.conversations):
// "types" (default public_channel; public_channel and private_channel are modelled, DMs and
// group DMs are not listed), "exclude_archived", paginated with "limit" and "cursor". Its
// channel objects are conversations.info's without is_member, as in Slack's example. The fake
// knows only the bot's memberships: "user" may be empty or the bot.
func (s *Server) usersConversations(req *request) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := req.params.Get("user"); u != "" && u != s.cfg.botUserID {
		return apiError("invalid_arguments", "[ERROR] the fake knows only the bot's own conversations [json-pointer:/user]")
	}
	public, private, exclude := listFilter(req)
	var all []obj
	for _, c := range s.sortedChannels() {
		switch {
		case !c.BotIsMember, c.IsMpIM, c.IsPrivate && !private, !c.IsPrivate && !public, exclude && c.IsArchived:
			continue
		}
		j := s.channelJSON(c)
		delete(j, "is_member")
		all = append(all, j)
	}
	page, next := paginate(all, req)
	return obj{"ok": true, "channels": page, "response_metadata": obj{"next_cursor": next}}
}
