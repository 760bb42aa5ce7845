package slackfake

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/extramile/extramile/internal/blockkit"
)

// Message is a message the fake holds: posted by the bot through chat.postMessage or
// chat.postEphemeral, or seeded with AddMessage.
type Message struct {
	Channel  string // channel ID ("D"+user for a DM)
	TS       string
	ThreadTS string
	User     string // author
	Text     string
	Blocks   json.RawMessage // nil when the message has none
	// Ephemeral messages (chat.postEphemeral) are seen only by EphemeralTo and cannot be
	// updated, deleted or reacted to.
	Ephemeral   bool
	EphemeralTo string
	Edited      bool // changed by chat.update
	Deleted     bool // removed by chat.delete
	Reactions   []Reaction
	Files       []string // IDs of the files it shares (files.completeUploadExternal)
	// Metadata is the message metadata chat.postMessage was given ({"event_type":…,
	// "event_payload":{…}}), nil when none; conversations.history returns it with
	// include_all_metadata.
	Metadata json.RawMessage
}

// Reaction is one emoji on a message and who added it.
type Reaction struct {
	Name  string
	Users []string
}

// Messages returns the messages of one channel ("" for all), oldest first, deleted and
// ephemeral ones included (see their flags).
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if channel == "" || m.Channel == channel {
			out = append(out, copyMessage(m))
		}
	}
	return out
}

// AddMessage seeds a message (e.g. one a user wrote, for reactions to point at) and returns it
// with its TS (a fresh one if m.TS is empty). m.Channel should be a channel or DM ID.
func (s *Server) AddMessage(m Message) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.TS == "" {
		m.TS = s.nextTS()
	}
	m.Reactions = copyReactions(m.Reactions)
	s.messages = append(s.messages, &m)
	return copyMessage(&m)
}

func copyMessage(m *Message) Message {
	c := *m
	c.Blocks = append(json.RawMessage(nil), m.Blocks...)
	if m.Blocks == nil {
		c.Blocks = nil
	}
	if m.Metadata != nil {
		c.Metadata = append(json.RawMessage(nil), m.Metadata...)
	}
	c.Reactions = copyReactions(m.Reactions)
	c.Files = append([]string(nil), m.Files...)
	return c
}

func copyReactions(rs []Reaction) []Reaction {
	if rs == nil {
		return nil
	}
	out := make([]Reaction, len(rs))
	for i, r := range rs {
		out[i] = Reaction{Name: r.Name, Users: append([]string(nil), r.Users...)}
	}
	return out
}

// findMessage returns a live, non-ephemeral message. s.mu must be held.
func (s *Server) findMessage(channel, ts string) *Message {
	for _, m := range s.messages {
		if m.Channel == channel && m.TS == ts && !m.Deleted && !m.Ephemeral {
			return m
		}
	}
	return nil
}

// react adds or removes a reaction on a stored message, if there is one. s.mu must be held.
func (s *Server) react(channel, ts, user, name string, add bool) {
	m := s.findMessage(channel, ts)
	if m == nil {
		return
	}
	for i := range m.Reactions {
		r := &m.Reactions[i]
		if r.Name != name {
			continue
		}
		for j, u := range r.Users {
			if u == user {
				if !add {
					r.Users = append(r.Users[:j], r.Users[j+1:]...)
					if len(r.Users) == 0 {
						m.Reactions = append(m.Reactions[:i], m.Reactions[i+1:]...)
					}
				}
				return
			}
		}
		if add {
			r.Users = append(r.Users, user)
		}
		return
	}
	if add {
		m.Reactions = append(m.Reactions, Reaction{Name: name, Users: []string{user}})
	}
}

