-- Issue 12. A story shared from a message (the "Share as an extra-mile story"
-- message shortcut) keeps where that message is and its permalink, which the
-- shoutout links to. Empty for stories written from scratch.
ALTER TABLE stories ADD COLUMN source_channel TEXT NOT NULL DEFAULT '';
ALTER TABLE stories ADD COLUMN source_ts      TEXT NOT NULL DEFAULT '';
ALTER TABLE stories ADD COLUMN source_link    TEXT NOT NULL DEFAULT '';

-- Who opened the bot's Home tab (app_home_opened), and when last (unix
-- nanoseconds, UTC): the Home is refreshed only for them. Forget-me removes
-- the row.
CREATE TABLE home_opened (
	user_id   TEXT    PRIMARY KEY,
	opened_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
