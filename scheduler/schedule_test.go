package scheduler

import (
	"strings"
	"testing"
	"time"
)

func TestParseValid(t *testing.T) {
	for _, spec := range []string{
		"0 10 * * MON", "0 16 * * FRI", "0 10 1 * *", "30 9 * * *", " 0 10 * * mon ",
		"*/15 * * * *", "0 9-17 * * 1-5", "0 0 29 2 *",
		"@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually",
		"@every 1s", "@every 10s", "@every 1h30m",
	} {
		if _, err := Parse(spec, time.UTC); err != nil {
			t.Errorf("Parse(%q): %v", spec, err)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want []string // substrings of the error
	}{
		{"", []string{"empty cron spec", "5 fields"}},
		{"   ", []string{"empty cron spec"}},
		{"0 10 * MON", []string{`"0 10 * MON"`, "expected exactly 5 fields", "minute hour day-of-month month day-of-week", "@weekly"}},
		{"0 0 10 * * MON", []string{"expected exactly 5 fields, found 6"}},
		{"61 10 * * *", []string{`"61 10 * * *"`, "above maximum", "5 fields"}},
		{"0 10 * * FUNDAY", []string{"FUNDAY", "5 fields"}},
		{"@fortnightly", []string{"unrecognized descriptor", "@monthly"}},
		{"@every", []string{`"@every"`}},
		{"@every tuesday", []string{`"@every tuesday"`}},
		{"@every 500ms", []string{"whole number of seconds, at least 1s"}},
		{"@every 1.5s", []string{"whole number of seconds"}},
		{"@every -5s", []string{"whole number of seconds"}},
		{"CRON_TZ=Europe/Berlin 0 10 * * MON", []string{"zone prefixes are not supported"}},
		{"TZ=UTC 0 10 * * MON", []string{"zone prefixes are not supported"}},
		{"0 0 30 2 *", []string{`"0 0 30 2 *" never fires`}},
	} {
		_, err := Parse(tc.spec, time.UTC)
		if err == nil {
			t.Errorf("Parse(%q) = nil error, want one", tc.spec)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Parse(%q) error = %q, want it to contain %q", tc.spec, err, w)
			}
		}
	}
}

// firings lists the firings of s in (from, to] by walking Next.
func firings(s Schedule, from, to time.Time) []time.Time {
	var out []time.Time
	for t := s.Next(from); !t.IsZero() && !t.After(to); t = s.Next(t) {
		out = append(out, t)
	}
	return out
}

