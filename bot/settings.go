package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/scheduler"
)

// One place answers "what is the value of setting X now, and where does it
// come from": the environment (the operator's: shown in Slack, never changed
// there), a change an admin made in Slack (stored with who and when), or the
// default. SettingDefs is the table; the settings modal, its submission,
// `/extramile settings` and README's Configuration table follow it.

// Keys of the settings admins change in Slack (the store's settings table),
// besides the schedules (scheduleKey), SettingNudgeShared and
// SettingNudgeGuests (habit.go) and settingKudosWhere (kudoswhere.go).
const (
	SettingTimezone        = "timezone"
	SettingKudosEmoji      = "kudos.emoji"
	SettingKudosDailyLimit = "kudos.daily_limit"
	SettingCatchup         = "catchup"
	SettingNudgeSchedule   = "habit.nudge_schedule"
)

// The groups of the settings modal and of `/extramile settings`.
const (
	groupSchedules = "Scheduled posts"
	groupKudos     = "Kudos"
	groupHabit     = compose.SkipDatesGroup
	groupCatchup   = "After a restart"
)

// SettingDef is one setting admins may change in Slack.
type SettingDef struct {
	Key    string // its key in the store's settings
	EnvVar string // the variable that sets it in the environment ("" for none)
	// Default is the value when neither the environment nor an admin set
	// it (internal/config's default for a variable).
	Default string
	Group   string // where the modal shows it
	Label   string // its name for people
	Help    string // what it means (the modal's hint, README)
	// Choices, when set, are the values it may take (radio buttons), else
	// it is typed.
	Choices []compose.SettingChoice
	// parse checks a value (typed in Slack, stored, or from the
	// environment) and returns it in its one written form; schedules are
	// read in zone. Its error is for people.
	parse func(value string, zone *time.Location) (string, error)
	// words puts a valid value in words for people (nil: as written).
	words func(value string, zone *time.Location) string
}

// Parse checks value as an admin would type it, schedules read in zone, and
// returns it in its one written form.
func (d SettingDef) Parse(value string, zone *time.Location) (string, error) {
	value = strings.TrimSpace(value)
	if d.Choices != nil {
		for _, c := range d.Choices {
			if strings.EqualFold(c.Value, value) {
				return c.Value, nil
			}
		}
		return "", extramile.Errorf(extramile.EINVALID, "Choose one of the options.")
	}
	return d.parse(value, zone)
}

// Words puts a valid value in words, for people.
func (d SettingDef) Words(value string, zone *time.Location) string {
	for _, c := range d.Choices {
		if c.Value == value {
			return c.Label
		}
	}
	if d.words != nil {
		return d.words(value, zone)
	}
	return value
}

