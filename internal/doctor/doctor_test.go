package doctor

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/slackfake"
	"github.com/extramile/extramile/storage"
)

const (
	botToken = "xoxb-1111-doctor-secret"
	appToken = "xapp-2222-doctor-secret"
)

// setup is a fake Slack with a public channel the bot is in, an archived
// one and one it is not in, and a database with a subscription.
func setup(t *testing.T) (*slackfake.Server, Options) {
	t.Helper()
	srv := slackfake.New(t, slackfake.WithBotToken(botToken), slackfake.WithAppToken(appToken))
	srv.AddChannel(slackfake.Channel{ID: "CGENERAL", Name: "general", BotIsMember: true})
	srv.AddChannel(slackfake.Channel{ID: "CRANDOM", Name: "random"})
	srv.AddChannel(slackfake.Channel{ID: "COLD", Name: "old", IsArchived: true, BotIsMember: true})
	srv.AddChannel(slackfake.Channel{ID: "GTEAM", Name: "team", IsPrivate: true, BotIsMember: true})
	path := filepath.Join(t.TempDir(), "extramile.db")
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Subscribe(context.Background(), "GTEAM", "UADMIN"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	return srv, Options{BotToken: botToken, AppToken: appToken, APIURL: srv.APIURL(), Channel: "CGENERAL", DBPath: path}
}

// byName finds the result whose name starts with prefix.
func byName(t *testing.T, rs []Result, prefix string) Result {
	t.Helper()
	for _, r := range rs {
		if strings.HasPrefix(r.Name, prefix) {
			return r
		}
	}
	t.Fatalf("no result %q in %+v", prefix, rs)
	return Result{}
}

func printed(t *testing.T, rs []Result) string {
	t.Helper()
	var b bytes.Buffer
	if err := Print(&b, rs); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "secret") {
		t.Errorf("doctor printed a token:\n%s", b.String())
	}
	return b.String()
}

func TestHealthy(t *testing.T) {
	_, o := setup(t)
	rs := Run(context.Background(), o)
	out := printed(t, rs)
	if Failed(rs) {
		t.Fatalf("healthy setup failed:\n%s", out)
	}
	for _, want := range []string{
		"ok    bot token: Slack accepts it (xoxb-…): the bot is @extramile (UBOT)",
		"ok    app token: Slack accepts it (xapp-…)",
		fmt.Sprintf("ok    scopes: all %d the bot needs are granted", len(bot.Scopes())),
		"ok    channel CGENERAL #general (EXTRAMILE_CHANNEL): public, not archived, the bot is a member",
		"ok    channel GTEAM #team (subscribed): private",
		"ok    clock: within 30s of Slack's",
		"ok    database " + o.DBPath + ": takes writes (checked and rolled back), schema 0",
		"Everything checked is fine.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "will be applied") {
		t.Errorf("a database the bot created has migrations pending:\n%s", out)
	}
}

func TestChannelProblems(t *testing.T) {
	for _, tc := range []struct{ channel, want, fix string }{
		{"CRANDOM", "the bot is not a member of #random", "run /invite @extramile in #random"},
		{"COLD", "#old is archived", "unarchive #old or set EXTRAMILE_CHANNEL"},
		{"CNOPE", "no such channel, or a private channel the bot was not invited to", "check the ID"},
	} {
		_, o := setup(t)
		o.Channel = tc.channel
		rs := Run(context.Background(), o)
		r := byName(t, rs, "channel "+tc.channel)
		if r.OK || !strings.Contains(r.Problem, tc.want) || !strings.Contains(r.Fix, tc.fix) {
			t.Errorf("%s: got %+v", tc.channel, r)
		}
		if !Failed(rs) {
			t.Errorf("%s: Failed is false", tc.channel)
		}
	}
}

func TestMissingScopeAndLookup(t *testing.T) {
	srv, o := setup(t)
	srv.SetBotScopes("commands", "chat:write", "channels:join", "channels:read", "users:read")
	rs := Run(context.Background(), o)
	r := byName(t, rs, "scopes")
	if r.OK || !strings.Contains(r.Problem, "lacks groups:read") || !strings.Contains(r.Problem, "reactions:read (without it Slack sends no reaction events") {
		t.Errorf("scopes: %+v", r)
	}
	if r := byName(t, rs, "channel GTEAM"); r.OK || !strings.Contains(r.Problem, "its token lacks groups:read") {
		t.Errorf("private channel without groups:read: %+v", r)
	}
	printed(t, rs)
}

func TestBadTokensSkipWhatNeedsThem(t *testing.T) {
	_, o := setup(t)
	o.BotToken, o.AppToken = "xoxb-9999-wrong-secret", "xoxb-1111-doctor-secret"
	rs := Run(context.Background(), o)
	out := printed(t, rs)
	if r := byName(t, rs, "bot token"); r.OK || !strings.Contains(r.Problem, "invalid_auth") || !strings.Contains(r.Fix, "Bot User OAuth Token") {
		t.Errorf("bot token: %+v", r)
	}
	if r := byName(t, rs, "app token"); r.OK || !strings.Contains(r.Problem, "not_allowed_token_type") || !strings.Contains(r.Fix, "xapp-") {
		t.Errorf("app token: %+v", r)
	}
	for _, name := range []string{"scopes", "channels"} {
		if r := byName(t, rs, name); !r.Skipped {
			t.Errorf("%s: not skipped: %+v", name, r)
		}
	}
	if r := byName(t, rs, "clock"); !r.OK { // refusals carry a Date too
		t.Errorf("clock: %+v", r)
	}
	if !strings.Contains(out, "2 problems found.") {
		t.Errorf("summary:\n%s", out)
	}
}

func TestClockSkew(t *testing.T) {
	_, o := setup(t)
	o.Now = func() time.Time { return time.Now().Add(-5 * time.Minute) }
	r := byName(t, Run(context.Background(), o), "clock")
	if r.OK || !strings.Contains(r.Problem, "5m0s behind Slack's") || !strings.Contains(r.Fix, "NTP") {
		t.Errorf("clock 5 min behind: %+v", r)
	}
}

func TestUnreachableSlack(t *testing.T) {
	srv, o := setup(t)
	srv.Close()
	rs := Run(context.Background(), o)
	if r := byName(t, rs, "bot token"); r.OK || !strings.Contains(r.Problem, "could not reach Slack at "+o.APIURL) {
		t.Errorf("bot token: %+v", r)
	}
	if r := byName(t, rs, "clock"); !r.Skipped {
		t.Errorf("clock: %+v", r)
	}
	printed(t, rs)
}

func TestDatabaseProblems(t *testing.T) {
	ctx := context.Background()
	t.Run("not created yet", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "new.db")
		_, r := checkDatabase(ctx, path)
		if !r.OK || !strings.Contains(r.Found, "not created yet") {
			t.Errorf("%+v", r)
		}
		if _, err := os.Stat(path); err == nil {
			t.Error("doctor created the database")
		}
	})
	t.Run("no directory", func(t *testing.T) {
		_, r := checkDatabase(ctx, filepath.Join(t.TempDir(), "nope", "x.db"))
		if r.OK || !strings.Contains(r.Problem, "cannot create it") {
			t.Errorf("%+v", r)
		}
	})
	t.Run("not a database", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "x.db")
		os.WriteFile(path, bytes.Repeat([]byte("not sqlite "), 500), 0o600)
		_, r := checkDatabase(ctx, path)
		if r.OK || !strings.Contains(r.Problem, "cannot read it") || !strings.Contains(r.Fix, "restore a backup") {
			t.Errorf("%+v", r)
		}
	})
}