// messageJSON renders a message the way chat.postMessage and reactions.get return it.
func (s *Server) messageJSON(m *Message) obj {
	o := obj{"type": "message", "text": m.Text, "user": m.User, "ts": m.TS, "team": s.cfg.teamID}
	if m.User == s.cfg.botUserID {
		o["bot_id"] = s.cfg.botID
		o["app_id"] = s.cfg.appID
	}
	if m.Blocks != nil {
		o["blocks"] = m.Blocks
	}
	if m.ThreadTS != "" {
		o["thread_ts"] = m.ThreadTS
	}
	if m.Edited {
		o["edited"] = obj{"user": m.User, "ts": m.TS}
	}
	if len(m.Files) > 0 {
		var fs []obj
		for _, id := range m.Files {
			fs = append(fs, obj{"id": id})
		}
		o["files"], o["upload"] = fs, true
	}
	if len(m.Reactions) > 0 {
		var rs []obj
		for _, r := range m.Reactions {
			rs = append(rs, obj{"name": r.Name, "users": r.Users, "count": len(r.Users)})
		}
		o["reactions"] = rs
	}
	return o
}

// messageContent checks text and blocks of a post or update and returns the blocks, or a
// Slack error with its messages.
func messageContent(p map[string][]string, needSome bool) (json.RawMessage, obj) {
	text, blocks := first(p, "text"), first(p, "blocks")
	if needSome && text == "" && blocks == "" && first(p, "attachments") == "" {
		return nil, apiError("no_text")
	}
	if utf8.RuneCountInString(text) > 40000 {
		return nil, apiError("msg_too_long")
	}
	if blocks == "" {
		return nil, nil
	}
	raw := json.RawMessage(blocks)
	if problems := blockkit.Blocks(raw, blockkit.MaxMessageBlocks, "/blocks", blockkit.Lenient); len(problems) > 0 {
		return nil, apiError("invalid_blocks", blockkit.Strings(problems)...)
	}
	return raw, nil
}

func first(p map[string][]string, k string) string {
	if v := p[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// messageMetadata reads chat.postMessage's "metadata": a JSON object with a non-empty
// event_type and an event_payload object ("Using message metadata",
// https://docs.slack.dev/messaging/message-metadata). Anything else answers
// invalid_metadata_format ("Invalid metadata format provided", in chat.postMessage's errors).
func messageMetadata(p map[string][]string) (json.RawMessage, obj) {
	raw := first(p, "metadata")
	if raw == "" {
		return nil, nil
	}
	var m struct {
		EventType    string          `json:"event_type"`
		EventPayload json.RawMessage `json:"event_payload"`
	}
	var payload map[string]any
	if json.Unmarshal([]byte(raw), &m) != nil || m.EventType == "" || json.Unmarshal(m.EventPayload, &payload) != nil || payload == nil {
		return nil, apiError("invalid_metadata_format")
	}
	return json.RawMessage(raw), nil
}

// restricted says why a channel's posting rules refuse a post (thread_ts "" for a top-level
// one), or "".
func restricted(c Channel, threadTS string) string {
	switch {
	case c.ReadOnly:
		return "restricted_action_read_only_channel"
	case c.ThreadOnly && threadTS == "":
		return "restricted_action_thread_only_channel"
	}
	return ""
}

// chatPostMessage posts to a channel, by ID or name, or to a user's DM.
func (s *Server) chatPostMessage(req *request) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, code := s.postTarget(req.params.Get("channel"))
	if code != "" {
		return apiError(code)
	}
	if code := restricted(s.channels[ch], req.params.Get("thread_ts")); code != "" {
		return apiError(code)
	}
	blocks, bad := messageContent(req.params, true)
	if bad != nil {
		return bad
	}
	meta, bad := messageMetadata(req.params)
	if bad != nil {
		return bad
	}
	m := &Message{Channel: ch, TS: s.nextTS(), ThreadTS: req.params.Get("thread_ts"), User: s.cfg.botUserID, Text: req.params.Get("text"), Blocks: blocks, Metadata: meta}
	s.messages = append(s.messages, m)
	return obj{"ok": true, "channel": ch, "ts": m.TS, "message": s.messageJSON(m)}
}

// chatPostEphemeral shows a message to one user in a channel.
func (s *Server) chatPostEphemeral(req *request) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, code := s.postTarget(req.params.Get("channel"))
	if code != "" {
		return apiError(code)
	}
	u, ok := s.users[req.params.Get("user")]
	if !ok || u.Deleted {
		return apiError("user_not_found")
	}
	blocks, bad := messageContent(req.params, true)
	if bad != nil {
		return bad
	}
	m := &Message{Channel: ch, TS: s.nextTS(), ThreadTS: req.params.Get("thread_ts"), User: s.cfg.botUserID, Text: req.params.Get("text"), Blocks: blocks, Ephemeral: true, EphemeralTo: u.ID}
	s.messages = append(s.messages, m)
	return obj{"ok": true, "message_ts": m.TS}
}

