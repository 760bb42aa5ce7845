package chart

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/extramile/extramile"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// cases lists the fixed inputs under testdata/cases.
func cases(t *testing.T) map[string]Data {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "cases", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases under testdata/cases: %v", err)
	}
	out := map[string]Data{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d Data
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".json")] = d
	}
	return out
}

// pixels decodes a PNG into RGBA pixels.
func pixels(t *testing.T, b []byte) *image.RGBA {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the chart is not a PNG: %v", err)
	}
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	return rgba
}

func pixelHash(img *image.RGBA) string {
	return fmt.Sprintf("%x", sha256.Sum256(img.Pix))
}

// checkPicture checks a rendered chart: a PNG of the chart's size, opaque
// (Slack's dark theme must not show through), on the light card, with bars in
// this month's colour and, when there is a month before, in its colour.
func checkPicture(t *testing.T, d Data, img *image.RGBA) {
	t.Helper()
	if got := img.Bounds().Size(); got != image.Pt(Width, Height) {
		t.Fatalf("size %v, want %dx%d", got, Width, Height)
	}
	for y := 0; y < Height; y += 7 {
		for x := 0; x < Width; x += 7 {
			if a := img.RGBAAt(x, y).A; a != 0xFF {
				t.Fatalf("pixel (%d,%d) has alpha %d, want an opaque picture", x, y, a)
			}
		}
	}
	if got, want := img.RGBAAt(Width/2, 10), (color.RGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}); got != want {
		t.Errorf("the card is %v, want %v", got, want)
	}
	if !hasColor(img, thisColor) {
		t.Errorf("no bar in this month's colour %v", thisColor)
	}
	if d.PrevMonth != "" && !hasColor(img, prevColor) {
		t.Errorf("no bar in the month before's colour %v", prevColor)
	}
}

func hasColor(img *image.RGBA, c color.RGBA) bool {
	for i := 0; i+3 < len(img.Pix); i += 4 {
		if img.Pix[i] == c.R && img.Pix[i+1] == c.G && img.Pix[i+2] == c.B {
			return true
		}
	}
	return false
}

// TestRenderGolden: each case draws a PNG of the chart's size whose pixels
// are those of its golden picture.
func TestRenderGolden(t *testing.T) {
	for name, d := range cases(t) {
		t.Run(name, func(t *testing.T) {
			b, err := Render(d)
			if err != nil {
				t.Fatal(err)
			}
			checkPicture(t, d, pixels(t, b))
			path := filepath.Join("testdata", "golden", name+".png")
			if *update {
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run go test ./chart -update to create it): %v", err)
			}
			got, wantImg := pixels(t, b), pixels(t, want)
			if got.Bounds() != wantImg.Bounds() {
				t.Fatalf("size %v, golden %v", got.Bounds(), wantImg.Bounds())
			}
			if pixelHash(got) != pixelHash(wantImg) {
				diff := 0
				for i := range got.Pix {
					if got.Pix[i] != wantImg.Pix[i] {
						diff++
					}
				}
				t.Errorf("%s: %d pixel channels differ from %s (run with -update if the change is intended, and look at the picture)", name, diff, path)
			}
		})
	}
}

// TestRenderIsDeterministic: the same data gives the same bytes.
func TestRenderIsDeterministic(t *testing.T) {
	d := cases(t)["november"]
	a, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("two renders of the same data differ (%d and %d bytes)", len(a), len(b))
	}
}

func TestRenderOddData(t *testing.T) {
	for name, d := range map[string]Data{
		"empty":           {},
		"no weeks":        {Month: "May 2026", Ways: cases(t)["november"].Ways},
		"no ways":         {Month: "May 2026", Weeks: []Week{{Label: "1–7", Stories: 3}}},
		"huge":            {Month: "May 2026", Stories: 1 << 30, Weeks: []Week{{Label: "1–7", Stories: 1 << 30}}},
		"long month name": {Month: strings.Repeat("Month ", 40)},
	} {
		t.Run(name, func(t *testing.T) {
			b, err := Render(d)
			if err != nil {
				t.Fatal(err)
			}
			if got := pixels(t, b).Bounds().Size(); got != image.Pt(Width, Height) {
				t.Errorf("size %v, want %dx%d", got, Width, Height)
			}
		})
	}
}

func TestAltTextGolden(t *testing.T) {
	for name, d := range cases(t) {
		t.Run(name, func(t *testing.T) {
			got := AltText(d)
			path := filepath.Join("testdata", "golden", name+".txt")
			if *update {
				if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run go test ./chart -update to create it): %v", err)
			}
			if got != strings.TrimSuffix(string(want), "\n") {
				t.Errorf("alt text:\n got: %s\nwant: %s", got, want)
			}
		})
	}
}

