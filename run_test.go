package extramile

import (
	"errors"
	"testing"
)

// TestRunSubject: each kind of subject names itself for people, and a
// subject that names nothing (or the workspace with an ID) is invalid.
func TestRunSubject(t *testing.T) {
	tests := []struct {
		s     RunSubject
		str   string
		valid bool
	}{
		{ChannelRun("C0123"), "channel C0123", true},
		{PersonRun("U0123"), "person U0123", true},
		{PersonRun("W0123"), "person W0123", true},
		{WorkspaceRun(), "workspace", true},
		{ChannelRun(""), "channel", false},
		{PersonRun(""), "person", false},
		{RunSubject{Kind: SubjectWorkspace, ID: "*"}, "workspace", false},
		{RunSubject{Kind: "team", ID: "T1"}, "team T1", false},
		{RunSubject{}, "", false},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.str {
			t.Errorf("%#v.String() = %q, want %q", tt.s, got, tt.str)
		}
		err := tt.s.Validate()
		var app *Error
		switch {
		case tt.valid && err != nil:
			t.Errorf("%#v.Validate() = %v, want nil", tt.s, err)
		case !tt.valid && (!errors.As(err, &app) || app.Code != EINVALID):
			t.Errorf("%#v.Validate() = %v, want an EINVALID error", tt.s, err)
		}
	}
}
