package slackfake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestDefaultBotScopesAreTheManifests keeps the fake's default grant equal
// to the bot scopes of manifest.yml.
func TestDefaultBotScopesAreTheManifests(t *testing.T) {
	raw, err := os.ReadFile("../../manifest.yml")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)\n    bot:\n(.*?)\n\S`).FindStringSubmatch(string(raw))
	if block == nil {
		t.Fatal("no oauth_config.scopes.bot in manifest.yml")
	}
	var manifest []string
	for _, m := range regexp.MustCompile(`(?m)^\s+-\s+([a-z:._]+)`).FindAllStringSubmatch(block[1], -1) {
		manifest = append(manifest, m[1])
	}
	if !slices.Equal(manifest, DefaultBotScopes()) {
		t.Errorf("manifest.yml: %v\nDefaultBotScopes: %v", manifest, DefaultBotScopes())
	}
}

func TestScopesHeaderAndMissingScope(t *testing.T) {
	srv := withDirectory(New(t))
	ctx := testCtx(t)
	post := func(method, token string, params url.Values) (*http.Response, map[string]any) {
		t.Helper()
		params.Set("token", token)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.APIURL()+method, strings.NewReader(params.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return resp, out
	}
	resp, out := post("auth.test", "xoxb-test", url.Values{})
	if got, want := resp.Header.Get("X-OAuth-Scopes"), strings.Join(DefaultBotScopes(), ","); got != want || out["ok"] != true {
		t.Errorf("auth.test: X-OAuth-Scopes %q, want %q (%v)", got, want, out)
	}
	if resp.Header.Get("Date") == "" {
		t.Error("no Date header")
	}
	if resp, _ := post("auth.test", "xoxb-wrong", url.Values{}); resp.Header.Get("X-OAuth-Scopes") != "" {
		t.Error("X-OAuth-Scopes sent for an invalid token")
	}
	if resp, _ := post("apps.connections.open", "xapp-test", url.Values{}); resp.Header.Get("X-OAuth-Scopes") != "connections:write" {
		t.Errorf("apps.connections.open: X-OAuth-Scopes %q", resp.Header.Get("X-OAuth-Scopes"))
	}

	srv.SetBotScopes("commands", "users:read", "channels:read")
	_, out = post("chat.postMessage", "xoxb-test", url.Values{"channel": {"C1"}, "text": {"hi"}})
	if out["error"] != "missing_scope" || out["needed"] != "chat:write" || out["provided"] != "commands,users:read,channels:read" {
		t.Errorf("chat.postMessage without chat:write: %v", out)
	}
	if msgs := srv.Messages("C1"); len(msgs) != 0 {
		t.Errorf("posted anyway: %v", msgs)
	}
	if _, out = post("conversations.info", "xoxb-test", url.Values{"channel": {"C1"}}); out["ok"] != true {
		t.Errorf("conversations.info on a public channel with channels:read: %v", out)
	}
	if _, out = post("conversations.info", "xoxb-test", url.Values{"channel": {"G1"}}); out["needed"] != "groups:read" {
		t.Errorf("conversations.info on a private channel without groups:read: %v", out)
	}
	if _, out = post("auth.test", "xoxb-test", url.Values{}); out["ok"] != true {
		t.Errorf("auth.test needs no scope: %v", out)
	}
}
