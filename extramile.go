// Package extramile holds the domain of Extra Mile: stories of people who went
// the extra mile, the kudos given by emoji reactions, the nine ways a story can
// show, and the application errors users may see. It imports no Slack and no
// SQL types: bot, scheduler and storage all speak in these terms.
package extramile

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Story length bounds, in characters (runes) of trimmed text.
const (
	// MinStoryLength is the shortest story that can say what someone did
	// and why it mattered: "Stayed late to fix X" is about this long.
	MinStoryLength = 20
	// MaxStoryLength matches the modal's plain_text_input max_length and
	// Slack's 3000-character section text limit.
	MaxStoryLength = 3000
	// MaxRecognized is how many people one story may thank.
	MaxRecognized = 10
)

// Audience says whom the extra mile was for.
type Audience string

// The audiences a story can be for.
const (
	AudienceCustomer Audience = "customer"
	AudienceCoworker Audience = "coworker"
)

// Valid reports whether a is one of the known audiences.
func (a Audience) Valid() bool { return a == AudienceCustomer || a == AudienceCoworker }

// Label is the audience in words, for messages.
func (a Audience) Label() string {
	switch a {
	case AudienceCustomer:
		return "a customer"
	case AudienceCoworker:
		return "a co-worker"
	}
	return "someone"
}

// Way is one of the nine ways of going the extra mile; it is a story's category.
type Way string

// The nine ways, in the order they are presented.
const (
	WayAboveAndBeyond   Way = "above_and_beyond"
	WayGiveExtra        Way = "give_extra"
	WayNoticeNeed       Way = "notice_need"
	WayMakeItRight      Way = "make_it_right"
	WayPersonalInterest Way = "personal_interest"
	WayShowRespect      Way = "show_respect"
	WayTwoWayStreet     Way = "two_way_street"
	WayKeepInLoop       Way = "keep_in_loop"
	WaySayThankYou      Way = "say_thank_you"
)

// Ways lists the nine ways in presentation order.
var Ways = []Way{
	WayAboveAndBeyond, WayGiveExtra, WayNoticeNeed, WayMakeItRight, WayPersonalInterest,
	WayShowRespect, WayTwoWayStreet, WayKeepInLoop, WaySayThankYou,
}

type wayText struct{ title, hint, question string }

var wayTexts = map[Way]wayText{
	WayAboveAndBeyond:   {"Go above and beyond", "did more than anyone asked", "Who did more than was asked of them this week?"},
	WayGiveExtra:        {"Give something extra", "added a little unexpected extra", "Who added a small, unexpected extra that made someone's day?"},
	WayNoticeNeed:       {"Notice a need", "saw what was needed before being asked", "Who spotted a need before anyone said a word?"},
	WayMakeItRight:      {"Make it right, then make it better", "fixed a problem and left things better", "Who turned a mistake or a complaint into something better than before?"},
	WayPersonalInterest: {"Take a personal interest", "cared about the person, not just the task", "Who took a genuine, personal interest in someone they were helping?"},
	WayShowRespect:      {"Show respect", "treated someone with real respect", "Who made someone feel respected and heard?"},
	WayTwoWayStreet:     {"The two-way street", "asked for feedback and acted on it", "Who asked for feedback, and then actually acted on it?"},
	WayKeepInLoop:       {"Keep people in the loop", "kept people informed without being chased", "Who kept people informed before they had to ask?"},
	WaySayThankYou:      {"Say thank you", "took the time to say thank you", "Who took a moment to say a real thank you?"},
}

// Valid reports whether w is one of the nine ways.
func (w Way) Valid() bool { _, ok := wayTexts[w]; return ok }

// Title is the way's name as shown to people, e.g. "Notice a need".
func (w Way) Title() string { return wayTexts[w].title }

// Hint is a short description that completes "they …".
func (w Way) Hint() string { return wayTexts[w].hint }

// Question is a weekly-prompt question in the spirit of the way.
func (w Way) Question() string { return wayTexts[w].question }

