package slackfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// File uploads, as Slack's current flow has them (files.upload is retired):
//
//  1. files.getUploadURLExternal (filename, length, optional alt_txt) answers an upload_url and
//     a file_id (docs.slack.dev/reference/methods/files.getUploadURLExternal; the answer's shape
//     is web_files_getUploadURLExternal_SHAPE.json in testdata/shapes).
//  2. The client POSTs the bytes to upload_url, raw or multipart; Slack answers HTTP 200 when the
//     upload worked, anything else when it did not (same page, "Usage info").
//  3. files.completeUploadExternal (files=[{"id","title"}], optional channel_id or channels,
//     thread_ts, initial_comment) shares the file; without a channel it stays private
//     (docs.slack.dev/reference/methods/files.completeUploadExternal).
//
// Slack's upload URLs live on files.slack.com; the fake's live on its own host, under /upload/,
// because slack-go (since v0.30.1) sends the token only to slack.com hosts or to the API URL's
// scheme and host. Both methods need the files:write scope (scopes.go answers missing_scope
// without it, before they run).

// MethodUpload names posts to an upload URL in Calls and for FailNext, ServerErrorNext and
// RateLimitNext (like "response_url").
const MethodUpload = "upload_url"

// maxAltText is the longest alt_txt files.getUploadURLExternal takes (alt_txt_too_large past it).
const maxAltText = 1000

// Upload is one file going through the upload flow, from files.getUploadURLExternal on.
type Upload struct {
	FileID   string
	Filename string // as given to files.getUploadURLExternal
	Length   int    // the length announced there
	AltText  string // its alt_txt
	Bytes    []byte // what was posted to the upload URL; nil until then

	// Set by files.completeUploadExternal.
	Completed      bool
	Title          string
	Channels       []string // where it was shared (a user ID shares in the bot's DM, "D"+ID); none: private
	ThreadTS       string
	InitialComment string
	TS             []string // the ts of the message sharing it, per channel
}

// Uploads returns every upload begun, in order, complete or not.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.uploadsLocked()
}

func (s *Server) uploadsLocked() []Upload {
	out := make([]Upload, 0, len(s.uploads))
	for _, u := range s.uploads {
		c := *u
		c.Bytes = append([]byte(nil), u.Bytes...)
		if u.Bytes == nil {
			c.Bytes = nil
		}
		c.Channels = append([]string(nil), u.Channels...)
		c.TS = append([]string(nil), u.TS...)
		out = append(out, c)
	}
	return out
}

// WaitUploads waits until at least n uploads were completed (files.completeUploadExternal) and
// returns the completed ones.
func (s *Server) WaitUploads(ctx context.Context, n int) ([]Upload, error) {
	var done []Upload
	err := s.waitFor(ctx, func() bool {
		done = done[:0]
		for _, u := range s.uploadsLocked() {
			if u.Completed {
				done = append(done, u)
			}
		}
		return len(done) >= n
	})
	if err != nil {
		return done, fmt.Errorf("wait for %d completed uploads (%d so far): %w", n, len(done), err)
	}
	return done, nil
}

// findUpload returns the upload of a file ID. s.mu must be held.
func (s *Server) findUpload(id string) *Upload {
	for _, u := range s.uploads {
		if u.FileID == id {
			return u
		}
	}
	return nil
}

// filesGetUploadURLExternal starts an upload.
func (s *Server) filesGetUploadURLExternal(req *request) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := req.params.Get("filename")
	length, err := strconv.Atoi(req.params.Get("length"))
	switch {
	case name == "" || err != nil:
		return apiError("invalid_arguments")
	case length <= 0:
		return apiError("missing_argument") // "typically only occurs when the length provided is 0"
	case utf8.RuneCountInString(req.params.Get("alt_txt")) > maxAltText:
		return apiError("alt_txt_too_large")
	}
	u := &Upload{FileID: fmt.Sprintf("F%08d", s.nextSeq()), Filename: name, Length: length, AltText: req.params.Get("alt_txt")}
	s.uploads = append(s.uploads, u)
	s.notify()
	return obj{"ok": true, "upload_url": s.base + "/upload/v1/" + u.FileID, "file_id": u.FileID}
}

// serveUpload takes the bytes of a file at its upload URL, raw or as the first file of a
// multipart form, and answers 200 "OK - <length>"; an unknown URL answers 404.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	ep := endpoint{name: MethodUpload, maxBody: 64 << 20}
	s.serveCall(w, r, ep, s.answerUpload)
}

// answerUpload takes the bytes of an upload.
func (s *Server) answerUpload(w http.ResponseWriter, in *incoming) {
	r := in.r
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	data, err := uploadedBytes(r.Header.Get("Content-Type"), in.req.body)
	if err != nil {
		http.Error(w, "bad upload: "+err.Error(), http.StatusBadRequest)
		return
	}
	id := strings.TrimPrefix(r.URL.Path, "/upload/v1/")
	s.mu.Lock()
	u := s.findUpload(id)
	if u != nil && !u.Completed {
		u.Bytes = data
		s.notify()
	}
	s.mu.Unlock()
	if u == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = fmt.Fprintf(w, "OK - %d", len(data))
}

// uploadedBytes reads a raw or multipart upload body.
func uploadedBytes(contentType string, body []byte) ([]byte, error) {
	mt, params, _ := mime.ParseMediaType(contentType)
	if !strings.HasPrefix(mt, "multipart/") {
		return body, nil
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return nil, fmt.Errorf("no file in the form: %w", err)
		}
		if p.FileName() == "" {
			continue
		}
		return io.ReadAll(p)
	}
}

// filesCompleteUploadExternal finishes uploads and shares them.
func (s *Server) filesCompleteUploadExternal(req *request) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	var files []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(req.params.Get("files")), &files); err != nil || len(files) == 0 {
		return apiError("invalid_arguments")
	}
	var uploads []*Upload
	for _, f := range files {
		u := s.findUpload(f.ID)
		if u == nil || u.Bytes == nil || u.Completed {
			return apiError("file_not_found")
		}
		uploads = append(uploads, u)
	}
	var targets []string
	if ch := req.params.Get("channel_id"); ch != "" {
		targets = append(targets, ch)
	}
	for _, ch := range strings.Split(req.params.Get("channels"), ",") {
		if ch = strings.TrimSpace(ch); ch != "" {
			targets = append(targets, ch)
		}
	}
	threadTS := req.params.Get("thread_ts")
	if threadTS != "" && len(targets) != 1 {
		return apiError("invalid_arguments") // thread_ts takes exactly one channel
	}
	var channels []string
	for _, t := range targets {
		ch, code := s.postTarget(t)
		if code != "" {
			return apiError(code)
		}
		channels = append(channels, ch)
	}
	comment := req.params.Get("initial_comment")
	ids := make([]string, len(uploads))
	answer := make([]obj, len(uploads))
	for i, u := range uploads {
		u.Completed, u.Title, u.Channels, u.ThreadTS, u.InitialComment = true, files[i].Title, channels, threadTS, comment
		ids[i] = u.FileID
		answer[i] = obj{"id": u.FileID, "title": u.Title}
	}
	for _, ch := range channels {
		m := &Message{Channel: ch, TS: s.nextTS(), ThreadTS: threadTS, User: s.cfg.botUserID, Text: comment, Files: ids}
		s.messages = append(s.messages, m)
		for _, u := range uploads {
			u.TS = append(u.TS, m.TS)
		}
	}
	s.notify()
	return obj{"ok": true, "files": answer}
}
