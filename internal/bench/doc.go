// Package bench measures Extra Mile end to end, for the extramile-bench
// command: the latency of acks through the real path (fake Slack →
// websocket → slack-go → adapter → handler → ack) next to a bare slack-go
// app that acks at once (the floor, measured in the same run), the time
// from a story's submission to its shoutout, a scheduled fan-out through
// the fake Slack's rate limits, and the bot's memory and binary size.
//
// The bot runs as its own process (the extramile binary, built as the
// Dockerfile builds it), so that its resident memory is its own; the fake
// Slack and the load generator run in the bench process, on 127.0.0.1.
package bench
