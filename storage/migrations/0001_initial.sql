-- Stories, the people they recognize, kudos, and the small ledgers the bot
-- keeps. Times are INTEGER unix nanoseconds in UTC.
--
-- Counting by period: story_recognized and kudos carry created_at, private
-- and channel (copied from the story; none of them ever changes), so a period
-- is one covering index range per table: public rows through a partial index
-- -- on (created_at, …), the private rows of one channel through a partial index
-- on (channel, created_at, …). For long periods, triggers keep rollups of the
-- public rows per person by UTC calendar month and year and for all time
-- (tallies), and counts by month (month_counts); a period then reads whole
-- months and years from the rollups and only its edges from the raw rows.

CREATE TABLE stories (
	id             INTEGER PRIMARY KEY,
	author         TEXT    NOT NULL,
	audience       TEXT    NOT NULL DEFAULT '',
	way            TEXT    NOT NULL DEFAULT '',
	text           TEXT    NOT NULL,
	channel        TEXT    NOT NULL,
	private        INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
	shoutout_state TEXT    NOT NULL DEFAULT 'pending' CHECK (shoutout_state IN ('pending', 'posted', 'failed')),
	shoutout_ts    TEXT    NOT NULL DEFAULT '',
	permalink      TEXT    NOT NULL DEFAULT '',
	shoutout_error TEXT    NOT NULL DEFAULT '',
	kudos_count    INTEGER NOT NULL DEFAULT 0, -- kudos rows on its shoutout, kept by triggers
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL
) STRICT;

CREATE INDEX stories_author ON stories (author, created_at);
CREATE INDEX stories_public_time ON stories (created_at, author, audience, way, kudos_count) WHERE private = 0;
CREATE INDEX stories_private_time ON stories (channel, created_at) WHERE private = 1;
CREATE INDEX stories_pending ON stories (created_at) WHERE shoutout_state = 'pending';
CREATE UNIQUE INDEX stories_shoutout ON stories (channel, shoutout_ts) WHERE shoutout_ts <> '';

