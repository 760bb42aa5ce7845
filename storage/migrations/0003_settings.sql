-- Settings admins change in Slack (for example where kudos count), as text
-- under a key, with who changed each one last and when (unix nanoseconds, UTC).
-- Settings that are not stored read as their defaults.
CREATE TABLE settings (
	key        TEXT    PRIMARY KEY,
	value      TEXT    NOT NULL,
	updated_by TEXT    NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