// visibleMessage finds a live message in a channel the bot can see (channel_not_found and the
// like, else message_not_found). s.mu must be held.
func (s *Server) visibleMessage(channel, ts string) (*Message, obj) {
	if _, _, code := s.visible(channel); code != "" {
		return nil, apiError(code)
	}
	m := s.findMessage(channel, ts)
	if m == nil {
		return nil, apiError("message_not_found")
	}
	return m, nil
}

// ownMessage finds a message the bot may change. s.mu must be held.
func (s *Server) ownMessage(channel, ts, cant string) (*Message, obj) {
	if c, _, code := s.visible(channel); code == "" && c.IsArchived {
		return nil, apiError("is_archived")
	}
	m, bad := s.visibleMessage(channel, ts)
	if bad != nil {
		return nil, bad
	}
	if m.User != s.cfg.botUserID {
		return nil, apiError(cant)
	}
	return m, nil
}

// chatUpdate changes the text and blocks of one of the bot's messages.
func (s *Server) chatUpdate(req *request) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, bad := s.ownMessage(req.params.Get("channel"), req.params.Get("ts"), "cant_update_message")
	if bad != nil {
		return bad
	}
	blocks, bad := messageContent(req.params, false)
	if bad != nil {
		return bad
	}
	if _, ok := req.params["text"]; ok {
		m.Text = req.params.Get("text")
	}
	if _, ok := req.params["blocks"]; ok {
		m.Blocks = blocks
	}
	m.Edited = true
	return obj{"ok": true, "channel": m.Channel, "ts": m.TS, "text": m.Text, "message": s.messageJSON(m)}
}

// chatDelete removes one of the bot's messages.
func (s *Server) chatDelete(req *request) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, bad := s.ownMessage(req.params.Get("channel"), req.params.Get("ts"), "cant_delete_message")
	if bad != nil {
		return bad
	}
	m.Deleted = true
	return obj{"ok": true, "channel": m.Channel, "ts": m.TS}
}

// chatGetPermalink links to a message the fake holds.
func (s *Server) chatGetPermalink(req *request) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	channel, ts := req.params.Get("channel"), req.params.Get("message_ts")
	m, bad := s.visibleMessage(channel, ts)
	if bad != nil {
		return bad
	}
	return obj{"ok": true, "channel": channel, "permalink": permalink(channel, m)}
}

// permalink is https://fake.slack.test/archives/C123/p1700000000000100 (with thread_ts for replies).
func permalink(channel string, m *Message) string {
	link := fmt.Sprintf("https://fake.slack.test/archives/%s/p%s", channel, strings.Replace(m.TS, ".", "", 1))
	if m.ThreadTS != "" && m.ThreadTS != m.TS {
		link += fmt.Sprintf("?thread_ts=%s&cid=%s", m.ThreadTS, channel)
	}
	return link
}

// reactionsGet returns a message with its reactions.
func (s *Server) reactionsGet(req *request) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	channel, ts := req.params.Get("channel"), req.params.Get("timestamp")
	m, bad := s.visibleMessage(channel, ts)
	if bad != nil {
		return bad
	}
	msg := s.messageJSON(m)
	msg["permalink"] = permalink(channel, m)
	return obj{"ok": true, "type": "message", "channel": channel, "message": msg}
}
