package ops

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/clock"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/slackfake"
)

// scrape GETs /metrics and parses it with Prometheus' text parser.
func scrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	code, body := get(t, base+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d\n%s", code, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, body)
	}
	return fams
}

// value is a counter's or gauge's value, or a histogram's count, for the
// series with exactly these labels (0 when absent).
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	f := fams[name]
	if f == nil {
		return 0
	}
	want := map[string]string{}
	for i := 0; i+1 < len(labels); i += 2 {
		want[labels[i]] = labels[i+1]
	}
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		if !maps.Equal(got, want) {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.GetCounter().GetValue()
		case m.Gauge != nil:
			return m.GetGauge().GetValue()
		case m.Histogram != nil:
			return float64(m.GetHistogram().GetSampleCount())
		}
	}
	return 0
}

// total sums a counter family over all its series.
func total(fams map[string]*dto.MetricFamily, name string) float64 {
	var n float64
	for _, m := range fams[name].GetMetric() {
		n += m.GetCounter().GetValue()
	}
	return n
}

// slackMetric is extramile_slack_requests_total as method|result → count.
func slackMetric(fams map[string]*dto.MetricFamily) map[string]float64 {
	out := map[string]float64{}
	for _, m := range fams["extramile_slack_requests_total"].GetMetric() {
		var method, result string
		for _, l := range m.GetLabel() {
			switch l.GetName() {
			case "method":
				method = l.GetValue()
			case "result":
				result = l.GetValue()
			}
		}
		out[method+"|"+result] = m.GetCounter().GetValue()
	}
	return out
}

// slackRecorded is what the fake answered, counted the same way.
func slackRecorded(srv *slackfake.Server) map[string]float64 {
	out := map[string]float64{}
	for _, c := range srv.Calls("") {
		result := "ok"
		switch {
		case c.Method == "response_url":
			continue
		case c.Status == http.StatusTooManyRequests:
			result = "ratelimited"
		case c.Status >= 500:
			result = "server_error"
		case c.Status != http.StatusOK:
			result = "http_error"
		case c.Error != "":
			result = c.Error
		}
		out[c.Method+"|"+result]++
	}
	return out
}

// TestMetricsCountAKnownLoad drives a known load (help commands, quick
// shares, kudos reactions, one caught-up prompt, a 429, a 5xx and an
// ok:false from Slack) and checks /metrics counts it exactly: envelopes by
// type and their ack latencies, stories and kudos created, scheduled runs,
// and every Web API request by method and result as the fake Slack saw it.
func TestMetricsCountAKnownLoad(t *testing.T) {
	t.Parallel()
	// A weekly prompt due a minute ago on the program's (fake, unmoving)
	// clock, made up once at start.
	h := apptest.New(t, func(c *config.Config) {
		c.PromptSchedule = "0 10 * * MON"
		c.Catchup = time.Hour
	})
	now := time.Date(2024, time.March, 4, 10, 1, 0, 0, time.UTC) // a Monday
	h.Clock = clock.NewFake(now)
	base := h.ServeHTTP()
	h.Slack.RateLimitNext("chat.getPermalink", 1, 0)
	h.Slack.FailNext("chat.getPermalink", 1, "fatal_error")
	h.Slack.ServerErrorNext("chat.postEphemeral", 1, 503)
	h.Start()

	const (
		helps   = 4 // /extramile help
		stories = 3 // quick shares
		kudos   = 5 // raised_hands on 5 of Bob's messages
	)
	for range helps {
		h.Command(apptest.Carol, apptest.General, "help")
	}
	for i := range stories {
		h.Command(apptest.Alice, apptest.General, fmt.Sprintf("<@UBOB|bob> stayed late on day %d to fix the customer's import", i+1))
	}
	for i := range kudos {
		m := h.Slack.AddMessage(slackfake.Message{Channel: apptest.General, User: apptest.Bob, Text: fmt.Sprintf("fixed thing %d", i)})
		h.Event(h.Slack.ReactionEvent("reaction_added", apptest.Carol, "raised_hands", "", m.Channel, m.TS))
	}

	// Wait for the work after the acks: each story's confirmation (the
	// last Slack call of publishing it), the kudos, the prompt's run.
	h.Eventually("the confirmations", func() bool {
		n := 0
		for _, m := range h.Ephemerals(apptest.Alice) {
			if strings.Contains(m.Text, "Thank you for writing it down") {
				n++
			}
		}
		return n == stories
	})
	h.Eventually("the kudos", func() bool { return len(h.Export().Kudos) == kudos })
	var fams map[string]*dto.MetricFamily
	h.Eventually("the prompt's run", func() bool {
		fams = scrape(t, base)
		return value(fams, "extramile_scheduler_runs_total", "job", "prompt", "result", "ok") == 1
	})
	// A request is counted once its answer is back, and recorded by the
	// fake once answered: the two agree once both have caught up.
	var got, want map[string]float64
	deadline := time.Now().Add(apptest.Timeout)
	for {
		fams = scrape(t, base)
		got, want = slackMetric(fams), slackRecorded(h.Slack)
		if maps.Equal(got, want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !maps.Equal(got, want) {
		t.Errorf("extramile_slack_requests_total:\n got  %v\n want %v (the fake's record)", got, want)
	}
	for _, k := range []string{"chat.getPermalink|ratelimited", "chat.getPermalink|fatal_error", "chat.postEphemeral|server_error", "apps.connections.open|ok", "auth.test|ok"} {
		if got[k] != 1 {
			t.Errorf("slack requests %s: got %v, want 1", k, got[k])
		}
	}
	if got["chat.postMessage|ok"] < stories*2+1 {
		t.Errorf("chat.postMessage ok: got %v, want at least %d (shoutouts, thank-yous, the prompt)", got["chat.postMessage|ok"], stories*2+1)
	}

	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"extramile_socket_envelopes_total", []string{"type", "slash_commands"}, helps + stories},
		{"extramile_socket_envelopes_total", []string{"type", "events_api"}, kudos},
		{"extramile_socket_envelopes_total", []string{"type", "interactive"}, 0},
		{"extramile_socket_ack_duration_seconds", []string{"type", "slash_commands"}, helps + stories},
		{"extramile_socket_ack_duration_seconds", []string{"type", "events_api"}, kudos},
		{"extramile_stories_created_total", nil, stories},
		{"extramile_kudos_created_total", nil, kudos},
		{"extramile_scheduler_runs_total", []string{"job", "prompt", "result", "ok"}, 1},
	} {
		if got := value(fams, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v: got %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if n := total(fams, "extramile_scheduler_runs_total"); n != 1 {
		t.Errorf("scheduled runs in all: got %v, want 1", n)
	}
	if n := value(fams, "extramile_db_write_duration_seconds"); n < stories+kudos {
		t.Errorf("database writes observed: got %v, want at least %d", n, stories+kudos)
	}
	if v := value(fams, "extramile_socket_last_received_timestamp_seconds"); v != float64(now.Unix()) {
		t.Errorf("socket last received: got %v", v)
	}
	if fams["go_goroutines"] == nil || fams["process_resident_memory_bytes"] == nil {
		t.Error("/metrics lacks the Go runtime or process metrics")
	}
}
