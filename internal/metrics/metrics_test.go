package metrics

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/extramile/extramile/scheduler"
)

func TestSlackTransportClassifies(t *testing.T) {
	answers := map[string]func(w http.ResponseWriter){
		"chat.postMessage":   func(w http.ResponseWriter) { fmt.Fprint(w, `{"ok":true,"ts":"1.2"}`) },
		"chat.update":        func(w http.ResponseWriter) { fmt.Fprint(w, `{"ok":false,"error":"not_in_channel"}`) },
		"chat.delete":        func(w http.ResponseWriter) { fmt.Fprint(w, `{"ok":false,"error":"some_new_code_of_slack"}`) },
		"users.info":         func(w http.ResponseWriter) { w.WriteHeader(429); fmt.Fprint(w, `{"ok":false,"error":"ratelimited"}`) },
		"conversations.info": func(w http.ResponseWriter) { w.WriteHeader(503); fmt.Fprint(w, "<html>503</html>") },
		"views.open":         func(w http.ResponseWriter) { w.WriteHeader(404) },
		"auth.test":          func(w http.ResponseWriter) { fmt.Fprint(w, "<html>not json</html>") },
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a, ok := answers[strings.TrimPrefix(r.URL.Path, "/api/")]; ok {
			a(w)
			return
		}
		fmt.Fprint(w, `{}`)
	}))
	defer srv.Close()
	m := New()
	client := &http.Client{Transport: m.SlackTransport(nil)}
	for method := range answers {
		resp, err := client.Post(srv.URL+"/api/"+method, "application/x-www-form-urlencoded", nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if method == "chat.postMessage" && string(body) != `{"ok":true,"ts":"1.2"}` {
			t.Errorf("the client got %q, want the body Slack sent", body)
		}
	}
	// A request that never gets an answer.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	if _, err := client.Post(dead.URL+"/api/reactions.get", "", nil); err == nil {
		t.Fatal("post to a closed server: no error")
	}
	// A path that is not a method name.
	if resp, err := client.Get(srv.URL + "/files/upload/abc123"); err == nil {
		resp.Body.Close()
	}

	want := map[[2]string]float64{
		{"chat.postMessage", "ok"}:             1,
		{"chat.update", "not_in_channel"}:      1,
		{"chat.delete", "other"}:               1,
		{"users.info", "ratelimited"}:          1,
		{"conversations.info", "server_error"}: 1,
		{"views.open", "http_error"}:           1,
		{"auth.test", "invalid_response"}:      1,
		{"reactions.get", "network_error"}:     1,
		{"other", "invalid_response"}:          1,
	}
	for k, v := range want {
		if got := testutil.ToFloat64(m.slackCalls.WithLabelValues(k[0], k[1])); got != v {
			t.Errorf("%s %s: got %v, want %v", k[0], k[1], got, v)
		}
	}
	if n := testutil.CollectAndCount(m.slackCalls); n != len(want) {
		t.Errorf("series: got %d, want %d", n, len(want))
	}
}

func TestHooks(t *testing.T) {
	m := New()
	m.Envelope("slash_commands", 10*time.Millisecond)
	m.Envelope("events_api", time.Millisecond)
	m.Envelope("hello_from_the_future", time.Millisecond)
	m.StoryCreated()
	m.KudosCreated(3)
	m.DBWrite(2 * time.Millisecond)
	m.JobRun("prompt", nil)
	m.JobRun("prompt", fmt.Errorf("run: %w", scheduler.ErrStillRunning))
	m.JobRun("digest", fmt.Errorf("run: %w", scheduler.ErrPanicked))
	m.JobRun("digest", errors.New("slack said no"))
	m.WatchSocket(func() time.Time { return time.Unix(1700000000, 0) })

	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"slash_commands", testutil.ToFloat64(m.envelopes.WithLabelValues("slash_commands")), 1},
		{"interactive (pre-created)", testutil.ToFloat64(m.envelopes.WithLabelValues("interactive")), 0},
		{"other", testutil.ToFloat64(m.envelopes.WithLabelValues("other")), 1},
		{"stories", testutil.ToFloat64(m.stories), 1},
		{"kudos", testutil.ToFloat64(m.kudos), 3},
		{"prompt ok", testutil.ToFloat64(m.jobRuns.WithLabelValues("prompt", RunOK)), 1},
		{"prompt skipped", testutil.ToFloat64(m.jobRuns.WithLabelValues("prompt", RunSkipped)), 1},
		{"digest panicked", testutil.ToFloat64(m.jobRuns.WithLabelValues("digest", RunPanicked)), 1},
		{"digest error", testutil.ToFloat64(m.jobRuns.WithLabelValues("digest", RunError)), 1},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, s := range []string{
		"extramile_socket_ack_duration_seconds_count{type=\"slash_commands\"} 1",
		"extramile_db_write_duration_seconds_count 1",
		"extramile_socket_last_received_timestamp_seconds 1.7e+09",
		"go_goroutines",
	} {
		if !strings.Contains(rec.Body.String(), s) {
			t.Errorf("/metrics lacks %q", s)
		}
	}
}