CREATE TABLE story_recognized (
	story_id   INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
	user_id    TEXT    NOT NULL,
	position   INTEGER NOT NULL,
	-- copied from the story (none of them ever changes)
	created_at INTEGER NOT NULL,
	private    INTEGER NOT NULL CHECK (private IN (0, 1)),
	channel    TEXT    NOT NULL,
	PRIMARY KEY (story_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX story_recognized_user ON story_recognized (user_id, created_at); -- (+ story_id, the key)
CREATE INDEX story_recognized_public_time ON story_recognized (created_at, user_id) WHERE private = 0;
CREATE INDEX story_recognized_private_time ON story_recognized (channel, created_at, user_id) WHERE private = 1;

CREATE TABLE kudos (
	id         INTEGER PRIMARY KEY,
	giver      TEXT    NOT NULL,
	receiver   TEXT    NOT NULL,
	channel    TEXT    NOT NULL,
	message_ts TEXT    NOT NULL,
	emoji      TEXT    NOT NULL,
	story_id   INTEGER REFERENCES stories (id) ON DELETE CASCADE, -- NULL when not on a shoutout
	private    INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
	created_at INTEGER NOT NULL,
	UNIQUE (giver, channel, message_ts, emoji, receiver)
) STRICT;

CREATE INDEX kudos_story ON kudos (story_id) WHERE story_id IS NOT NULL;
CREATE INDEX kudos_giver_time ON kudos (giver, created_at);
CREATE INDEX kudos_receiver_time ON kudos (receiver, created_at);
CREATE INDEX kudos_public_time ON kudos (created_at, receiver) WHERE private = 0;
CREATE INDEX kudos_private_time ON kudos (channel, created_at, receiver) WHERE private = 1;

CREATE TRIGGER kudos_count_insert AFTER INSERT ON kudos WHEN NEW.story_id IS NOT NULL
BEGIN
	UPDATE stories SET kudos_count = kudos_count + 1 WHERE id = NEW.story_id;
END;

CREATE TRIGGER kudos_count_delete AFTER DELETE ON kudos WHEN OLD.story_id IS NOT NULL
BEGIN
	UPDATE stories SET kudos_count = kudos_count - 1 WHERE id = OLD.story_id;
END;

CREATE TABLE once_keys (
	key        TEXT    PRIMARY KEY,
	created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX once_keys_time ON once_keys (created_at);

CREATE TABLE quiet_users (
	user_id    TEXT    PRIMARY KEY,
	created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE subscriptions (
	channel    TEXT    PRIMARY KEY,
	created_by TEXT    NOT NULL,
	created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE runs (
	job          TEXT    NOT NULL,
	channel      TEXT    NOT NULL,
	scheduled_at INTEGER NOT NULL,
	state        TEXT    NOT NULL CHECK (state IN ('running', 'done', 'failed')),
	error        TEXT    NOT NULL DEFAULT '',
	claimed_at   INTEGER NOT NULL,
	finished_at  INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (job, channel, scheduled_at)
) STRICT, WITHOUT ROWID;

-- Rollups of public rows. A tally is per person and bucket: span 'month'
-- (bucket: the unix time in seconds of the start of the UTC calendar month of
-- created_at), 'year' (of the UTC year) or 'all' (bucket 0). Rows that drop
-- to zero are kept.
CREATE TABLE tallies (
	span       TEXT    NOT NULL CHECK (span IN ('month', 'year', 'all')),
	bucket     INTEGER NOT NULL,
	user_id    TEXT    NOT NULL,
	recognized INTEGER NOT NULL DEFAULT 0, -- stories recognizing the user
	kudos      INTEGER NOT NULL DEFAULT 0, -- kudos received
	shared     INTEGER NOT NULL DEFAULT 0, -- stories authored
	PRIMARY KEY (span, bucket, user_id)
) STRICT, WITHOUT ROWID;

-- kind: 'stories', 'kudos', 'audience:<audience>', 'way:<way>'.
CREATE TABLE month_counts (
	month INTEGER NOT NULL,
	kind  TEXT    NOT NULL,
	n     INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (month, kind)
) STRICT, WITHOUT ROWID;

-- The triggers below keep the rollups: every public row counts once in its
-- month, its year and all time.

CREATE TRIGGER rollup_recognized_insert AFTER INSERT ON story_recognized WHEN NEW.private = 0
BEGIN
	INSERT INTO tallies (span, bucket, user_id, recognized)
	SELECT column1, column2, NEW.user_id, 1 FROM (VALUES
		('month', unixepoch(NEW.created_at / 1000000000, 'unixepoch', 'start of month')),
		('year', unixepoch(NEW.created_at / 1000000000, 'unixepoch', 'start of year')),
		('all', 0)) WHERE true
	ON CONFLICT (span, bucket, user_id) DO UPDATE SET recognized = recognized + 1;
END;

CREATE TRIGGER rollup_recognized_delete AFTER DELETE ON story_recognized WHEN OLD.private = 0
BEGIN
	UPDATE tallies SET recognized = recognized - 1
	WHERE user_id = OLD.user_id AND (span, bucket) IN (VALUES
		('month', unixepoch(OLD.created_at / 1000000000, 'unixepoch', 'start of month')),
		('year', unixepoch(OLD.created_at / 1000000000, 'unixepoch', 'start of year')),
		('all', 0));
END;

CREATE TRIGGER rollup_kudos_insert AFTER INSERT ON kudos WHEN NEW.private = 0
BEGIN
	INSERT INTO tallies (span, bucket, user_id, kudos)
	SELECT column1, column2, NEW.receiver, 1 FROM (VALUES
		('month', unixepoch(NEW.created_at / 1000000000, 'unixepoch', 'start of month')),
		('year', unixepoch(NEW.created_at / 1000000000, 'unixepoch', 'start of year')),
		('all', 0)) WHERE true
	ON CONFLICT (span, bucket, user_id) DO UPDATE SET kudos = kudos + 1;
	INSERT INTO month_counts (month, kind, n) VALUES (unixepoch(NEW.created_at / 1000000000, 'unixepoch', 'start of month'), 'kudos', 1)
	ON CONFLICT (month, kind) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER rollup_kudos_delete AFTER DELETE ON kudos WHEN OLD.private = 0
BEGIN
	UPDATE tallies SET kudos = kudos - 1
	WHERE user_id = OLD.receiver AND (span, bucket) IN (VALUES
		('month', unixepoch(OLD.created_at / 1000000000, 'unixepoch', 'start of month')),
		('year', unixepoch(OLD.created_at / 1000000000, 'unixepoch', 'start of year')),
		('all', 0));
	UPDATE month_counts SET n = n - 1 WHERE month = unixepoch(OLD.created_at / 1000000000, 'unixepoch', 'start of month') AND kind = 'kudos';
END;

CREATE TRIGGER rollup_story_insert AFTER INSERT ON stories WHEN NEW.private = 0
BEGIN
	INSERT INTO tallies (span, bucket, user_id, shared)
	SELECT column1, column2, NEW.author, 1 FROM (VALUES
		('month', unixepoch(NEW.created_at / 1000000000, 'unixepoch', 'start of month')),
		('year', unixepoch(NEW.created_at / 1000000000, 'unixepoch', 'start of year')),
		('all', 0)) WHERE true
	ON CONFLICT (span, bucket, user_id) DO UPDATE SET shared = shared + 1;
	INSERT INTO month_counts (month, kind, n)
	SELECT unixepoch(NEW.created_at / 1000000000, 'unixepoch', 'start of month'), kind, 1
	FROM (SELECT 'stories' AS kind
		UNION ALL SELECT 'audience:' || NEW.audience WHERE NEW.audience <> ''
		UNION ALL SELECT 'way:' || NEW.way WHERE NEW.way <> '')
	WHERE true
	ON CONFLICT (month, kind) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER rollup_story_delete AFTER DELETE ON stories WHEN OLD.private = 0
BEGIN
	UPDATE tallies SET shared = shared - 1
	WHERE user_id = OLD.author AND (span, bucket) IN (VALUES
		('month', unixepoch(OLD.created_at / 1000000000, 'unixepoch', 'start of month')),
		('year', unixepoch(OLD.created_at / 1000000000, 'unixepoch', 'start of year')),
		('all', 0));
	UPDATE month_counts SET n = n - 1
	WHERE month = unixepoch(OLD.created_at / 1000000000, 'unixepoch', 'start of month') AND kind IN ('stories', 'audience:' || OLD.audience, 'way:' || OLD.way);
END;

CREATE TRIGGER rollup_story_update AFTER UPDATE OF audience, way ON stories WHEN NEW.private = 0
BEGIN
	UPDATE month_counts SET n = n - 1
	WHERE month = unixepoch(OLD.created_at / 1000000000, 'unixepoch', 'start of month') AND kind IN ('audience:' || OLD.audience, 'way:' || OLD.way);
	INSERT INTO month_counts (month, kind, n)
	SELECT unixepoch(NEW.created_at / 1000000000, 'unixepoch', 'start of month'), kind, 1
	FROM (SELECT 'audience:' || NEW.audience AS kind WHERE NEW.audience <> ''
		UNION ALL SELECT 'way:' || NEW.way WHERE NEW.way <> '')
	WHERE true
	ON CONFLICT (month, kind) DO UPDATE SET n = n + 1;
END;
