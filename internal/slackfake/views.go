package slackfake

import (
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/extramile/extramile/internal/blockkit"
)

// maxViewStack is how many modals Slack stacks (views.push past it: push_limit_reached).
const maxViewStack = 3

// trigger is an issued trigger_id.
type trigger struct {
	user   string
	viewID string // the view the interaction came from, for views.push
	issued time.Time
	used   bool
}

// View is a modal or Home tab opened, pushed, updated or published through the fake.
type View struct {
	ID, Type, UserID            string
	CallbackID, PrivateMetadata string
	ExternalID, Hash            string
	RootViewID, PreviousViewID  string
	Blocks                      json.RawMessage
	// JSON is the view object as the fake's last views.* answer returned it.
	JSON json.RawMessage
}

// storedView is a View with the fields of the request that made it.
type storedView struct {
	View
	fields map[string]json.RawMessage
}

// IssueTriggerID issues a trigger_id for user, as Slack does for each slash command and
// interaction; the payload builders call it. views.open and views.push accept it once, within
// the trigger TTL (WithTriggerTTL).
func (s *Server) IssueTriggerID(user string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueTrigger(user, "")
}

// issueTrigger issues a trigger. s.mu must be held.
func (s *Server) issueTrigger(user, viewID string) string {
	n := s.nextSeq()
	id := fmt.Sprintf("%d.%d.%s", 1000000000+n, 333649436676, randomHex(16))
	s.triggers[id] = &trigger{user: user, viewID: viewID, issued: s.now()}
	return id
}

// useTrigger exchanges a trigger_id. s.mu must be held. The errors are views.open's and
// views.push's (https://docs.slack.dev/reference/methods/views.open): invalid_trigger_id for one
// never issued, exchanged_trigger_id for one used already, expired_trigger_id past its 3 s.
func (s *Server) useTrigger(id string) (*trigger, string) {
	t, ok := s.triggers[id]
	switch {
	case !ok:
		return nil, "invalid_trigger_id"
	case t.used:
		return nil, "exchanged_trigger_id"
	}
	if ttl := s.cfg.triggerTTL; ttl > 0 && s.now().Sub(t.issued) > ttl {
		return nil, "expired_trigger_id"
	}
	t.used = true
	return t, ""
}

// Views returns the views the bot opened, pushed or published, in the order they were created,
// as they are now.
func (s *Server) Views() []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]View, 0, len(s.viewIDs))
	for _, id := range s.viewIDs {
		out = append(out, s.views[id].View)
	}
	return out
}

// viewFields parses and checks the "view" parameter; wantType is "modal" or "home".
func viewFields(req *request, wantType string) (map[string]json.RawMessage, obj) {
	raw := req.params.Get("view")
	if raw == "" {
		return nil, apiError("invalid_arguments", "[ERROR] missing required field: view [json-pointer:/view]")
	}
	if len(raw) > blockkit.MaxViewJSONBytes {
		return nil, apiError("view_too_large")
	}
	var f map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &f); err != nil {
		return nil, apiError("invalid_arguments", "[ERROR] view must be a JSON object [json-pointer:/view]")
	}
	problems := blockkit.View(f, wantType, "/view", blockkit.Lenient)
	if len(problems) > 0 {
		return nil, apiError("invalid_arguments", blockkit.Strings(problems)...)
	}
	return f, nil
}

// saveView creates or replaces a view and returns the views.* answer. s.mu must be held.
func (s *Server) saveView(v *storedView, fields map[string]json.RawMessage) obj {
	if v.ID == "" {
		v.ID = fmt.Sprintf("V%09d", s.nextSeq())
		if v.RootViewID == "" {
			v.RootViewID = v.ID
		}
		s.views[v.ID] = v
		s.viewIDs = append(s.viewIDs, v.ID)
	}
	v.fields = fields
	v.Type = str(fields["type"])
	v.CallbackID = str(fields["callback_id"])
	v.PrivateMetadata = str(fields["private_metadata"])
	v.ExternalID = str(fields["external_id"])
	v.Blocks = append(json.RawMessage(nil), fields["blocks"]...)
	v.Hash = fmt.Sprintf("%d.%s", s.now().Unix(), randomHex(4))
	o := s.viewJSON(v, nil)
	v.JSON, _ = json.Marshal(o)
	return obj{"ok": true, "view": o}
}

