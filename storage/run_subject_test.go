package storage

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

// TestLegacySubject: what a run ledger row of a version before 0009 held in
// its one column is read as a subject of the right kind.
func TestLegacySubject(t *testing.T) {
	tests := []struct {
		held string
		want extramile.RunSubject
	}{
		{"*", extramile.WorkspaceRun()},                    // a kudos summary run as a whole
		{"UALICE", extramile.PersonRun("UALICE")},          // a kudos summary DM, a nudge
		{"W0123ABC", extramile.PersonRun("W0123ABC")},      // an Enterprise Grid user
		{"CGENERAL", extramile.ChannelRun("CGENERAL")},     // prompt, roundup, digest
		{"G01PRIVATE", extramile.ChannelRun("G01PRIVATE")}, // an older private channel
		{"D024BE91L", extramile.ChannelRun("D024BE91L")},   // a DM channel
		{"", extramile.ChannelRun("")},                     // nothing: kept as it was
		{"**", extramile.ChannelRun("**")},                 // only "*" itself is the workspace
		{"ualice", extramile.ChannelRun("ualice")},         // IDs are upper case
		{"C1U", extramile.ChannelRun("C1U")},               // the first letter decides
	}
	for _, tt := range tests {
		if got := legacySubject(tt.held); got != tt.want {
			t.Errorf("legacySubject(%q) = %+v, want %+v", tt.held, got, tt.want)
		}
	}
}

// TestMigrationBackfillsRunSubjects: a first-version database
// (testdata/v0001.db) with run ledger rows of every shape an older version
// wrote (channels, people, the kudos summary run's "*", done, failed and
// running) comes out of the migrations with each row's subject as
// legacySubject reads it, and every other column as it was; the runs are
// then the same runs to the ledger (done is done, running can be taken over).
func TestMigrationBackfillsRunSubjects(t *testing.T) {
	ctx := context.Background()
	path := copyFixture(t, "v0001.db")

	type row struct {
		job, channel          string
		at                    int64
		state, errText        string
		claimedAt, finishedAt int64
	}
	const at = int64(1793613600000000000) // the fixture's roundup run
	rows := []row{
		{"kudos_dm", "*", at, "done", "", at + 1, at + 2},
		{"kudos_dm", "UALICE", at, "done", "", at + 3, at + 4},
		{"kudos_dm", "WBOB", at, "failed", "slack: cannot_dm_bot", at + 5, at + 6},
		{"prompt", "G01PRIVATE", at, "running", "", at + 7, 0},
		{"digest", "CGENERAL", at, "done", "", at + 8, at + 9},
		{"nudge", "UCAROL", at, "done", "", at + 10, at + 11},
	}
	raw, err := sql.Open("sqlite", "file:"+escapePath(path))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if _, err := raw.ExecContext(ctx, `INSERT INTO runs (job, channel, scheduled_at, state, error, claimed_at, finished_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, r.job, r.channel, r.at, r.state, r.errText, r.claimedAt, r.finishedAt); err != nil {
			t.Fatal(err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	// The fixture's own row, as the first version wrote it.
	rows = append(rows, row{"roundup", "CGENERAL", at, "done", "", 1793707200000000000, 1793710800000000000})

	db := mustOpenPath(t, path)
	type key struct {
		job     string
		subject extramile.RunSubject
	}
	got := map[key]row{}
	res, err := db.db.QueryContext(ctx, `SELECT job, subject_kind, subject, scheduled_at, state, error, claimed_at, finished_at,
		owner, lease_until, post_started_at FROM runs`)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	for res.Next() {
		var (
			k                  key
			r                  row
			owner              string
			lease, postStarted int64
		)
		if err := res.Scan(&k.job, &k.subject.Kind, &k.subject.ID, &r.at, &r.state, &r.errText, &r.claimedAt, &r.finishedAt,
			&owner, &lease, &postStarted); err != nil {
			t.Fatal(err)
		}
		r.job = k.job
		got[k] = r
		if owner != "" || lease != 0 || (r.state == "running") != (postStarted == r.claimedAt) {
			t.Errorf("%s %s: owner %q, lease_until %d, post_started_at %d: the lease columns of 0006 changed", k.job, k.subject, owner, lease, postStarted)
		}
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(rows) {
		t.Errorf("%d runs after the migration, want %d", len(got), len(rows))
	}
	for _, want := range rows {
		k := key{want.job, legacySubject(want.channel)}
		r, ok := got[k]
		if !ok {
			t.Errorf("run %s %q: not found as %s after the migration", want.job, want.channel, k.subject)
			continue
		}
		want.channel = ""
		if r != want {
			t.Errorf("run %s %s: got %+v, want %+v", k.job, k.subject, r, want)
		}
	}

	// The ledger reads the migrated rows by their subjects.
	atT := fromNanos(at)
	for _, c := range []struct {
		job     string
		subject extramile.RunSubject
		want    time.Time
	}{
		{"roundup", extramile.ChannelRun("CGENERAL"), atT},
		{"kudos_dm", extramile.WorkspaceRun(), atT},
		{"kudos_dm", extramile.PersonRun("UALICE"), atT},
		{"kudos_dm", extramile.PersonRun("WBOB"), time.Time{}}, // failed
		{"nudge", extramile.PersonRun("UCAROL"), atT},
		{"prompt", extramile.ChannelRun("G01PRIVATE"), time.Time{}}, // running
	} {
		if last, err := db.LastRun(ctx, c.job, c.subject); err != nil || !last.Equal(c.want) {
			t.Errorf("LastRun(%s, %s) = %v, %v; want %v", c.job, c.subject, last, err, c.want)
		}
	}
	if c, err := db.ClaimRun(ctx, "kudos_dm", extramile.WorkspaceRun(), atT, "host/1/x", time.Minute); err != nil || c.Claimed {
		t.Errorf("claim of the done kudos run: %+v, %v; want not claimed", c, err)
	}
	// Running under a version without leases: taken over, looking first.
	if c, err := db.ClaimRun(ctx, "prompt", extramile.ChannelRun("G01PRIVATE"), atT, "host/1/x", time.Minute); err != nil ||
		!c.Claimed || !c.PostStarted.Equal(fromNanos(at+7)) {
		t.Errorf("claim of the running prompt: %+v, %v; want claimed, post started at %v", c, err, fromNanos(at+7))
	}
}
