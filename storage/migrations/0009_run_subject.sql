-- The run ledger gets a real subject. Until now one column, `channel`, held
-- a channel ID (prompt, roundup and digest posts), a user ID (a person's
-- kudos summary DM, their weekly nudge) or "*" (a kudos summary run as a
-- whole). The table is rebuilt with the subject as a kind and an ID:
--
--   subject_kind  'channel' (subject: a channel ID), 'person' (a user ID) or
--                 'workspace' (subject: '').
--
-- Each run is still held once per job, subject and scheduled time (the
-- primary key), and the leases and first-post times of 0006 are kept as they
-- were. Existing rows take the kind of what they hold: "*" the workspace, an
-- ID starting with U or W a person, anything else (C…, G…, D…) a channel
-- (legacySubject in storage/run.go is the same rule, and a test holds them
-- to each other). No table refers to runs: foreign keys stay on.

CREATE TABLE runs_new (
	job             TEXT    NOT NULL,
	subject_kind    TEXT    NOT NULL CHECK (subject_kind IN ('channel', 'person', 'workspace')),
	subject         TEXT    NOT NULL,
	scheduled_at    INTEGER NOT NULL,
	state           TEXT    NOT NULL CHECK (state IN ('running', 'done', 'failed')),
	error           TEXT    NOT NULL DEFAULT '',
	claimed_at      INTEGER NOT NULL,
	finished_at     INTEGER NOT NULL DEFAULT 0,
	owner           TEXT    NOT NULL DEFAULT '',
	lease_until     INTEGER NOT NULL DEFAULT 0,
	post_started_at INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (job, subject_kind, subject, scheduled_at)
) STRICT, WITHOUT ROWID;

INSERT INTO runs_new (job, subject_kind, subject, scheduled_at, state, error, claimed_at, finished_at,
	owner, lease_until, post_started_at)
SELECT job,
	CASE WHEN channel = '*' THEN 'workspace'
		WHEN substr(channel, 1, 1) IN ('U', 'W') THEN 'person'
		ELSE 'channel' END,
	CASE WHEN channel = '*' THEN '' ELSE channel END,
	scheduled_at, state, error, claimed_at, finished_at, owner, lease_until, post_started_at
FROM runs;

DROP TABLE runs;
ALTER TABLE runs_new RENAME TO runs;

CREATE INDEX runs_leases ON runs (owner) WHERE state = 'running' AND owner <> '';
