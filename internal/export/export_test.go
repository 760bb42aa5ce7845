package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

func sample() *extramile.Export {
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	return &extramile.Export{
		Stories: []extramile.ExportStory{{ID: 1, Author: "UA", Recognized: []string{"UB", "UC"}, Category: "notice_need", Audience: "customer",
			Text: "=HYPERLINK(\"x\")\nstayed late, \"really\"", Channel: "C1", CreatedAt: at,
			Lesson: "+notice early", FollowUp: "they came back"}},
		Kudos: []extramile.ExportKudos{{Giver: "UA", Receiver: "UB", Channel: "C1", MessageTS: "1.2", Emoji: "raised_hands", CreatedAt: at}},
	}
}

func TestWriteJSONShape(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Stories []map[string]any `json:"stories"`
		Kudos   []map[string]any `json:"kudos"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "author", "recognized", "category", "text", "channel", "created_at", "lesson", "follow_up"} {
		if _, ok := got.Stories[0][k]; !ok {
			t.Errorf("story lacks %q: %v", k, got.Stories[0])
		}
	}
	for _, k := range []string{"giver", "receiver", "channel", "message_ts", "emoji", "created_at"} {
		if _, ok := got.Kudos[0][k]; !ok {
			t.Errorf("kudos lacks %q: %v", k, got.Kudos[0])
		}
	}
	if got, want := got.Stories[0]["created_at"], "2026-11-23T10:00:00Z"; got != want {
		t.Errorf("created_at: got %v, want %v", got, want)
	}
}

func TestWriteCSVRoundTripsAndDefusesFormulas(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("rows: got %d, want 2", len(rows))
	}
	if got, want := rows[1][5], "'=HYPERLINK(\"x\")\nstayed late, \"really\""; got != want {
		t.Errorf("text: got %q, want %q", got, want)
	}
	if got, want := rows[1][10:], []string{"'+notice early", "they came back"}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("lesson, follow_up: got %q, want %q", got, want)
	}
	if got, want := rows[0][10:], []string{"lesson", "follow_up"}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("header: got %q, want %q", got, want)
	}
	if got, want := rows[1][2], "UB UC"; got != want {
		t.Errorf("recognized: got %q, want %q", got, want)
	}
}
