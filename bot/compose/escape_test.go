package compose

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
)

func TestEscape(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Stayed late to fix it", "Stayed late to fix it"},
		{"entities", "a & b < c > d", "a &amp; b &lt; c &gt; d"},
		{"already escaped text is escaped again", "&amp;", "&amp;amp;"},
		{"channel", "<!channel>", "&lt;!channel&gt;"},
		{"here", "<!here>", "&lt;!here&gt;"},
		{"everyone", "<!everyone>", "&lt;!everyone&gt;"},
		{"here with label", "<!here|here>", "&lt;!here|here&gt;"},
		{"subteam", "<!subteam^S0TEAM1|@support>", "&lt;!subteam^S0TEAM1|@support&gt;"},
		{"date", "<!date^1392734382^{date}|Feb 18>", "&lt;!date^1392734382^{date}|Feb 18&gt;"},
		{"link", "<http://evil.example|click me>", "&lt;http://evil.example|click me&gt;"},
		{"mailto", "<mailto:a@b.c>", "&lt;mailto:a@b.c&gt;"},
		{"bare words stay", "@channel @here @everyone", "@channel @here @everyone"},
		{"user mention", "<@U123ABC>", "<@U123ABC>"},
		{"user mention with label", "<@U123ABC|maya>", "<@U123ABC>"},
		{"enterprise user", "<@W0ENT0001|x>", "<@W0ENT0001>"},
		{"channel mention", "<#C123|wins>", "<#C123>"},
		{"private group mention", "<#G0PRIV01>", "<#G0PRIV01>"},
		{"short id", "<@U1>", "&lt;@U1&gt;"},
		{"lower case id", "<@u123abc>", "&lt;@u123abc&gt;"},
		{"bot id is not a user", "<@B0BOT0001>", "&lt;@B0BOT0001&gt;"},
		{"dm channel is not linked", "<#D0DM00001>", "&lt;#D0DM00001&gt;"},
		{"unclosed mention", "<@U123ABC and more", "&lt;@U123ABC and more"},
		{"label holding a ping", "<@U123ABC|<!here>>", "&lt;@U123ABC|&lt;!here&gt;&gt;"},
		{"mention then ping", "<@U123ABC><!here>", "<@U123ABC>&lt;!here&gt;"},
		{"too long id", "<@U" + strings.Repeat("A", 30) + ">", "&lt;@U" + strings.Repeat("A", 30) + "&gt;"},
		{"unicode", "Danke, Jörg! 🎉 <3", "Danke, Jörg! 🎉 &lt;3"},
		{"every ping form", pingStory,
			"&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;!subteam^S0TEAM1|@support&gt; " +
				"&lt;!date^1392734382^{date}|Feb 18&gt; &lt;http://evil.example|click me&gt; &lt;mailto:a@b.c&gt; " +
				"@channel @here &amp; &amp;amp; &amp;lt; &gt; <@U0MAYA001> <@W0ENT0001> <#C0WINS0001> " +
				"&lt;@u0lower&gt; &lt;@U0BAD &lt;#D0DM00001&gt; *bold* `code` ~strike~ <@U0X> &lt;@U0MAYA001|&lt;!here&gt;&gt;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Escape(tt.in)
			if got != tt.want {
				t.Errorf("Escape(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if err := safeMrkdwn(got); err != "" {
				t.Errorf("Escape(%q) = %q: %s", tt.in, got, err)
			}
		})
	}
}

var (
	okMention = regexp.MustCompile(`<@[UW][A-Z0-9]{2,}>|<#[CG][A-Z0-9]{2,}>`)
	okEntity  = regexp.MustCompile(`&(amp|lt|gt);`)
)

