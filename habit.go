package extramile

import (
	"strings"
	"time"
	"unicode/utf8"
)

// MaxLessonLength bounds a story's lesson, a check-in and a follow-up
// answer, like a story's text (a modal input's and a section's limit).
const MaxLessonLength = MaxStoryLength

// ValidateLesson checks a story's optional lesson ("What can we learn from
// it?"): empty, or within MaxLessonLength.
func ValidateLesson(lesson string) error {
	if n := utf8.RuneCountInString(strings.TrimSpace(lesson)); n > MaxLessonLength {
		return Errorf(EINVALID, "That lesson is %d characters; please keep it to %d.", n, MaxLessonLength)
	}
	return nil
}

// ValidateAnswer checks the text of a half-step check-in or a follow-up
// answer: not blank, within MaxLessonLength.
func ValidateAnswer(text string) error {
	switch n := utf8.RuneCountInString(strings.TrimSpace(text)); {
	case n == 0:
		return Errorf(EINVALID, "Write a few words, or close the form.")
	case n > MaxLessonLength:
		return Errorf(EINVALID, "That is %d characters; please keep it to %d.", n, MaxLessonLength)
	}
	return nil
}

// Checkin is a person's private half-step check-in: their answer to "where
// could I have gone a half step further this week?". It is shown only to
// them, never counted nor posted, deleted by forget-me, and exported only
// when asked for.
type Checkin struct {
	User      string    `json:"user"`
	Week      int       `json:"week"` // scheduler.WeekIndex in the person's zone
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// NudgePrefs are a person's choices about the weekly nudge.
type NudgePrefs struct {
	Off          bool      // nudges turned off until turned on again
	SnoozedUntil time.Time // no nudge before this time; zero when not snoozed
}

// Snoozed reports whether the prefs hold nudges back at now.
func (p NudgePrefs) Snoozed(now time.Time) bool { return now.Before(p.SnoozedUntil) }

// Snooze is one period during which a person snoozed the nudges, [From, Until).
// Weeks it overlaps do not count against the person's streak.
type Snooze struct {
	From, Until time.Time
}

// Follow-up states of a story for a customer.
const (
	FollowUpAsked    = "asked"    // the author got the DM
	FollowUpAnswered = "answered" // the author answered
	FollowUpSkipped  = "skipped"  // the author chose to skip it
)

// FollowUp is the two-way street's question about one story: "what changed
// because of it?", asked once of its author.
type FollowUp struct {
	StoryID    int64
	State      string // FollowUpAsked, FollowUpAnswered or FollowUpSkipped
	Answer     string // raw, unescaped; "" until answered
	ReplyTS    string // the threaded reply under the shoutout, once posted
	AskedAt    time.Time
	AnsweredAt time.Time
}
