package bot

import (
	"strconv"
	"time"
)

// onceKey is a key of the once-only ledger (Store.Once): whatever it names
// happens at most once, across restarts and processes. Every key is built
// here, so that no two kinds of key can collide, and a key names the thing it
// protects: a story's keys carry its ID, which is never reused (an ID of a
// deleted story never comes back), so a story shared after a delete never
// finds the keys of the one before.
type onceKey string

// keyEvent: an Events API delivery, by event_id (Slack redelivers).
func keyEvent(eventID string) onceKey { return onceKey("event:" + eventID) }

// keyReaction: one reaction event by its meaning (Slack has sent one
// reaction under several event_ids).
func keyReaction(r reaction) onceKey {
	return onceKey("reaction:" + r.kind() + ":" + r.User + ":" + r.Channel + ":" + r.TS + ":" + r.Name + ":" + r.EventTS)
}

// keyKudosLimitTold: the giver was told about the daily limit on their day.
func keyKudosLimitTold(giver string, day time.Time) onceKey {
	return onceKey("kudos-limit:" + giver + ":" + day.Format(time.DateOnly))
}

// keyConfirmed: the author was shown that their story is shared.
func keyConfirmed(storyID int64) onceKey { return onceKey("confirm:" + id(storyID)) }

// keyThanked: a recognized person got the story's thank-you DM.
func keyThanked(storyID int64, user string) onceKey {
	return onceKey("dm:thanks:" + id(storyID) + ":" + user)
}

// keyUndeliverableTold: the author got their undeliverable story back by DM.
func keyUndeliverableTold(storyID int64) onceKey { return onceKey("dm:undeliverable:" + id(storyID)) }

// keyDelayedTold: the author heard that the shoutout is delayed.
func keyDelayedTold(storyID int64) onceKey { return onceKey("dm:delayed:" + id(storyID)) }

// keyChannelProblemTold: an admin heard that a channel cannot take
// scheduled posts, for one reason (Slack's error code).
func keyChannelProblemTold(channel, code, admin string) onceKey {
	return onceKey("dm:channel-problem:" + channel + ":" + code + ":" + admin)
}

// keyChartUploaded: the chart of one run's digest in one channel was
// uploaded, or tried (it is never tried twice).
func keyChartUploaded(job, channel string, scheduledAt time.Time) onceKey {
	return onceKey("chart:" + job + ":" + channel + ":" + id(scheduledAt.Unix()))
}

// keyChartProblemTold: an admin heard that one run's digest went out without
// its chart, for one reason (Slack's error code, or "error").
func keyChartProblemTold(scheduledAt time.Time, reason, admin string) onceKey {
	return onceKey("dm:chart-problem:" + id(scheduledAt.Unix()) + ":" + reason + ":" + admin)
}

func id(n int64) string { return strconv.FormatInt(n, 10) }
