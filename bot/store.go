package bot

import (
	"context"
	"time"

	"github.com/extramile/extramile"
)

// The bot's port to what it keeps, in the domain's words: a few small
// interfaces, each owned by the work that uses it. storage.DB implements
// them all; another store (PostgreSQL is planned) would too, without a change
// here. bot never imports a storage package.

// Store is everything the bot keeps and reads.
type Store interface {
	Stories
	Shoutouts
	Kudos
	Ledger
	Preferences
	Reports
	Homes
	Habit
}

// Homes keeps who opened the App Home, and reads the stories it lists
// (home.go).
type Homes interface {
	HomeOpened(ctx context.Context, user string) error
	OpenedHome(ctx context.Context, users []string) ([]string, error)
	HomeUsers(ctx context.Context) ([]string, error)
	StoriesAbout(ctx context.Context, user string, offset, limit int) ([]*extramile.Story, int, error)
	StoriesBy(ctx context.Context, user string, offset, limit int) ([]*extramile.Story, int, error)
}

// Stories keeps what people wrote: sharing, editing, deleting, forgetting
// (share.go, interactions.go).
type Stories interface {
	CreateStory(ctx context.Context, s *extramile.Story) error
	FindStory(ctx context.Context, id int64) (*extramile.Story, error)
	UpdateStory(ctx context.Context, s *extramile.Story) error
	DeleteStory(ctx context.Context, id int64) error
	StoriesFor(ctx context.Context, user string, offset, limit int) ([]*extramile.Story, int, error)
	ForgetUser(ctx context.Context, user string) (stories, kudos int, err error)
	CountSubmitted(ctx context.Context, user string) (stories, kudos int, err error)
	// StoryMessages and AddStoryMessage: the bot's DMs that show a story.
	AddStoryMessage(ctx context.Context, m extramile.StoryMessage) error
	StoryMessages(ctx context.Context, ids ...int64) ([]extramile.StoryMessage, error)
	// PrivacyPending and ResolvePrivacy: privacy Slack could not tell yet.
	PrivacyPending(ctx context.Context) ([]string, error)
	ResolvePrivacy(ctx context.Context, channel string, private bool) (int, error)
}

// Shoutouts tracks the public thank-you of each story, and which process
// posts it (share.go, lease.go); the leases of scheduled runs share
// LeaseHolders and BreakLeases.
type Shoutouts interface {
	SetShoutout(ctx context.Context, id int64, ts, permalink string) error
	SetSourceLink(ctx context.Context, id int64, link string) error
	SetShoutoutFailed(ctx context.Context, id int64, reason string) error
	PendingShoutouts(ctx context.Context) ([]*extramile.Story, error)
	StoryByShoutout(ctx context.Context, channel, ts string) (*extramile.Story, error)
	ClaimShoutout(ctx context.Context, id int64, owner string, ttl time.Duration) (bool, error)
	ReleaseShoutout(ctx context.Context, id int64, owner string) error
	AbandonedShoutouts(ctx context.Context) ([]*extramile.Story, error)
	LeaseHolders(ctx context.Context) ([]string, error)
	BreakLeases(ctx context.Context, owner string) (int, error)
	// MarkShoutoutPosting: a post of the shoutout may go out from now on
	// (post.go looks for it before posting again after a crash).
	MarkShoutoutPosting(ctx context.Context, id int64) (first time.Time, before bool, err error)
}

// Kudos records kudos given and taken back by reactions (kudos.go).
type Kudos interface {
	AddKudos(ctx context.Context, g extramile.KudosGift) (extramile.KudosResult, error)
	RemoveKudos(ctx context.Context, t extramile.KudosTakeBack) (removed int, stale bool, err error)
	KudosGiven(ctx context.Context, giver, channel, ts, emoji string) (bool, error)
	KudosReceived(ctx context.Context, receiver string, from, to time.Time) ([]extramile.Kudos, error)
	KudosReceivers(ctx context.Context, from, to time.Time) ([]string, error)
}

// Ledger makes things happen once: the once-only keys (oncekeys.go) and the
// run ledger of scheduled posts (jobs.go).
type Ledger interface {
	Once(ctx context.Context, key string) (bool, error)
	ForgetOnce(ctx context.Context, key string) error
	PruneOnce(ctx context.Context, before time.Time) (int, error)
	ClaimRun(ctx context.Context, job string, subject extramile.RunSubject, scheduledAt time.Time, owner string, ttl time.Duration) (extramile.RunClaim, error)
	MarkRunPosting(ctx context.Context, job string, subject extramile.RunSubject, scheduledAt time.Time) (time.Time, error)
	FinishRun(ctx context.Context, job string, subject extramile.RunSubject, scheduledAt time.Time, runErr error) error
	LastRun(ctx context.Context, job string, subject extramile.RunSubject) (time.Time, error)
}

// Preferences are what people and admins chose: quiet, subscriptions and
// settings (commands.go, kudoswhere.go).
type Preferences interface {
	SetQuiet(ctx context.Context, user string, quiet bool) error
	Quiet(ctx context.Context, user string) (bool, error)
	Subscribe(ctx context.Context, channel, by string) (bool, error)
	Unsubscribe(ctx context.Context, channel string) (bool, error)
	Subscriptions(ctx context.Context) ([]string, error)
	SettingInfo(ctx context.Context, key string) (extramile.Setting, bool, error)
	SetSetting(ctx context.Context, key, value, by string) error
}

// Reports reads counts and stories back: leaderboards, roundups, digests
// (commands.go, jobs.go, topcache.go).
type Reports interface {
	Stories(ctx context.Context, f extramile.StoryFilter) ([]*extramile.Story, error)
	Top(ctx context.Context, from, to time.Time, limit int) ([]extramile.Tally, error)
	Digest(ctx context.Context, q extramile.DigestQuery) (*extramile.Digest, error)
}
