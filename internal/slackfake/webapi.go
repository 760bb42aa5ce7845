package slackfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Call is one Web API request (or one response_url post, Method "response_url").
type Call struct {
	Method string
	// Params holds the form values, or for a JSON body each top-level field: strings as
	// themselves, anything else as its JSON text. Query parameters are included.
	Params url.Values
	Body   []byte
	At     time.Time
	// Status is the HTTP status answered (0 when the connection was dropped without an
	// answer, PostThenDropNext); Error is the "error" of an {"ok":false} answer.
	Status int
	Error  string
	// URL is the full request URL (for a response_url post, the payload's response_url).
	URL string
}

// obj is a JSON object under construction.
type obj = map[string]any

// request is a parsed Web API call.
type request struct {
	params url.Values
	body   []byte
	token  string
}

// method answers one Web API method.
type method func(*request) obj

// methods maps every built-in method to its handler.
func (s *Server) methods() map[string]method {
	return map[string]method{
		"apps.connections.open": s.connectionsOpen,
		"auth.test":             s.authTest,
		"team.info":             s.teamInfo,
		"chat.postMessage":      s.chatPostMessage,
		"chat.postEphemeral":    s.chatPostEphemeral,
		"chat.update":           s.chatUpdate,
		"chat.delete":           s.chatDelete,
		"chat.getPermalink":     s.chatGetPermalink,
		"reactions.get":         s.reactionsGet,
		"views.open":            s.viewsOpen,
		"views.push":            s.viewsPush,
		"views.update":          s.viewsUpdate,
		"views.publish":         s.viewsPublish,
		"users.info":            s.usersInfo,
		"users.list":            s.usersList,
		"users.conversations":   s.usersConversations,
		"conversations.info":    s.conversationsInfo,
		"conversations.history": s.conversationsHistory,
		"conversations.join":    s.conversationsJoin,
		"conversations.open":    s.conversationsOpen,
		"conversations.list":    s.conversationsList,
		"conversations.members": s.conversationsMembers,

		"files.getUploadURLExternal":   s.filesGetUploadURLExternal,
		"files.completeUploadExternal": s.filesCompleteUploadExternal,
	}
}

// apiError is Slack's error answer.
func apiError(code string, messages ...string) obj {
	o := obj{"ok": false, "error": code}
	if len(messages) > 0 {
		o["response_metadata"] = obj{"messages": messages}
	}
	return o
}

// Handle replaces one method with h (nil restores the built-in). The call is still recorded,
// and FailNext, RateLimitNext, ServerErrorNext and SetRateLimit still apply first. h may read
// the request body.
func (s *Server) Handle(method string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h == nil {
		delete(s.handlers, method)
		return
	}
	s.handlers[method] = h
}

// serveAPI answers /api/<method>.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/api/")
	ep := endpoint{name: name, maxBody: 8 << 20, params: true, refuseTruncated: true, halfSucceed: true}
	s.serveCall(w, r, ep, func(w http.ResponseWriter, in *incoming) { s.answerAPI(w, name, in) })
}

// answerAPI answers one Web API call: a handler installed with Handle, or the
// built-in method after the token and scope checks.
func (s *Server) answerAPI(w http.ResponseWriter, name string, in *incoming) {
	req := in.req
	s.mu.Lock()
	h := s.handlers[name]
	s.mu.Unlock()
	if h != nil {
		in.r.Body = io.NopCloser(bytes.NewReader(req.body))
		h(w, in.r)
		return
	}
	m, ok := s.table[name]
	if !ok {
		writeJSON(w, http.StatusOK, apiError("unknown_method"))
		return
	}
	if code := s.checkToken(name, req.token); code != "" {
		writeJSON(w, http.StatusOK, apiError(code))
		return
	}
	if missing := s.checkScopes(w, name, req); missing != nil {
		writeJSON(w, http.StatusOK, missing)
		return
	}
	if in.perr != "" {
		writeJSON(w, http.StatusOK, apiError(in.perr))
		return
	}
	writeJSON(w, http.StatusOK, m(req))
}

// checkToken says why a token may not call a method ("" when it may).
func (s *Server) checkToken(method, tok string) string {
	want, other := s.cfg.botToken, s.cfg.appToken
	if method == "apps.connections.open" {
		want, other = other, want
	}
	switch tok {
	case want:
		return ""
	case other:
		return "not_allowed_token_type"
	}
	return "invalid_auth"
}

// parseRequest reads the parameters of a form, JSON or query request. The second result is a
// Slack error code for a body it cannot read.
func parseRequest(r *http.Request, body []byte) (*request, string) {
	req := &request{params: url.Values{}, body: body}
	for k, vs := range r.URL.Query() {
		req.params[k] = append(req.params[k], vs...)
	}
	var bad string
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case ct == "application/json":
		if len(bytes.TrimSpace(body)) > 0 {
			var fields map[string]json.RawMessage
			if err := json.Unmarshal(body, &fields); err != nil {
				bad = "invalid_json"
			}
			for k, v := range fields {
				var str string
				if json.Unmarshal(v, &str) == nil {
					req.params.Set(k, str)
				} else {
					req.params.Set(k, string(v))
				}
			}
		}
	case len(body) > 0:
		form, err := url.ParseQuery(string(body))
		if err != nil {
			bad = "invalid_form_data"
		}
		for k, vs := range form {
			req.params[k] = append(req.params[k], vs...)
		}
	}
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		req.token = strings.TrimPrefix(auth, "Bearer ")
	} else {
		req.token = req.params.Get("token")
	}
	return req, bad
}

// recorder passes a response through and keeps its status and the start of its body.
type recorder struct {
	http.ResponseWriter
	status  int
	buf     bytes.Buffer
	dropped bool // the connection was closed without an answer

	// record, once set, records the call (at most once): before a dropped
	// connection is closed, so that a client seeing it closed finds the call
	// in Calls, and otherwise when the handler returns.
	record     func()
	recordOnce sync.Once
}

// recordNow records the call now, if it was not yet.
func (r *recorder) recordNow() {
	if r.record != nil {
		r.recordOnce.Do(r.record)
	}
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.buf.Len() < 1<<16 {
		r.buf.Write(b)
	}
	return r.ResponseWriter.Write(b)
}

// recordCall keeps one call with what was answered.
func (s *Server) recordCall(name string, req *request, r *http.Request, rec *recorder) {
	var answer struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	_ = json.Unmarshal(rec.buf.Bytes(), &answer)
	status := rec.status
	if status == 0 && !rec.dropped {
		status = http.StatusOK
	}
	c := Call{
		Method: name,
		Params: req.params,
		Body:   req.body,
		Status: status,
		Error:  answer.Error,
		URL:    s.base + r.URL.RequestURI(),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c.At = s.now()
	s.calls = append(s.calls, c)
	s.notify()
	s.log.Debug("call", "method", name, "status", status, "error", answer.Error)
}

// writeJSON answers v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Calls returns the recorded calls of one method ("" for all), in order, failed ones included.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsLocked(method)
}

func (s *Server) callsLocked(method string) []Call {
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls waits until at least n calls of method ("" for any) were recorded and returns them all.
func (s *Server) WaitCalls(ctx context.Context, method string, n int) ([]Call, error) {
	var got []Call
	err := s.waitFor(ctx, func() bool { got = s.callsLocked(method); return len(got) >= n })
	if err != nil {
		return got, fmt.Errorf("wait for %d calls of %q (%d so far): %w", n, method, len(got), err)
	}
	return got, nil
}

// str reads a JSON string ("" for anything else).
func str(raw json.RawMessage) string {
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}
