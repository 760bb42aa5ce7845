package slackapp

import (
	"go/build"
	"slices"
	"strings"
	"testing"
)

// TestKnowsNothingOfStories: slackapp is Slack's transport; no file of it,
// tests included, imports the project's other packages (the bot installs
// its routes, not the other way round).
func TestKnowsNothingOfStories(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range slices.Concat(pkg.Imports, pkg.TestImports) {
		if strings.HasPrefix(path, "github.com/extramile/extramile") {
			t.Errorf("slackapp imports %s", path)
		}
	}
}
