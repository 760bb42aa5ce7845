package compose

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

func TestChartMessagesGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		m    Message
	}{
		{"chart_problem_missing_scope", ChartProblem("C0WINS0001", "November 2026", "missing_scope")},
		{"chart_problem_other", ChartProblem("C0WINS0001", "November 2026", "file_uploads_disabled")},
		{"chart_problem_no_code", ChartProblem("C0WINS0001", "November 2026", "")},
		{"chart_problem_odd_code", ChartProblem("C0WINS0001", "<!channel>", "`<!here>`")},
		{"chart_sent", ChartSent()},
		{"chart_unavailable_missing_scope", ChartUnavailable("missing_scope")},
		{"chart_unavailable_other", ChartUnavailable("")},
	} {
		t.Run(c.name, func(t *testing.T) {
			mustCheck(t, c.name, c.m)
			golden(t, c.name, c.m)
		})
	}
}

func TestChartProblemPingsNoOne(t *testing.T) {
	raw, err := json.Marshal(ChartProblem("C0WINS0001", "<!channel> <@U1>", "<!everyone>"))
	if err != nil {
		t.Fatal(err)
	}
	for _, ping := range []string{"<!channel>", "<!everyone>", "<@U1>"} {
		if strings.Contains(string(raw), ping) {
			t.Errorf("the admin DM contains %s: %s", ping, raw)
		}
	}
}

func TestChartComment(t *testing.T) {
	got := ChartComment("November 2026 in extra miles, so far", "C0WINS0001")
	if want := ":bar_chart: November 2026 in extra miles, so far, as <#C0WINS0001>'s digest counts it."; got != want {
		t.Errorf("ChartComment = %q, want %q", got, want)
	}
}

// TestDigestPreviewOffersTheChart: the preview of a month with stories has a
// "Show the chart" button whose value is the month in the bot's zone; one
// without stories has nothing to draw.
func TestDigestPreviewOffersTheChart(t *testing.T) {
	from := time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC) // 1 November in Berlin
	withStories := DigestPreview(&extramile.Digest{From: from, Stories: 2, Recognized: 2}, berlin)
	if v, ok := actionValue(t, withStories, ActionDigestChart); !ok || v != "2026-11" {
		t.Errorf("chart button value %q (found %v), want 2026-11", v, ok)
	}
	if _, ok := actionValue(t, DigestPreview(&extramile.Digest{From: from}, berlin), ActionDigestChart); ok {
		t.Error("an empty month's preview offers a chart")
	}
	if _, ok := actionValue(t, Digest(&extramile.Digest{From: from, Stories: 2}, berlin), ActionDigestChart); ok {
		t.Error("the posted digest has a chart button; its chart goes in its thread")
	}
}

// actionValue finds the value of the button with actionID in m's blocks.
func actionValue(t *testing.T, m Message, actionID string) (string, bool) {
	t.Helper()
	raw, err := json.Marshal(m.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(raw, &blocks); err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks {
		for _, e := range b.Elements {
			if e.ActionID == actionID {
				return e.Value, true
			}
		}
	}
	return "", false
}
