package slackfake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// verificationToken is the deprecated verification token Slack still puts in payloads.
const verificationToken = "fake-verification-token"

// SlashCommand builds the payload of the slash command (WithCommand; "/extramile") that user
// types in channel, as Socket Mode delivers it: a fresh trigger_id, a response_url this server
// answers, user_name and channel_name from the directory ("directmessage" for a DM,
// "privategroup" for a private channel, as Slack does). Send it as TypeSlashCommands.
func (s *Server) SlashCommand(user, channel, text string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return obj{
		"token":        verificationToken,
		"team_id":      s.cfg.teamID,
		"team_domain":  "fake",
		"channel_id":   channel,
		"channel_name": s.channelName(channel),
		"user_id":      user,
		"user_name":    s.userName(user),
		"command":      s.cfg.command,
		"text":         text,
		"api_app_id":   s.cfg.appID,
		"response_url": s.newResponseURL("commands"),
		"trigger_id":   s.issueTrigger(user, ""),
	}
}

// ViewSubmissionPayload builds a view_submission of a modal the fake did not open, with
// the given callback_id, private_metadata and state values (block_id → action_id → value; see
// TextValue and friends). Send it as TypeInteractive. To submit a modal the bot opened, use
// ViewSubmissionFor.
func (s *Server) ViewSubmissionPayload(user, callbackID, privateMetadata string, values map[string]map[string]any) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := fmt.Sprintf("V%09d", s.nextSeq())
	view := obj{
		"id": id, "team_id": s.cfg.teamID, "type": "modal",
		"callback_id": callbackID, "private_metadata": privateMetadata,
		"title":  obj{"type": "plain_text", "text": "Modal", "emoji": true},
		"submit": obj{"type": "plain_text", "text": "Submit", "emoji": true},
		"close":  obj{"type": "plain_text", "text": "Cancel", "emoji": true},
		"blocks": []any{}, "state": obj{"values": stateValues(values)},
		"hash": fmt.Sprintf("%d.%s", s.now().Unix(), randomHex(4)), "clear_on_close": false,
		"notify_on_close": false, "previous_view_id": nil, "root_view_id": id, "app_id": s.cfg.appID,
		"external_id": "", "app_installed_team_id": s.cfg.teamID, "bot_id": s.cfg.botID,
	}
	return s.viewSubmission(user, id, view)
}

// ViewSubmissionFor builds the view_submission of a modal the bot opened (see Views), by the
// user it was opened for, with the view as it is now and the given state values.
func (s *Server) ViewSubmissionFor(viewID string, values map[string]map[string]any) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.views[viewID]
	if !ok || v.Type != "modal" {
		return nil, fmt.Errorf("view submission: no modal %q", viewID)
	}
	return s.viewSubmission(v.UserID, v.ID, s.viewJSON(v, withInitialState(v.Blocks, values))), nil
}

// withInitialState is a submitted modal's state.values: the values given,
// and for every other input of blocks what it was opened with. Slack sends
// the state of every stateful element in the view, not only those the
// person changed ("view.state.values: A dictionary of objects. Each object
// represents a block in the source view that contained stateful,
// interactive components", https://api.slack.com/reference/interaction-payloads/views;
// "view_submission … payloads will include a full state property that will
// include all stateful elements", changelog 2020-09
// https://api.slack.com/changelog/2020-09-full-state-on-view-submisson-and-block-actions),
// so an untouched input carries its initial value, and a cleared one null.
func withInitialState(blocks json.RawMessage, values map[string]map[string]any) any {
	var bs []struct {
		Type    string         `json:"type"`
		BlockID string         `json:"block_id"`
		Element map[string]any `json:"element"`
	}
	if err := json.Unmarshal(blocks, &bs); err != nil {
		return stateValues(values)
	}
	out := map[string]map[string]any{}
	for _, b := range bs {
		if b.Type != "input" || b.BlockID == "" || b.Element == nil {
			continue
		}
		action, _ := b.Element["action_id"].(string)
		if st := initialState(b.Element); st != nil && action != "" {
			out[b.BlockID] = map[string]any{action: st}
		}
	}
	for block, actions := range values {
		out[block] = actions
	}
	return out
}

// initialState is the state Slack reports for an untouched input element:
// its initial value, or an empty one.
func initialState(e map[string]any) map[string]any {
	typ, _ := e["type"].(string)
	st := map[string]any{"type": typ}
	switch typ {
	case "plain_text_input", "email_text_input", "url_text_input", "number_input":
		st["value"] = e["initial_value"] // nil when there is none, as Slack sends
	case "radio_buttons", "static_select", "external_select":
		st["selected_option"] = e["initial_option"]
	case "checkboxes", "multi_static_select", "multi_external_select":
		st["selected_options"] = orEmpty(e["initial_options"])
	case "multi_conversations_select":
		st["selected_conversations"] = orEmpty(e["initial_conversations"])
	case "conversations_select":
		st["selected_conversation"] = e["initial_conversation"]
	case "multi_users_select":
		st["selected_users"] = orEmpty(e["initial_users"])
	case "users_select":
		st["selected_user"] = e["initial_user"]
	case "multi_channels_select":
		st["selected_channels"] = orEmpty(e["initial_channels"])
	case "channels_select":
		st["selected_channel"] = e["initial_channel"]
	case "datepicker":
		st["selected_date"] = e["initial_date"]
	default:
		return nil
	}
	return st
}