// SettingDefs lists the settings admins may change in Slack, in the order
// the modal and `/extramile settings` show them. The channels that get the
// scheduled posts (subscriptions, with EXTRAMILE_CHANNEL) and the skipped
// dates of the weekly habit have tables of their own.
func SettingDefs() []SettingDef {
	schedule := func(job, env, def, help string) SettingDef {
		return SettingDef{Key: scheduleKey(job), EnvVar: env, Default: def, Group: groupSchedules, Label: jobTitle(job), Help: help,
			parse: parseSchedule, words: scheduleWords}
	}
	return []SettingDef{
		{Key: SettingTimezone, EnvVar: "EXTRAMILE_TIMEZONE", Default: "UTC", Group: groupSchedules, Label: "Time zone",
			Help:  "The IANA name of the zone the schedules, digests and leaderboards use, e.g. Europe/Berlin.",
			parse: parseZone},
		schedule(JobPrompt, "EXTRAMILE_PROMPT_SCHEDULE", "0 10 * * MON", "When the weekly prompt for stories is posted."),
		schedule(JobRoundup, "EXTRAMILE_ROUNDUP_SCHEDULE", "0 16 * * FRI", "When the weekly thank-you roundup is posted."),
		schedule(JobDigest, "EXTRAMILE_DIGEST_SCHEDULE", "0 10 1 * *", "When the digest of the month before is posted."),
		schedule(JobKudosDM, "EXTRAMILE_KUDOS_DM_SCHEDULE", "0 17 * * *", "When each person who got kudos is told by DM."),
		{Key: SettingKudosEmoji, EnvVar: "EXTRAMILE_KUDOS_EMOJI", Default: "raised_hands", Group: groupKudos, Label: "Kudos emoji",
			Help:  "Reactions that give kudos: names without colons, separated by commas, e.g. raised_hands, clap.",
			parse: parseKudosEmoji, words: kudosEmojiWords},
		{Key: SettingKudosDailyLimit, EnvVar: "EXTRAMILE_KUDOS_DAILY_LIMIT", Default: "0", Group: groupKudos, Label: "Daily kudos limit",
			Help:  "Kudos one person may give a day, in their own time zone; 0 = no limit.",
			parse: parseDailyLimit, words: dailyLimitWords},
		{Key: settingKudosWhere, Default: string(kudosInvited), Group: groupKudos, Label: "Where kudos count",
			Help: "Only in the channels I'm invited to, or in every public channel (I join them, new ones too).",
			Choices: []compose.SettingChoice{
				{Value: string(kudosInvited), Label: "In the channels I'm invited to"},
				{Value: string(kudosEverywhere), Label: "In every public channel"},
			}},
		{Key: SettingNudgeSchedule, EnvVar: "EXTRAMILE_NUDGE_SCHEDULE", Default: "0 15 * * THU", Group: groupHabit, Label: "Weekly nudge",
			Help:  "When each person gets the weekly nudge, read in their own time zone (a cron spec), or off.",
			parse: parseNudgeSchedule, words: nudgeWords},
		{Key: SettingNudgeGuests, Default: "off", Group: groupHabit, Label: "Nudge guests",
			Help: "Whether guests (multi- and single-channel) get the weekly nudge too.",
			Choices: []compose.SettingChoice{
				{Value: "off", Label: "No, members only"},
				{Value: "on", Label: "Yes, guests too"},
			}},
		{Key: SettingNudgeShared, Default: "skip", Group: groupHabit, Label: "Who already shared this week",
			Help: "What someone who already shared a story this week gets instead of the nudge.",
			Choices: []compose.SettingChoice{
				{Value: "skip", Label: "Nothing"},
				{Value: "thanks", Label: "A short thank-you"},
			}},
		{Key: SettingCatchup, EnvVar: "EXTRAMILE_CATCHUP", Default: "6h", Group: groupCatchup, Label: "Catch-up window",
			Help:  "A scheduled post missed while I was down is made up at start-up if it is not older than this: a duration such as 6h or 90m; 0 = never.",
			parse: parseCatchup, words: catchupWords},
	}
}

// settingTable is SettingDefs, built once.
var settingTable = SettingDefs()

// settingDef returns the definition of key.
func settingDef(key string) (SettingDef, bool) {
	for _, d := range settingTable {
		if d.Key == key {
			return d, true
		}
	}
	return SettingDef{}, false
}

func parseSchedule(v string, zone *time.Location) (string, error) {
	if _, err := scheduler.Parse(v, zone); err != nil {
		return "", extramile.Errorf(extramile.EINVALID, "%s", compose.Truncate("Not a schedule I can read: "+err.Error(), 150))
	}
	return v, nil
}

func scheduleWords(v string, zone *time.Location) string { return scheduler.Describe(v, zone) }

func parseZone(v string, _ *time.Location) (string, error) {
	loc, err := extramile.ParseZone(v)
	if err != nil {
		return "", err
	}
	return loc.String(), nil
}

func parseKudosEmoji(v string, _ *time.Location) (string, error) {
	list, err := extramile.ParseKudosEmoji(v)
	if err != nil {
		return "", err
	}
	return strings.Join(list, ","), nil
}

func kudosEmojiWords(v string, _ *time.Location) string {
	return strings.ReplaceAll(v, ",", ", ")
}

func parseDailyLimit(v string, _ *time.Location) (string, error) {
	n, err := extramile.ParseDailyLimit(v)
	if err != nil {
		return "", err
	}
	return strconv.Itoa(n), nil
}

func dailyLimitWords(v string, _ *time.Location) string {
	if v == "0" {
		return "no limit"
	}
	return v + " a day"
}

func parseCatchup(v string, _ *time.Location) (string, error) {
	d, err := extramile.ParseCatchup(v)
	if err != nil {
		return "", err
	}
	return compose.DurationSpec(d), nil
}

func catchupWords(v string, _ *time.Location) string {
	d, err := extramile.ParseCatchup(v)
	if err != nil {
		return v
	}
	return compose.DurationWords(d)
}

