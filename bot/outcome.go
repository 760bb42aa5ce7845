package bot

import "time"

// The bot reports what became of its work as typed values, through the
// hooks in Options (OnReaction, OnPost): tests and tools wait on them
// instead of reading the logs, whose words stay free to change.

// ReactionResult says what became of a reaction event.
type ReactionResult string

// Results of a reaction event (also the outcome attribute of the
// "reaction handled" log line).
const (
	ReactionGiven          ReactionResult = "kudos_given"              // kudos recorded
	ReactionTakenBack      ReactionResult = "kudos_taken_back"         // kudos removed
	ReactionLimitReached   ReactionResult = "daily_limit_reached"      // refused: the giver gave all their kudos today
	ReactionAlreadyCounted ReactionResult = "already_counted"          // the same kudos was counted before (another event for it)
	ReactionNoKudos        ReactionResult = "no_kudos"                 // nobody may receive kudos for this reaction (see Reason)
	ReactionNothingToTake  ReactionResult = "nothing_to_take_back"     // removed, but no kudos was kept for it
	ReactionOtherSkinTone  ReactionResult = "kept_for_other_skin_tone" // removed, but the giver still reacts with another skin tone
	ReactionNotKudos       ReactionResult = "not_a_kudos_reaction"     // not a kudos emoji, or not on a message
	ReactionDuplicateEvent ReactionResult = "duplicate_event_id"       // a redelivery
	ReactionDuplicate      ReactionResult = "duplicate_reaction"       // the same reaction under another event_id
	ReactionStale          ReactionResult = "stale"                    // older than the last event applied for the same kudos
	ReactionFailed         ReactionResult = "failed"                   // not applied (see Err); a redelivery may try again
)

// ReactionOutcome is what became of one reaction_added or reaction_removed
// event, reported once the bot is done with it.
type ReactionOutcome struct {
	EventID      string // the event_id (the same on a redelivery)
	RetryAttempt int    // 0 on the first delivery
	Kind         string // "reaction_added" or "reaction_removed"
	Giver        string // the user who reacted
	Channel, TS  string // the message reacted to
	Reaction     string // the emoji's name, with its skin tone
	Result       ReactionResult
	Reason       string // for ReactionNoKudos: why nobody receives kudos
	Err          error  // for ReactionFailed: what failed
}

// PostOutcome is what became of one scheduled post in one channel, for a
// run of a job: posted (Err nil), or not. A channel whose post was already
// made (or is being made) for this firing is not reported again.
type PostOutcome struct {
	Job         string    // the job (JobPrompt, JobRoundup, JobDigest)
	ScheduledAt time.Time // the firing
	Channel     string
	Err         error // nil: posted
	// Undeliverable says the channel cannot take posts (archived, private
	// without the bot…): it was skipped and the admins were told.
	Undeliverable bool
}

// observeReaction reports o to Options.OnReaction.
func (b *Bot) observeReaction(o ReactionOutcome) {
	if b.onReaction != nil {
		b.onReaction(o)
	}
}

// observePost reports o to Options.OnPost.
func (b *Bot) observePost(o PostOutcome) {
	if b.onPost != nil {
		b.onPost(o)
	}
}
