package config

import (
	"os"
	"testing"
)

// unsetenv removes k for the rest of the test; the preceding t.Setenv call
// restores the original value at cleanup.
func unsetenv(t *testing.T, k string) {
	t.Helper()
	if err := os.Unsetenv(k); err != nil {
		t.Fatal(err)
	}
}
