package compose

import (
	"fmt"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
)

// ActionCheckinsPage pages `/extramile checkins` ("Newer", "Older"); its
// value is the offset of the page to show, in decimal. The page shown is
// always the clicker's own.
const ActionCheckinsPage = "checkins_page"

// CheckinsPageSize is how many check-ins `/extramile checkins` shows at once.
const CheckinsPageSize = 5

// checkinLength is how much of each check-in the list shows.
const checkinLength = 600

// Checkins is a person's own half-step check-ins, for them alone
// (ephemeral): one page, newest week first, from offset, out of total; each
// dated when it was kept (shown in loc where Slack cannot format the date).
func Checkins(checkins []extramile.Checkin, total, offset int, loc *time.Location) Message {
	offset = max(offset, 0)
	if len(checkins) > CheckinsPageSize {
		checkins = checkins[:CheckinsPageSize]
	}
	if total <= 0 && len(checkins) == 0 {
		return Message{Text: "You haven't kept a half-step check-in yet.", Blocks: []slack.Block{
			section(":lock: You haven't kept a half-step check-in yet. Each weekly nudge has a *Half-step check-in* button: " +
				"one honest sentence about where you could have gone a half step further. Only you ever see it, here."),
		}}
	}
	total = max(total, offset+len(checkins))
	blocks := []slack.Block{
		section(":lock: *Your half-step check-ins*: only you can see them."),
		contextBlock(fmt.Sprintf("%d–%d of %d, newest first. `/extramile forget-me` deletes them.", offset+1, offset+len(checkins), total)),
	}
	if len(checkins) == 0 {
		blocks[1] = contextBlock("There are no more check-ins past this point.")
	}
	for _, c := range checkins {
		blocks = append(blocks, section("*"+slackDateIn(c.CreatedAt, loc)+"*\n"+escapeMax(c.Text, checkinLength)))
	}
	if offset > 0 {
		blocks = append(blocks, actions("checkins_newer", button(ActionCheckinsPage, "Newer", strconv.Itoa(max(offset-CheckinsPageSize, 0)), "")))
	}
	if next := offset + len(checkins); len(checkins) > 0 && next < total {
		blocks = append(blocks, actions("checkins_older", button(ActionCheckinsPage, "Older", strconv.Itoa(next), "")))
	}
	return Message{Text: "Your half-step check-ins (" + plural(total, "check-in", "check-ins") + ")", Blocks: blocks}
}
