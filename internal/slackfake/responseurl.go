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
	ep := endpoint{name: "response_url", maxBody: 8 << 20, params: true}
	s.serveCall(w, r, ep, s.answerResponseURL)
}

// answerResponseURL answers a post to a response_url.
func (s *Server) answerResponseURL(w http.ResponseWriter, in *incoming) {
	r := in.r
	s.mu.Lock()
	h := s.handlers["response_url"]
	uses, ok := s.responseURLs[r.URL.Path]
	if ok && uses < maxResponseURLUses && h == nil && r.Method == http.MethodPost {
		s.responseURLs[r.URL.Path]++
	}
	s.mu.Unlock()
	switch {
	case h != nil:
		r.Body = io.NopCloser(bytes.NewReader(in.req.body))
		h(w, r)
	case r.Method != http.MethodPost:
		writeJSON(w, http.StatusMethodNotAllowed, apiError("invalid_method"))
	case !ok:
		writeJSON(w, http.StatusNotFound, apiError("expired_url"))
	case uses >= maxResponseURLUses:
		writeJSON(w, http.StatusNotFound, apiError("used_url"))
	case in.perr != "":
		writeJSON(w, http.StatusBadRequest, apiError(in.perr))
	default:
		writeJSON(w, http.StatusOK, obj{"ok": true})
	}
}
