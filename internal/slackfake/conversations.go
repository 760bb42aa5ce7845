package slackfake

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
)

// authTest tells the bot who it is.
func (s *Server) authTest(*request) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	bot := s.users[s.cfg.botUserID]
	return obj{
		"ok": true, "url": "https://fake.slack.test/", "team": "Fake Team", "user": bot.Name,
		"team_id": s.cfg.teamID, "user_id": s.cfg.botUserID, "bot_id": s.cfg.botID,
		"is_enterprise_install": false,
	}
}

// teamInfo describes the workspace.
func (s *Server) teamInfo(*request) obj {
	return obj{"ok": true, "team": obj{
		"id": s.cfg.teamID, "name": "Fake Team", "domain": "fake", "email_domain": "",
		"icon": obj{"image_default": true, "image_68": "https://fake.slack.test/team_68.png"},
	}}
}

// usersInfo answers users.info for "user", or for "users" (comma-separated).
func (s *Server) usersInfo(req *request) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ids := req.params.Get("users"); ids != "" {
		var us []obj
		for _, id := range strings.Split(ids, ",") {
			u, ok := s.users[strings.TrimSpace(id)]
			if !ok {
				return apiError("user_not_found")
			}
			us = append(us, s.userJSON(u))
		}
		return obj{"ok": true, "users": us}
	}
	u, ok := s.users[req.params.Get("user")]
	if !ok {
		return apiError("user_not_found")
	}
	return obj{"ok": true, "user": s.userJSON(u)}
}

// usersList lists the directory as Slack documents users.list
// (https://docs.slack.dev/reference/methods/users.list): every user,
// deactivated ones and bots included (deleted, is_bot, is_restricted,
// is_ultra_restricted and tz as users.info gives them), in pages by
// cursor. "To begin pagination, specify a limit value under 1000. We
// recommend no more than 200 results at a time"; without a limit "Slack
// attempting to deliver you the entire result set". Each page carries
// response_metadata.next_cursor, an opaque string ("dXNlcjpVMDYxTkZUVDI=" in
// the docs' example: base64 of "user:U061NFTT2", the next page's first
// user), which is "" on the last page
// (https://docs.slack.dev/apis/web-api/pagination); a cursor it did not
// issue answers invalid_cursor (as conversations.history's does).
func (s *Server) usersList(req *request) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	users := s.sortedUsers()
	from := 0
	if c := req.params.Get("cursor"); c != "" {
		raw, err := base64.StdEncoding.DecodeString(c)
		id, ok := strings.CutPrefix(string(raw), "user:")
		if err != nil || !ok {
			return apiError("invalid_cursor")
		}
		from = slices.IndexFunc(users, func(u User) bool { return u.ID == id })
		if from < 0 {
			return apiError("invalid_cursor")
		}
	}
	limit, _ := strconv.Atoi(req.params.Get("limit"))
	if limit <= 0 {
		limit = len(users)
	}
	to := min(from+limit, len(users))
	page := make([]obj, 0, to-from)
	for _, u := range users[from:to] {
		page = append(page, s.userJSON(u))
	}
	next := ""
	if to < len(users) {
		next = base64.StdEncoding.EncodeToString([]byte("user:" + users[to].ID))
	}
	return obj{"ok": true, "members": page, "cache_ts": s.now().Unix(), "response_metadata": obj{"next_cursor": next}}
}

// conversationsInfo describes a channel the bot can see, or a DM.
func (s *Server) conversationsInfo(req *request) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, u, code := s.visible(req.params.Get("channel"))
	switch {
	case code != "":
		return apiError(code)
	case c.ID == "":
		return obj{"ok": true, "channel": s.imJSON(u)}
	}
	return obj{"ok": true, "channel": s.channelJSON(c)}
}

// conversationsJoin puts the bot in a public channel, and Slack then sends the bot a
// member_joined_channel without inviter (membership.go). Errors as Slack documents them
// (https://docs.slack.dev/reference/methods/conversations.join): is_archived,
// method_not_supported_for_channel_type (a private channel or a DM), channel_not_found (what
// the bot cannot see); already_in_channel is a warning on an ok answer.
func (s *Server) conversationsJoin(req *request) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := req.params.Get("channel")
	c, ok := s.channels[id]
	switch {
	case !ok && strings.HasPrefix(id, "D"):
		return apiError("method_not_supported_for_channel_type")
	case !ok, (c.IsPrivate || c.IsMpIM) && !c.BotIsMember:
		return apiError("channel_not_found")
	case c.IsPrivate, c.IsMpIM:
		return apiError("method_not_supported_for_channel_type")
	case c.IsArchived:
		return apiError("is_archived")
	case c.BotIsMember:
		return obj{"ok": true, "channel": s.channelJSON(c), "warning": "already_in_channel",
			"response_metadata": obj{"warnings": []string{"already_in_channel"}}}
	}
	c.BotIsMember = true
	s.channels[id] = c
	s.emit(s.memberJoined(c, "")) // bots get member_joined_channel for their own joins too
	return obj{"ok": true, "channel": s.channelJSON(c)}
}

