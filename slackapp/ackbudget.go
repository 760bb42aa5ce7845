package slackapp

import "time"

// defaultAckBudget is Adapter.AckBudget's default: Slack's 3 s ack limit,
// less a margin for the ack's trip back.
const defaultAckBudget = 2500 * time.Millisecond

// ackBudget is how long a synchronous handler may work before its ack.
func (a *Adapter) ackBudget() time.Duration {
	if a.AckBudget > 0 {
		return a.AckBudget
	}
	return defaultAckBudget
}
