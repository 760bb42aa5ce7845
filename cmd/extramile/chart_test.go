package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/chart"
	"github.com/extramile/extramile/storage"
)

// chartDB writes a database with stories in October and November 2026 (one
// of them private, in CPRIV) and returns its path.
func chartDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "team.db")
	db, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range []struct {
		at      time.Time
		channel string
		private bool
		way     extramile.Way
	}{
		{time.Date(2026, 10, 20, 12, 0, 0, 0, time.UTC), "CPUB", false, extramile.WaySayThankYou},
		{time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC), "CPUB", false, extramile.WayNoticeNeed},
		{time.Date(2026, 11, 9, 12, 0, 0, 0, time.UTC), "CPUB", false, extramile.WayNoticeNeed},
		{time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), "CPRIV", true, extramile.WayShowRespect},
	} {
		db.Now = func() time.Time { return s.at }
		err := db.CreateStory(ctx, &extramile.Story{Author: "UA", Recognized: []string{"UB"}, Audience: extramile.AudienceCoworker,
			Way: s.way, Channel: s.channel, Private: s.private, Text: "stayed late to fix the export, story " + string(rune('a'+i))})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// fileHash hashes a file's bytes.
func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestChartCommand: `extramile chart` writes the month's digest chart, the
// same picture the digest uploads, from a database it only reads.
func TestChartCommand(t *testing.T) {
	clearEnv(t)
	db := chartDB(t)
	before := fileHash(t, db)
	out := filepath.Join(t.TempDir(), "digest.png")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"chart", "--month", "2026-11", "--out", out, "--db", db}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit code %d: %s", code, stderr.String())
	}
	if after := fileHash(t, db); after != before {
		t.Error("extramile chart changed the database file")
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(got))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if s := img.Bounds().Size(); s.X != chart.Width || s.Y != chart.Height {
		t.Errorf("size %v, want %dx%d", s, chart.Width, chart.Height)
	}

	ro, err := storage.OpenReadOnly(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	data, err := chart.ForMonth(context.Background(), ro, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), "", time.UTC, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	want, err := chart.Render(data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("the command's picture differs from the digest's chart of the same month")
	}
	for _, w := range []string{"November 2026 in extra miles: 2 stories (October 2026: 1)", "1–7: 1 (0)", "8–14: 1 (0)", "Notice a need 2 (0)"} {
		if !strings.Contains(stderr.String(), w) {
			t.Errorf("the summary lacks %q: %s", w, stderr.String())
		}
	}

	// A private channel's digest counts its private stories too.
	stderr.Reset()
	if code := run(context.Background(), []string{"chart", "--month", "2026-11", "--out", out, "--db", db, "--channel", "CPRIV"}, &stdout, &stderr); code != 0 {
		t.Fatalf("--channel: exit code %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "3 stories (October 2026: 1)") || !strings.Contains(stderr.String(), "29–30: 1 (0)") {
		t.Errorf("--channel CPRIV: %s", stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout: %q, want nothing", stdout.String())
	}
}

func TestChartCommandRefusals(t *testing.T) {
	clearEnv(t)
	db := chartDB(t)
	notDB := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notDB, []byte("not a database at all, just some notes"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "x.png")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no month", []string{"--out", out, "--db", db}, 2, "--month YYYY-MM and --out FILE.png are required"},
		{"no out", []string{"--month", "2026-11", "--db", db}, 2, "are required"},
		{"a bad month", []string{"--month", "November", "--out", out, "--db", db}, 2, "write it as YYYY-MM"},
		{"a bad zone", []string{"--month", "2026-11", "--out", out, "--db", db, "--tz", "Mars/Olympus"}, 2, "unknown time zone"},
		{"no database", []string{"--month", "2026-11", "--out", out, "--db", filepath.Join(t.TempDir(), "none.db")}, 1, "no database at"},
		{"not a database", []string{"--month", "2026-11", "--out", out, "--db", notDB}, 1, "is not an Extra Mile database"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), append([]string{"chart"}, tc.args...), &stdout, &stderr); code != tc.code {
				t.Errorf("exit code %d, want %d: %s", code, tc.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr lacks %q: %s", tc.want, stderr.String())
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("a picture was written")
			}
		})
	}
}
