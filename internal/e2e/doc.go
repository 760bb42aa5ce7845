// Package e2e holds the end-to-end tests, one folder per area (backbone, home,
// stories, schedules, kudos, faults). Each runs the real program through
// internal/apptest against the fake Slack in internal/slackfake, over real
// HTTP and websocket connections on 127.0.0.1.
package e2e
