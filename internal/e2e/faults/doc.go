// Package faults holds the end-to-end fault tests: the bot killed with
// SIGKILL in the middle of a stream of submissions, sockets dropped under
// load, Slack answering 429 and 5xx in bursts, a locked database and a full
// disk, a scheduled run missed while the bot was down, and malformed input.
// Each test runs the real program (in process through internal/apptest, or
// as a child process to be killed) against the fake Slack on 127.0.0.1, and
// fails if the behaviour it names regresses.
package faults