func orEmpty(v any) any {
	if v == nil {
		return []any{}
	}
	return v
}

// viewSubmission wraps a view. s.mu must be held.
func (s *Server) viewSubmission(user, viewID string, view obj) obj {
	return obj{
		"type":                  "view_submission",
		"team":                  obj{"id": s.cfg.teamID, "domain": "fake"},
		"user":                  s.userRef(user),
		"api_app_id":            s.cfg.appID,
		"token":                 verificationToken,
		"trigger_id":            s.issueTrigger(user, viewID),
		"view":                  view,
		"response_urls":         []any{},
		"is_enterprise_install": false,
		"enterprise":            nil,
	}
}

// BlockActionsPayload builds the block_actions of user clicking in the message messageTS of
// channel. The message is the stored one if the fake holds it (an ephemeral one gets
// is_ephemeral and no message, as Slack sends). Each action gets an action_ts; see
// ButtonAction and OverflowAction. Send it as TypeInteractive.
func (s *Server) BlockActionsPayload(user, channel, messageTS string, actions []map[string]any) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var msg *Message
	for _, m := range s.messages {
		if m.Channel == channel && m.TS == messageTS && !m.Deleted {
			msg = m
		}
	}
	ephemeral := msg != nil && msg.Ephemeral
	p := s.blockActions(user, "", actions)
	p["container"] = obj{"type": "message", "message_ts": messageTS, "channel_id": channel, "is_ephemeral": ephemeral}
	p["channel"] = obj{"id": channel, "name": s.channelName(channel)}
	switch {
	case msg == nil:
		p["message"] = obj{"type": "message", "ts": messageTS, "text": ""}
	case !ephemeral:
		p["message"] = s.messageJSON(msg)
	}
	return p
}

// ViewBlockActionsPayload builds the block_actions of the view's user clicking in a modal or
// Home tab the bot opened; its trigger_id can push onto that view.
func (s *Server) ViewBlockActionsPayload(viewID string, actions []map[string]any) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.views[viewID]
	if !ok {
		return nil, fmt.Errorf("view block actions: no view %q", viewID)
	}
	p := s.blockActions(v.UserID, v.ID, actions)
	p["container"] = obj{"type": "view", "view_id": v.ID}
	p["view"] = s.viewJSON(v, nil)
	return p, nil
}

// blockActions is what every block_actions payload holds. s.mu must be held.
func (s *Server) blockActions(user, viewID string, actions []map[string]any) obj {
	acts := make([]obj, 0, len(actions))
	for _, a := range actions {
		c := obj{}
		for k, v := range a {
			c[k] = v
		}
		if _, ok := c["action_ts"]; !ok {
			c["action_ts"] = s.nextTS()
		}
		acts = append(acts, c)
	}
	return obj{
		"type":                  "block_actions",
		"user":                  s.userRef(user),
		"api_app_id":            s.cfg.appID,
		"token":                 verificationToken,
		"trigger_id":            s.issueTrigger(user, viewID),
		"team":                  obj{"id": s.cfg.teamID, "domain": "fake"},
		"enterprise":            nil,
		"is_enterprise_install": false,
		"state":                 obj{"values": obj{}},
		"response_url":          s.newResponseURL("actions"),
		"actions":               acts,
	}
}

// ButtonAction is a clicked button for BlockActionsPayload.
func ButtonAction(actionID, blockID, value string) map[string]any {
	return obj{
		"type": "button", "action_id": actionID, "block_id": blockID, "value": value,
		"text": obj{"type": "plain_text", "text": "Button", "emoji": true},
	}
}

// OverflowAction is an option chosen in an overflow menu for BlockActionsPayload.
func OverflowAction(actionID, blockID, value string) map[string]any {
	return obj{"type": "overflow", "action_id": actionID, "block_id": blockID, "selected_option": option(value)}
}

// StaticSelectAction is an option chosen in a static_select menu (in an
// actions block or a section's accessory) for BlockActionsPayload: Slack
// sends the payload as soon as the option is chosen, with selected_option
// (Bolt's StaticSelectAction, src/types/actions/block-action.ts; "*_select:
// when an item is chosen from the select menu",
// https://docs.slack.dev/reference/interaction-payloads/block_actions-payload).
func StaticSelectAction(actionID, blockID, value string) map[string]any {
	return obj{"type": "static_select", "action_id": actionID, "block_id": blockID, "selected_option": option(value)}
}

