package blockpreview

import "strings"

// emoji holds the shortcodes the bot uses and a few common ones. Slack knows thousands; a
// shortcode not here is left as :name:, which is what a reader would see for an unknown one.
var emoji = map[string]string{
	"bar_chart":                 "📊",
	"bell":                      "🔔",
	"bulb":                      "💡",
	"calendar":                  "📆",
	"clap":                      "👏",
	"eyes":                      "👀",
	"fire":                      "🔥",
	"first_place_medal":         "🥇",
	"footprints":                "👣",
	"gear":                      "⚙️",
	"heart":                     "❤️",
	"hourglass":                 "⌛",
	"inbox_tray":                "📥",
	"information_source":        "ℹ️",
	"leftwards_arrow_with_hook": "↩️",
	"lock":                      "🔒",
	"mag":                       "🔍",
	"memo":                      "📝",
	"no_bell":                   "🔕",
	"no_entry_sign":             "🚫",
	"ok_hand":                   "👌",
	"pencil2":                   "✏️",
	"pray":                      "🙏",
	"raised_hands":              "🙌",
	"rocket":                    "🚀",
	"second_place_medal":        "🥈",
	"seedling":                  "🌱",
	"smile":                     "😄",
	"sparkles":                  "✨",
	"speech_balloon":            "💬",
	"star":                      "⭐",
	"tada":                      "🎉",
	"thinking_face":             "🤔",
	"third_place_medal":         "🥉",
	"thumbsup":                  "👍",
	"+1":                        "👍",
	"trophy":                    "🏆",
	"warning":                   "⚠️",
	"wastebasket":               "🗑️",
	"wave":                      "👋",
	"white_check_mark":          "✅",
	"x":                         "❌",
	"zap":                       "⚡",
	"zipper_mouth_face":         "🤐",
	"zzz":                       "💤",
}

// Emojify replaces the :shortcodes: it knows with their Unicode emoji (a skin tone suffix,
// as in :clap::skin-tone-2:, is dropped) and leaves the others as they are.
func Emojify(s string) string {
	if !strings.Contains(s, ":") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, ':')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+1:], ':')
		if j < 0 {
			break
		}
		name := s[i+1 : i+1+j]
		e, ok := emoji[name]
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteString(e)
		s = s[i+j+2:]
		if strings.HasPrefix(s, ":skin-tone-") && len(s) >= len(":skin-tone-2:") && s[len(":skin-tone-2:")-1] == ':' {
			s = s[len(":skin-tone-2:"):]
		}
	}
	b.WriteString(s)
	return b.String()
}
