package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/internal/logbuf"
	"github.com/extramile/extramile/internal/slackfake"
)

// clearEnv unsets every variable the program reads, for the test's duration.
func clearEnv(t *testing.T) {
	for _, k := range []string{"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_API_URL", "EXTRAMILE_SLACK_BOT_TOKEN",
		"EXTRAMILE_SLACK_APP_TOKEN", "EXTRAMILE_SLACK_API_URL", "EXTRAMILE_DB_PATH", "EXTRAMILE_CHANNEL", "EXTRAMILE_HTTP_ADDR"} {
		t.Setenv(k, "") // restores the value after the test
		os.Unsetenv(k)
	}
}

func TestMissingTokenIsNamedBeforeConnecting(t *testing.T) {
	clearEnv(t)
	t.Setenv("SLACK_APP_TOKEN", "xapp-1")
	var out, errOut bytes.Buffer
	code := run(context.Background(), nil, &out, &errOut)
	if code != 2 {
		t.Errorf("exit code: got %d, want 2", code)
	}
	if !strings.Contains(errOut.String(), "SLACK_BOT_TOKEN is required") {
		t.Errorf("stderr does not name SLACK_BOT_TOKEN:\n%s", errOut.String())
	}
}

func TestHelpPrintsTheVariables(t *testing.T) {
	for _, arg := range []string{"help", "-h", "--help"} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), []string{arg}, &out, &errOut); code != 0 {
			t.Errorf("%s: exit code %d", arg, code)
		}
		for _, v := range []string{"SLACK_BOT_TOKEN", "EXTRAMILE_TIMEZONE", "EXTRAMILE_KUDOS_EMOJI", "EXTRAMILE_HTTP_ADDR", "export", "backup --to", "doctor", "health"} {
			if !strings.Contains(out.String(), v) {
				t.Errorf("%s: output lacks %s", arg, v)
			}
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"frobnicate"}, &out, &errOut); code != 2 {
		t.Errorf("exit code: got %d, want 2", code)
	}
	if !strings.Contains(errOut.String(), `unknown command "frobnicate"`) {
		t.Errorf("stderr: %s", errOut.String())
	}
}

// TestRunsFromTheEnvironment is the README's promise: with the two tokens in
// the environment and SLACK_API_URL pointing at a Socket Mode server, the bot
// connects, acks envelopes, keeps a story, and exports it.
func TestRunsFromTheEnvironment(t *testing.T) {
	clearEnv(t)
	srv := slackfake.New(t)
	srv.AddUser(slackfake.User{ID: "UALICE", Name: "alice"})
	srv.AddUser(slackfake.User{ID: "UBOB", Name: "bob"})
	srv.AddChannel(slackfake.Channel{ID: "CGENERAL", Name: "general", BotIsMember: true})
	db := filepath.Join(t.TempDir(), "team.db")
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-test")
	t.Setenv("SLACK_APP_TOKEN", "xapp-test")
	t.Setenv("SLACK_API_URL", srv.APIURL())
	t.Setenv("EXTRAMILE_DB_PATH", db)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs logbuf.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"run"}, &bytes.Buffer{}, &logs) }()

	wctx, wcancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer wcancel()
	if err := srv.WaitConnected(wctx, 1); err != nil {
		t.Fatalf("did not connect: %v\n%s", err, logs.String())
	}
	id, err := srv.Send(wctx, slackfake.TypeSlashCommands, srv.SlashCommand("UALICE", "CGENERAL", "<@UBOB|bob> stayed late to fix the customer's import & wrote a how-to"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitAck(wctx, id); err != nil {
		t.Fatalf("no ack: %v", err)
	}
	if _, err := srv.WaitCalls(wctx, "chat.postMessage", 1); err != nil {
		t.Fatalf("no shoutout: %v", err)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d after SIGTERM-like stop", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop within 10 s")
	}

	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"export", "--format", "json", "--db", db}, &out, &errOut); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut.String())
	}
	var got struct {
		Stories []struct {
			Author     string   `json:"author"`
			Recognized []string `json:"recognized"`
			Text       string   `json:"text"`
			Channel    string   `json:"channel"`
		} `json:"stories"`
		Kudos []any `json:"kudos"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, out.String())
	}
	if len(got.Stories) != 1 || got.Stories[0].Author != "UALICE" || got.Stories[0].Recognized[0] != "UBOB" ||
		got.Stories[0].Text != "stayed late to fix the customer's import & wrote a how-to" || got.Kudos == nil {
		t.Errorf("export: got %+v", got)
	}

	out.Reset()
	if code := run(context.Background(), []string{"export", "--format", "csv", "--db", db}, &out, &errOut); code != 0 {
		t.Fatalf("csv export: exit %d: %s", code, errOut.String())
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv: %v, %d rows", err, len(rows))
	}
}

func TestExportErrors(t *testing.T) {
	notes := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notes, []byte("meeting notes, not a database, long enough to look like a file"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"export", "--format", "xml"}, "--format must be json or csv"},
		{[]string{"export", "--db", filepath.Join(t.TempDir(), "missing.db")}, "no database at"},
		{[]string{"export", "--db", notes}, "is not an Extra Mile database"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), tt.args, &out, &errOut); code == 0 {
			t.Errorf("%v: exit 0", tt.args)
		}
		if !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("%v: stderr %q lacks %q", tt.args, errOut.String(), tt.want)
		}
	}
}

// TestExportNeverChangesTheFile exports a database written by the first
// version (it lacks this version's migrations): the export has every story,
// and the file is the same to the byte afterwards (export used to migrate
// it, and failed on a file it could not write).
func TestExportNeverChangesTheFile(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "storage", "testdata", "v0001.db"))
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(db, raw, 0o400); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"export", "--db", db}, &out, &errOut); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut.String())
	}
	var got extramile.Export
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got.Stories) != 4 {
		t.Fatalf("export: %d stories, %v", len(got.Stories), err)
	}
	after, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(after, raw) {
		t.Error("export changed the database file")
	}
}
