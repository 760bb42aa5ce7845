package bot

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestBotImportsNoStorage: bot speaks to what it keeps through its ports
// (store.go) in the domain's words, so another store can replace SQLite
// without a change here. No file of bot, tests included, imports storage.
func TestBotImportsNoStorage(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := filepath.Glob("*/*.go")
	for _, name := range append(files, sub...) {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, "github.com/extramile/extramile/storage") {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}