// safeMrkdwn returns what is wrong with s as escaped user text, or "": no
// "<!", every "<" starts a well-formed closed mention, every "&" an entity,
// and no ">" outside a mention.
func safeMrkdwn(s string) string {
	if strings.Contains(s, "<!") {
		return `contains "<!"`
	}
	rest := okEntity.ReplaceAllString(okMention.ReplaceAllString(s, ""), "")
	if strings.ContainsAny(rest, "<>&") {
		return "has a bare <, > or & outside a mention or an entity"
	}
	return ""
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "<!channel>", pingStory, "<@U123|x>", "&lt;", "<#C1|<@U1>>", "<<@U123>>", "\xff<@U12>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 8192 {
			s = s[:8192] // stories are at most 3000 characters: keep each run fast
		}
		got := Escape(s)
		if err := safeMrkdwn(got); err != "" {
			t.Fatalf("Escape(%q) = %q: %s", s, got, err)
		}
		for _, max := range []int{0, 1, 5, 40} {
			e := escapeMax(s, max)
			if err := safeMrkdwn(e); err != "" {
				t.Fatalf("escapeMax(%q, %d) = %q: %s", s, max, e, err)
			}
			if n := utf8.RuneCountInString(e); n > max {
				t.Fatalf("escapeMax(%q, %d) has %d runes", s, max, n)
			}
		}
		q := quoteMax(s, 60)
		if err := safeMrkdwn(unquoteLines(q)); err != "" {
			t.Fatalf("quoteMax(%q) = %q: %s", s, q, err)
		}
		if n := utf8.RuneCountInString(q); n > 60 {
			t.Fatalf("quoteMax(%q, 60) has %d runes", s, n)
		}
		if tr := Truncate(s, 10); utf8.ValidString(s) && !utf8.ValidString(tr) {
			t.Fatalf("Truncate(%q, 10) = %q is not valid UTF-8", s, tr)
		}
	})
}

// unquoteLines drops the "> " that starts each line of a blockquote.
func unquoteLines(q string) string {
	lines := strings.Split(q, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "> ")
	}
	return strings.Join(lines, "\n")
}

