-- extramile:foreign-keys-off
-- (migrate runs this file with foreign key enforcement off, as SQLite's
-- "other kinds of table schema changes" procedure requires, and checks
-- PRAGMA foreign_key_check before it commits.)
--
-- 1. Story IDs are never reused. `INTEGER PRIMARY KEY` hands a deleted
--    story's ID to the next story, and buttons, menus and once-only keys
--    carry story IDs: a leftover "Delete" button deleted a newer story. The
--    stories table is rebuilt with AUTOINCREMENT (every row kept, IDs as they
--    were), and the sequence starts past the highest ID anything may still
--    name: the stories, and the story IDs inside once-only keys (stories
--    deleted before this migration).
-- 2. Privacy that Slack could not tell yet is "pending" (privacy_pending = 1,
--    stored as private meanwhile: never shown more widely than it may be),
--    and resolved later; the triggers below move the rollups when a row turns
--    public.
-- 3. A pending shoutout is leased by the process publishing it
--    (lease_owner, lease_until): another process leaves it alone until the
--    lease runs out.
-- 4. The order of reaction events per kudos (giver, message, base emoji) is
--    kept where every process sees it (reaction_order).
-- 5. The bot's messages that show a story's text (shoutout aside) are
--    recorded (story_messages), so deleting the story can remove its text
--    from them.

DROP TRIGGER kudos_count_insert;
DROP TRIGGER kudos_count_delete;

CREATE TABLE stories_new (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	author          TEXT    NOT NULL,
	audience        TEXT    NOT NULL DEFAULT '',
	way             TEXT    NOT NULL DEFAULT '',
	text            TEXT    NOT NULL,
	channel         TEXT    NOT NULL,
	private         INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
	privacy_pending INTEGER NOT NULL DEFAULT 0 CHECK (privacy_pending IN (0, 1)),
	shoutout_state  TEXT    NOT NULL DEFAULT 'pending' CHECK (shoutout_state IN ('pending', 'posted', 'failed')),
	shoutout_ts     TEXT    NOT NULL DEFAULT '',
	permalink       TEXT    NOT NULL DEFAULT '',
	shoutout_error  TEXT    NOT NULL DEFAULT '',
	lease_owner     TEXT    NOT NULL DEFAULT '',
	lease_until     INTEGER NOT NULL DEFAULT 0,
	kudos_count     INTEGER NOT NULL DEFAULT 0,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
) STRICT;

INSERT INTO stories_new (id, author, audience, way, text, channel, private, shoutout_state, shoutout_ts,
	permalink, shoutout_error, kudos_count, created_at, updated_at)
SELECT id, author, audience, way, text, channel, private, shoutout_state, shoutout_ts,
	permalink, shoutout_error, kudos_count, created_at, updated_at
FROM stories;

DROP TABLE stories;
ALTER TABLE stories_new RENAME TO stories;

-- The sequence: past every story ID a once-only key names
-- ("confirm:<id>", "dm:thanks:<id>:<user>", "dm:undeliverable:<id>").
INSERT INTO sqlite_sequence (name, seq)
SELECT 'stories', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'stories');
UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT max(id) FROM stories), 0), coalesce((
	SELECT max(n) FROM (
		SELECT CAST(substr(key, 9) AS INTEGER) AS n FROM once_keys WHERE key LIKE 'confirm:%'
		UNION ALL SELECT CAST(substr(key, 11) AS INTEGER) FROM once_keys WHERE key LIKE 'dm:thanks:%'
		UNION ALL SELECT CAST(substr(key, 18) AS INTEGER) FROM once_keys WHERE key LIKE 'dm:undeliverable:%')
), 0))
WHERE name = 'stories';

CREATE INDEX stories_author ON stories (author, created_at);
CREATE INDEX stories_public_time ON stories (created_at, author, audience, way, kudos_count) WHERE private = 0;
CREATE INDEX stories_private_time ON stories (channel, created_at) WHERE private = 1;
CREATE INDEX stories_pending ON stories (created_at) WHERE shoutout_state = 'pending';
CREATE INDEX stories_privacy_pending ON stories (channel) WHERE privacy_pending = 1;
CREATE UNIQUE INDEX stories_shoutout ON stories (channel, shoutout_ts) WHERE shoutout_ts <> '';

CREATE TRIGGER kudos_count_insert AFTER INSERT ON kudos WHEN NEW.story_id IS NOT NULL
BEGIN
	UPDATE stories SET kudos_count = kudos_count + 1 WHERE id = NEW.story_id;
END;

CREATE TRIGGER kudos_count_delete AFTER DELETE ON kudos WHEN OLD.story_id IS NOT NULL
BEGIN
	UPDATE stories SET kudos_count = kudos_count - 1 WHERE id = OLD.story_id;
END;

-- The rollup triggers of stories, as in 0001 (dropped with the old table).
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

CREATE TRIGGER rollup_story_update AFTER UPDATE OF audience, way ON stories WHEN NEW.private = 0 AND OLD.private = 0
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

-- A story whose privacy was pending turns public: it counts from now on,
-- as if it had been inserted public.
CREATE TRIGGER rollup_story_public AFTER UPDATE OF private ON stories WHEN OLD.private = 1 AND NEW.private = 0
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

CREATE TRIGGER rollup_recognized_public AFTER UPDATE OF private ON story_recognized WHEN OLD.private = 1 AND NEW.private = 0
BEGIN
	INSERT INTO tallies (span, bucket, user_id, recognized)
	SELECT column1, column2, NEW.user_id, 1 FROM (VALUES
		('month', unixepoch(NEW.created_at / 1000000000, 'unixepoch', 'start of month')),
		('year', unixepoch(NEW.created_at / 1000000000, 'unixepoch', 'start of year')),
		('all', 0)) WHERE true
	ON CONFLICT (span, bucket, user_id) DO UPDATE SET recognized = recognized + 1;
END;

ALTER TABLE kudos ADD COLUMN privacy_pending INTEGER NOT NULL DEFAULT 0 CHECK (privacy_pending IN (0, 1));
CREATE INDEX kudos_privacy_pending ON kudos (channel) WHERE privacy_pending = 1;

CREATE TRIGGER rollup_kudos_public AFTER UPDATE OF private ON kudos WHEN OLD.private = 1 AND NEW.private = 0
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

CREATE TABLE reaction_order (
	giver         TEXT    NOT NULL,
	channel       TEXT    NOT NULL,
	message_ts    TEXT    NOT NULL,
	emoji         TEXT    NOT NULL, -- base name, skin tone stripped
	last_event_ts TEXT    NOT NULL, -- event_ts of the latest event applied
	updated_at    INTEGER NOT NULL,
	PRIMARY KEY (giver, channel, message_ts, emoji)
) STRICT, WITHOUT ROWID;

CREATE INDEX reaction_order_time ON reaction_order (updated_at);

CREATE TABLE story_messages (
	story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
	channel  TEXT    NOT NULL, -- a DM channel, or a user ID the bot posted to
	ts       TEXT    NOT NULL,
	kind     TEXT    NOT NULL, -- what the message is: 'thanks', 'undeliverable'
	PRIMARY KEY (story_id, channel, ts)
) STRICT, WITHOUT ROWID;
