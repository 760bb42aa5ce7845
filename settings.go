package extramile

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The rules of the settings an operator sets in the environment and admins
// may change in Slack: internal/config checks the environment with them,
// and the bot checks what admins type, so both refuse the same values. Each
// returns the value in its one written form, or an *Error (EINVALID) whose
// message says what is expected.

// emojiName is a reaction's name as Slack writes it, without colons.
var emojiName = regexp.MustCompile(`^[a-z0-9_+\-']+$`)

// ParseKudosEmoji reads a comma list of reaction names (colons and case
// ignored, duplicates dropped): at least one, each a reaction's name.
func ParseKudosEmoji(list string) ([]string, error) {
	return CleanKudosEmoji(strings.Split(list, ","))
}

// CleanKudosEmoji is ParseKudosEmoji for a list already split.
func CleanKudosEmoji(names []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, s := range names {
		s = strings.Trim(strings.ToLower(strings.TrimSpace(s)), ":")
		if s == "" || seen[s] {
			continue
		}
		if !emojiName.MatchString(s) {
			return nil, Errorf(EINVALID, "%q is not a reaction name: use names like raised_hands or clap, without colons, separated by commas.", s)
		}
		seen[s] = true
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, Errorf(EINVALID, "Name at least one reaction, e.g. raised_hands.")
	}
	return out, nil
}

// ParseDailyLimit reads the kudos one person may give a day: a whole number,
// 0 (no limit) or more.
func ParseDailyLimit(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0, Errorf(EINVALID, "Use a whole number: 0 for no limit, or the kudos one person may give a day, e.g. 10.")
	}
	return n, nil
}

// ParseCatchup reads the catch-up window: a Go duration such as 6h or 90m,
// not negative (0: missed runs are never made up).
func ParseCatchup(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d < 0 {
		return 0, Errorf(EINVALID, "Use a duration such as 6h, 90m or 2h30m (0 to never make up missed runs).")
	}
	return d, nil
}

// ParseZone reads an IANA time zone name such as Europe/Berlin.
func ParseZone(s string) (*time.Location, error) {
	name := strings.TrimSpace(s)
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" || name == "Local" {
		return nil, Errorf(EINVALID, "Use an IANA time zone name such as UTC, Europe/Berlin or America/New_York.")
	}
	return loc, nil
}

// NudgesOff reports whether a nudge schedule turns the weekly nudge off
// ("off" in any case, or empty).
func NudgesOff(spec string) bool {
	s := strings.TrimSpace(spec)
	return s == "" || strings.EqualFold(s, "off")
}
