package chart

import (
	"context"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

// source records the query it is asked and answers an empty digest.
type source struct{ q extramile.DigestQuery }

func (s *source) Digest(_ context.Context, q extramile.DigestQuery) (*extramile.Digest, error) {
	s.q = q
	return &extramile.Digest{From: q.From, To: q.To, Previous: &extramile.Digest{From: q.PrevFrom, To: q.From}}, nil
}

func TestForMonth(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	at, err := ParseMonth("2026-11", berlin)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 1, 0, 0, 0, 0, berlin); !at.Equal(want) {
		t.Fatalf("ParseMonth = %v, want %v", at, want)
	}
	var src source
	d, err := ForMonth(context.Background(), &src, at, "CPRIV", berlin, time.Date(2026, 11, 20, 0, 0, 0, 0, berlin))
	if err != nil {
		t.Fatal(err)
	}
	q := src.q
	if !q.From.Equal(at) || !q.To.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, berlin)) || !q.PrevFrom.Equal(time.Date(2026, 10, 1, 0, 0, 0, 0, berlin)) ||
		q.Visibility != extramile.SeenIn("CPRIV") || q.Location != berlin {
		t.Errorf("query %+v", q)
	}
	if !d.SoFar || d.Month != "November 2026" || d.PrevMonth != "October 2026" {
		t.Errorf("data %+v", d)
	}
	if d, _ := ForMonth(context.Background(), &src, at, "", berlin, time.Date(2026, 12, 1, 0, 0, 0, 0, berlin)); d.SoFar {
		t.Error("a month that is over is drawn as so far")
	}
	for _, bad := range []string{"", "2026-13", "November 2026", "2026/11"} {
		if _, err := ParseMonth(bad, nil); err == nil {
			t.Errorf("ParseMonth(%q) accepted", bad)
		}
	}
}
