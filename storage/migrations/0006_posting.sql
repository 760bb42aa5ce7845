-- Exactly once against Slack. A post whose answer is lost (a 5xx, a timeout,
-- a dropped connection, a crash between the post and its record) may have
-- gone out: before posting again the bot looks for it in the channel's
-- history, by the metadata it tags every post with. What it must remember
-- across a crash is when such a post first went out, so that the process
-- that takes the work over knows to look, and from when.
--
-- 1. stories.post_started_at: when a post of the story's shoutout first went
--    out (unix nanoseconds, UTC; 0 never).
-- 2. runs: the scheduled post of a run is leased to the process posting it
--    (owner, lease_until), as pending shoutouts are: a run claimed by a
--    process that died is taken over (once its lease ran out, or at once when
--    the process is known dead) instead of staying "running" and skipped for
--    good; post_started_at tells the process taking it over to look first.
--    Runs left "running" by an older version are taken over with a look from
--    when they were claimed.

ALTER TABLE stories ADD COLUMN post_started_at INTEGER NOT NULL DEFAULT 0;

ALTER TABLE runs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN post_started_at INTEGER NOT NULL DEFAULT 0;

UPDATE runs SET post_started_at = claimed_at WHERE state = 'running';

CREATE INDEX runs_leases ON runs (owner) WHERE state = 'running' AND owner <> '';