func TestMention(t *testing.T) {
	tests := []struct{ in, want, wantCh string }{
		{"U123ABC", "<@U123ABC>", "U123ABC"},
		{"W0ENT0001", "<@W0ENT0001>", "W0ENT0001"},
		{"C0WINS0001", "C0WINS0001", "<#C0WINS0001>"},
		{"G0PRIV01", "G0PRIV01", "<#G0PRIV01>"},
		{"", "", ""},
		{"!channel", "!channel", "!channel"},
		{"U1><!here", "U1&gt;&lt;!here", "U1&gt;&lt;!here"},
	}
	for _, tt := range tests {
		if got := Mention(tt.in); got != tt.want {
			t.Errorf("Mention(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := ChannelMention(tt.in); got != tt.wantCh {
			t.Errorf("ChannelMention(%q) = %q, want %q", tt.in, got, tt.wantCh)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"hello", 10, "hello"},
		{"hello", 5, "hello"},
		{"hello world", 6, "hello…"},
		{"hello world", 7, "hello…"},
		{"héllo wörld", 8, "héllo w…"},
		{"🎉🎉🎉", 2, "🎉…"},
		{"abc", 1, "…"},
		{"abc", 0, ""},
		{"abc", -3, ""},
	}
	for _, tt := range tests {
		if got := Truncate(tt.in, tt.max); got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"one line", "> one line"},
		{"  two\nlines <3 \n", "> two\n> lines &lt;3"},
		{"para\n\npara", "> para\n> \n> para"},
		{"> not a quote inside", "> &gt; not a quote inside"},
		{"", ""},
		{" \n ", ""},
	}
	for _, tt := range tests {
		if got := Quote(tt.in); got != tt.want {
			t.Errorf("Quote(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEscapeMaxKeepsUnitsWhole(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"a&b", 10, "a&amp;b"},
		{"a&b", 5, "a…"},
		{"ab&", 7, "ab&amp;"},
		{"x <@U123ABC> y", 12, "x …"},
		{"x <@U123ABC> y", 13, "x <@U123ABC>…"},
		{"x <@U123ABC> y", 14, "x <@U123ABC> y"},
	}
	for _, tt := range tests {
		if got := escapeMax(tt.in, tt.max); got != tt.want {
			t.Errorf("escapeMax(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestQuoteChunksGiveTheStoryBackWhole(t *testing.T) {
	unquote := func(chunks []string) string {
		var lines []string
		for _, c := range chunks {
			for _, l := range strings.Split(c, "\n") {
				lines = append(lines, strings.TrimPrefix(l, "> "))
			}
		}
		return unescapeEntities(strings.Join(lines, "\n"))
	}
	for _, text := range []string{longText(), strings.Repeat("&", 3000), story().Text, strings.Repeat("word ", 600)} {
		chunks := quoteChunks(text, maxSectionText, storyChunks)
		for i, c := range chunks {
			if n := utf8.RuneCountInString(c); n > maxSectionText {
				t.Errorf("chunk %d has %d runes, max %d", i, n, maxSectionText)
			}
		}
		if got, want := unquote(chunks), strings.TrimSpace(text); !lineWrapEqual(got, want) {
			t.Errorf("chunks of a %d-rune story do not give it back:\n got %.80q…\nwant %.80q…", utf8.RuneCountInString(text), got, want)
		}
	}
	if got := quoteChunks(strings.Repeat("&", 20000), 3000, 2); len(got) != 2 || !strings.HasSuffix(got[1], "…") {
		t.Errorf("a story too long for 2 chunks: got %d chunks, want 2 ending in …", len(got))
	}
}

// lineWrapEqual compares texts ignoring line breaks added by splitting
// lines that were longer than a section.
func lineWrapEqual(a, b string) bool {
	return strings.ReplaceAll(a, "\n", "") == strings.ReplaceAll(b, "\n", "")
}

func TestFromSlack(t *testing.T) {
	tests := []struct{ in, want string }{
		{"fixed it &amp; more &lt;3", "fixed it & more <3"},
		{"<@U0MAYA001|maya> stayed late", "<@U0MAYA001> stayed late"},
		{"in <#C0WINS0001|wins>", "in <#C0WINS0001>"},
		{"<!here> and <!channel>", "@here and @channel"},
		{"<!subteam^S0TEAM1|@support>", "@support"},
		{"<!date^1392734382^{date}|Feb 18>", "Feb 18"},
		{"<https://example.com>", "https://example.com"},
		{"<https://example.com|the docs>", "the docs (https://example.com)"},
		{"<https://example.com|example.com>", "https://example.com"},
		{"<mailto:a@b.c|a@b.c>", "a@b.c"},
		{"unbalanced < stays", "unbalanced < stays"},
	}
	for _, tt := range tests {
		got := FromSlack(tt.in)
		if got != tt.want {
			t.Errorf("FromSlack(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if err := safeMrkdwn(Escape(got)); err != "" {
			t.Errorf("Escape(FromSlack(%q)): %s", tt.in, err)
		}
	}
}

// TestShoutoutAndThankYouShowTheWholeStory checks that any story the form
// accepts (up to MaxStoryLength, whatever it holds) appears complete in the
// shoutout and in the thank-you DM, over several sections when it must, and
// never cut.
func TestShoutoutAndThankYouShowTheWholeStory(t *testing.T) {
	texts := []string{
		story().Text,
		longText(),
		strings.Repeat("&", extramile.MaxStoryLength),
		strings.Repeat("<>", extramile.MaxStoryLength/2),
		strings.Repeat("&\n", extramile.MaxStoryLength/2),
		strings.Repeat("word ", extramile.MaxStoryLength/5),
		strings.Repeat("é😀", extramile.MaxStoryLength/2),
	}
	for _, text := range texts {
		if err := extramile.ValidateText(text); err != nil {
			t.Fatalf("test story not accepted by the form: %v", err)
		}
		s := story()
		s.Text = text
		for name, m := range map[string]Message{"shoutout": Shoutout(s, "clap"), "thank-you DM": ThankYouDM(s, "https://x.slack.com/archives/C1/p1")} {
			var quoted []string
			for _, b := range m.Blocks {
				sec, ok := b.(*slack.SectionBlock)
				if !ok || sec.Text == nil {
					continue
				}
				if n := utf8.RuneCountInString(sec.Text.Text); n > maxSectionText {
					t.Errorf("%s: a section has %d runes, max %d", name, n, maxSectionText)
				}
				for _, l := range strings.Split(sec.Text.Text, "\n") {
					if strings.HasPrefix(l, "> ") {
						quoted = append(quoted, strings.TrimPrefix(l, "> "))
					}
				}
			}
			got := unescapeEntities(strings.Join(quoted, "\n"))
			if want := strings.TrimSpace(text); !lineWrapEqual(got, want) || strings.HasSuffix(got, "…") {
				t.Errorf("%s of a %d-rune story does not show it whole:\n got %.80q…\nwant %.80q…", name, utf8.RuneCountInString(text), got, want)
			}
			if err := Check(m, false); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
}
