-- Issue 12. A story shared from a message (the "Share as an extra-mile story"
-- message shortcut) keeps where that message is and its permalink, which the
-- shoutout links to. Empty for stories written from scratch.
ALTER TABLE stories ADD COLUMN source_channel TEXT NOT NULL DEFAULT '';
ALTER TABLE stories ADD COLUMN source_ts      TEXT NOT NULL DEFAULT '';
ALTER TABLE stories ADD COLUMN source_link    TEXT NOT NULL DEFAULT '';