// conversationsOpen opens the bot's DM with one user ("users" or "channel" = a DM ID).
func (s *Server) conversationsOpen(req *request) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	var u User
	if ch := req.params.Get("channel"); ch != "" {
		du, ok := s.dmUser(ch)
		if !ok {
			return apiError("channel_not_found")
		}
		u = du
	} else {
		ids := strings.Split(req.params.Get("users"), ",")
		if len(ids) != 1 || ids[0] == "" {
			return apiError("invalid_arguments", "[ERROR] the fake opens DMs with exactly one user [json-pointer:/users]")
		}
		var ok bool
		if u, ok = s.users[strings.TrimSpace(ids[0])]; !ok {
			return apiError("user_not_found")
		}
	}
	switch {
	case u.Deleted:
		return apiError("user_disabled")
	case u.IsBot:
		return apiError("cannot_dm_bot")
	}
	if req.params.Get("return_im") == "true" {
		return obj{"ok": true, "channel": s.imJSON(u)}
	}
	return obj{"ok": true, "channel": obj{"id": "D" + u.ID}}
}

// listFilter reads the "types" (public_channel by default; private_channel) and
// "exclude_archived" parameters of conversations.list and users.conversations.
func listFilter(req *request) (public, private, excludeArchived bool) {
	types := req.params.Get("types")
	if types == "" {
		types = "public_channel"
	}
	return strings.Contains(types, "public_channel"), strings.Contains(types, "private_channel"),
		req.params.Get("exclude_archived") == "true"
}

// conversationsList lists the channels the bot can see ("types": public_channel,private_channel).
func (s *Server) conversationsList(req *request) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	public, private, exclude := listFilter(req)
	var all []obj
	for _, c := range s.sortedChannels() {
		switch {
		case c.IsMpIM, c.IsPrivate && (!private || !c.BotIsMember), !c.IsPrivate && !public, exclude && c.IsArchived:
			continue
		}
		all = append(all, s.channelJSON(c))
	}
	page, next := paginate(all, req)
	return obj{"ok": true, "channels": page, "response_metadata": obj{"next_cursor": next}}
}

// paginate cuts a page by "limit" (default 100) and "cursor" (an offset).
func paginate(all []obj, req *request) ([]obj, string) {
	limit, _ := strconv.Atoi(req.params.Get("limit"))
	if limit <= 0 {
		limit = 100
	}
	from, _ := strconv.Atoi(req.params.Get("cursor"))
	from = min(max(from, 0), len(all))
	to := min(from+limit, len(all))
	next := ""
	if to < len(all) {
		next = strconv.Itoa(to)
	}
	page := all[from:to]
	if page == nil {
		page = []obj{}
	}
	return page, next
}

// conversationsMembers lists a channel's members (user IDs), paged by "limit"
// and "cursor" like conversations.list. As Slack documents it
// (https://docs.slack.dev/reference/methods/conversations.members):
// channel_not_found for what the bot cannot see (a private channel it is not
// in); a DM lists its user and the bot.
func (s *Server) conversationsMembers(req *request) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, u, code := s.visible(req.params.Get("channel"))
	if code != "" {
		return apiError(code)
	}
	var ids []string
	if c.ID == "" {
		ids = []string{u.ID, s.cfg.botUserID}
	} else {
		ids = append(ids, c.Members...)
		if c.BotIsMember {
			ids = append(ids, s.cfg.botUserID)
		}
	}
	all := make([]obj, len(ids))
	for i, id := range ids {
		all[i] = obj{"id": id}
	}
	page, next := paginate(all, req)
	members := make([]string, len(page))
	for i, o := range page {
		members[i] = o["id"].(string)
	}
	return obj{"ok": true, "members": members, "response_metadata": obj{"next_cursor": next}}
}