func parseNudgeSchedule(v string, _ *time.Location) (string, error) {
	if extramile.NudgesOff(v) {
		return "off", nil
	}
	if _, err := scheduler.Parse(v, time.UTC); err != nil {
		return "", extramile.Errorf(extramile.EINVALID, "%s", compose.Truncate("Not a schedule I can read ("+err.Error()+"); or type off", 150))
	}
	return v, nil
}

func nudgeWords(v string, zone *time.Location) string {
	if v == "off" {
		return "off: nobody is nudged"
	}
	return scheduler.Describe(v, zone) + ", in each person's own time zone"
}

// EnvValue is a setting's value from the program's configuration.
type EnvValue struct {
	// Value is the value in effect when no admin changed it in Slack: the
	// environment's when Set, else the configured default.
	Value string
	Set   bool // the operator set it in the environment
}

// SettingsStore keeps the settings admins change in Slack.
type SettingsStore interface {
	SettingInfo(ctx context.Context, key string) (extramile.Setting, bool, error)
	SetSetting(ctx context.Context, key, value, by string) error
}

// Settings answers what each setting is now and where it comes from. Every
// read goes to the store, so a change is seen at once by everything that
// reads it, in every process sharing the database.
type Settings struct {
	store SettingsStore
	env   map[string]EnvValue // by variable name
	log   *slog.Logger
}

// NewSettings returns the settings kept in store, with env (by variable
// name: the configuration's value and whether the operator set it).
func NewSettings(store SettingsStore, env map[string]EnvValue, log *slog.Logger) *Settings {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Settings{store: store, env: env, log: log}
}

// SettingValue is a setting's value now and where it comes from.
type SettingValue struct {
	SettingDef
	Value   string    // in effect, in its written form
	FromEnv bool      // set by EnvVar in the environment: only the operator changes it
	By      string    // the admin who changed it in Slack ("" for the default or the environment)
	At      time.Time // when
}

// Line is the value as `/extramile settings` lists it.
func (v SettingValue) Line(zone *time.Location) compose.SettingLine {
	l := compose.SettingLine{Label: v.Label, Shown: v.Words(v.Value, zone), By: v.By}
	if v.FromEnv {
		l.EnvVar = v.EnvVar
	}
	return l
}

// ErrSetInEnvironment is returned by Settings.Set for a setting the
// operator set in the environment.
var ErrSetInEnvironment = extramile.Errorf(extramile.EINVALID, "This is set in the environment: only the operator can change it.")

// fallback is d's value when no admin changed it, and whether the operator
// set it in the environment.
func (s *Settings) fallback(d SettingDef) (string, bool) {
	if d.EnvVar != "" {
		if e, ok := s.env[d.EnvVar]; ok {
			return e.Value, e.Set
		}
	}
	return d.Default, false
}

// Get returns key's value now (the zero value for an unknown key). A value
// stored that no longer reads (or a store that cannot be read) gives the
// default, with a warning.
func (s *Settings) Get(ctx context.Context, key string) SettingValue {
	d, ok := settingDef(key)
	if !ok {
		return SettingValue{}
	}
	zone := time.UTC // only schedules read in a zone
	if strings.HasPrefix(key, "schedule.") {
		zone = s.Location(ctx)
	}
	return s.get(ctx, d, zone)
}

// get is Get for d, schedules read in zone.
func (s *Settings) get(ctx context.Context, d SettingDef, zone *time.Location) SettingValue {
	v, err := s.lookup(ctx, d, zone)
	if err != nil {
		s.log.Warn("could not read a setting changed in Slack; using the default", "key", d.Key, "error", err)
	}
	return v
}

// lookup is get, with the store's error: then the value is the default.
func (s *Settings) lookup(ctx context.Context, d SettingDef, zone *time.Location) (SettingValue, error) {
	def, env := s.fallback(d)
	if p, err := d.Parse(def, zone); err == nil {
		def = p // in its one written form: 6h0m0s reads 6h
	}
	v := SettingValue{SettingDef: d, Value: def, FromEnv: env}
	if env || s.store == nil {
		return v, nil
	}
	st, ok, err := s.store.SettingInfo(ctx, d.Key)
	switch {
	case err != nil:
		return v, fmt.Errorf("read setting %s: %w", d.Key, err)
	case !ok:
		return v, nil
	}
	val, err := d.Parse(st.Value, zone)
	if err != nil {
		s.log.Warn("a setting changed in Slack no longer reads; using the default", "key", d.Key, "value", st.Value, "error", err)
		return v, nil
	}
	v.Value, v.By, v.At = val, st.UpdatedBy, st.UpdatedAt
	return v, nil
}

