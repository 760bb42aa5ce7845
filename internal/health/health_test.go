package health

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

func TestReadyz(t *testing.T) {
	now := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	var last time.Time
	var dbErr error
	h := Handler(Options{Checks: []Check{
		SocketCheck(func() time.Time { return last }, 30*time.Second, func() time.Time { return now }),
		DatabaseCheck(func(context.Context) error { return dbErr }),
	}})

	code, body := get(t, h, "/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "FAIL socket: nothing received from Slack yet") {
		t.Errorf("before the first message: %d\n%s", code, body)
	}
	last = now.Add(-29 * time.Second)
	if code, body = get(t, h, "/readyz"); code != http.StatusOK || !strings.HasPrefix(body, "ready\n") ||
		!strings.Contains(body, "ok   socket: last message from Slack 29s ago") || !strings.Contains(body, "ok   database:") {
		t.Errorf("29 s after a message: %d\n%s", code, body)
	}
	last = now.Add(-31 * time.Second)
	if code, body = get(t, h, "/readyz"); code != http.StatusServiceUnavailable || !strings.HasPrefix(body, "not ready\n") ||
		!strings.Contains(body, "FAIL socket: nothing received from Slack for 31s") {
		t.Errorf("31 s after a message: %d\n%s", code, body)
	}
	last, dbErr = now, errors.New("attempt to write a readonly database")
	if code, body = get(t, h, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "FAIL database: cannot write: attempt to write a readonly database") {
		t.Errorf("read-only database: %d\n%s", code, body)
	}
}

func TestHealthzAndMetrics(t *testing.T) {
	h := Handler(Options{Metrics: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "m 1\n") })})
	if code, body := get(t, h, "/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := get(t, h, "/metrics"); code != http.StatusOK || body != "m 1\n" {
		t.Errorf("/metrics: %d %q", code, body)
	}
	if code, _ := get(t, h, "/nothing"); code != http.StatusNotFound {
		t.Errorf("/nothing: %d", code)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/healthz", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz: %d", rec.Code)
	}
	if code, _ := get(t, Handler(Options{}), "/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics without metrics: %d", code)
	}
}

func TestCheckTimeout(t *testing.T) {
	slow := Check{Name: "slow", Run: func(ctx context.Context) (string, error) {
		<-ctx.Done()
		return "", ctx.Err()
	}}
	ready, body := Ready(context.Background(), []Check{slow}, 10*time.Millisecond)
	if ready || !strings.Contains(body, "FAIL slow: context deadline exceeded") {
		t.Errorf("got %v %q", ready, body)
	}
}

func TestServeStopsWithContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, Handler(Options{}), nil) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Error("still serving after Serve returned")
	}
}
