package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/internal/slackfake"
	"github.com/extramile/extramile/storage"
)

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestHealthCommand(t *testing.T) {
	clearEnv(t)
	var ready atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		if ready.Load() {
			io.WriteString(w, "ready\n")
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "not ready\nFAIL socket: nothing received from Slack yet\n")
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	_, port, _ := net.SplitHostPort(addr)

	if code, out, _ := runCmd(t, "health", "--addr", addr); code != 1 || !strings.Contains(out, "FAIL socket") {
		t.Errorf("not ready: exit %d, stdout %q", code, out)
	}
	ready.Store(true)
	if code, out, errOut := runCmd(t, "health", "--addr", addr); code != 0 || out != "ready\n" {
		t.Errorf("ready: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// From the environment, as the Docker HEALTHCHECK runs it; ":PORT"
	// (listening everywhere) is asked on loopback.
	t.Setenv("EXTRAMILE_HTTP_ADDR", ":"+port)
	if code, _, errOut := runCmd(t, "health"); code != 0 {
		t.Errorf("from EXTRAMILE_HTTP_ADDR=:%s: exit %d, %s", port, code, errOut)
	}
	os.Unsetenv("EXTRAMILE_HTTP_ADDR")
	if code, _, errOut := runCmd(t, "health"); code != 2 || !strings.Contains(errOut, "set EXTRAMILE_HTTP_ADDR") {
		t.Errorf("no address: exit %d, %q", code, errOut)
	}
	srv.Close()
	if code, _, errOut := runCmd(t, "health", "--addr", addr); code != 1 || !strings.Contains(errOut, "not ready") {
		t.Errorf("nothing listening: exit %d, %q", code, errOut)
	}
}

func TestBackupCommand(t *testing.T) {
	clearEnv(t)
	ctx := context.Background()
	dir := t.TempDir()
	dbFile := filepath.Join(dir, "extramile.db")
	db, err := storage.Open(ctx, dbFile)
	if err != nil {
		t.Fatal(err)
	}
	s := &extramile.Story{Author: "UALICE", Recognized: []string{"UBOB"}, Channel: "CGENERAL",
		Text: "Stayed late to fix the customer's import and wrote a how-to."}
	if err := db.CreateStory(ctx, s); err != nil {
		t.Fatal(err)
	}
	defer db.Close() // the bot keeps it open meanwhile
	t.Setenv("EXTRAMILE_DB_PATH", dbFile)
	to := filepath.Join(dir, "backup.db")

	if code, _, errOut := runCmd(t, "backup"); code != 2 || !strings.Contains(errOut, "--to FILE is required") {
		t.Errorf("no --to: exit %d, %q", code, errOut)
	}
	if code, out, errOut := runCmd(t, "backup", "--to", to); code != 0 || !strings.Contains(out, "backed up") {
		t.Fatalf("backup: exit %d, %q %q", code, out, errOut)
	}
	if code, _, errOut := runCmd(t, "backup", "--to", to); code != 1 || !strings.Contains(errOut, "exists; add --force") {
		t.Errorf("over an existing file: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCmd(t, "backup", "--to", to, "--force"); code != 0 {
		t.Errorf("--force: exit %d, %q", code, errOut)
	}
	copyDB, err := storage.Open(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	if got, err := copyDB.FindStory(ctx, s.ID); err != nil || got.Text != s.Text {
		t.Errorf("story in the copy: %+v, %v", got, err)
	}
	if code, _, errOut := runCmd(t, "backup", "--to", to, "--db", filepath.Join(dir, "missing.db")); code != 1 || !strings.Contains(errOut, "no database at") {
		t.Errorf("missing database: exit %d, %q", code, errOut)
	}
}

func TestDoctorCommand(t *testing.T) {
	clearEnv(t)
	srv := slackfake.New(t, slackfake.WithBotToken("xoxb-77-cmd-secret"), slackfake.WithAppToken("xapp-77-cmd-secret"))
	srv.AddChannel(slackfake.Channel{ID: "CGENERAL", Name: "general", BotIsMember: true})
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-77-cmd-secret")
	t.Setenv("SLACK_APP_TOKEN", "xapp-77-cmd-secret")
	t.Setenv("SLACK_API_URL", srv.APIURL())
	t.Setenv("EXTRAMILE_DB_PATH", filepath.Join(t.TempDir(), "extramile.db"))
	t.Setenv("EXTRAMILE_CHANNEL", "CGENERAL")

	code, out, errOut := runCmd(t, "doctor")
	if code != 0 || !strings.Contains(out, "Everything checked is fine.") {
		t.Errorf("healthy: exit %d\n%s%s", code, out, errOut)
	}
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-77-revoked-secret")
	code, out, _ = runCmd(t, "doctor")
	if code != 1 || !strings.Contains(out, "FAIL  bot token") {
		t.Errorf("bad token: exit %d\n%s", code, out)
	}
	if strings.Contains(out, "secret") {
		t.Errorf("doctor printed a token:\n%s", out)
	}
	t.Setenv("SLACK_BOT_TOKEN", "")
	if code, _, errOut := runCmd(t, "doctor"); code != 2 || !strings.Contains(errOut, "SLACK_BOT_TOKEN is required") {
		t.Errorf("no token: exit %d, %q", code, errOut)
	}
}
