package compose

import (
	"slices"
	"strings"
	"testing"
)

func TestStoryTextFromMessage(t *testing.T) {
	names := map[string]string{"U123ABC": "Ann Lee"}
	for _, c := range []struct{ in, want string }{
		{"  <@U123ABC> fixed the &lt;login&gt; bug &amp; called the customer <!here> ", "@Ann Lee fixed the <login> bug & called the customer @here"},
		{"<@U123ABC|ann> and <@U0BOB00001> stayed", "@Ann Lee and <@U0BOB00001> stayed"}, // Bob's name is not known: his mention stays, and still mentions him
		{"see <https://example.com/x|the ticket> in <#C0WINS0001|wins>", "see the ticket (https://example.com/x) in #wins"},
		{"in <#C0WINS0001> and <#C0WINS0002|>", "in <#C0WINS0001> and <#C0WINS0002>"}, // no name to show
		{"&amp;lt; stays as typed", "&lt; stays as typed"},
		{"a <<@U123ABC> > b", "a <@Ann Lee > b"},
		{"<@U123ABC", "<@U123ABC"},
	} {
		if got := StoryTextFromMessage(c.in, 500, names); got != c.want {
			t.Errorf("StoryTextFromMessage(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := StoryTextFromMessage(strings.Repeat("a", 50), 10, nil); len([]rune(got)) > 10 {
		t.Errorf("not cut: %q", got)
	}
	// What comes out is raw text: escaped again, a broadcast pings no one,
	// and neither does a name that looks like one.
	for _, in := range []string{"<!channel> look", "<@U123ABC> look"} {
		if got := Escape(StoryTextFromMessage(in, 100, map[string]string{"U123ABC": "<!channel>"})); strings.Contains(got, "<!") {
			t.Errorf("Escape(StoryTextFromMessage(%q)) = %q: a broadcast survived", in, got)
		}
	}
}

func TestMentionedUsers(t *testing.T) {
	got := MentionedUsers("<@U1AA> and <@W2BB|bee>, <#C3CC>, <@U1AA> again, <@U4DD> <@U5EE>", 3)
	if want := []string{"U1AA", "W2BB", "U4DD"}; !slices.Equal(got, want) {
		t.Errorf("MentionedUsers = %v, want %v", got, want)
	}
}

func TestModalMetadataSource(t *testing.T) {
	m := ModalMetadata{SourceChannel: "C0WINS0001", SourceTS: "1700000000.000100"}
	got, err := DecodeModalMetadata(m.Encode())
	if err != nil || got != m {
		t.Fatalf("round trip: got %+v, %v", got, err)
	}
	bad := ModalMetadata{SourceChannel: "C0WINS0001", SourceTS: "x<y"}
	if bad.Encode() != "" {
		t.Errorf("a bad ts is kept: %q", bad.Encode())
	}
}
