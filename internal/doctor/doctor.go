// Package doctor checks an Extra Mile installation the way an admin would
// when something does not work: both Slack tokens, the scopes the bot token
// was granted against those the code needs, the configured and subscribed
// channels, this machine's clock against Slack's, and the database. Each
// check is a function returning a Result; `extramile doctor` prints them.
// No check prints a token or changes anything (the database's write check
// is rolled back).
package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/storage"
)

// Result is the outcome of one check.
type Result struct {
	Name    string // what was checked: "bot token", "scopes", "channel C0123 (#general)", …
	OK      bool
	Skipped bool   // not run: an earlier check it needs failed (Problem says which)
	Found   string // what was found, when OK
	Problem string // what is wrong, when not OK
	Fix     string // the one thing to do about it
}

// Failed reports whether any check found a problem (skipped ones do not
// count: what they need failed already).
func Failed(rs []Result) bool {
	for _, r := range rs {
		if !r.OK && !r.Skipped {
			return true
		}
	}
	return false
}

// Options say what to check.
type Options struct {
	BotToken string // SLACK_BOT_TOKEN
	AppToken string // SLACK_APP_TOKEN
	APIURL   string // SLACK_API_URL, ending in "/"
	Channel  string // EXTRAMILE_CHANNEL ("" for none)
	DBPath   string // EXTRAMILE_DB_PATH

	// HTTPClient calls Slack (default: a client with a 15 s timeout).
	HTTPClient *http.Client
	// Now is this machine's clock (default time.Now).
	Now func() time.Time
	// MaxClockSkew is how far this machine's clock may be from Slack's
	// (default DefaultMaxClockSkew).
	MaxClockSkew time.Duration
	// Scopes are the bot token scopes the code needs (default bot.Scopes()).
	Scopes []bot.Scope
}

// DefaultMaxClockSkew is how far the clock may drift from Slack's before
// doctor says so: scheduled posts run by this machine's clock, and Slack's
// Date header has a resolution of one second.
const DefaultMaxClockSkew = 30 * time.Second

// Run runs every check and returns the results in order: bot token, app
// token, scopes, channels (one result each), clock, database.
func Run(ctx context.Context, o Options) []Result {
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxClockSkew <= 0 {
		o.MaxClockSkew = DefaultMaxClockSkew
	}
	if o.Scopes == nil {
		o.Scopes = bot.Scopes()
	}
	c := &client{http: o.HTTPClient, base: o.APIURL, now: o.Now}

	auth, authRes := checkBotToken(ctx, c, o.BotToken)
	rs := []Result{authRes}
	appAnswer, appRes := checkAppToken(ctx, c, o.AppToken)
	rs = append(rs, appRes)
	rs = append(rs, checkScopes(auth, o.Scopes))

	db, dbRes := checkDatabase(ctx, o.DBPath)
	var subs []string
	if db != nil {
		subs = db.Subscriptions
	}
	rs = append(rs, checkChannels(ctx, c, o.BotToken, auth, o.Channel, subs)...)
	rs = append(rs, checkClock(o.MaxClockSkew, auth, appAnswer))
	return append(rs, dbRes)
}

