package settings

import (
	"encoding/json"
	"sort"
	"testing"
	"time"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
)

// field is one input of the settings modal as the tests read it.
type field struct {
	Type          string   // the element's type
	Value         string   // a text input's initial value, a radio's initial option
	Conversations []string // a multi_conversations_select's initial conversations
}

// settingsModal is the settings modal as the tests read it: its inputs by
// block ID, and the text of its sections (the settings shown locked).
type settingsModal struct {
	View   slackfake.View
	Inputs map[string]field
	Text   string // every section's text, joined
}

// readModal runs `/extramile settings edit` as user and reads the modal.
func readModal(t *testing.T, h *apptest.Harness, user string) settingsModal {
	t.Helper()
	v, _ := openSettings(t, h, user)
	var m struct {
		Blocks []struct {
			Type    string `json:"type"`
			BlockID string `json:"block_id"`
			Text    struct {
				Text string `json:"text"`
			} `json:"text"`
			Element struct {
				Type                 string   `json:"type"`
				InitialValue         string   `json:"initial_value"`
				InitialConversations []string `json:"initial_conversations"`
				InitialOption        struct {
					Value string `json:"value"`
				} `json:"initial_option"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(v.JSON, &m); err != nil {
		t.Fatal(err)
	}
	out := settingsModal{View: v, Inputs: map[string]field{}}
	for _, b := range m.Blocks {
		switch b.Type {
		case "input":
			f := field{Type: b.Element.Type, Value: b.Element.InitialValue, Conversations: b.Element.InitialConversations}
			if f.Type == "radio_buttons" {
				f.Value = b.Element.InitialOption.Value
			}
			out.Inputs[b.BlockID] = f
		case "section":
			out.Text += b.Text.Text + "\n"
		}
	}
	return out
}

// submit submits the modal m with values (block ID → action value) and
// returns the ack's payload (nil for a plain ack).
func submit(t *testing.T, h *apptest.Harness, m settingsModal, values map[string]map[string]any) map[string]any {
	t.Helper()
	p, err := h.Slack.ViewSubmissionFor(m.View.ID, values)
	if err != nil {
		t.Fatal(err)
	}
	return apptest.AckPayload(t, h.Interact(p))
}

// change submits a fresh modal with values and fails unless it is a plain
// ack (the change was taken).
func change(t *testing.T, h *apptest.Harness, values map[string]map[string]any) {
	t.Helper()
	if ack := submit(t, h, readModal(t, h, apptest.Admin), values); ack != nil {
		t.Fatalf("submission answered %v, want a plain ack", ack)
	}
}

// text is a typed input's state; choice a radio's; channels a conversations menu's.
func text(block, v string) map[string]map[string]any {
	return map[string]map[string]any{block: {compose.ActionSettingValue: slackfake.TextValue(v)}}
}

func choice(block, v string) map[string]map[string]any {
	return map[string]map[string]any{block: {compose.ActionSettingValue: slackfake.RadioValue(v)}}
}

func channels(ids ...string) map[string]map[string]any {
	return map[string]map[string]any{compose.BlockChannels: {compose.ActionSettingValue: slackfake.ConversationsValue(ids...)}}
}

// merge joins state values.
func merge(vs ...map[string]map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, v := range vs {
		for k, x := range v {
			out[k] = x
		}
	}
	return out
}

// errorsOf returns the blocks an errors ack names (nil for any other ack).
func errorsOf(ack map[string]any) map[string]any {
	if ack["response_action"] != "errors" {
		return nil
	}
	errs, _ := ack["errors"].(map[string]any)
	return errs
}

// block is the modal's block ID of a setting.
func block(key string) string { return compose.SettingBlock(key) }

// firing is one scheduled post as the fake recorded it (its metadata).
type firing struct {
	Job, Channel string
	At           time.Time
}

// firings lists the scheduled posts the fake holds in channel, from their
// metadata, in order.
func firings(t *testing.T, h *apptest.Harness, channel string) []firing {
	t.Helper()
	var out []firing
	for _, m := range h.Posts(channel) {
		if m.Metadata == nil {
			continue
		}
		var md struct {
			EventType    string            `json:"event_type"`
			EventPayload map[string]string `json:"event_payload"`
		}
		if err := json.Unmarshal(m.Metadata, &md); err != nil || md.EventType != "extramile_run" {
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, md.EventPayload["scheduled_at"])
		if err != nil {
			t.Fatalf("scheduled_at %q: %v", md.EventPayload["scheduled_at"], err)
		}
		out = append(out, firing{Job: md.EventPayload["job"], Channel: md.EventPayload["channel"], At: at.UTC()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// promptFirings are the times of the prompts posted in channel.
func promptFirings(t *testing.T, h *apptest.Harness, channel string) []time.Time {
	t.Helper()
	var out []time.Time
	for _, f := range firings(t, h, channel) {
		if f.Job == bot.JobPrompt {
			out = append(out, f.At)
		}
	}
	return out
}
