package slackfake

import (
	"net/http"
	"slices"
	"strings"
)

// Scopes. Slack answers every Web API call made with a valid token with the
// header X-OAuth-Scopes, the comma-separated scopes the token has (the
// official Node SDK reads it into response_metadata.scopes:
// slackapi/node-slack-sdk, packages/web-api/src/WebClient.ts, buildResult),
// and refuses a method the token lacks the scope for with
// {"ok":false,"error":"missing_scope","needed":…,"provided":…} (the fields
// of the SDK's response types, e.g. ConversationsListResponse).

// DefaultBotScopes are the scopes the fake grants the bot token unless told
// otherwise: those of the project's manifest.yml (a test checks).
func DefaultBotScopes() []string {
	return []string{"commands", "chat:write", "channels:join", "channels:read", "groups:read",
		"channels:history", "groups:history", "im:write", "im:history", "users:read", "reactions:read", "files:write"}
}

// appTokenScopes are the app-level token's scopes: Socket Mode needs
// connections:write, the only scope an app-level token for it carries.
const appTokenScopes = "connections:write"

// methodScopes maps the methods the fake enforces to the bot scope each
// needs, from the "Compatible API methods" of Slack's scope reference pages
// (https://docs.slack.dev/reference/scopes/<scope>). conversations.info and
// conversations.history depend on the conversation (neededScope). Methods not listed, such as
// auth.test, chat.getPermalink and views.*, need no scope.
var methodScopes = map[string]string{
	"chat.postMessage":   "chat:write",
	"chat.postEphemeral": "chat:write",
	"chat.update":        "chat:write",
	"chat.delete":        "chat:write",
	"conversations.join": "channels:join",
	"conversations.open": "im:write",
	"users.info":         "users:read",
	"users.list":         "users:read",
	"reactions.get":      "reactions:read",
	"team.info":          "team:read",
	// "Scopes: Bot token: files:write" on docs.slack.dev/reference/methods/files.getUploadURLExternal
	// and files.completeUploadExternal.
	"files.getUploadURLExternal":   "files:write",
	"files.completeUploadExternal": "files:write",
}

// WithBotScopes sets the scopes the bot token has (X-OAuth-Scopes, and
// missing_scope for methods needing others). Default DefaultBotScopes().
func WithBotScopes(scopes ...string) Option {
	return func(c *config) { c.botScopes = slices.Clone(scopes) }
}

// SetBotScopes changes the scopes the bot token has, as reinstalling the app
// with another manifest does.
func (s *Server) SetBotScopes(scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.botScopes = slices.Clone(scopes)
}

// neededScope is the scope a call of method needs ("" for none). s.mu must
// be held. conversations.info needs channels:read for a public channel,
// groups:read for a private one, mpim:read for a group DM and im:read for a
// DM ("Using the Conversations API",
// https://docs.slack.dev/apis/web-api/using-the-conversations-api);
// conversations.history needs channels:history, groups:history,
// mpim:history or im:history the same way (its reference page's scopes), and
// conversations.members the read scopes ("Scopes: Bot token: channels:read,
// groups:read, im:read, mpim:read" on
// https://docs.slack.dev/reference/methods/conversations.members).
func (s *Server) neededScope(method string, req *request) string {
	kind := map[string]string{"conversations.info": "read", "conversations.members": "read", "conversations.history": "history"}[method]
	if kind == "" {
		return methodScopes[method]
	}
	id := req.params.Get("channel")
	if c, ok := s.channels[id]; ok {
		switch {
		case c.IsMpIM:
			return "mpim:" + kind
		case c.IsPrivate:
			return "groups:" + kind
		}
		return "channels:" + kind
	}
	if _, ok := s.dmUser(id); ok {
		return "im:" + kind
	}
	return "channels:" + kind
}

// checkScopes sets X-OAuth-Scopes for a call with a valid token and returns
// the missing_scope answer when the bot token lacks the method's scope (nil
// when it may go on).
func (s *Server) checkScopes(w http.ResponseWriter, method string, req *request) obj {
	if method == "apps.connections.open" {
		w.Header().Set("X-OAuth-Scopes", appTokenScopes)
		return nil
	}
	s.mu.Lock()
	granted := s.cfg.botScopes
	needed := s.neededScope(method, req)
	s.mu.Unlock()
	provided := strings.Join(granted, ",")
	w.Header().Set("X-OAuth-Scopes", provided)
	if needed == "" || slices.Contains(granted, needed) {
		return nil
	}
	return obj{"ok": false, "error": "missing_scope", "needed": needed, "provided": provided}
}
