// Package compose builds every message and view the Extra Mile bot sends, as
// pure functions from domain values to Block Kit (github.com/slack-go/slack
// types), and parses what comes back from the story modal.
//
// Nothing here talks to Slack, reads the clock or keeps state: times, time
// zones and permalinks are passed in, so the same input always gives the
// same JSON (checked against golden files in testdata/golden).
//
// Text written by people is always passed through Escape before it reaches
// mrkdwn, so a story cannot ping a channel or break the layout; only real
// user and channel mentions survive. Builders keep every block inside Slack's
// limits however long the input is; Check and CheckModal verify that.
package compose
