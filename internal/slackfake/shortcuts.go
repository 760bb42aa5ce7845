package slackfake

// MessageShortcutPayload builds the message_action payload Slack sends when user picks the
// message shortcut callbackID on the message ts of channel (a thread reply too). The message
// is the stored one (with bot_id for the bot's own); an unknown ts gives a bare message. Send
// it as TypeInteractive.
//
// Shape: https://api.slack.com/reference/interaction-payloads/shortcuts, with the fields
// slackapi/bolt-js types in
// src/types/shortcuts/message-shortcut.ts (type, callback_id, trigger_id, message_ts,
// response_url, message{type,user?,ts,text?,…}, user{id,name,team_id}, channel{id,name},
// team{id,domain}, token, action_ts).
func (s *Server) MessageShortcutPayload(user, channel, ts, callbackID string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := obj{"type": "message", "ts": ts}
	if m := s.findMessage(channel, ts); m != nil {
		msg = s.messageJSON(m)
	}
	return obj{
		"type":                  "message_action",
		"token":                 verificationToken,
		"action_ts":             s.nextTS(),
		"team":                  obj{"id": s.cfg.teamID, "domain": "fake"},
		"user":                  s.userRef(user),
		"channel":               obj{"id": channel, "name": s.channelName(channel)},
		"callback_id":           callbackID,
		"trigger_id":            s.issueTrigger(user, ""),
		"message_ts":            ts,
		"message":               msg,
		"response_url":          s.newResponseURL("actions"),
		"is_enterprise_install": false,
		"enterprise":            nil,
	}
}

// GlobalShortcutPayload builds the shortcut payload Slack sends when user picks the global
// shortcut callbackID (the lightning menu). It names no channel and has no response_url.
// Send it as TypeInteractive.
//
// Shape: https://api.slack.com/reference/interaction-payloads/shortcuts and slackapi/bolt-js
// src/types/shortcuts/global-shortcut.ts (type "shortcut",
// callback_id, trigger_id, user{id,username,team_id}, team{id,domain}, token, action_ts,
// plus is_enterprise_install and enterprise as in the other interactive payloads).
func (s *Server) GlobalShortcutPayload(user, callbackID string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return obj{
		"type":                  "shortcut",
		"token":                 verificationToken,
		"action_ts":             s.nextTS(),
		"team":                  obj{"id": s.cfg.teamID, "domain": "fake"},
		"user":                  s.userRef(user),
		"callback_id":           callbackID,
		"trigger_id":            s.issueTrigger(user, ""),
		"is_enterprise_install": false,
		"enterprise":            nil,
	}
}

// AppHomeOpened builds the events_api payload of user opening the app's Home tab: an
// app_home_opened event (https://api.slack.com/events/app_home_opened) with tab "home", the
// app's DM with the user as channel, and, once the bot published a Home for the user, that
// view (with its hash). Slack sends it each time the tab opens, whatever channels the bot is
// in. Send it as TypeEventsAPI.
func (s *Server) AppHomeOpened(user string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	ev := obj{"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home"}
	for _, v := range s.views {
		if v.Type == "home" && v.UserID == user {
			ev["view"] = s.viewJSON(v, obj{})
		}
	}
	return s.eventCallback(ev)
}
