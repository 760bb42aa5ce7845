// Package bot is what Extra Mile says and how: it answers slash commands,
// modal submissions, button clicks and reaction events (every one of them
// listed in Install, routes.go; slackapp carries them over Socket Mode),
// posts shoutouts, thanks and the scheduled prompts, roundups and digests,
// and keeps what users submit through the store before anything is posted.
// It knows which channels it is a member of, where Slack sends it reactions
// and so where kudos count, and joins every public channel when an admin
// chooses so (membership.go, kudoswhere.go).
package bot
