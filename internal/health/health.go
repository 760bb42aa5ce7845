// Package health serves Extra Mile's operations endpoints on an optional
// HTTP listener (EXTRAMILE_HTTP_ADDR): /healthz (the process is alive),
// /readyz (every readiness check passes: the socket heard from Slack
// recently, the database takes a write) and /metrics (Prometheus).
package health

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"
)

// Check is one condition of readiness.
type Check struct {
	// Name names the check in /readyz's body ("socket", "database").
	Name string
	// Run says what it found when all is well, or returns an error that
	// says what is wrong and what to do about it.
	Run func(ctx context.Context) (string, error)
}

// Options configure Handler.
type Options struct {
	// Checks are run, in order, on every /readyz request.
	Checks []Check
	// Metrics serves /metrics; nil leaves it out.
	Metrics http.Handler
	// CheckTimeout bounds each check (default DefaultCheckTimeout).
	CheckTimeout time.Duration
}

// DefaultCheckTimeout bounds a readiness check that waits (the database's
// write lock under a burst of writes): well under `extramile health`'s
// timeout and Docker's.
const DefaultCheckTimeout = 4 * time.Second

// Handler returns every route of the listener, in one place:
//
//	GET /healthz  200 "ok": the process is alive and serving HTTP
//	GET /readyz   200 when every check passes, else 503; the body has one
//	              line per check, "ok" or "FAIL", with what was found
//	GET /metrics  Prometheus text format (when Options.Metrics is set)
func Handler(o Options) http.Handler {
	if o.CheckTimeout <= 0 {
		o.CheckTimeout = DefaultCheckTimeout
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeText(w, http.StatusOK, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ready, body := Ready(r.Context(), o.Checks, o.CheckTimeout)
		status := http.StatusOK
		if !ready {
			status = http.StatusServiceUnavailable
		}
		writeText(w, status, body)
	})
	if o.Metrics != nil {
		mux.Handle("GET /metrics", o.Metrics)
	}
	return mux
}

// Ready runs the checks, each bounded by timeout, and returns whether all
// passed with the text /readyz answers: "ready" or "not ready", then a line
// per check.
func Ready(ctx context.Context, checks []Check, timeout time.Duration) (bool, string) {
	var b strings.Builder
	ready := true
	for _, c := range checks {
		cctx, cancel := context.WithTimeout(ctx, timeout)
		found, err := c.Run(cctx)
		cancel()
		if err != nil {
			ready = false
			fmt.Fprintf(&b, "FAIL %s: %v\n", c.Name, err)
			continue
		}
		fmt.Fprintf(&b, "ok   %s: %s\n", c.Name, found)
	}
	if ready {
		return true, "ready\n" + b.String()
	}
	return false, "not ready\n" + b.String()
}

func writeText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// shutdownTimeout bounds how long Serve waits for requests in flight.
const shutdownTimeout = 2 * time.Second

// Serve serves h on ln until ctx is done, then shuts the server down
// (waiting up to 2 s for requests in flight) and returns nil; it returns
// early with the error if serving fails. It closes ln.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       time.Minute,
	}
	if log != nil {
		srv.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve health and metrics on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// SocketCheck is ready while something (a ping, a hello, an envelope) came
// from Slack over the socket within the last `within`, by now. last returns
// the zero time before anything came.
func SocketCheck(last func() time.Time, within time.Duration, now func() time.Time) Check {
	return Check{Name: "socket", Run: func(context.Context) (string, error) {
		t := last()
		if t.IsZero() {
			return "", errors.New("nothing received from Slack yet: the socket is not connected (if this lasts, run `extramile doctor`)")
		}
		ago := now().Sub(t).Round(time.Second)
		if ago > within {
			return "", fmt.Errorf("nothing received from Slack for %s, not even a ping (ready within %s); the socket is reconnecting or stuck: check the network to Slack, and run `extramile doctor`", ago, within)
		}
		return fmt.Sprintf("last message from Slack %s ago", max(ago, 0)), nil
	}}
}

// DatabaseCheck is ready while write begins a write transaction, writes
// and rolls it back without error (storage.DB.CheckWrite).
func DatabaseCheck(write func(ctx context.Context) error) Check {
	return Check{Name: "database", Run: func(ctx context.Context) (string, error) {
		start := time.Now()
		if err := write(ctx); err != nil {
			return "", fmt.Errorf("cannot write: %w (is the disk full or the file read-only? run `extramile doctor`)", err)
		}
		return fmt.Sprintf("took a write (rolled back) in %s", time.Since(start).Round(time.Millisecond)), nil
	}}
}
