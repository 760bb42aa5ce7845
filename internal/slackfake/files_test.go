package slackfake

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// upload runs slack-go's whole upload flow (getUploadURLExternal → POST → completeUploadExternal).
func upload(t *testing.T, api *slack.Client, p slack.UploadFileParameters) (*slack.FileSummary, error) {
	t.Helper()
	if p.Filename == "" {
		p.Filename = "chart.png"
	}
	if p.Reader == nil {
		p.Reader = bytes.NewReader([]byte("\x89PNG fake picture"))
		p.FileSize = len("\x89PNG fake picture")
	}
	return api.UploadFileContext(testCtx(t), p)
}

func TestUploadIntoAThread(t *testing.T) {
	srv := withDirectory(New(t))
	api := newAPI(srv)
	parent := srv.AddMessage(Message{Channel: "C1", User: "UBOT", Text: "the digest"})
	data := []byte("\x89PNG\r\n\x1a\n the picture")

	f, err := upload(t, api, slack.UploadFileParameters{
		Reader: bytes.NewReader(data), FileSize: len(data), Filename: "extramile-2026-11.png",
		Title: "November 2026", AltTxt: "Bar charts of November", Channel: "C1", ThreadTimestamp: parent.TS,
	})
	if err != nil {
		t.Fatal(err)
	}
	ups := srv.Uploads()
	if len(ups) != 1 {
		t.Fatalf("%d uploads recorded, want 1", len(ups))
	}
	u := ups[0]
	switch {
	case f.ID != u.FileID || f.Title != "November 2026":
		t.Errorf("slack-go got file %+v, the fake recorded %s", f, u.FileID)
	case !bytes.Equal(u.Bytes, data) || u.Length != len(data):
		t.Errorf("bytes %q (announced %d), want %q", u.Bytes, u.Length, data)
	case u.Filename != "extramile-2026-11.png" || u.AltText != "Bar charts of November" || u.Title != "November 2026":
		t.Errorf("upload %+v", u)
	case !u.Completed || !slices.Equal(u.Channels, []string{"C1"}) || u.ThreadTS != parent.TS || len(u.TS) != 1:
		t.Errorf("shared %+v, want in C1's thread %s", u, parent.TS)
	}
	var share *Message
	for _, m := range srv.Messages("C1") {
		if slices.Contains(m.Files, u.FileID) {
			share = &m
		}
	}
	if share == nil || share.ThreadTS != parent.TS || share.TS != u.TS[0] || share.User != "UBOT" {
		t.Fatalf("the file's message in C1: %+v", share)
	}
	calls := srv.Calls(MethodUpload)
	if len(calls) != 1 || calls[0].Status != http.StatusOK || !strings.HasPrefix(calls[0].URL, srv.APIURL()[:len(srv.APIURL())-len("/api/")]+"/upload/") {
		t.Errorf("upload URL calls: %+v", calls)
	}
	done, err := srv.WaitUploads(testCtx(t), 1)
	if err != nil || len(done) != 1 {
		t.Errorf("WaitUploads: %v, %v", done, err)
	}
}

func TestUploadIntoADMAndPrivately(t *testing.T) {
	srv := withDirectory(New(t))
	api := newAPI(srv)
	if _, err := upload(t, api, slack.UploadFileParameters{Channels: []string{"U1"}, InitialComment: "your chart"}); err != nil {
		t.Fatal(err)
	}
	dm := srv.Messages("DU1")
	if len(dm) != 1 || dm[0].Text != "your chart" || len(dm[0].Files) != 1 {
		t.Fatalf("DM: %+v", dm)
	}
	if _, err := upload(t, api, slack.UploadFileParameters{}); err != nil {
		t.Fatal(err)
	}
	if u := srv.Uploads()[1]; !u.Completed || len(u.Channels) != 0 {
		t.Errorf("an upload with no channel: %+v, want complete and private", u)
	}
}

