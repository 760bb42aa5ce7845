package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/slackfake"
)

// Tokens the fake Slack accepts.
const (
	botToken = "xoxb-bench"
	appToken = "xapp-bench"
)

// loadChannel is the public channel the load's stories and reactions go to.
const loadChannel = "CBENCH"

// workspace is one fake Slack with the bench's cast of people.
type workspace struct {
	tb    *fakeTB
	srv   *slackfake.Server
	users []string
}

// newWorkspace starts a fake Slack with n people and the load channel.
func newWorkspace(n int) *workspace {
	tb := &fakeTB{}
	srv := slackfake.New(tb, slackfake.WithBotToken(botToken), slackfake.WithAppToken(appToken))
	w := &workspace{tb: tb, srv: srv}
	for i := range n {
		id := fmt.Sprintf("UB%05d", i)
		srv.AddUser(slackfake.User{ID: id, Name: fmt.Sprintf("person%d", i), RealName: fmt.Sprintf("Person %d", i), TZ: "UTC"})
		w.users = append(w.users, id)
	}
	srv.AddChannel(slackfake.Channel{ID: loadChannel, Name: "bench", BotIsMember: true})
	return w
}

// close stops the fake Slack.
func (w *workspace) close() { w.tb.close() }

// waitConnected waits for the n-th socket, or for the process to exit.
func (w *workspace) waitConnected(c *child, n int, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	connected := make(chan error, 1)
	go func() { connected <- w.srv.WaitConnected(ctx, n) }()
	select {
	case err := <-connected:
		if err != nil {
			return fmt.Errorf("%w; its output:\n%s", err, tail(c.logs.String(), 20))
		}
		return nil
	case err := <-c.done:
		c.done <- err
		return fmt.Errorf("%s exited while connecting (%v):\n%s", c.cmd.Path, err, tail(c.logs.String(), 20))
	}
}

// The kinds of envelope a load sends, in turn.
const (
	kindCommand    = "slash command"
	kindSubmission = "view submission"
	kindReaction   = "reaction event"
)

// kinds lists them in report order.
var kinds = []string{kindCommand, kindSubmission, kindReaction}

// item is one envelope of a load, built before the load starts.
type item struct {
	kind    string
	typ     string
	payload json.RawMessage
	token   string // a view submission's story token, found again in its shoutout
}

// commands are the slash commands a load cycles through.
var commands = []string{"help", "mine", "top week"}

// workload builds n envelopes, one kind after the other: a slash command, a
// story submission, a kudos reaction. run makes its stories and reactions
// unique across the runs on one database.
func (w *workspace) workload(run, n int) ([]item, error) {
	items := make([]item, 0, n)
	u := len(w.users)
	for i := range n {
		var (
			it      = item{kind: kinds[i%len(kinds)]}
			payload map[string]any
			author  = w.users[(i/3)%u]
			other   = w.users[(i/3+1+run)%u]
		)
		switch it.kind {
		case kindCommand:
			it.typ = slackfake.TypeSlashCommands
			payload = w.srv.SlashCommand(author, loadChannel, commands[(i/3)%len(commands)])
		case kindSubmission:
			it.typ = slackfake.TypeInteractive
			it.token = fmt.Sprintf("bench-%d-%d", run, i)
			text := fmt.Sprintf("[%s] Noticed the customer's import failing at night and stayed to fix it before their launch.", it.token)
			payload = w.srv.ViewSubmissionPayload(author, compose.CallbackStory, compose.ModalMetadata{Channel: loadChannel}.Encode(),
				map[string]map[string]any{
					compose.BlockWho:      {compose.ActionWho: slackfake.UsersValue(other)},
					compose.BlockWhat:     {compose.ActionWhat: slackfake.TextValue(text)},
					compose.BlockAudience: {compose.ActionAudience: slackfake.RadioValue("customer")},
					compose.BlockWay:      {compose.ActionWay: slackfake.SelectValue("notice_need")},
					compose.BlockChannel:  {compose.ActionChannel: slackfake.ConversationValue(loadChannel)},
				})
		case kindReaction:
			it.typ = slackfake.TypeEventsAPI
			ts := fmt.Sprintf("%d.%06d", 1700000000+run, i)
			payload = w.srv.ReactionEvent("reaction_added", author, "raised_hands", other, loadChannel, ts)
		}
		raw, err := json.Marshal(payload)
		if err != nil {
			return nil, fmt.Errorf("workload: %w", err)
		}
		it.payload = raw
		items = append(items, it)
	}
	return items, nil
}
