// Package bot is what Extra Mile says and how: it answers slash commands,
// modal submissions, button clicks and reaction events over Socket Mode,
// posts shoutouts, thanks and the scheduled prompts, roundups and digests,
// and keeps what users submit through the store before anything is posted.
package bot
