package compose

import (
	"strings"

	"github.com/slack-go/slack"
)

// ActionDigestChart is the "Show the chart" button of DigestPreview: it
// uploads the month's chart into the user's DM with the bot. Its value is
// the month, "2026-11" (in the bot's zone); the channel is the one the
// preview was shown in.
const ActionDigestChart = "digest_chart"

// ChartMonthFormat is the layout of ActionDigestChart's value (time.Format),
// the same as chart.MonthFormat.
const ChartMonthFormat = "2006-01"

// chartButton is the "Show the chart" button for a month ("2026-11").
func chartButton(month string) *slack.ButtonBlockElement {
	return button(ActionDigestChart, ":bar_chart: Show the chart", month, "")
}

// ChartProblem tells an admin, by DM, that a monthly digest was posted in
// channel without its chart (the month is "November 2026"), given the Slack
// error code of the failed upload ("" for a failure without one, such as a
// refused upload URL), and what to do.
func ChartProblem(channel, month, code string) Message {
	ch := ChannelMention(channel)
	var what string
	switch code {
	case "missing_scope":
		what = "The " + escapeMax(month, 40) + " digest is posted in " + ch + ", but without its chart: " +
			"the app lacks the `files:write` permission it needs to upload pictures. " +
			"Add `files:write` under *OAuth &amp; Permissions → Bot Token Scopes* in the app's settings " +
			"(or paste the updated `manifest.yml`), then reinstall the app to your workspace. " +
			"The next digest will have its chart."
	default:
		shown := ""
		if c := escapeMax(strings.ReplaceAll(code, "`", ""), 60); c != "" {
			shown = " (`" + c + "`)"
		}
		what = "The " + escapeMax(month, 40) + " digest is posted in " + ch + ", but Slack did not take its chart" + shown +
			". Nothing else is affected, and the next digest will try again. " +
			"`extramile chart --month` draws the same picture from the database if you want to share it by hand."
	}
	return Message{
		Text: fallback("A digest was posted without its chart in " + ch),
		Blocks: []slack.Block{
			section(":bar_chart: *A digest went out without its chart*\n" + what),
			contextBlock("You get this because you're an Extra Mile admin. I won't repeat this message for this digest."),
		},
	}
}

// ChartComment introduces the chart in the user's DM: the month's title
// (e.g. "November 2026 in extra miles, so far") and the channel whose
// digest it draws.
func ChartComment(title, channel string) string {
	return ":bar_chart: " + escapeMax(title, 80) + ", as " + ChannelMention(channel) + "'s digest counts it."
}

// ChartSent confirms, ephemerally, that the chart is in the user's DM.
func ChartSent() Message {
	return simple(":bar_chart: I've sent you the chart in our DM.")
}

// ChartUnavailable says, ephemerally, why the chart could not be sent, given
// the Slack error code of the failed upload ("" when there is none).
func ChartUnavailable(code string) Message {
	if code == "missing_scope" {
		return Error("I can't upload pictures yet: the app lacks the files:write permission. " +
			"Ask an Extra Mile admin to add it and reinstall the app. The digest itself works as before.")
	}
	return Error("Slack didn't take the chart just now. Please try again in a moment.")
}
