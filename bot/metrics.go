package bot

// Metrics hears what the bot creates, for the operator's metrics
// (internal/metrics implements it). Its methods must return quickly.
type Metrics interface {
	// StoryCreated is called once per story kept.
	StoryCreated()
	// KudosCreated is called with the kudos a reaction recorded (one per
	// person receiving it).
	KudosCreated(n int)
}

// noMetrics is the Metrics of a bot given none.
type noMetrics struct{}

func (noMetrics) StoryCreated()    {}
func (noMetrics) KudosCreated(int) {}