// Story is one extra-mile story: who went the extra mile, what they did and
// for whom, as shared by Author.
type Story struct {
	ID         int64
	Author     string   // Slack user ID of who shared it
	Recognized []string // Slack user IDs of who went the extra mile
	Audience   Audience
	Way        Way    // optional: "" when not chosen
	Text       string // as the author wrote it (raw, unescaped)
	Lesson     string // optional: "What can we learn from it?" (raw, unescaped)
	Channel    string // channel ID the shoutout goes to
	Private    bool   // true when Channel is private: never shown outside it and the DMs
	// PrivacyPending is true while Slack has not told whether Channel is
	// private (a look-up failed): the story is treated as private until it
	// can tell, so a passing error never shows it more widely, nor hides it
	// for good.
	PrivacyPending bool

	// Set once the public shoutout is posted.
	ShoutoutTS string
	Permalink  string

	// The message the story was shared from (the "Share as an extra-mile
	// story" message shortcut); empty for a story written from scratch.
	// SourceLink is that message's permalink, once Slack gave it.
	SourceChannel string
	SourceTS      string
	SourceLink    string

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks the story's fields and returns an *Error with code EINVALID
// naming the first problem.
func (s *Story) Validate() error {
	switch {
	case s.Author == "":
		return Errorf(EINVALID, "a story needs an author")
	case s.Audience != "" && !s.Audience.Valid():
		return Errorf(EINVALID, "Choose whether it was for a customer or a co-worker.")
	case s.Way != "" && !s.Way.Valid():
		return Errorf(EINVALID, "Choose one of the nine ways, or none.")
	case s.Channel == "":
		return Errorf(EINVALID, "Choose a channel to share the story in.")
	}
	if err := ValidateRecognized(s.Recognized); err != nil {
		return err
	}
	if err := ValidateLesson(s.Lesson); err != nil {
		return err
	}
	return ValidateText(s.Text)
}

// ValidateRecognized checks the list of people a story thanks.
func ValidateRecognized(users []string) error {
	switch {
	case len(users) == 0:
		return Errorf(EINVALID, "Name at least one person who went the extra mile.")
	case len(users) > MaxRecognized:
		return Errorf(EINVALID, "Name at most %d people in one story.", MaxRecognized)
	}
	return nil
}

// ValidateText checks a story's text: not blank, long enough to mean
// something, and within MaxStoryLength.
func ValidateText(text string) error {
	switch n := utf8.RuneCountInString(strings.TrimSpace(text)); {
	case n == 0:
		return Errorf(EINVALID, "Tell us what they did: the story can't be blank.")
	case n < MinStoryLength:
		return Errorf(EINVALID, "Add a little more: a story needs at least %d characters (the need they noticed, what they did, what it changed).", MinStoryLength)
	case n > MaxStoryLength:
		return Errorf(EINVALID, "That story is %d characters; please keep it to %d.", n, MaxStoryLength)
	}
	return nil
}

// Kudos is one kudos given by reacting with a kudos emoji to a message.
type Kudos struct {
	ID        int64
	Giver     string // who reacted
	Receiver  string // who gets the kudos: the message's author, or a person a shoutout recognized
	Channel   string
	MessageTS string
	Emoji     string // base reaction name, skin tone stripped
	StoryID   int64  // the story whose shoutout was reacted to, or 0
	Private   bool   // the channel is private
	// PrivacyPending is true while Slack has not told whether Channel is
	// private; Private is true meanwhile (see Story.PrivacyPending).
	PrivacyPending bool
	CreatedAt      time.Time
}

// StoryMessage is one of the bot's messages that shows a story's text, other
// than its shoutout (a thank-you DM, the DM giving back an undeliverable
// story): when the story is deleted, its text is removed from them too.
type StoryMessage struct {
	StoryID int64
	Channel string // where the bot posted it (a DM channel ID)
	TS      string
	Kind    StoryMessageKind
}

// StoryMessageKind says what a StoryMessage is.
type StoryMessageKind string

// The kinds of StoryMessage.
const (
	MessageThanks        StoryMessageKind = "thanks"        // a thank-you DM to a recognized person
	MessageUndeliverable StoryMessageKind = "undeliverable" // the DM giving the author their story back
)

// Tally is how often one person was recognized in a period.
type Tally struct {
	User    string
	Stories int // stories that recognized them
	Kudos   int // kudos they received
}

// Total is stories plus kudos.
func (t Tally) Total() int { return t.Stories + t.Kudos }

// WayCount is how many stories showed one way.
type WayCount struct {
	Way   Way
	Count int
}

// Digest summarizes the stories and kudos of one period (a month for the
// monthly digest). Channel scoping and privacy are applied by whoever builds it.
type Digest struct {
	From, To time.Time // [From, To)

	Stories      int        // stories shared
	Recognized   int        // distinct people recognized
	Sharers      int        // distinct people who shared at least one story
	Kudos        int        // kudos given
	Customer     int        // stories for a customer
	Coworker     int        // stories for a co-worker
	ByWay        []WayCount // all nine ways, most first, then in Ways order
	Top          []Tally    // most recognized, at most a handful
	MostKudosed  *Story     // the story whose shoutout got the most kudos, or nil
	MostKudosedN int        // its kudos count

	// Weeks counts the stories of each week of the period (see MonthWeeks),
	// when asked for (storage.DigestQuery.Location); nil otherwise.
	Weeks []WeekCount

	Previous *Digest // the period before, for comparison (its Previous is nil), or nil

	// The weekly habit: a few lessons of the period's stories ("what we
	// learned this month", newest first, at most DigestLessons), the
	// follow-ups answered in the period (of stories visible here), and the
	// longest streaks among the period's sharers (filled by the bot, which
	// knows people's zones; nil otherwise).
	Lessons   []Lesson
	FollowUps int
	Streaks   []StreakTally
}

// DigestLessons is how many lessons a digest shows at most.
const DigestLessons = 3

// Lesson is a story's "what can we learn from it?", for the digest.
type Lesson struct {
	StoryID int64
	Author  string
	Text    string
}

// StreakTally is a person's streak (weeks in a row with a story), for the
// digest's longest streaks.
type StreakTally struct {
	User  string
	Weeks int
}

// Visibility is what a reader may see: public stories and kudos, plus the
// private ones of Channel when it is set (a reader in that channel). Private
// rows are never shown outside their channel.
type Visibility struct {
	Channel string // "" for public rows only
}

// Public is what anyone may see: public rows only.
var Public = Visibility{}

// SeenIn is what a reader in channel may see: public rows and the channel's
// private ones.
func SeenIn(channel string) Visibility { return Visibility{Channel: channel} }

// StoryFilter selects stories by creation time and by what the reader may
// see.
type StoryFilter struct {
	From, To   time.Time  // [From, To); a zero time is unbounded
	Visibility Visibility // Public, or SeenIn(channel)
	Limit      int        // 0 means no limit
}

// DigestQuery says which digest to build.
type DigestQuery struct {
	From, To time.Time // the period, [From, To); a zero time is unbounded
	// PrevFrom starts the previous period, [PrevFrom, From), for comparison;
	// zero means no comparison (Digest.Previous is nil).
	PrevFrom   time.Time
	Visibility Visibility // Public, or SeenIn(channel)
	TopN       int        // how many Top tallies; 0 means all
	// Location, when set, asks for Digest.Weeks (and Previous.Weeks): the
	// stories of each week of the period, weeks as MonthWeeks cuts them in
	// this zone, seen as the rest of the digest is.
	Location *time.Location
}

// KudosGift is one kudos reaction to record: Giver reacted with Emoji to
// message MessageTS in Channel, giving one kudos to each of Receivers.
type KudosGift struct {
	Giver     string
	Receivers []string // empty strings and repeats are ignored
	Channel   string
	MessageTS string
	Emoji     string
	StoryID   int64 // the story whose shoutout was reacted to, or 0
	Private   bool  // the channel is private
	// PrivacyPending is true when Slack could not tell whether the channel
	// is private: the kudos is kept as private until it can.
	PrivacyPending bool
	// EventTS is the event_ts of the reaction_added event: an event no
	// newer than the last one applied to the same kudos is stale (see
	// KudosResult.Stale). "" skips the check.
	EventTS string
	// DailyMax is how many reactions the giver may have counted per day;
	// 0 means no limit.
	DailyMax int
	// DayStart and DayEnd bound the giver's local day, [DayStart, DayEnd),
	// for DailyMax and GivenToday; a zero time is unbounded.
	DayStart, DayEnd time.Time
}

// KudosResult is what AddKudos did.
type KudosResult struct {
	Added        int  // kudos rows inserted
	Duplicate    bool // this reaction was already counted: nothing added
	LimitReached bool // refused: the giver already had DailyMax reactions counted today
	GivenToday   int  // reactions counted for the giver in the day, after this call
	// Stale: an event for the same kudos (giver, message, emoji) newer than
	// this one was applied already, e.g. the reaction_removed that undoes
	// this reaction_added: nothing was done.
	Stale bool
}

// KudosTakeBack is a reaction_removed to apply: Giver took back the kudos of
// reacting with Emoji (base name) to message MessageTS in Channel.
type KudosTakeBack struct {
	Giver, Channel, MessageTS, Emoji string
	// EventTS is the event's event_ts, for the order of events (see
	// KudosGift.EventTS); "" skips the check.
	EventTS string
}

// Setting is one stored setting: its value, who changed it last (a user ID)
// and when.
type Setting struct {
	Key, Value string
	UpdatedBy  string
	UpdatedAt  time.Time
}

// SubjectKind says what a run in the run ledger is about: one channel's
// post, one person's DM, or the workspace as a whole.
type SubjectKind string

// The kinds of run subject.
const (
	// SubjectChannel is a scheduled post in one channel (its ID: C…, G…).
	SubjectChannel SubjectKind = "channel"
	// SubjectPerson is a DM to one person (their user ID: U…, W…).
	SubjectPerson SubjectKind = "person"
	// SubjectWorkspace is a run over the whole workspace (a kudos summary
	// run, whose people each have their own person run).
	SubjectWorkspace SubjectKind = "workspace"
)

// Valid reports whether k is one of the known kinds.
func (k SubjectKind) Valid() bool {
	return k == SubjectChannel || k == SubjectPerson || k == SubjectWorkspace
}

// RunSubject is what one run of a job is for: the run ledger holds each
// scheduled run once per job, subject and scheduled time.
type RunSubject struct {
	Kind SubjectKind
	// ID is the channel's or the person's Slack ID; empty for the workspace.
	ID string
}

// ChannelRun is the subject of a job's post in channel.
func ChannelRun(channel string) RunSubject { return RunSubject{Kind: SubjectChannel, ID: channel} }

// PersonRun is the subject of a job's DM to user.
func PersonRun(user string) RunSubject { return RunSubject{Kind: SubjectPerson, ID: user} }

// WorkspaceRun is the subject of a job's run over the whole workspace.
func WorkspaceRun() RunSubject { return RunSubject{Kind: SubjectWorkspace} }

// Validate returns an EINVALID error unless s is a known kind with an ID
// (a channel or a person) or without one (the workspace).
func (s RunSubject) Validate() error {
	switch {
	case !s.Kind.Valid():
		return Errorf(EINVALID, "Unknown run subject kind %q.", s.Kind)
	case (s.Kind == SubjectWorkspace) != (s.ID == ""):
		return Errorf(EINVALID, "A %s run subject cannot have the ID %q.", s.Kind, s.ID)
	}
	return nil
}

// String names the subject for people and logs: "channel C123",
// "person U123", "workspace".
func (s RunSubject) String() string {
	if s.Kind == SubjectWorkspace || s.ID == "" {
		return string(s.Kind)
	}
	return string(s.Kind) + " " + s.ID
}

// RunClaim is what the run ledger says to a process claiming a scheduled
// run (the post of one job in one channel, for one firing).
type RunClaim struct {
	// Claimed is true when the caller now owns the run.
	Claimed bool
	// PostStarted is when a post of the run first went out under an earlier
	// claim whose outcome is not known (a process that died, or a run that
	// failed): the post may be in Slack already, and the caller must look
	// for it before posting. Zero when no post went out yet.
	PostStarted time.Time
}

// WeekCount is how many stories were shared in one week of a digest's period.
type WeekCount struct {
	From, To time.Time // [From, To)
	Stories  int
}

// MonthWeeks splits [from, to) into weeks as the digest's chart counts them:
// seven calendar days at a time from from's date in loc (nil means UTC), the
// last week cut at to. For a month that is days 1–7, 8–14, 15–21, 22–28 and
// 29 to the end (a 28-day February has four weeks), so that week n of one
// month compares fairly with week n of the month before. Stories are zero.
func MonthWeeks(from, to time.Time, loc *time.Location) []WeekCount {
	if loc == nil {
		loc = time.UTC
	}
	var weeks []WeekCount
	start := from.In(loc)
	for i := 1; start.Before(to); i++ {
		end := from.In(loc).AddDate(0, 0, 7*i)
		if end.After(to) || !end.After(start) {
			end = to
		}
		weeks = append(weeks, WeekCount{From: start, To: end})
		start = end
	}
	return weeks
}

// Export is everything the bot keeps, as `extramile export` writes it.
type Export struct {
	Stories []ExportStory `json:"stories"`
	Kudos   []ExportKudos `json:"kudos"`
	// Checkins are people's private half-step check-ins: only exported when
	// asked for (extramile export --include-private-checkins), else absent.
	Checkins []Checkin `json:"private_checkins,omitempty"`
}

// ExportStory is a story in an export. Fields may be added, never renamed.
type ExportStory struct {
	ID         int64    `json:"id"`
	Author     string   `json:"author"`
	Recognized []string `json:"recognized"`
	Category   string   `json:"category"`
	Audience   string   `json:"audience"`
	Text       string   `json:"text"`
	Channel    string   `json:"channel"`
	Private    bool     `json:"private"`
	Permalink  string   `json:"permalink"`
	// SourceLink links to the message the story was shared from (the
	// message shortcut); empty for other stories.
	SourceLink string    `json:"source_link,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	Lesson     string    `json:"lesson"`    // "" when none was written
	FollowUp   string    `json:"follow_up"` // the author's answer to "what changed because of it?", or ""
}

// ExportKudos is a kudos in an export. Fields may be added, never renamed.
type ExportKudos struct {
	Giver     string    `json:"giver"`
	Receiver  string    `json:"receiver"`
	Channel   string    `json:"channel"`
	MessageTS string    `json:"message_ts"`
	Emoji     string    `json:"emoji"`
	StoryID   int64     `json:"story_id,omitempty"`
	Private   bool      `json:"private"`
	CreatedAt time.Time `json:"created_at"`
}

// Application error codes.
const (
	EINVALID   = "invalid"   // the input is wrong; the message says how
	ENOTFOUND  = "not_found" // the thing does not exist (or no longer)
	EFORBIDDEN = "forbidden" // the user may not do this
	ECONFLICT  = "conflict"  // it already exists, or was already done
	EBUSY      = "busy"      // try again shortly (database locked, disk full)
	EINTERNAL  = "internal"  // a bug or an outage: details are logged, not shown
)

// Error is an application error: its Message is safe to show to users.
type Error struct {
	Code    string
	Message string
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("extramile error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted, user-facing message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the message of an
// *Error, or a generic apology for anything else (whose details are logged).
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	}
	return "Something went wrong on our side. Please try again in a moment."
}

// CompareTS compares two Slack timestamps ("1700000000.000100") as
// numbers: -1 if a is earlier than b, 0 if equal, +1 if later.
func CompareTS(a, b string) int {
	ai, af, _ := strings.Cut(a, ".")
	bi, bf, _ := strings.Cut(b, ".")
	ai, bi = strings.TrimLeft(ai, "0"), strings.TrimLeft(bi, "0")
	switch {
	case len(ai) != len(bi):
		return sign(len(ai) - len(bi))
	case ai != bi:
		return strings.Compare(ai, bi)
	}
	af, bf = strings.TrimRight(af, "0"), strings.TrimRight(bf, "0")
	return strings.Compare(af, bf) // fractions without trailing zeros compare as digits
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