// TestAltTextSaysTheNumbers: every number the picture shows is in the words.
func TestAltTextSaysTheNumbers(t *testing.T) {
	d := cases(t)["november"]
	alt := AltText(d)
	for _, want := range []string{"November 2026", "42 stories", "October 2026: 35", "8–14: 12 (9)", "29–30: 2 (2)",
		"Go above and beyond 12 (7)", "Notice a need 8 (10)", "The two-way street 0 (0)"} {
		if !strings.Contains(alt, want) {
			t.Errorf("alt text lacks %q: %s", want, alt)
		}
	}
}

func TestAltTextFitsSlacksLimit(t *testing.T) {
	d := cases(t)["november"]
	for i := range d.Ways {
		d.Ways[i].Title = strings.Repeat("long way ", 20)
		d.Ways[i].Stories, d.Ways[i].PrevStories = 1<<40, 1<<40
	}
	alt := AltText(d)
	if n := utf8.RuneCountInString(alt); n > MaxAltText {
		t.Errorf("alt text is %d characters, Slack takes %d", n, MaxAltText)
	}
	if !strings.HasSuffix(alt, "…") || !strings.HasPrefix(alt, "Bar charts of November 2026") {
		t.Errorf("cut alt text: %s", alt)
	}
}

func TestFromDigest(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	feb := time.Date(2027, 2, 1, 0, 0, 0, 0, berlin)
	mar := time.Date(2027, 3, 1, 0, 0, 0, 0, berlin)
	jan := time.Date(2027, 1, 1, 0, 0, 0, 0, berlin)
	weeks := func(from, to time.Time, counts ...int) []extramile.WeekCount {
		ws := extramile.MonthWeeks(from, to, berlin)
		for i := range ws {
			ws[i].Stories = counts[i]
		}
		return ws
	}
	d := &extramile.Digest{
		From: feb.UTC(), To: mar.UTC(), Stories: 6,
		ByWay: []extramile.WayCount{{Way: extramile.WaySayThankYou, Count: 4}, {Way: extramile.WayNoticeNeed, Count: 2}},
		Weeks: weeks(feb, mar, 1, 2, 3, 0),
		Previous: &extramile.Digest{
			From: jan.UTC(), To: feb.UTC(), Stories: 9,
			ByWay: []extramile.WayCount{{Way: extramile.WayShowRespect, Count: 5}, {Way: extramile.WayNoticeNeed, Count: 4}},
			Weeks: weeks(jan, feb, 2, 2, 2, 2, 1),
		},
	}
	got := FromDigest(d, berlin, true)
	want := Data{
		Month: "February 2027", PrevMonth: "January 2027", Period: "2027-02", SoFar: true,
		Stories: 6, PrevStories: 9,
		Weeks: []Week{
			{Label: "1–7", Stories: 1, PrevStories: 2}, {Label: "8–14", Stories: 2, PrevStories: 2},
			{Label: "15–21", Stories: 3, PrevStories: 2}, {Label: "22–28", PrevStories: 2},
			{Label: "29–31", PrevStories: 1, Missing: true},
		},
		Ways: []Way{
			{Title: "Say thank you", Stories: 4}, {Title: "Notice a need", Stories: 2, PrevStories: 4},
			{Title: "Show respect", PrevStories: 5}, {Title: "Go above and beyond"}, {Title: "Give something extra"},
			{Title: "Make it right, then make it better"}, {Title: "Take a personal interest"},
			{Title: "The two-way street"}, {Title: "Keep people in the loop"},
		},
	}
	if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want); g != w {
		t.Errorf("FromDigest:\n got: %s\nwant: %s", g, w)
	}
	if got.Title() != "February 2027 in extra miles, so far" || got.Filename() != "extramile-2027-02.png" {
		t.Errorf("title %q, file %q", got.Title(), got.Filename())
	}

	first := FromDigest(&extramile.Digest{From: feb, To: mar, Weeks: weeks(feb, mar, 0, 0, 0, 0)}, berlin, false)
	if first.PrevMonth != "" || len(first.Weeks) != 4 || len(first.Ways) != len(extramile.Ways) {
		t.Errorf("a first month: %+v", first)
	}
	if empty := FromDigest(nil, nil, false); len(empty.Ways) != len(extramile.Ways) {
		t.Errorf("a nil digest: %+v", empty)
	}
}
