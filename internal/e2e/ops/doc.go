// Package ops tests what an operator runs and watches, end to end against
// the fake Slack: /healthz and /readyz (not ready when the socket goes
// silent, ready again after the reconnect), /metrics (parsed with
// Prometheus' text parser, counting a known load exactly), `doctor` on a
// healthy and on broken setups, and backups taken while stories arrive.
package ops
