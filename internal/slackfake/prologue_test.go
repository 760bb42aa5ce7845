package slackfake

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// TestFaultsPerEndpoint pins where each queued fault applies, now that the Web API,
// response_urls and upload URLs share one prologue (serveCall): every fault answers instead
// of all three, but the half-succeeded ones (the call takes effect, then its answer fails)
// apply to Web API methods only; on a response_url or an upload URL they are used up and
// the call is answered as usual.
func TestFaultsPerEndpoint(t *testing.T) {
	type endpoint struct {
		name   string // the method faults are queued under
		post   func(t *testing.T, srv *Server) (*http.Response, error)
		effect func(srv *Server) bool // whether the call took effect
	}
	do := func(t *testing.T, url, contentType, body string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(testCtx(t), http.MethodPost, url, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", contentType)
		return http.DefaultClient.Do(req)
	}
	endpoints := []endpoint{
		{"chat.postMessage", func(t *testing.T, srv *Server) (*http.Response, error) {
			return do(t, srv.APIURL()+"chat.postMessage", "application/x-www-form-urlencoded", "token=xoxb-test&channel=C1&text=hi")
		}, func(srv *Server) bool { return len(srv.Messages("C1")) > 0 }},
		{"response_url", func(t *testing.T, srv *Server) (*http.Response, error) {
			u := srv.SlashCommand("U1", "C1", "")["response_url"].(string)
			return do(t, u, "application/json", `{"text":"hi"}`)
		}, func(srv *Server) bool {
			calls := srv.Calls("response_url")
			return len(calls) > 0 && calls[len(calls)-1].Status == http.StatusOK && calls[len(calls)-1].Error == ""
		}},
		{MethodUpload, func(t *testing.T, srv *Server) (*http.Response, error) {
			var got struct {
				UploadURL string `json:"upload_url"`
			}
			if err := rawCall(testCtx(t), srv, "files.getUploadURLExternal", "xoxb-test", map[string]string{"filename": "a.txt", "length": "2"}, &got); err != nil || got.UploadURL == "" {
				t.Fatalf("files.getUploadURLExternal: %v %+v", err, got)
			}
			return do(t, got.UploadURL, "application/octet-stream", "hi")
		}, func(srv *Server) bool {
			ups := srv.Uploads()
			return len(ups) > 0 && bytes.Equal(ups[len(ups)-1].Bytes, []byte("hi"))
		}},
	}
	faults := []struct {
		name   string
		set    func(srv *Server, method string)
		api    int  // the HTTP status a Web API call gets (0: the connection is dropped)
		effect bool // whether a Web API call takes effect
		// others: whether it applies to response_url and upload URLs; if not, the call is
		// answered 200 and takes effect.
		others bool
	}{
		{"FailNext", func(srv *Server, m string) { srv.FailNext(m, 1, "fatal_error") }, http.StatusOK, false, true},
		{"RateLimitNext", func(srv *Server, m string) { srv.RateLimitNext(m, 1, 1) }, http.StatusTooManyRequests, false, true},
		{"ServerErrorNext", func(srv *Server, m string) { srv.ServerErrorNext(m, 1, http.StatusBadGateway) }, http.StatusBadGateway, false, true},
		{"PostThenFailNext", func(srv *Server, m string) { srv.PostThenFailNext(m, 1, http.StatusServiceUnavailable) }, http.StatusServiceUnavailable, true, false},
		{"PostThenDropNext", func(srv *Server, m string) { srv.PostThenDropNext(m, 1) }, 0, true, false},
		{"HoldAnswerNext", func(srv *Server, m string) {
			arrived, release := srv.HoldAnswerNext(m)
			go func() { <-arrived; release() }() // lets the answer through once the call took effect
		}, http.StatusOK, true, false},
	}
	for _, ep := range endpoints {
		for _, f := range faults {
			t.Run(ep.name+"/"+f.name, func(t *testing.T) {
				srv := withDirectory(New(t))
				f.set(srv, ep.name)
				wantStatus, wantEffect := f.api, f.effect
				if ep.name != "chat.postMessage" {
					if f.others {
						wantEffect = false
					} else {
						wantStatus, wantEffect = http.StatusOK, true
					}
				}
				resp, err := ep.post(t, srv)
				status := 0
				if err == nil {
					status = resp.StatusCode
					resp.Body.Close()
				}
				if status != wantStatus {
					t.Errorf("status %d (%v), want %d", status, err, wantStatus)
				}
				if got := ep.effect(srv); got != wantEffect {
					t.Errorf("took effect: %v, want %v", got, wantEffect)
				}
				calls := srv.Calls(ep.name)
				if len(calls) != 1 || calls[0].Status != wantStatus {
					t.Errorf("calls recorded %+v, want one with status %d", calls, wantStatus)
				}
				// The fault is used up either way: the next call goes through.
				resp, err = ep.post(t, srv)
				if err != nil || resp.StatusCode != http.StatusOK {
					t.Fatalf("next call: %v %v, want 200", resp, err)
				}
				resp.Body.Close()
			})
		}
	}
}