// All returns every setting of SettingDefs, in order.
func (s *Settings) All(ctx context.Context) []SettingValue {
	zone := s.Location(ctx)
	var out []SettingValue
	for _, d := range settingTable {
		out = append(out, s.get(ctx, d, zone))
	}
	return out
}

// Set stores value (already checked with the setting's Parse) for key, by
// an admin. It refuses a setting the environment sets.
func (s *Settings) Set(ctx context.Context, key, value, by string) error {
	d, ok := settingDef(key)
	if !ok {
		return extramile.Errorf(extramile.EINVALID, "There is no setting %q.", key)
	}
	if _, env := s.fallback(d); env {
		return ErrSetInEnvironment
	}
	return s.store.SetSetting(ctx, key, value, by)
}

// Location is the zone the schedules, digests and leaderboards use now.
func (s *Settings) Location(ctx context.Context) *time.Location {
	v := s.get(ctx, mustDef(SettingTimezone), time.UTC)
	if loc, err := extramile.ParseZone(v.Value); err == nil {
		return loc
	}
	return time.UTC
}

// Catchup is the catch-up window now (EXTRAMILE_CATCHUP).
func (s *Settings) Catchup(ctx context.Context) time.Duration {
	d, _ := extramile.ParseCatchup(s.Get(ctx, SettingCatchup).Value)
	return d
}

// KudosEmoji are the reaction names that give kudos now.
func (s *Settings) KudosEmoji(ctx context.Context) []string {
	list, _ := extramile.ParseKudosEmoji(s.Get(ctx, SettingKudosEmoji).Value)
	return list
}

// DailyLimit is the kudos one person may give a day now (0: no limit).
func (s *Settings) DailyLimit(ctx context.Context) int {
	n, _ := extramile.ParseDailyLimit(s.Get(ctx, SettingKudosDailyLimit).Value)
	return n
}

// NudgeSchedule is the weekly nudge's spec now, "" when nudges are off.
func (s *Settings) NudgeSchedule(ctx context.Context) string {
	v := s.get(ctx, mustDef(SettingNudgeSchedule), time.UTC).Value
	if extramile.NudgesOff(v) {
		return ""
	}
	return v
}

// Schedule is job's spec now.
func (s *Settings) Schedule(ctx context.Context, job string) string {
	return s.Get(ctx, scheduleKey(job)).Value
}

// ScheduleNow is the spec and zone job runs on now, as the database says,
// and since when (the later of their changes in Slack; zero for values
// from the environment or the defaults): another process sharing the
// database may have changed them (see scheduler.Options.Current). It fails
// when the store cannot be read, rather than answer with a default.
func (s *Settings) ScheduleNow(ctx context.Context, job string) (spec string, loc *time.Location, since time.Time, err error) {
	d, ok := settingDef(scheduleKey(job))
	if !ok {
		return "", nil, time.Time{}, fmt.Errorf("no schedule setting for job %q", job)
	}
	z, err := s.lookup(ctx, mustDef(SettingTimezone), time.UTC)
	if err != nil {
		return "", nil, time.Time{}, err
	}
	loc, err = extramile.ParseZone(z.Value)
	if err != nil {
		loc = time.UTC // as Location
	}
	v, err := s.lookup(ctx, d, loc)
	if err != nil {
		return "", nil, time.Time{}, err
	}
	since = v.At
	if z.At.After(since) {
		since = z.At
	}
	return v.Value, loc, since, nil
}

// EnvVarIfSet names the variable that sets key in the environment, or ""
// when the operator left it unset (admins may change it in Slack).
func (s *Settings) EnvVarIfSet(key string) string {
	d, ok := settingDef(key)
	if !ok {
		return ""
	}
	if _, env := s.fallback(d); env {
		return d.EnvVar
	}
	return ""
}

func mustDef(key string) SettingDef {
	d, ok := settingDef(key)
	if !ok {
		panic("bot: no setting " + key)
	}
	return d
}
