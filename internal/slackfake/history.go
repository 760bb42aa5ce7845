package slackfake

import (
	"encoding/base64"
	"sort"
	"strconv"
	"strings"
)

// conversations.history, as https://docs.slack.dev/reference/methods/conversations.history
// documents it (the example answers are kept in slack-ruby/slack-api-ref,
// methods/conversations/conversations.history.json):
//
//   - "channel" is required. The bot reads a conversation it is a member of: a public channel
//     it is not in answers not_in_channel, one it cannot see (a private channel it is not in,
//     a group DM, a deleted channel) channel_not_found. Its DM with a user ("D"+user) works.
//   - Messages come newest first; "oldest" and "latest" (timestamps, exclusive unless
//     "inclusive" is true) bound them, "latest" defaulting to now; "limit" (default 100,
//     at most 999) cuts a page, and "cursor" takes the next_cursor of the page before. Slack's
//     cursors are base64 text such as "next_ts:1512085861000543" (bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz
//     in the documented example); the fake's are the same kind. A bad cursor answers
//     invalid_cursor, a bad oldest or latest invalid_ts_oldest or invalid_ts_latest.
//   - Thread replies are not listed (conversations.replies lists them), nor ephemeral or
//     deleted messages.
//   - Message metadata is returned only with "include_all_metadata" ("Return all metadata
//     associated with this message"), as "metadata": {"event_type", "event_payload"}
//     ("Using message metadata", https://docs.slack.dev/messaging/message-metadata).
//   - The answer carries has_more, pin_count, channel_actions_ts and channel_actions_count (as
//     live Slack sends them) and response_metadata.next_cursor.
func (s *Server) conversationsHistory(req *request) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := req.params.Get("channel")
	if id == "" {
		return apiError("channel_not_found")
	}
	c, _, code := s.visible(id)
	switch {
	case code != "":
		return apiError(code)
	case c.ID != "" && !c.BotIsMember:
		return apiError("not_in_channel")
	}
	oldest, ok := parseTS(req.params.Get("oldest"), 0)
	if !ok {
		return apiError("invalid_ts_oldest")
	}
	latest, ok := parseTS(req.params.Get("latest"), s.now().UnixMicro())
	if !ok {
		return apiError("invalid_ts_latest")
	}
	inclusive := truthy(req.params.Get("inclusive"))
	if cur := req.params.Get("cursor"); cur != "" {
		from, ok := parseCursor(cur)
		if !ok {
			return apiError("invalid_cursor")
		}
		latest, inclusive = from, true
	}
	limit, _ := strconv.Atoi(req.params.Get("limit"))
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 999)
	withMeta := truthy(req.params.Get("include_all_metadata"))

	var found []*Message
	for _, m := range s.messages {
		if m.Channel != id || m.Ephemeral || m.Deleted || (m.ThreadTS != "" && m.ThreadTS != m.TS) {
			continue
		}
		ts, _ := parseTS(m.TS, 0)
		if ts < oldest || ts > latest || (!inclusive && (ts == oldest || ts == latest)) {
			continue
		}
		found = append(found, m)
	}
	sort.SliceStable(found, func(i, j int) bool {
		a, _ := parseTS(found[i].TS, 0)
		b, _ := parseTS(found[j].TS, 0)
		return a > b
	})
	page, more := found, false
	if len(found) > limit {
		page, more = found[:limit], true
	}
	msgs := make([]obj, 0, len(page))
	for _, m := range page {
		o := s.messageJSON(m)
		if withMeta && m.Metadata != nil {
			o["metadata"] = m.Metadata
		}
		msgs = append(msgs, o)
	}
	next := ""
	if more {
		ts, _ := parseTS(found[limit].TS, 0)
		next = base64.StdEncoding.EncodeToString([]byte("next_ts:" + strconv.FormatInt(ts, 10)))
	}
	return obj{
		"ok": true, "messages": msgs, "has_more": more, "pin_count": 0,
		"channel_actions_ts": nil, "channel_actions_count": 0,
		"response_metadata": obj{"next_cursor": next},
	}
}

// parseTS reads a Slack timestamp ("1512085950.000216", or whole seconds) as microseconds;
// "" is def.
func parseTS(ts string, def int64) (int64, bool) {
	if ts == "" {
		return def, true
	}
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || s < 0 {
		return 0, false
	}
	frac = (frac + "000000")[:6]
	us, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, false
	}
	return s*1e6 + us, true
}

// parseCursor reads a cursor made by conversationsHistory: the microseconds of the newest
// message of the next page.
func parseCursor(cur string) (int64, bool) {
	raw, err := base64.StdEncoding.DecodeString(cur)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(raw), "next_ts:")
	if !ok {
		return 0, false
	}
	us, err := strconv.ParseInt(rest, 10, 64)
	return us, err == nil
}

// truthy reads a boolean argument as Slack accepts it: "true" or "1".
func truthy(v string) bool { return v == "true" || v == "1" }
