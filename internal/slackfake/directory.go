package slackfake

import (
	"sort"
	"strings"
	"time"
)

// User is a workspace member as the fake's users.info reports it.
// An empty TZ reads as "UTC"; a zero TZOffset with a TZ is computed from the zone at the
// server's clock.
type User struct {
	ID, Name, RealName, TZ string
	TZOffset               int
	IsBot, Deleted         bool
	IsAdmin, IsOwner       bool
	// IsRestricted is a multi-channel guest, IsUltraRestricted a
	// single-channel guest (users.info's is_restricted, is_ultra_restricted).
	IsRestricted, IsUltraRestricted bool
}

// Channel is a public or private channel, or a group DM. BotIsMember decides what the bot may
// do there: post (else not_in_channel, or channel_not_found when private) and see a private
// channel at all.
type Channel struct {
	ID, Name              string
	IsPrivate, IsArchived bool
	BotIsMember           bool
	// IsMpIM makes it a group DM (a multi-person DM, "mpim"): private, and a bot is never
	// in one (it cannot be invited), so it cannot post there or look it up (channel_not_found),
	// conversations.info needs mpim:read, conversations.join answers
	// method_not_supported_for_channel_type, and a slash command typed there carries the
	// group DM's name, "mpdm-…" (see mpimName).
	IsMpIM bool
	// ReadOnly is an announcement-only channel, where only admins may post:
	// chat.postMessage answers restricted_action_read_only_channel ("Cannot post any message
	// into a read-only channel", https://docs.slack.dev/reference/methods/chat.postMessage).
	ReadOnly bool
	// ThreadOnly is a channel that takes replies only: a top-level chat.postMessage answers
	// restricted_action_thread_only_channel ("Cannot post top-level messages into a
	// thread-only channel", same page).
	ThreadOnly bool
	// Members are the people in the channel (user IDs), as
	// conversations.members lists them; the bot is listed too while
	// BotIsMember.
	Members []string
}

// mpimName is a group DM's name as Slack gives it, "mpdm-alice--bob--carol-1" (the
// channel_name of a slash command typed in one, as in a command payload a Slack app received:
// "channel_name": "mpdm-jo9347--junhee20park--jo8842-1"). A Name without the prefix gets it.
func mpimName(c Channel) string {
	if strings.HasPrefix(c.Name, "mpdm-") {
		return c.Name
	}
	name := c.Name
	if name == "" {
		name = strings.ToLower(c.ID)
	}
	return "mpdm-" + name + "-1"
}

// AddUser adds a user to the directory. It panics on an empty or already used ID (use SetUser to replace).
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.ID == "" {
		panic("slackfake: AddUser: empty user ID")
	}
	if _, ok := s.users[u.ID]; ok {
		panic("slackfake: AddUser: user " + u.ID + " already exists (use SetUser)")
	}
	s.users[u.ID] = u
}

// SetUser replaces a user (e.g. to deactivate them). It panics if the user does not exist.
func (s *Server) SetUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[u.ID]; !ok {
		panic("slackfake: SetUser: no user " + u.ID + " (use AddUser)")
	}
	s.users[u.ID] = u
}

// AddChannel adds a channel. It panics on an empty or already used ID (use SetChannel to replace).
func (s *Server) AddChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.ID == "" {
		panic("slackfake: AddChannel: empty channel ID")
	}
	if _, ok := s.channels[c.ID]; ok {
		panic("slackfake: AddChannel: channel " + c.ID + " already exists (use SetChannel)")
	}
	s.channels[c.ID] = c
}

// SetChannel replaces a channel (e.g. to archive it). It panics if the channel does not exist.
func (s *Server) SetChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.channels[c.ID]; !ok {
		panic("slackfake: SetChannel: no channel " + c.ID + " (use AddChannel)")
	}
	s.channels[c.ID] = c
}

// DeleteChannel deletes a channel, as a workspace admin can: from then on every method answers
// channel_not_found for it ("Value passed for channel was invalid"), as for a channel the bot
// cannot see. Slack keeps no trace a bot can read. It panics if the channel does not exist.
func (s *Server) DeleteChannel(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.channels[id]; !ok {
		panic("slackfake: DeleteChannel: no channel " + id)
	}
	delete(s.channels, id)
	s.notify()
}

// User returns a user from the directory.
func (s *Server) User(id string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	return u, ok
}

// Channel returns a channel, e.g. to check BotIsMember after conversations.join.
func (s *Server) Channel(id string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[id]
	return c, ok
}

// dmUser returns the user behind a DM channel ID ("D"+userID). s.mu must be held.
func (s *Server) dmUser(id string) (User, bool) {
	if !strings.HasPrefix(id, "D") {
		return User{}, false
	}
	u, ok := s.users[id[1:]]
	return u, ok
}

// channelByName finds a channel by name, with or without '#'. s.mu must be held.
func (s *Server) channelByName(name string) (Channel, bool) {
	name = strings.TrimPrefix(name, "#")
	for _, c := range s.channels {
		if c.Name != "" && c.Name == name {
			return c, true
		}
	}
	return Channel{}, false
}

// postTarget resolves where chat.postMessage (and friends) would post: a channel ID or name,
// a user ID (the bot's DM with them) or a DM ID. It returns the channel ID or a Slack error
// code. s.mu must be held.
func (s *Server) postTarget(id string) (string, string) {
	if c, ok := s.channels[id]; ok {
		return c.ID, postable(c)
	}
	if u, ok := s.users[id]; ok {
		return "D" + u.ID, dmable(u)
	}
	if u, ok := s.dmUser(id); ok {
		return "D" + u.ID, dmable(u)
	}
	if c, ok := s.channelByName(id); ok {
		return c.ID, postable(c)
	}
	return "", "channel_not_found"
}

