package compose

import (
	"strings"
	"testing"
)

func TestStoryTextFromMessage(t *testing.T) {
	for in, want := range map[string]string{
		"  <@U123ABC> fixed the &lt;login&gt; bug &amp; called the customer <!here> ": "<@U123ABC> fixed the <login> bug & called the customer @here",
		"see <https://example.com/x|the ticket> in <#C0WINS0001|wins>":                "see the ticket (https://example.com/x) in <#C0WINS0001>",
		"&amp;lt; stays as typed": "&lt; stays as typed",
	} {
		if got := StoryTextFromMessage(in, 500); got != want {
			t.Errorf("StoryTextFromMessage(%q) = %q, want %q", in, got, want)
		}
	}
	if got := StoryTextFromMessage(strings.Repeat("a", 50), 10); len([]rune(got)) > 10 {
		t.Errorf("not cut: %q", got)
	}
	// What comes out is raw text: escaped again, a broadcast pings no one.
	if got := Escape(StoryTextFromMessage("<!channel> look", 100)); strings.Contains(got, "<!") {
		t.Errorf("Escape(StoryTextFromMessage) = %q: a broadcast survived", got)
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