// Print writes the results, one line each with the fix under a problem, and
// a last line that counts the problems.
func Print(w io.Writer, rs []Result) error {
	var b strings.Builder
	problems := 0
	for _, r := range rs {
		switch {
		case r.Skipped:
			fmt.Fprintf(&b, "skip  %s: %s\n", r.Name, r.Problem)
		case r.OK:
			fmt.Fprintf(&b, "ok    %s: %s\n", r.Name, r.Found)
		default:
			problems++
			fmt.Fprintf(&b, "FAIL  %s: %s\n", r.Name, r.Problem)
			if r.Fix != "" {
				fmt.Fprintf(&b, "      fix: %s\n", r.Fix)
			}
		}
	}
	switch problems {
	case 0:
		b.WriteString("\nEverything checked is fine.\n")
	case 1:
		b.WriteString("\n1 problem found.\n")
	default:
		fmt.Fprintf(&b, "\n%d problems found.\n", problems)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// tokenHint shows what kind of token a value is, never the token itself.
func tokenHint(tok string) string {
	if i := strings.IndexByte(tok, '-'); i > 0 && i <= 5 {
		return tok[:i+1] + "…"
	}
	return "not a Slack token"
}

// checkBotToken calls auth.test with the bot token. The answer (nil when
// Slack refused the token or could not be reached) feeds the scopes,
// channels and clock checks.
func checkBotToken(ctx context.Context, c *client, token string) (*answer, Result) {
	r := Result{Name: "bot token"}
	a, err := c.call(ctx, "auth.test", token, nil)
	if err != nil {
		r.Problem, r.Fix = unreachable(c.base, err)
		return nil, r
	}
	var auth struct {
		User   string `json:"user"`
		UserID string `json:"user_id"`
		Team   string `json:"team"`
	}
	if err := a.decode(&auth); err != nil {
		r.Problem, r.Fix = badAnswer(a, err)
		return a, r
	}
	if !a.OK {
		r.Problem = fmt.Sprintf("Slack refused SLACK_BOT_TOKEN (%s, %s)", tokenHint(token), a.Error)
		switch a.Error {
		case "not_allowed_token_type":
			r.Fix = "SLACK_BOT_TOKEN must be the Bot User OAuth Token (xoxb-…) from OAuth & Permissions, not the app-level token"
		case "token_revoked", "account_inactive":
			r.Fix = "the app was uninstalled or the token revoked: reinstall it (Install App) and set SLACK_BOT_TOKEN to the new Bot User OAuth Token"
		default:
			r.Fix = "set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page"
		}
		return a, r
	}
	a.botName = auth.User
	r.OK = true
	r.Found = fmt.Sprintf("Slack accepts it (%s): the bot is @%s (%s) in %s", tokenHint(token), auth.User, auth.UserID, auth.Team)
	return a, r
}

// checkAppToken asks for a Socket Mode URL with the app-level token, as the
// bot does at start (the URL is not used).
func checkAppToken(ctx context.Context, c *client, token string) (*answer, Result) {
	r := Result{Name: "app token"}
	a, err := c.call(ctx, "apps.connections.open", token, nil)
	if err != nil {
		r.Problem, r.Fix = unreachable(c.base, err)
		return nil, r
	}
	if err := a.decode(nil); err != nil {
		r.Problem, r.Fix = badAnswer(a, err)
		return a, r
	}
	if !a.OK {
		r.Problem = fmt.Sprintf("Slack refused to open a Socket Mode connection with SLACK_APP_TOKEN (%s, %s)", tokenHint(token), a.Error)
		switch a.Error {
		case "not_allowed_token_type":
			r.Fix = "SLACK_APP_TOKEN must be an app-level token (xapp-…): Basic Information → App-Level Tokens"
		case "missing_scope":
			r.Fix = "generate an app-level token with the connections:write scope (Basic Information → App-Level Tokens) and set SLACK_APP_TOKEN to it"
		case "invalid_auth", "not_authed", "token_revoked", "account_inactive":
			r.Fix = "generate an app-level token with connections:write (Basic Information → App-Level Tokens) and set SLACK_APP_TOKEN to it"
		default:
			r.Fix = "check that Socket Mode is enabled (Settings → Socket Mode) and that SLACK_APP_TOKEN is an app-level token with connections:write"
		}
		return a, r
	}
	r.OK = true
	r.Found = fmt.Sprintf("Slack accepts it (%s) and would open a Socket Mode connection", tokenHint(token))
	return a, r
}

// checkScopes compares the scopes Slack says the bot token has (the
// X-OAuth-Scopes header of auth.test's answer) with those the code needs.
func checkScopes(auth *answer, need []bot.Scope) Result {
	r := Result{Name: "scopes"}
	if auth == nil || !auth.OK {
		r.Skipped, r.Problem = true, "needs a bot token Slack accepts"
		return r
	}
	header, ok := auth.Header["X-Oauth-Scopes"]
	if !ok {
		r.Problem = "Slack did not say which scopes the bot token has (no X-OAuth-Scopes header in its answer)"
		r.Fix = "check that SLACK_API_URL points at Slack's Web API (https://slack.com/api/) and no proxy drops response headers"
		return r
	}
	granted := map[string]bool{}
	for _, s := range strings.Split(strings.Join(header, ","), ",") {
		granted[strings.TrimSpace(s)] = true
	}
	var missing []string
	for _, s := range need {
		if !granted[s.Name] {
			missing = append(missing, fmt.Sprintf("%s (without it %s)", s.Name, s.WithoutIt))
		}
	}
	if len(missing) > 0 {
		r.Problem = "the bot token lacks " + strings.Join(missing, "; ")
		r.Fix = "add the missing scopes under OAuth & Permissions → Bot Token Scopes (or update the app from manifest.yml), reinstall the app to the workspace, and set SLACK_BOT_TOKEN again if it changed"
		return r
	}
	r.OK = true
	r.Found = fmt.Sprintf("all %d the bot needs are granted", len(need))
	return r
}

// checkChannels looks up EXTRAMILE_CHANNEL and every subscribed channel:
// it exists, is not archived, and the bot is a member.
func checkChannels(ctx context.Context, c *client, token string, auth *answer, configured string, subscribed []string) []Result {
	type target struct{ id, why string }
	var targets []target
	if configured != "" {
		targets = append(targets, target{configured, "EXTRAMILE_CHANNEL"})
	}
	for _, s := range subscribed {
		if s != configured {
			targets = append(targets, target{s, "subscribed"})
		}
	}
	if len(targets) == 0 {
		return []Result{{Name: "channels", OK: true,
			Found: "none set: EXTRAMILE_CHANNEL is empty and no channel is subscribed, so prompts, roundups and digests go nowhere (stories and kudos still work)"}}
	}
	if auth == nil || !auth.OK {
		return []Result{{Name: "channels", Skipped: true, Problem: "needs a bot token Slack accepts"}}
	}
	var rs []Result
	for _, t := range targets {
		rs = append(rs, checkChannel(ctx, c, token, auth.botName, t.id, t.why))
	}
	return rs
}

func checkChannel(ctx context.Context, c *client, token, botName, id, why string) Result {
	r := Result{Name: fmt.Sprintf("channel %s (%s)", id, why)}
	invite := "/invite @" + botName
	a, err := c.call(ctx, "conversations.info", token, map[string]string{"channel": id})
	if err != nil {
		r.Problem, r.Fix = unreachable(c.base, err)
		return r
	}
	var info struct {
		Channel struct {
			Name       string `json:"name"`
			IsArchived bool   `json:"is_archived"`
			IsMember   bool   `json:"is_member"`
			IsPrivate  bool   `json:"is_private"`
		} `json:"channel"`
		Needed string `json:"needed"`
	}
	if err := a.decode(&info); err != nil {
		r.Problem, r.Fix = badAnswer(a, err)
		return r
	}
	ch := info.Channel
	switch {
	case !a.OK && a.Error == "channel_not_found":
		r.Problem = "no such channel, or a private channel the bot was not invited to"
		r.Fix = fmt.Sprintf("check the ID (channel details → About, at the bottom); for a private channel, run %s in it", invite)
	case !a.OK && a.Error == "missing_scope":
		r.Problem = fmt.Sprintf("the bot cannot look it up: its token lacks %s", info.Needed)
		r.Fix = fmt.Sprintf("add %s under OAuth & Permissions → Bot Token Scopes and reinstall the app", info.Needed)
	case !a.OK:
		r.Problem = fmt.Sprintf("Slack would not describe it (%s)", a.Error)
		r.Fix = fmt.Sprintf("check the channel ID, and run %s in the channel", invite)
	case ch.IsArchived:
		r.Problem = fmt.Sprintf("#%s is archived: nothing can be posted there", ch.Name)
		if why == "subscribed" {
			r.Fix = fmt.Sprintf("unarchive #%s, or run /extramile unsubscribe there first (from the channel, once unarchived) or pick another channel", ch.Name)
		} else {
			r.Fix = fmt.Sprintf("unarchive #%s or set EXTRAMILE_CHANNEL to another channel", ch.Name)
		}
	case !ch.IsMember:
		r.Problem = fmt.Sprintf("the bot is not a member of #%s: Slack sends it no reactions from there (no kudos) until it is", ch.Name)
		r.Fix = fmt.Sprintf("run %s in #%s", invite, ch.Name)
	default:
		r.OK = true
		kind := "public"
		if ch.IsPrivate {
			kind = "private"
		}
		r.Name = fmt.Sprintf("channel %s #%s (%s)", id, ch.Name, why)
		r.Found = fmt.Sprintf("%s, not archived, the bot is a member", kind)
	}
	return r
}

// checkClock compares this machine's clock with Slack's: the Date header of
// a Web API answer, against the local time halfway through the request.
func checkClock(maxSkew time.Duration, answers ...*answer) Result {
	r := Result{Name: "clock"}
	for _, a := range answers {
		if a == nil || a.Header.Get("Date") == "" {
			continue
		}
		slackTime, err := http.ParseTime(a.Header.Get("Date"))
		if err != nil {
			continue
		}
		local := a.sent.Add(a.received.Sub(a.sent) / 2)
		// The Date header is truncated to the second: compare with the
		// local time truncated likewise, within a second either way.
		skew := local.Sub(slackTime.Add(500 * time.Millisecond)).Round(time.Second)
		if skew > maxSkew || skew < -maxSkew {
			dir := "ahead of"
			if skew < 0 {
				dir, skew = "behind", -skew
			}
			r.Problem = fmt.Sprintf("this machine's clock is %s %s Slack's (more than %s): scheduled posts go out at the wrong time", skew, dir, maxSkew)
			r.Fix = "synchronize the clock with NTP (e.g. `timedatectl set-ntp true`, or the host's time sync for a container)"
			return r
		}
		r.OK = true
		r.Found = fmt.Sprintf("within %s of Slack's (%s apart)", maxSkew, abs(skew))
		return r
	}
	r.Skipped, r.Problem = true, "needs an answer from Slack"
	return r
}

func abs(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// checkDatabase looks at the database file without changing it: it exists
// (or may be created), takes writes, its schema version and size.
func checkDatabase(ctx context.Context, path string) (*storage.Inspection, Result) {
	r := Result{Name: "database " + path}
	in, err := storage.Inspect(ctx, path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		dir := filepath.Dir(path)
		if werr := dirWritable(dir); werr != nil {
			r.Problem = fmt.Sprintf("%s does not exist, and the bot cannot create it: %v", path, werr)
			r.Fix = fmt.Sprintf("create the directory %s and let the bot's user write there, or set EXTRAMILE_DB_PATH elsewhere", dir)
			return nil, r
		}
		r.OK = true
		r.Found = "not created yet: the bot creates it at its first start"
		return nil, r
	case err != nil:
		r.Problem = fmt.Sprintf("cannot read it: %v", err)
		r.Fix = "check EXTRAMILE_DB_PATH points at the bot's SQLite file; if the file is damaged, restore a backup (README: Operate it → Restore)"
		return nil, r
	}
	known := len(in.Applied) - len(in.Unknown) + len(in.Pending)
	switch {
	case len(in.Unknown) > 0:
		r.Problem = fmt.Sprintf("written by a newer version of extramile (migrations this one does not know: %s): this version refuses it", strings.Join(in.Unknown, ", "))
		r.Fix = "run the newer version of extramile again, or restore a backup made by this version"
	case in.WriteErr != nil:
		r.Problem = fmt.Sprintf("it does not take writes: %v", in.WriteErr)
		r.Fix = "check the disk has room and the bot's user may write the file and its directory (the -wal and -shm files too); stop any other program holding it locked"
	default:
		r.OK = true
		schema := in.Schema()
		if schema == "" {
			schema = "empty"
		}
		pending := ""
		if len(in.Pending) > 0 {
			pending = fmt.Sprintf("; %d migration(s) will be applied at the next start", len(in.Pending))
		}
		r.Found = fmt.Sprintf("takes writes (checked and rolled back), schema %s (%d of %d migrations)%s, %s on disk",
			schema, len(in.Applied), known, pending, humanBytes(in.Size))
	}
	return in, r
}

// dirWritable reports whether a file can be created in dir.
func dirWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".extramile-doctor-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// unreachable is the problem and fix of a call that got no answer.
func unreachable(base string, err error) (string, string) {
	return fmt.Sprintf("could not reach Slack at %s: %v", base, redactURLError(err)),
		"check this machine's network and DNS, the proxy settings (HTTPS_PROXY), and SLACK_API_URL"
}

// badAnswer is the problem and fix of an answer that is not Slack's JSON.
func badAnswer(a *answer, err error) (string, string) {
	if a.Status != http.StatusOK {
		return fmt.Sprintf("Slack answered HTTP %d", a.Status),
			"Slack may be having trouble (https://slack-status.com): try again in a few minutes; if it lasts, check SLACK_API_URL"
	}
	return fmt.Sprintf("the answer is not Slack's: %v", err), "check SLACK_API_URL is https://slack.com/api/ (or unset)"
}