// TextValue is the state of a plain_text_input ("" reads as null, as Slack sends an empty input).
func TextValue(v string) map[string]any {
	if v == "" {
		return obj{"type": "plain_text_input", "value": nil}
	}
	return obj{"type": "plain_text_input", "value": v}
}

// SelectValue is the state of a static_select ("" reads as no selection).
func SelectValue(value string) map[string]any {
	if value == "" {
		return obj{"type": "static_select", "selected_option": nil}
	}
	return obj{"type": "static_select", "selected_option": option(value)}
}

// RadioValue is the state of radio_buttons ("" reads as no selection).
func RadioValue(value string) map[string]any {
	if value == "" {
		return obj{"type": "radio_buttons", "selected_option": nil}
	}
	return obj{"type": "radio_buttons", "selected_option": option(value)}
}

// UserValue is the state of a users_select.
func UserValue(user string) map[string]any {
	return obj{"type": "users_select", "selected_user": user}
}

// UsersValue is the state of a multi_users_select.
func UsersValue(users ...string) map[string]any {
	if users == nil {
		users = []string{}
	}
	return obj{"type": "multi_users_select", "selected_users": users}
}

// ConversationValue is the state of a conversations_select.
func ConversationValue(channel string) map[string]any {
	return obj{"type": "conversations_select", "selected_conversation": channel}
}

// ConversationsValue is the state of a multi_conversations_select: its type and
// selected_conversations, as Bolt's MultiConversationsSelectAction types it
// (src/types/actions/block-action.ts, docs.slack.dev/tools/bolt-js/reference/interfaces/MultiConversationsSelectAction).
func ConversationsValue(channels ...string) map[string]any {
	if channels == nil {
		channels = []string{}
	}
	return obj{"type": "multi_conversations_select", "selected_conversations": channels}
}

func option(value string) obj {
	return obj{"text": obj{"type": "plain_text", "text": value, "emoji": true}, "value": value}
}

func stateValues(values map[string]map[string]any) any {
	if values == nil {
		return obj{}
	}
	return values
}

// ReactionEvent builds the events_api payload of user adding (kind "reaction_added") or
// removing ("reaction_removed") an emoji on the message ts of channel, with a fresh event_id
// (set p["event_id"] to redeliver one). itemUser "" takes the author of the stored message,
// if any, else is left out. The reaction is applied to the stored message, so reactions.get
// agrees. Send it as TypeEventsAPI.
func (s *Server) ReactionEvent(kind, user, reaction, itemUser, channel, ts string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.findMessage(channel, ts); m != nil && itemUser == "" {
		itemUser = m.User
	}
	ev := obj{
		"type":     kind,
		"user":     user,
		"reaction": reaction,
		"item":     obj{"type": "message", "channel": channel, "ts": ts},
	}
	if itemUser != "" {
		ev["item_user"] = itemUser
	}
	s.react(channel, ts, user, reaction, kind == "reaction_added")
	return s.eventCallback(ev)
}

// EventCallback wraps an inner event (e.g. {"type":"app_home_opened",…}) in the events_api
// payload Slack sends: fresh event_id, event_time, authorizations, and event_ts if missing.
func (s *Server) EventCallback(event map[string]any) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	ev := obj{}
	for k, v := range event {
		ev[k] = v
	}
	return s.eventCallback(ev)
}

// eventCallback wraps ev, which it may change. s.mu must be held.
func (s *Server) eventCallback(ev obj) obj {
	if _, ok := ev["event_ts"]; !ok {
		ev["event_ts"] = s.nextTS()
	}
	typ, _ := ev["type"].(string)
	return obj{
		"token":      verificationToken,
		"team_id":    s.cfg.teamID,
		"api_app_id": s.cfg.appID,
		"event":      ev,
		"type":       "event_callback",
		"event_id":   fmt.Sprintf("Ev%09d", s.nextSeq()),
		"event_time": s.now().Unix(),
		"authorizations": []obj{{
			"enterprise_id": nil, "team_id": s.cfg.teamID, "user_id": s.cfg.botUserID,
			"is_bot": true, "is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
		"event_context":         "4-" + base64.RawURLEncoding.EncodeToString([]byte(`{"et":"`+typ+`"}`)),
	}
}

// userName is the user's handle, as payloads carry it. s.mu must be held.
func (s *Server) userName(id string) string {
	if u, ok := s.users[id]; ok && u.Name != "" {
		return u.Name
	}
	return strings.ToLower(id)
}

// userRef is the "user" object of an interaction. s.mu must be held.
func (s *Server) userRef(id string) obj {
	name := s.userName(id)
	return obj{"id": id, "username": name, "name": name, "team_id": s.cfg.teamID}
}
