package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

func TestLessonStoredUpdatedExported(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	s := mustCreateStory(t, db, at, extramile.Story{Lesson: "Ask before the customer has to."})
	got, err := db.FindStory(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Lesson != "Ask before the customer has to." {
		t.Errorf("lesson = %q", got.Lesson)
	}
	got.Lesson = ""
	if err := db.UpdateStory(ctx, got); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindStory(ctx, s.ID); got.Lesson != "" {
		t.Errorf("lesson after clearing = %q", got.Lesson)
	}
	long := extramile.Story{Lesson: strings.Repeat("a", extramile.MaxLessonLength+1), Author: "U", Channel: "C", Recognized: []string{"R"},
		Text: "Stayed late to fix the customer's broken invoice export."}
	wantCode(t, db.CreateStory(ctx, &long), extramile.EINVALID)
}

func TestNudgePrefsAndSnoozes(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	t0 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	setClock(db, t0)
	if p, err := db.NudgePrefs(ctx, "U1"); err != nil || p.Off || !p.SnoozedUntil.IsZero() {
		t.Fatalf("fresh prefs = %+v, %v", p, err)
	}
	if err := db.SetNudgesOff(ctx, "U1", true); err != nil {
		t.Fatal(err)
	}
	if p, _ := db.NudgePrefs(ctx, "U1"); !p.Off {
		t.Errorf("off not recorded: %+v", p)
	}
	if p, _ := db.NudgePrefs(ctx, "U2"); p.Off {
		t.Errorf("U2 off too: %+v", p)
	}
	until := t0.Add(14 * 24 * time.Hour)
	if err := db.Snooze(ctx, "U2", until); err != nil {
		t.Fatal(err)
	}
	p, _ := db.NudgePrefs(ctx, "U2")
	if !p.SnoozedUntil.Equal(until) || !p.Snoozed(t0) || p.Snoozed(until) {
		t.Errorf("snooze: %+v", p)
	}
	wantCode(t, db.Snooze(ctx, "U2", t0), extramile.EINVALID)
	// Turning nudges on ends the snooze now, and keeps its past in history.
	t1 := t0.Add(3 * 24 * time.Hour)
	setClock(db, t1)
	if err := db.SetNudgesOff(ctx, "U2", false); err != nil {
		t.Fatal(err)
	}
	if p, _ := db.NudgePrefs(ctx, "U2"); p.Snoozed(t1) {
		t.Errorf("still snoozed after nudges on: %+v", p)
	}
	sn, err := db.Snoozes(ctx, "U2")
	if err != nil || len(sn) != 1 || !sn[0].From.Equal(t0) || !sn[0].Until.Equal(t1) {
		t.Errorf("snoozes = %+v, %v", sn, err)
	}
}

func TestSkipDates(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	for _, d := range []string{"2026-12-25", "2026-12-24", "2026-12-25"} {
		if err := db.SkipDate(ctx, d, "UADMIN"); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, db.SkipDate(ctx, "25/12/2026", "UADMIN"), extramile.EINVALID)
	got, err := db.SkipDates(ctx)
	if err != nil || len(got) != 2 || got[0] != "2026-12-24" || got[1] != "2026-12-25" {
		t.Errorf("SkipDates = %v, %v", got, err)
	}
	if ok, err := db.UnskipDate(ctx, "2026-12-24"); !ok || err != nil {
		t.Errorf("UnskipDate = %v, %v", ok, err)
	}
	if ok, _ := db.UnskipDate(ctx, "2026-12-24"); ok {
		t.Error("UnskipDate twice = true")
	}
}

func TestCheckinsArePrivateAndForgotten(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	setClock(db, time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))
	if err := db.SaveCheckin(ctx, "U1", 100, "Could have called back sooner."); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveCheckin(ctx, "U1", 100, "Could have called back the same day."); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveCheckin(ctx, "U2", 100, "Nothing this week."); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.SaveCheckin(ctx, "U1", 101, "   "), extramile.EINVALID)
	got, err := db.Checkins(ctx, "U1", 0)
	if err != nil || len(got) != 1 || got[0].Text != "Could have called back the same day." || got[0].Week != 100 {
		t.Fatalf("Checkins = %+v, %v", got, err)
	}
	e, err := db.Export(ctx)
	if err != nil || e.Checkins != nil {
		t.Errorf("default export has check-ins: %+v, %v", e.Checkins, err)
	}
	e, err = db.ExportWith(ctx, ExportOptions{IncludePrivateCheckins: true})
	if err != nil || len(e.Checkins) != 2 {
		t.Errorf("export with check-ins = %+v, %v", e.Checkins, err)
	}
	if err := db.SetNudgesOff(ctx, "U1", true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.ForgetUser(ctx, "U1"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Checkins(ctx, "U1", 0); len(got) != 0 {
		t.Errorf("check-ins after forget-me: %+v", got)
	}
	if p, _ := db.NudgePrefs(ctx, "U1"); p.Off {
		t.Error("nudge choice kept after forget-me")
	}
	if got, _ := db.Checkins(ctx, "U2", 0); len(got) != 1 {
		t.Errorf("someone else's check-ins forgotten: %+v", got)
	}
}

func TestFollowUps(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	t0 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	cust := mustCreateStory(t, db, t0, extramile.Story{Audience: extramile.AudienceCustomer, Author: "UA"})
	cowork := mustCreateStory(t, db, t0, extramile.Story{Audience: extramile.AudienceCoworker, Author: "UA"})
	mustCreateStory(t, db, t0, extramile.Story{Audience: extramile.AudienceCustomer, Author: "UA"})
	later := mustCreateStory(t, db, t0.Add(48*time.Hour), extramile.Story{Audience: extramile.AudienceCustomer, Author: "UA"})
	deleted := mustCreateStory(t, db, t0, extramile.Story{Audience: extramile.AudienceCustomer, Author: "UA"})
	for _, s := range []*extramile.Story{cust, cowork, later, deleted} {
		if err := db.SetShoutout(ctx, s.ID, "1.00"+string(rune('0'+s.ID)), ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeleteStory(ctx, deleted.ID); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueFollowUps(ctx, t0.Add(24*time.Hour), 10)
	if err != nil || len(due) != 1 || due[0].ID != cust.ID {
		t.Fatalf("DueFollowUps = %v, %v; want story %d only", due, err, cust.ID)
	}
	if ok, err := db.ClaimFollowUp(ctx, cust.ID); !ok || err != nil {
		t.Fatalf("ClaimFollowUp = %v, %v", ok, err)
	}
	if ok, _ := db.ClaimFollowUp(ctx, cust.ID); ok {
		t.Error("claimed twice")
	}
	_, err = db.ClaimFollowUp(ctx, deleted.ID)
	wantCode(t, err, extramile.ENOTFOUND)
	if due, _ := db.DueFollowUps(ctx, t0.Add(24*time.Hour), 10); len(due) != 0 {
		t.Errorf("still due after the claim: %v", due)
	}
	wantCode(t, db.AnswerFollowUp(ctx, cust.ID, "UB", "They renewed."), extramile.EFORBIDDEN)
	wantCode(t, db.AnswerFollowUp(ctx, later.ID, "UA", "They renewed."), extramile.ENOTFOUND)
	setClock(db, t0.Add(15*24*time.Hour))
	if err := db.AnswerFollowUp(ctx, cust.ID, "UA", "  They renewed for two years.  "); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.AnswerFollowUp(ctx, cust.ID, "UA", "Again."), extramile.ECONFLICT)
	wantCode(t, db.SkipFollowUp(ctx, cust.ID, "UA"), extramile.ECONFLICT)
	if first, err := db.SetFollowUpReply(ctx, cust.ID, "2.0"); !first || err != nil {
		t.Errorf("SetFollowUpReply = %v, %v", first, err)
	}
	if first, _ := db.SetFollowUpReply(ctx, cust.ID, "3.0"); first {
		t.Error("second reply recorded")
	}
	f, err := db.FollowUp(ctx, cust.ID)
	if err != nil || f.State != extramile.FollowUpAnswered || f.Answer != "They renewed for two years." || f.ReplyTS != "2.0" {
		t.Errorf("FollowUp = %+v, %v", f, err)
	}
	if n, err := db.CountFollowUpsAnswered(ctx, t0, t0.Add(30*24*time.Hour)); n != 1 || err != nil {
		t.Errorf("CountFollowUpsAnswered = %d, %v", n, err)
	}
	e, err := db.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range e.Stories {
		if want := map[bool]string{true: "They renewed for two years."}[s.ID == cust.ID]; s.FollowUp != want {
			t.Errorf("export story %d follow_up = %q, want %q", s.ID, s.FollowUp, want)
		}
	}
	// Skipping: once, by the author.
	if ok, _ := db.ClaimFollowUp(ctx, later.ID); !ok {
		t.Fatal("claim later")
	}
	if err := db.SkipFollowUp(ctx, later.ID, "UA"); err != nil {
		t.Fatal(err)
	}
	// Deleting the story deletes its follow-up.
	if err := db.DeleteStory(ctx, cust.ID); err != nil {
		t.Fatal(err)
	}
	_, err = db.FollowUp(ctx, cust.ID)
	wantCode(t, err, extramile.ENOTFOUND)
}

func TestStoryTimes(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	t0 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	mustCreateStory(t, db, t0, extramile.Story{Author: "UA"})
	mustCreateStory(t, db, t0.Add(time.Hour), extramile.Story{Author: "UB"})
	mustCreateStory(t, db, t0.Add(2*time.Hour), extramile.Story{Author: "UA"})
	got, err := db.StoryTimes(ctx, "UA", t0.Add(time.Minute))
	if err != nil || len(got) != 1 || !got[0].Equal(t0.Add(2*time.Hour)) {
		t.Errorf("StoryTimes = %v, %v", got, err)
	}
}

func TestDigestLessonsAndFollowUps(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	t0 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	var ids []int64
	for i, lesson := range []string{"first", "", "second", "third", "fourth"} {
		s := mustCreateStory(t, db, t0.Add(time.Duration(i)*time.Hour), extramile.Story{Lesson: lesson, Audience: extramile.AudienceCustomer})
		ids = append(ids, s.ID)
	}
	private := mustCreateStory(t, db, t0.Add(6*time.Hour), extramile.Story{Lesson: "private lesson", Channel: "GPRIV", Private: true, Audience: extramile.AudienceCustomer})
	for _, id := range []int64{ids[0], private.ID} {
		if err := db.SetShoutout(ctx, id, "1.000"+string(rune('0'+id)), ""); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ClaimFollowUp(ctx, id); err != nil {
			t.Fatal(err)
		}
		if err := db.AnswerFollowUp(ctx, id, "UAUTHOR", "They came back."); err != nil {
			t.Fatal(err)
		}
	}
	q := extramile.DigestQuery{From: t0, To: t0.AddDate(0, 1, 0)}
	d, err := db.Digest(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range d.Lessons {
		got = append(got, l.Text)
	}
	if want := []string{"fourth", "third", "second"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("public lessons = %v, want %v", got, want)
	}
	if d.FollowUps != 1 {
		t.Errorf("public follow-ups = %d, want 1", d.FollowUps)
	}
	q.Visibility = extramile.SeenIn("GPRIV")
	d, err = db.Digest(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Lessons) != 3 || d.Lessons[0].Text != "private lesson" || d.FollowUps != 2 {
		t.Errorf("in the private channel: lessons %+v, follow-ups %d", d.Lessons, d.FollowUps)
	}
}

// TestCheckinsPage: one person's check-ins only, newest week first, paged,
// with their total.
func TestCheckinsPage(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	setClock(db, time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))
	for w := 100; w < 107; w++ {
		if err := db.SaveCheckin(ctx, "U1", w, fmt.Sprintf("week %d", w)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SaveCheckin(ctx, "U2", 103, "someone else's"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		offset, limit int
		want          []int
	}{
		{0, 5, []int{106, 105, 104, 103, 102}},
		{5, 5, []int{101, 100}},
		{10, 5, nil},
	} {
		got, total, err := db.CheckinsPage(ctx, "U1", c.offset, c.limit)
		if err != nil || total != 7 {
			t.Fatalf("CheckinsPage(%d, %d): total %d, %v; want 7", c.offset, c.limit, total, err)
		}
		var weeks []int
		for _, x := range got {
			if x.User != "U1" {
				t.Errorf("someone else's check-in: %+v", x)
			}
			weeks = append(weeks, x.Week)
		}
		if !slices.Equal(weeks, c.want) {
			t.Errorf("CheckinsPage(%d, %d) weeks %v, want %v", c.offset, c.limit, weeks, c.want)
		}
	}
	if got, total, err := db.CheckinsPage(ctx, "U3", 0, 5); err != nil || total != 0 || len(got) != 0 {
		t.Errorf("a person without check-ins: %+v, %d, %v", got, total, err)
	}
}
