// Package slackapp is Slack's transport for the bot: the Socket Mode
// connection (Adapter: reading envelopes, acking each one exactly once,
// reconnecting a silent socket) and the route table (Router: slash command,
// subcommand, view callback, action ID, shortcut and event type → handler).
// Handlers of commands and views return what the ack carries. It knows
// nothing of stories or kudos: package bot installs its routes in a Router.
package slackapp