// viewJSON renders a view as Slack returns it, with state values (nil: none).
func (s *Server) viewJSON(v *storedView, values any) obj {
	o := obj{
		"private_metadata": "", "callback_id": "", "external_id": "",
		"clear_on_close": false, "notify_on_close": false,
	}
	for k, raw := range v.fields {
		var val any
		_ = json.Unmarshal(raw, &val)
		o[k] = val
	}
	if values == nil {
		values = obj{}
	}
	var prev any
	if v.PreviousViewID != "" {
		prev = v.PreviousViewID
	}
	set := obj{
		"id": v.ID, "team_id": s.cfg.teamID, "type": v.Type, "state": obj{"values": values},
		"hash": v.Hash, "root_view_id": v.RootViewID, "previous_view_id": prev,
		"app_id": s.cfg.appID, "bot_id": s.cfg.botID, "app_installed_team_id": s.cfg.teamID,
	}
	for k, val := range set {
		o[k] = val
	}
	return o
}

// triggeredModal uses the trigger_id of a views.open or views.push whose modal is fields, once
// the external_id is known to be free. s.mu must be held.
func (s *Server) triggeredModal(req *request, fields map[string]json.RawMessage) (*trigger, obj) {
	t, code := s.useTrigger(req.params.Get("trigger_id"))
	if code != "" {
		return nil, apiError(code)
	}
	if bad := s.externalIDFree(fields, ""); bad != nil {
		return nil, bad
	}
	return t, nil
}

// viewsOpen opens a modal for the user behind a trigger_id.
func (s *Server) viewsOpen(req *request) obj {
	fields, bad := viewFields(req, "modal")
	if bad != nil {
		return bad
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, bad := s.triggeredModal(req, fields)
	if bad != nil {
		return bad
	}
	return s.saveView(&storedView{View: View{UserID: t.user}}, fields)
}

// viewsPush stacks a modal on the view the trigger came from.
func (s *Server) viewsPush(req *request) obj {
	fields, bad := viewFields(req, "modal")
	if bad != nil {
		return bad
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, bad := s.triggeredModal(req, fields)
	if bad != nil {
		return bad
	}
	v := &storedView{View: View{UserID: t.user}}
	if base, ok := s.views[t.viewID]; ok {
		depth := 1
		for p := base; p.PreviousViewID != ""; p = s.views[p.PreviousViewID] {
			depth++
		}
		if depth >= maxViewStack {
			return apiError("push_limit_reached")
		}
		v.PreviousViewID, v.RootViewID = base.ID, base.RootViewID
	}
	return s.saveView(v, fields)
}

// viewsUpdate replaces a view found by view_id or external_id, honouring hash.
func (s *Server) viewsUpdate(req *request) obj {
	s.mu.Lock()
	v := s.views[req.params.Get("view_id")]
	if ext := req.params.Get("external_id"); v == nil && ext != "" {
		for _, x := range s.views {
			if x.ExternalID == ext {
				v = x
			}
		}
	}
	s.mu.Unlock()
	if v == nil {
		return apiError("not_found")
	}
	fields, bad := viewFields(req, v.Type)
	if bad != nil {
		return bad
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if h := req.params.Get("hash"); h != "" && h != v.Hash {
		return apiError("hash_conflict")
	}
	if bad := s.externalIDFree(fields, v.ID); bad != nil {
		return bad
	}
	return s.saveView(v, fields)
}

// viewsPublish sets a user's Home tab: user_id, a view of type home (at most 100 blocks), and
// an optional hash, the one of the Home last returned, which answers hash_conflict when the Home
// changed since (https://api.slack.com/methods/views.publish: the hash guards against races,
// and a stale one is refused with error hash_conflict).
func (s *Server) viewsPublish(req *request) obj {
	fields, bad := viewFields(req, "home")
	if bad != nil {
		return bad
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	uid := req.params.Get("user_id")
	u, ok := s.users[uid]
	if !ok || u.Deleted {
		return apiError("user_not_found")
	}
	var v *storedView
	for _, x := range s.views {
		if x.Type == "home" && x.UserID == uid {
			v = x
		}
	}
	if v == nil {
		v = &storedView{View: View{UserID: uid}}
	} else if h := req.params.Get("hash"); h != "" && h != v.Hash {
		return apiError("hash_conflict")
	}
	return s.saveView(v, fields)
}

// externalIDFree refuses an external_id another view already has. s.mu must be held.
func (s *Server) externalIDFree(fields map[string]json.RawMessage, self string) obj {
	ext := str(fields["external_id"])
	if ext == "" {
		return nil
	}
	for _, x := range s.views {
		if x.ExternalID == ext && x.ID != self {
			return apiError("duplicate_external_id")
		}
	}
	return nil
}

// PublishHome publishes view (JSON of a view of type home) as user's Home as another publisher
// would (another process of the app): without a hash, so the Home gets a new hash and a
// publish that passes the old one answers hash_conflict. It is not recorded as a call.
func (s *Server) PublishHome(user, view string) error {
	resp := s.viewsPublish(&request{params: url.Values{"user_id": {user}, "view": {view}}})
	if ok, _ := resp["ok"].(bool); !ok {
		return fmt.Errorf("publish home: %v", resp["error"])
	}
	return nil
}
