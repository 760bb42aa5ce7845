package compose

import (
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// CallbackSettings is the callback_id of the admins' settings modal.
const CallbackSettings = "settings_modal"

// ActionSettingValue is the action ID of every input of the settings modal
// (a block holds one); the block ID names the setting (SettingBlock).
const ActionSettingValue = "spec"

// ActionScheduleSpec is the action ID of each schedule's input in the
// settings modal; its block ID is ScheduleBlock(job).
const ActionScheduleSpec = ActionSettingValue

// Block IDs of the settings modal's inputs that are not key/value settings.
const (
	BlockChannels  = "setting_channels"   // the channels that get the scheduled posts
	BlockSkipDates = "setting_skip_dates" // the weekly habit's skipped dates
)

// ScheduleBlock is the block ID of a job's schedule input in the settings
// modal, and the key of its errors.
func ScheduleBlock(job string) string { return "schedule_" + job }

// SettingBlock is the block ID of a setting's input in the settings modal,
// and the key of its errors: its key with dots as underscores (a schedule's,
// "schedule.prompt", is ScheduleBlock("prompt")).
func SettingBlock(key string) string { return strings.ReplaceAll(key, ".", "_") }

// Bounds of the settings modal's inputs.
const (
	maxSettingInput  = 200  // a typed setting
	maxSkipDateInput = 1100 // the skipped dates, one a line (100 dates)
	// MaxSkipDates bounds the skipped dates the modal shows and takes.
	MaxSkipDates = 100
)

// SettingChoice is one value a setting may take, and its label.
type SettingChoice struct{ Value, Label string }

// FieldKind is how the settings modal asks for a setting.
type FieldKind int

// The kinds of settings fields.
const (
	FieldText     FieldKind = iota // typed on one line
	FieldChoice                    // one of Choices (radio buttons)
	FieldChannels                  // channels (multi_conversations_select)
	FieldDates                     // dates, one a line
)

// SettingField is one setting as the settings modal shows it.
type SettingField struct {
	Block   string    // the block ID: SettingBlock(key), BlockChannels or BlockSkipDates
	Label   string    // "Time zone"
	Kind    FieldKind // how it is asked for
	Value   string    // in effect: a typed field's initial value, a choice's initial option
	Values  []string  // channels or dates in effect
	Words   string    // the value in words ("every Monday at 10:00")
	Help    string    // what it means
	Source  string    // where the value comes from, for the hint: "Default." "Changed in Slack on Mon 2 Dec."
	Choices []SettingChoice
	// EnvVar names the variable the operator set it with: it is then shown,
	// not offered for change.
	EnvVar string
}

// SettingGroup is a titled part of the settings modal.
type SettingGroup struct {
	Title  string
	Intro  string // a context line under the title ("" for none)
	Fields []SettingField
}

// ScheduleSetting is one scheduled job as the Home's settings section shows
// it.
type ScheduleSetting struct {
	Job         string    // JobPrompt…
	Label       string    // "Weekly prompt"
	Spec        string    // the spec in effect
	Description string    // the spec in words
	Next        time.Time // the next run, or zero
	// EnvVar names the variable the operator set it with.
	EnvVar string
}

// SettingsModal is the admins' modal to change the settings: an input per
// setting the operator left to Slack (prefilled with the value in effect),
// and a line for each one the environment sets, which only the operator
// changes.
func SettingsModal(groups []SettingGroup) slack.ModalViewRequest {
	blocks := []slack.Block{contextBlock("A value set in Extra Mile's environment is the operator's: it is shown here, not offered for change. " +
		"The others are defaults you change here; a change takes effect at once.")}
	for _, g := range groups {
		blocks = append(blocks, header(g.Title))
		if g.Intro != "" {
			blocks = append(blocks, contextBlock(g.Intro))
		}
		for _, f := range g.Fields {
			blocks = append(blocks, settingBlock(f))
		}
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: CallbackSettings,
		Title: plain("Settings"), Submit: plain("Save"), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// settingBlock is one field of the settings modal.
func settingBlock(f SettingField) slack.Block {
	if f.EnvVar != "" {
		shown := "`" + strings.ReplaceAll(Truncate(f.Value, maxSettingInput), "`", "'") + "`"
		if f.Kind == FieldChoice || f.Kind == FieldChannels {
			shown = Escape(f.Words)
		} else if f.Words != "" && f.Words != f.Value {
			shown += " (" + escapeMax(f.Words, 300) + ")"
		}
		return section(fmt.Sprintf("*%s:* %s\nSet by `%s` in the environment: only the operator can change it.",
			escapeMax(f.Label, 100), shown, strings.ReplaceAll(f.EnvVar, "`", "")))
	}
	hint := strings.TrimSpace(f.Help + " " + f.Source)
	if f.Words != "" && f.Kind == FieldText && f.Words != f.Value {
		hint = "Now: " + f.Words + ". " + hint
	}
	in := &slack.InputBlock{Type: slack.MBTInput, BlockID: f.Block, Label: plain(Truncate(f.Label, 100))}
	if hint != "" {
		in.Hint = plain(Truncate(hint, 300))
	}
	switch f.Kind {
	case FieldChoice:
		radio := &slack.RadioButtonsBlockElement{Type: slack.METRadioButtons, ActionID: ActionSettingValue}
		for _, c := range f.Choices {
			o := slack.NewOptionBlockObject(c.Value, plain(Truncate(c.Label, 75)), nil)
			radio.Options = append(radio.Options, o)
			if c.Value == f.Value {
				radio.InitialOption = o
			}
		}
		in.Element = radio
	case FieldChannels:
		sel := &slack.MultiSelectBlockElement{
			Type: slack.MultiOptTypeConversations, ActionID: ActionSettingValue,
			Placeholder:          plain("Choose channels"),
			InitialConversations: f.Values,
			Filter:               &slack.SelectBlockElementFilter{Include: []string{"public", "private"}, ExcludeBotUsers: true},
		}
		in.Element, in.Optional = sel, true
	case FieldDates:
		in.Element = &slack.PlainTextInputBlockElement{
			Type: slack.METPlainTextInput, ActionID: ActionSettingValue, Multiline: true,
			InitialValue: strings.Join(f.Values, "\n"), MaxLength: maxSkipDateInput,
			Placeholder: plain("2026-12-24"),
		}
		in.Optional = true
	default:
		in.Element = &slack.PlainTextInputBlockElement{
			Type: slack.METPlainTextInput, ActionID: ActionSettingValue,
			InitialValue: Truncate(f.Value, maxSettingInput), MaxLength: maxSettingInput,
		}
	}
	return in
}

// SettingsForm is a submitted settings modal: what each input held, by
// block ID.
type SettingsForm map[string]SettingInput

// SettingInput is what one input of the settings modal held.
type SettingInput struct {
	Value  string   // typed (trimmed) or the chosen option's value
	Values []string // the chosen channels
}

// ParseSettingsForm reads a submitted settings modal: each input's value by
// block ID, for the inputs it had.
func ParseSettingsForm(view slack.View) SettingsForm {
	out := SettingsForm{}
	if view.State == nil {
		return out
	}
	for block, actions := range view.State.Values {
		a, ok := actions[ActionSettingValue]
		if !ok {
			continue
		}
		switch {
		case string(a.Type) == slack.MultiOptTypeConversations || a.SelectedConversations != nil:
			out[block] = SettingInput{Values: a.SelectedConversations}
		case string(a.Type) == string(slack.METRadioButtons):
			out[block] = SettingInput{Value: a.SelectedOption.Value}
		default:
			out[block] = SettingInput{Value: strings.TrimSpace(a.Value)}
		}
	}
	return out
}

// DurationSpec writes d the short way a person types it: 6h, 90m, 2h30m, 0.
func DurationSpec(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// DurationWords puts d in words: "6 hours", "1 hour 30 minutes", "none".
func DurationWords(d time.Duration) string {
	if d <= 0 {
		return "none: missed posts are not made up"
	}
	var parts []string
	if days := d / (24 * time.Hour); days > 0 && d%(24*time.Hour) == 0 {
		return plural(int(days), "day", "days")
	}
	if h := d / time.Hour; h > 0 {
		parts = append(parts, plural(int(h), "hour", "hours"))
	}
	if m := (d % time.Hour) / time.Minute; m > 0 {
		parts = append(parts, plural(int(m), "minute", "minutes"))
	}
	if s := (d % time.Minute) / time.Second; s > 0 || len(parts) == 0 {
		parts = append(parts, plural(int(s), "second", "seconds"))
	}
	return strings.Join(parts, " ")
}