func TestNextDST(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	berlin := mustLoad(t, "Europe/Berlin")
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name     string
		spec     string
		loc      *time.Location
		from, to time.Time // firings in (from, to]
		want     []time.Time
	}{{
		name: "NY spring forward: 02:30 fires once at 03:00 EDT",
		spec: "30 2 * * *", loc: ny,
		from: utc(2025, 3, 8, 0, 0), to: utc(2025, 3, 11, 0, 0),
		want: []time.Time{utc(2025, 3, 8, 7, 30), utc(2025, 3, 9, 7, 0), utc(2025, 3, 10, 6, 30)},
	}, {
		name: "NY fall back: 01:30 fires once, in EDT",
		spec: "30 1 * * *", loc: ny,
		from: utc(2025, 11, 1, 0, 0), to: utc(2025, 11, 4, 0, 0),
		want: []time.Time{utc(2025, 11, 1, 5, 30), utc(2025, 11, 2, 5, 30), utc(2025, 11, 3, 6, 30)},
	}, {
		name: "Berlin spring forward: 02:30 fires once at 03:00 CEST",
		spec: "30 2 * * *", loc: berlin,
		from: utc(2025, 3, 29, 0, 0), to: utc(2025, 4, 1, 0, 0),
		want: []time.Time{utc(2025, 3, 29, 1, 30), utc(2025, 3, 30, 1, 0), utc(2025, 3, 31, 0, 30)},
	}, {
		name: "Berlin fall back: 02:30 fires once, in CEST",
		spec: "30 2 * * *", loc: berlin,
		from: utc(2025, 10, 25, 0, 0), to: utc(2025, 10, 28, 0, 0),
		want: []time.Time{utc(2025, 10, 25, 0, 30), utc(2025, 10, 26, 0, 30), utc(2025, 10, 27, 1, 30)},
	}, {
		name: "NY spring forward: several gap times collapse into one 03:00 firing",
		spec: "*/30 2-3 * * *", loc: ny,
		from: utc(2025, 3, 9, 5, 0), to: utc(2025, 3, 9, 12, 0),
		want: []time.Time{utc(2025, 3, 9, 7, 0), utc(2025, 3, 9, 7, 30)},
	}, {
		name: "NY fall back: hourly fires once per wall hour",
		spec: "0 * * * *", loc: ny,
		from: utc(2025, 11, 2, 3, 30), to: utc(2025, 11, 2, 8, 30),
		want: []time.Time{utc(2025, 11, 2, 4, 0), utc(2025, 11, 2, 5, 0), utc(2025, 11, 2, 7, 0), utc(2025, 11, 2, 8, 0)},
	}, {
		name: "monthly across Dec to Jan in Berlin",
		spec: "0 10 1 * *", loc: berlin,
		from: utc(2024, 11, 15, 0, 0), to: utc(2025, 2, 15, 0, 0),
		want: []time.Time{utc(2024, 12, 1, 9, 0), utc(2025, 1, 1, 9, 0), utc(2025, 2, 1, 9, 0)},
	}, {
		name: "weekly Monday across the year boundary in NY",
		spec: "0 10 * * MON", loc: ny,
		from: utc(2025, 12, 24, 0, 0), to: utc(2026, 1, 13, 0, 0),
		want: []time.Time{utc(2025, 12, 29, 15, 0), utc(2026, 1, 5, 15, 0), utc(2026, 1, 12, 15, 0)},
	}, {
		name: "yearly in UTC",
		spec: "@yearly", loc: nil,
		from: utc(2024, 6, 1, 0, 0), to: utc(2026, 6, 1, 0, 0),
		want: []time.Time{utc(2025, 1, 1, 0, 0), utc(2026, 1, 1, 0, 0)},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, tc.spec, tc.loc)
			got := firings(s, tc.from, tc.to)
			if !equalTimes(got, tc.want) {
				t.Fatalf("firings of %q in (%s, %s]:\n got %s\nwant %s", tc.spec, tc.from, tc.to, fmtTimes(got), fmtTimes(tc.want))
			}
			// Prev walks back over the same firings.
			for i := len(tc.want) - 1; i >= 0; i-- {
				w := tc.want[i]
				if got := s.Prev(w); !got.Equal(w) {
					t.Errorf("Prev(%s) = %s, want %s", w, got, w)
				}
				var before time.Time // firing before w, if in the table
				if i > 0 {
					before = tc.want[i-1]
				}
				if got := s.Prev(w.Add(-time.Second)); i > 0 && !got.Equal(before) {
					t.Errorf("Prev(%s - 1s) = %s, want %s", w, got, before)
				}
			}
		})
	}
}

func TestNextFromRepeatedHour(t *testing.T) {
	// 01:10 EST on 2 November 2025 is the second pass of 01:xx in New York;
	// the day's 01:30 firing already happened in the first pass (EDT).
	ny := mustLoad(t, "America/New_York")
	s := mustParse(t, "30 1 * * *", ny)
	secondPass := time.Date(2025, 11, 2, 6, 10, 0, 0, time.UTC)
	if got, want := s.Next(secondPass), time.Date(2025, 11, 3, 6, 30, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Next(%s) = %s, want %s", secondPass.In(ny), got, want.In(ny))
	}
	if got, want := s.Prev(secondPass), time.Date(2025, 11, 2, 5, 30, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Prev(%s) = %s, want %s", secondPass.In(ny), got, want.In(ny))
	}
}

func TestNextReturnsLocation(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	got := mustParse(t, "0 10 * * MON", berlin).Next(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	if got.Location() != berlin || got.Hour() != 10 || got.Weekday() != time.Monday {
		t.Errorf("Next = %s, want Monday 10:00 in Europe/Berlin", got)
	}
}

func TestPrevNone(t *testing.T) {
	// 29 February: the latest one is more than the ~1 year Prev looks back.
	s := mustParse(t, "0 0 29 2 *", time.UTC)
	if got := s.Prev(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)); !got.IsZero() {
		t.Errorf("Prev = %s, want zero", got)
	}
	if got, want := s.Prev(time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)), time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Prev = %s, want %s", got, want)
	}
}

