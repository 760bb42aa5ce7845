package bot

// Scope is a bot token scope Extra Mile needs: what it is used for and what
// breaks without it (what `extramile doctor` tells an admin).
type Scope struct {
	Name      string // e.g. "chat:write"
	UsedFor   string
	WithoutIt string
}

// Scopes lists every scope the bot token needs, in the order of
// manifest.yml. manifest.yml and README.md's scope table list the same
// scopes (a test checks both). The app-level token needs connections:write
// (Socket Mode) besides.
func Scopes() []Scope {
	return []Scope{
		{"commands", "the /extramile slash command",
			"/extramile does not exist in the workspace: nobody can share a story, see the leaderboard or change settings"},
		{"chat:write", "shoutouts, thank-you DMs, prompts, roundups, digests and private replies",
			"the bot cannot post anything: stories are kept, but no shoutout, DM, prompt, roundup or digest goes out"},
		{"channels:join", "joining a public channel before posting in it, on /extramile subscribe, and every public channel when kudos count everywhere",
			"the bot cannot join public channels: shoutouts and prompts fail where it was not invited, and kudos count only where it was"},
		{"channels:read", "conversations.info, conversations.list and users.conversations on public channels; the member_joined_channel, channel_left and channel_created events",
			"the bot cannot look public channels up or list them: every story counts as private (none reaches a public roundup, digest or leaderboard), and it cannot tell which channels it is in"},
		{"groups:read", "the same for private channels the bot was invited to; group_left when it is removed from one",
			"the bot cannot look private channels up or list them: it does not know where it was invited, and the story form offers archived ones (stories there still stay private)"},
		{"channels:history", "conversations.history in a public channel, only after a post whose answer was lost (a 5xx, a timeout, a dropped connection, a crash): the bot finds its own post by its metadata instead of posting it again",
			"after a lost answer the bot cannot tell whether its post went out: it posts again, and a shoutout or a scheduled post can appear twice"},
		{"groups:history", "the same in private channels the bot was invited to",
			"the same in private channels: a post whose answer was lost can appear twice"},
		{"im:write", "conversations.open: the bot's DM channel with a person, to look for a DM whose answer was lost",
			"after a lost answer the bot cannot look for its DM: a thank-you or kudos DM can arrive twice"},
		{"im:history", "conversations.history in the bot's own DMs with people (no one else's), for the same look",
			"a thank-you or kudos DM whose answer was lost can arrive twice"},
		{"users:read", "users.info: refuse bots and deactivated people, recognize workspace admins, the giver's time zone",
			"stories can name bots or deactivated people, workspace admins are not recognized, and the daily kudos limit uses EXTRAMILE_TIMEZONE"},
		{"reactions:read", "reaction_added / reaction_removed events for kudos, and reactions.get",
			"Slack sends no reaction events: no kudos are ever counted"},
		{"files:write", "files.getUploadURLExternal and files.completeUploadExternal: the monthly digest's chart in its thread, and the preview's chart by DM",
			"digests go out without their chart (the admins are told once per digest), and the preview's Show the chart button says it cannot"},
	}
}
