-- The weekly habit (issue 13). Times are INTEGER unix nanoseconds in UTC.

-- A story's optional lesson: "What can we learn from it?".
ALTER TABLE stories ADD COLUMN lesson TEXT NOT NULL DEFAULT '';

-- People who turned the weekly nudge off.
CREATE TABLE nudges_off (
	user_id    TEXT    PRIMARY KEY,
	created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Snoozes, kept as history: the weeks they overlap do not count against a
-- person's streak. The latest one decides whether the person is snoozed now.
CREATE TABLE nudge_snoozes (
	user_id    TEXT    NOT NULL,
	from_at    INTEGER NOT NULL,
	until_at   INTEGER NOT NULL CHECK (until_at > from_at),
	PRIMARY KEY (user_id, from_at)
) STRICT, WITHOUT ROWID;

-- Dates the admins skipped (holidays), as YYYY-MM-DD, read in each
-- person's own zone: no nudge on that date, and its week does not count
-- against a streak.
CREATE TABLE habit_skip_dates (
	date       TEXT    PRIMARY KEY CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	created_by TEXT    NOT NULL,
	created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Private half-step check-ins: one per person and week (scheduler.WeekIndex
-- in the person's zone); answering again replaces it.
CREATE TABLE checkins (
	user_id    TEXT    NOT NULL,
	week       INTEGER NOT NULL,
	text       TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, week)
) STRICT, WITHOUT ROWID;

-- The two-way street: one follow-up per story for a customer, claimed when
-- its author is asked. Deleting the story deletes it.
CREATE TABLE followups (
	story_id    INTEGER PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
	state       TEXT    NOT NULL CHECK (state IN ('asked', 'answered', 'skipped')),
	answer      TEXT    NOT NULL DEFAULT '',
	reply_ts    TEXT    NOT NULL DEFAULT '',
	asked_at    INTEGER NOT NULL,
	answered_at INTEGER NOT NULL DEFAULT 0
) STRICT;