// postable says why the bot cannot post in c ("" when it can).
func postable(c Channel) string {
	switch {
	case (c.IsPrivate || c.IsMpIM) && !c.BotIsMember:
		return "channel_not_found"
	case c.IsArchived:
		return "is_archived"
	case !c.BotIsMember:
		return "not_in_channel"
	}
	return ""
}

// dmable says why the bot cannot write to u in a DM ("" when it can).
func dmable(u User) string {
	switch {
	case u.Deleted:
		return "user_not_found"
	case u.IsBot:
		return "cannot_dm_bot"
	}
	return ""
}

// visible resolves a conversation ID the bot can see (a channel, private only if a member, or a
// DM with an existing user). s.mu must be held.
func (s *Server) visible(id string) (Channel, User, string) {
	if c, ok := s.channels[id]; ok {
		if (c.IsPrivate || c.IsMpIM) && !c.BotIsMember {
			return Channel{}, User{}, "channel_not_found"
		}
		return c, User{}, ""
	}
	if u, ok := s.dmUser(id); ok {
		return Channel{}, u, ""
	}
	return Channel{}, User{}, "channel_not_found"
}

// channelName is what Slack puts in channel_name of a slash command or interaction. s.mu must be held.
func (s *Server) channelName(id string) string {
	if c, ok := s.channels[id]; ok {
		switch {
		case c.IsMpIM:
			return mpimName(c)
		case c.IsPrivate:
			return "privategroup"
		}
		return c.Name
	}
	if strings.HasPrefix(id, "D") {
		return "directmessage"
	}
	return ""
}

// userTZ returns a user's zone, its label and its offset in seconds.
func (s *Server) userTZ(u User) (string, string, int) {
	tz := u.TZ
	if tz == "" {
		tz = "UTC"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return tz, tz, u.TZOffset
	}
	label, off := s.now().In(loc).Zone()
	if u.TZOffset != 0 {
		off = u.TZOffset
	}
	return tz, label, off
}

// userJSON renders u the way users.info does.
func (s *Server) userJSON(u User) obj {
	tz, label, off := s.userTZ(u)
	name := u.Name
	if name == "" {
		name = strings.ToLower(u.ID)
	}
	real := u.RealName
	if real == "" {
		real = name
	}
	profile := obj{
		"real_name":               real,
		"real_name_normalized":    real,
		"display_name":            name,
		"display_name_normalized": name,
		"team":                    s.cfg.teamID,
		"avatar_hash":             "",
		"image_24":                "https://fake.slack.test/avatar/" + u.ID + "_24.png",
		"image_48":                "https://fake.slack.test/avatar/" + u.ID + "_48.png",
		"image_72":                "https://fake.slack.test/avatar/" + u.ID + "_72.png",
	}
	if u.ID == s.cfg.botUserID {
		profile["bot_id"] = s.cfg.botID
		profile["api_app_id"] = s.cfg.appID
	}
	return obj{
		"id":                  u.ID,
		"team_id":             s.cfg.teamID,
		"name":                name,
		"deleted":             u.Deleted,
		"color":               "9f69e7",
		"real_name":           real,
		"tz":                  tz,
		"tz_label":            label,
		"tz_offset":           off,
		"profile":             profile,
		"is_admin":            u.IsAdmin,
		"is_owner":            u.IsOwner,
		"is_primary_owner":    false,
		"is_restricted":       u.IsRestricted || u.IsUltraRestricted,
		"is_ultra_restricted": u.IsUltraRestricted,
		"is_bot":              u.IsBot,
		"is_app_user":         false,
		"is_email_confirmed":  !u.IsBot,
		"updated":             1700000000,
	}
}

// channelJSON renders c the way conversations.info does.
func (s *Server) channelJSON(c Channel) obj {
	name := c.Name
	if c.IsMpIM {
		name = mpimName(c)
	}
	return obj{
		"id":                    c.ID,
		"name":                  name,
		"name_normalized":       name,
		"is_channel":            !c.IsMpIM,
		"is_group":              false,
		"is_im":                 false,
		"is_mpim":               c.IsMpIM,
		"is_private":            c.IsPrivate || c.IsMpIM,
		"is_archived":           c.IsArchived,
		"is_general":            c.Name == "general",
		"is_member":             c.BotIsMember,
		"is_shared":             false,
		"is_ext_shared":         false,
		"is_org_shared":         false,
		"pending_shared":        []string{},
		"is_pending_ext_shared": false,
		"created":               1600000000,
		"creator":               "",
		"unlinked":              0,
		"context_team_id":       s.cfg.teamID,
		"topic":                 obj{"value": "", "creator": "", "last_set": 0},
		"purpose":               obj{"value": "", "creator": "", "last_set": 0},
		"previous_names":        []string{},
	}
}

// imJSON renders the bot's DM with u.
func (s *Server) imJSON(u User) obj {
	return obj{
		"id":              "D" + u.ID,
		"created":         1600000000,
		"is_im":           true,
		"is_org_shared":   false,
		"user":            u.ID,
		"is_user_deleted": u.Deleted,
		"priority":        0,
		"context_team_id": s.cfg.teamID,
	}
}

// sortedUsers returns the directory's users by ID. s.mu must be held.
func (s *Server) sortedUsers() []User {
	us := make([]User, 0, len(s.users))
	for _, u := range s.users {
		us = append(us, u)
	}
	sort.Slice(us, func(i, j int) bool { return us[i].ID < us[j].ID })
	return us
}

// sortedChannels returns the channels by ID. s.mu must be held.
func (s *Server) sortedChannels() []Channel {
	cs := make([]Channel, 0, len(s.channels))
	for _, c := range s.channels {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
	return cs
}
