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
		{"channels:join", "joining a public channel before posting its first shoutout or prompt there",
			"shoutouts and prompts fail in public channels the bot was not invited to"},
		{"channels:read", "conversations.info on public channels: is it private or archived, is the bot in it",
			"every story counts as private (the bot cannot tell), so none reaches a public roundup, digest or leaderboard, and the story form offers archived channels"},
		{"groups:read", "conversations.info on private channels the bot was invited to",
			"the bot cannot look private channels up: the story form offers archived ones (stories there still stay private)"},
		{"users:read", "users.info: refuse bots and deactivated people, recognize workspace admins, the giver's time zone",
			"stories can name bots or deactivated people, workspace admins are not recognized, and the daily kudos limit uses EXTRAMILE_TIMEZONE"},
		{"reactions:read", "reaction_added / reaction_removed events for kudos, and reactions.get",
			"Slack sends no reaction events: no kudos are ever counted"},
	}
}
