package slackfake

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// maxResponseURLUses is how many times Slack accepts a response_url.
const maxResponseURLUses = 5

// newResponseURL issues a response_url under /commands/ or /actions/. s.mu must be held.
func (s *Server) newResponseURL(kind string) string {
	path := fmt.Sprintf("/%s/%s/%d/%s", kind, s.cfg.teamID, s.nextSeq(), randomHex(12))
	s.responseURLs[path] = 0
	return s.base + path
}

// serveResponseURL takes a post to a response_url, recorded as a call of method
// "response_url". An unknown URL answers 404 expired_url; the sixth use answers 404 used_url.
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	const name = "response_url"
	body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	req, perr := parseRequest(r, body)
	rec := &recorder{ResponseWriter: w}
	rec.record = func() { s.recordCall(name, req, r, rec) }
	defer rec.recordNow()

	if handled, _ := s.injectFault(rec, name, req); handled {
		return // half-succeeded faults do not apply to response_url
	}
	s.mu.Lock()
	h := s.handlers[name]
	uses, ok := s.responseURLs[r.URL.Path]
	if ok && uses < maxResponseURLUses && h == nil && r.Method == http.MethodPost {
		s.responseURLs[r.URL.Path]++
	}
	s.mu.Unlock()
	switch {
	case h != nil:
		r.Body = io.NopCloser(bytes.NewReader(body))
		h(rec, r)
	case r.Method != http.MethodPost:
		writeJSON(rec, http.StatusMethodNotAllowed, apiError("invalid_method"))
	case !ok:
		writeJSON(rec, http.StatusNotFound, apiError("expired_url"))
	case uses >= maxResponseURLUses:
		writeJSON(rec, http.StatusNotFound, apiError("used_url"))
	case perr != "":
		writeJSON(rec, http.StatusBadRequest, apiError(perr))
	default:
		writeJSON(rec, http.StatusOK, obj{"ok": true})
	}
}
