package storage

import (
	"reflect"
	"testing"
	"time"
)

func TestCover(t *testing.T) {
	m := func(y int, mo time.Month) int64 { return time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC).Unix() }
	for _, tt := range []struct {
		name string
		a, b int64
		want []bucketRange
	}{
		{"empty", m(2025, 3), m(2025, 3), nil},
		{"months in a year", m(2025, 3), m(2025, 9), []bucketRange{{"month", m(2025, 3), m(2025, 9), 1}}},
		{"a whole year", m(2025, 1), m(2026, 1), []bucketRange{{"year", m(2025, 1), m(2026, 1), 1}}},
		{"across a new year", m(2024, 11), m(2025, 2), []bucketRange{{"month", m(2024, 11), m(2025, 2), 1}}},
		{"months, years, months", m(2023, 10), m(2026, 2), []bucketRange{
			{"month", m(2023, 10), m(2024, 1), 1}, {"year", m(2024, 1), m(2026, 1), 1}, {"month", m(2026, 1), m(2026, 2), 1}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := cover(tt.a, tt.b, 1)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPlanPeriod(t *testing.T) {
	utc := func(y int, mo time.Month, d, h int) time.Time { return time.Date(y, mo, d, h, 0, 0, 0, time.UTC) }
	first, last := utc(2024, 1, 1, 0).Unix(), utc(2025, 12, 1, 0).Unix()
	ny := time.FixedZone("EST", -5*3600)
	for _, tt := range []struct {
		name        string
		from, to    time.Time
		wantTallies []bucketRange
		wantEdges   []edge
	}{
		{"a local month: one month and hours at each end",
			time.Date(2025, 5, 1, 0, 0, 0, 0, ny), time.Date(2025, 6, 1, 0, 0, 0, 0, ny),
			[]bucketRange{{"month", utc(2025, 5, 1, 0).Unix(), utc(2025, 6, 1, 0).Unix(), 1}},
			[]edge{{utc(2025, 5, 1, 0).UnixNano(), utc(2025, 5, 1, 5).UnixNano(), -1}, {utc(2025, 6, 1, 0).UnixNano(), utc(2025, 6, 1, 5).UnixNano(), 1}}},
		{"a week: raw rows only",
			utc(2025, 5, 3, 0), utc(2025, 5, 10, 0),
			nil,
			[]edge{{utc(2025, 5, 3, 0).UnixNano(), utc(2025, 5, 10, 0).UnixNano(), 1}}},
		{"all time",
			time.Time{}, time.Time{},
			[]bucketRange{{"all", 0, 1, 1}},
			nil},
		{"since February: all time minus January",
			utc(2024, 2, 1, 0), time.Time{},
			[]bucketRange{{"all", 0, 1, 1}, {"month", utc(2024, 1, 1, 0).Unix(), utc(2024, 2, 1, 0).Unix(), -1}},
			nil},
		{"a year",
			utc(2025, 1, 1, 0), utc(2026, 1, 1, 0),
			[]bucketRange{{"year", utc(2025, 1, 1, 0).Unix(), utc(2026, 1, 1, 0).Unix(), 1}},
			nil},
		{"after the last month: nothing rolled up",
			utc(2027, 1, 1, 0), utc(2027, 3, 1, 0),
			nil,
			nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := planPeriod(tt.from, tt.to, "", first, last, true)
			if !reflect.DeepEqual(p.tallies, tt.wantTallies) {
				t.Errorf("tallies: got %+v, want %+v", p.tallies, tt.wantTallies)
			}
			if !reflect.DeepEqual(p.edges, tt.wantEdges) {
				t.Errorf("edges: got %+v, want %+v", p.edges, tt.wantEdges)
			}
		})
	}
}
