package extramile

import "testing"

func TestCompareTS(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1700000000.000100", "1700000000.000100", 0},
		{"1700000000.000100", "1700000000.000200", -1},
		{"1700000001.000000", "1700000000.999999", 1},
		{"999999999.999999", "1000000000.000000", -1},
		{"1700000000.1", "1700000000.05", 1},
		{"1700000000.5", "1700000000.500000", 0},
		{"1700000000", "1700000000.000001", -1},
		{"01700000000.2", "1700000000.2", 0},
	}
	for _, tt := range tests {
		if got := CompareTS(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareTS(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := CompareTS(tt.b, tt.a); got != -tt.want {
			t.Errorf("CompareTS(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}
