package bot

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func scopeNames() []string {
	var names []string
	for _, s := range Scopes() {
		names = append(names, s.Name)
	}
	return names
}

// manifestScopes reads oauth_config.scopes.bot from manifest.yml: the
// "- name" lines after "bot:" under "scopes:", up to the next key.
func manifestScopes(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("../manifest.yml")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	inScopes, inBot := false, false
	item := regexp.MustCompile(`^\s*-\s*([a-z:._]+)`)
	for _, line := range strings.Split(string(raw), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "scopes:":
			inScopes = true
		case inScopes && trimmed == "bot:":
			inBot = true
		case inBot && item.MatchString(line):
			out = append(out, item.FindStringSubmatch(line)[1])
		case inBot && trimmed != "" && !strings.HasPrefix(trimmed, "#"):
			return out
		}
	}
	return out
}

func TestScopesMatchTheManifest(t *testing.T) {
	got, want := manifestScopes(t), scopeNames()
	if !slices.Equal(got, want) {
		t.Errorf("manifest.yml bot scopes: %v\nbot.Scopes():           %v", got, want)
	}
}

// TestScopesMatchTheReadme checks README's "Why each scope" table names
// every scope of Scopes() and no other.
func TestScopesMatchTheReadme(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	start := strings.Index(text, "### Why each scope")
	if start < 0 {
		t.Fatal(`README.md has no "### Why each scope" section`)
	}
	section := text[start:]
	if end := strings.Index(section[1:], "\n#"); end >= 0 {
		section = section[:end+1]
	}
	var got []string
	code := regexp.MustCompile("`([a-z]+:?[a-z._]*)`")
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		first := strings.SplitN(line, "|", 3)[1]
		for _, m := range code.FindAllStringSubmatch(first, -1) {
			got = append(got, m[1])
		}
	}
	want := scopeNames()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("README scope table: %v\nbot.Scopes():       %v", got, want)
	}
}