func TestNextPrevProperties(t *testing.T) {
	specs := []string{"0 10 * * MON", "0 16 * * FRI", "0 10 1 * *", "30 2 * * *", "30 1 * * *", "*/20 * * * *", "@weekly", "@every 7m", "@every 36h"}
	zones := []string{"UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe"}
	start := time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)
	// An odd step lands on every hour of the day and every weekday within a
	// year; TestNextDST pins the DST changes exactly.
	step := 67*time.Hour + 13*time.Minute + 11*time.Second + 250*time.Millisecond
	for _, zone := range zones {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			loc := mustLoad(t, zone)
			for _, spec := range specs {
				s := mustParse(t, spec, loc)
				for t0 := start; t0.Before(start.AddDate(1, 0, 0)); t0 = t0.Add(step) {
					n := s.Next(t0)
					p := s.Prev(t0)
					switch {
					case n.IsZero() || !n.After(t0):
						t.Fatalf("%q: Next(%s) = %s, want after it", spec, t0, n)
					case p.IsZero() || p.After(t0):
						t.Fatalf("%q: Prev(%s) = %s, want at or before it", spec, t0, p)
					case !s.Prev(n).Equal(n):
						t.Fatalf("%q: Prev(Next(%s)) = %s, want %s", spec, t0, s.Prev(n), n)
					case !s.Next(p).Equal(n):
						t.Fatalf("%q: Next(Prev(%s)) = %s, want Next = %s", spec, t0, s.Next(p), n)
					case n.Nanosecond() != 0 || p.Nanosecond() != 0:
						t.Fatalf("%q: firings %s, %s are not whole seconds", spec, p, n)
					}
				}
			}
		})
	}
}

func TestEveryMultiplesOfEpoch(t *testing.T) {
	for _, tc := range []struct {
		spec       string
		t          time.Time
		prev, next time.Time
	}{
		{"@every 10s", time.Date(2025, 5, 5, 12, 0, 3, 500, time.UTC), time.Date(2025, 5, 5, 12, 0, 0, 0, time.UTC), time.Date(2025, 5, 5, 12, 0, 10, 0, time.UTC)},
		{"@every 10s", time.Date(2025, 5, 5, 12, 0, 10, 0, time.UTC), time.Date(2025, 5, 5, 12, 0, 10, 0, time.UTC), time.Date(2025, 5, 5, 12, 0, 20, 0, time.UTC)},
		{"@every 1s", time.Date(2025, 5, 5, 12, 0, 3, 999999999, time.UTC), time.Date(2025, 5, 5, 12, 0, 3, 0, time.UTC), time.Date(2025, 5, 5, 12, 0, 4, 0, time.UTC)},
		{"@every 1h", time.Date(2025, 5, 5, 12, 59, 0, 0, time.UTC), time.Date(2025, 5, 5, 12, 0, 0, 0, time.UTC), time.Date(2025, 5, 5, 13, 0, 0, 0, time.UTC)},
		{"@every 24h", time.Date(2025, 5, 5, 12, 0, 0, 0, time.UTC), time.Date(2025, 5, 5, 0, 0, 0, 0, time.UTC), time.Date(2025, 5, 6, 0, 0, 0, 0, time.UTC)},
		{"@every 7s", time.Unix(-1, 0), time.Unix(-7, 0), time.Unix(0, 0)},
	} {
		// The zone does not move @every firings.
		for _, loc := range []*time.Location{time.UTC, mustLoad(t, "Asia/Kolkata")} {
			s := mustParse(t, tc.spec, loc)
			if got := s.Prev(tc.t); !got.Equal(tc.prev) {
				t.Errorf("%q in %s: Prev(%s) = %s, want %s", tc.spec, loc, tc.t, got, tc.prev)
			}
			if got := s.Next(tc.t); !got.Equal(tc.next) {
				t.Errorf("%q in %s: Next(%s) = %s, want %s", tc.spec, loc, tc.t, got, tc.next)
			}
		}
	}
	s := mustParse(t, "@every 7m", time.UTC)
	for t0, i := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 0; i < 100; i++ {
		t0 = s.Next(t0)
		if t0.Unix()%(7*60) != 0 {
			t.Fatalf("@every 7m firing %s is not a multiple of 7m since the epoch", t0)
		}
	}
}

func equalTimes(a, b []time.Time) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

func fmtTimes(ts []time.Time) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.Format(time.RFC3339) + " (" + t.UTC().Format("15:04Z") + ")"
	}
	return "[" + strings.Join(s, ", ") + "]"
}
