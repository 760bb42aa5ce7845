package blockpreview

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite the pictures in docs/img")

const (
	goldenDir = "../../bot/compose/testdata/golden"
	imgDir    = "../../docs/img"
)

// names names the people and channels of the goldens, for the pictures.
func names() Names {
	n := Names{
		"U0BOB00001": "Bob", "U0MAYA001": "Maya", "U0JONAS01": "Jonas", "U0AUTHOR1": "Sam",
		"U0ANN00001": "Ann", "U0LEA0001": "Lea", "U0SAM0001": "Sam", "W0ENT0001": "Kim",
		"C0WINS0001": "wins", "C0TEAM0001": "team", "C0SECRET01": "secret", "C0THREADS1": "threads",
		"C0ANNOUNCE": "announce", "C0OLD00001": "old", "C0HUGE0001": "everyone", "C0GONE0001": "gone",
	}
	for i := range 60 {
		n[fmt.Sprintf("C0CHAN%04d", i)] = fmt.Sprintf("team-%02d", i)
		n[fmt.Sprintf("U%08d", i)] = fmt.Sprintf("Person %d", i+1)
	}
	return n
}

// manifest is the part of manifest.yml the pictures use.
type manifest struct {
	DisplayInformation struct {
		Name            string `yaml:"name"`
		BackgroundColor string `yaml:"background_color"`
	} `yaml:"display_information"`
	Features struct {
		Shortcuts []Shortcut `yaml:"shortcuts"`
	} `yaml:"features"`
}

func readManifest(t *testing.T) manifest {
	t.Helper()
	data, err := os.ReadFile("../../manifest.yml")
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatalf("manifest.yml: %v", err)
	}
	return m
}

func options(t *testing.T) Options {
	m := readManifest(t)
	return Options{Names: names(), AppName: m.DisplayInformation.Name, AppColor: m.DisplayInformation.BackgroundColor, Time: "9:41 AM"}
}

// checkPicture compares a picture with docs/img/name, or rewrites it with -update.
func checkPicture(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(imgDir, name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/blockpreview -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("docs/img/%s is out of date: run go test ./internal/blockpreview -update", name)
	}
}

// TestPictures draws the README's pictures from the compose goldens and manifest.yml, so they
// never drift from what the bot sends.
func TestPictures(t *testing.T) {
	o := options(t)
	for _, c := range []struct{ golden, picture string }{
		{"home_new.json", "home_new.svg"},
		{"home_busy.json", "home_busy.svg"},
		{"home_admin.json", "home_admin.svg"},
		{"modal_share_from_message.json", "modal_share_from_message.svg"},
		{"shoutout_from_message.json", "shoutout_from_message.svg"},
		// The admins' settings modal, built from the bot's own table of settings.
		{"../../../testdata/golden/settings_modal_env_and_changed.json", "settings_modal.svg"},
	} {
		t.Run(c.picture, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(goldenDir, c.golden))
			if err != nil {
				t.Fatal(err)
			}
			got, err := FromJSON(data, o)
			if err != nil {
				t.Fatalf("%s: %v", c.golden, err)
			}
			checkPicture(t, c.picture, got)
		})
	}
	t.Run("shortcuts.svg", func(t *testing.T) {
		m := readManifest(t)
		if len(m.Features.Shortcuts) == 0 {
			t.Fatal("manifest.yml declares no shortcuts")
		}
		got, err := Shortcuts(ShortcutScene{
			Shortcuts:   m.Features.Shortcuts,
			Author:      "Bob",
			MessageText: "Fixed the login page for Ann & stayed late so the customer could go live today.",
			Channel:     "team",
		}, o)
		if err != nil {
			t.Fatal(err)
		}
		if err := wellFormed(got); err != nil {
			t.Fatal(err)
		}
		checkPicture(t, "shortcuts.svg", got)
	})
}

// TestEveryGoldenRenders draws every compose golden, so a block or element type the pictures
// cannot draw is noticed when it is added, not when the README is next updated.
func TestEveryGoldenRenders(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no goldens in %s: %v", goldenDir, err)
	}
	o := options(t)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := FromJSON(data, o)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if !bytes.HasPrefix(got, []byte("<svg ")) || !bytes.HasSuffix(got, []byte("</svg>\n")) {
			t.Errorf("%s: not an SVG document", filepath.Base(f))
		}
		if err := wellFormed(got); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
		again, _ := FromJSON(data, o)
		if !bytes.Equal(got, again) {
			t.Errorf("%s: two drawings differ", filepath.Base(f))
		}
	}
}

// wellFormed reports whether doc parses as XML to its end.
func wellFormed(doc []byte) error {
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("not well-formed XML: %w", err)
		}
	}
}