func TestUploadRefusals(t *testing.T) {
	tests := []struct {
		name string
		p    slack.UploadFileParameters
		want string
	}{
		{"a public channel the bot is not in", slack.UploadFileParameters{Channel: "C2"}, "not_in_channel"},
		{"a private channel the bot is not in", slack.UploadFileParameters{Channel: "G2"}, "channel_not_found"},
		{"an archived channel", slack.UploadFileParameters{Channel: "C3"}, "is_archived"},
		{"alt text over 1000 characters", slack.UploadFileParameters{Channel: "C1", AltTxt: strings.Repeat("a", 1001)}, "alt_txt_too_large"},
		{"a thread in two channels", slack.UploadFileParameters{Channels: []string{"C1", "G1"}, ThreadTimestamp: "1.1"}, "invalid_arguments"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := withDirectory(New(t))
			_, err := upload(t, newAPI(srv), tc.p)
			if got := slackCode(err); got != tc.want {
				t.Fatalf("error %v (code %q), want %s", err, got, tc.want)
			}
			for _, m := range srv.Messages("") {
				if len(m.Files) > 0 {
					t.Errorf("a file was shared: %+v", m)
				}
			}
		})
	}

	srv := withDirectory(New(t))
	var got map[string]any
	if err := rawCall(testCtx(t), srv, "files.getUploadURLExternal", "xoxb-test", map[string]string{"filename": "x.png", "length": "0"}, &got); err != nil || got["error"] != "missing_argument" {
		t.Errorf("length 0: %v, %v; want missing_argument", got, err)
	}
	if err := rawCall(testCtx(t), srv, "files.completeUploadExternal", "xoxb-test", map[string]string{"files": `[{"id":"F404"}]`, "channel_id": "C1"}, &got); err != nil || got["error"] != "file_not_found" {
		t.Errorf("an unknown file: %v, %v; want file_not_found", got, err)
	}
	if err := rawCall(testCtx(t), srv, "files.getUploadURLExternal", "xapp-test", map[string]string{"filename": "x.png", "length": "3"}, &got); err != nil || got["error"] != "not_allowed_token_type" {
		t.Errorf("an app token: %v, %v; want not_allowed_token_type", got, err)
	}
}

func TestUploadWithoutFilesWrite(t *testing.T) {
	without := slices.DeleteFunc(DefaultBotScopes(), func(s string) bool { return s == "files:write" })
	for name, srv := range map[string]*Server{
		"WithBotScopes": withDirectory(New(t, WithBotScopes(without...))),
		"SetBotScopes": func() *Server {
			s := withDirectory(New(t))
			s.SetBotScopes(without...)
			return s
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := upload(t, newAPI(srv), slack.UploadFileParameters{Channel: "C1"})
			if slackCode(err) != "missing_scope" {
				t.Fatalf("error %v, want missing_scope", err)
			}
			if len(srv.Uploads()) != 0 || len(srv.Calls(MethodUpload)) != 0 {
				t.Errorf("an upload went ahead: %+v", srv.Uploads())
			}
			var got map[string]any
			if err := rawCall(testCtx(t), srv, "files.completeUploadExternal", "xoxb-test", map[string]string{"files": `[{"id":"F1"}]`}, &got); err != nil {
				t.Fatal(err)
			}
			assertShape(t, "missing_scope", got, loadShape(t, "web_error_missing_scope_SHAPE.json"))
			if got["needed"] != "files:write" || strings.Contains(got["provided"].(string), "files:write") {
				t.Errorf("missing_scope answer %v", got)
			}
		})
	}
}

func TestUploadURLFailure(t *testing.T) {
	srv := withDirectory(New(t))
	srv.ServerErrorNext(MethodUpload, 1, http.StatusInternalServerError)
	_, err := upload(t, newAPI(srv), slack.UploadFileParameters{Channel: "C1"})
	var status slack.StatusCodeError
	if !errors.As(err, &status) || status.Code != http.StatusInternalServerError {
		t.Fatalf("error %v, want the upload URL's 500", err)
	}
	ups := srv.Uploads()
	if len(ups) != 1 || ups[0].Bytes != nil || ups[0].Completed {
		t.Errorf("uploads %+v, want one begun, with no bytes, not completed", ups)
	}
	if calls := srv.Calls("files.completeUploadExternal"); len(calls) != 0 {
		t.Errorf("files.completeUploadExternal was called after a failed upload: %+v", calls)
	}
}

func TestGetUploadURLExternalShape(t *testing.T) {
	srv := withDirectory(New(t))
	var got map[string]any
	if err := rawCall(testCtx(t), srv, "files.getUploadURLExternal", "xoxb-test", map[string]string{"filename": "x.png", "length": "3"}, &got); err != nil {
		t.Fatal(err)
	}
	assertShape(t, "files.getUploadURLExternal", got, loadShape(t, "web_files_getUploadURLExternal_SHAPE.json"))
}
