package blockpreview

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestMrkdwn(t *testing.T) {
	names := Names{"U0BOB00001": "Bob", "C0WINS0001": "wins"}
	for _, c := range []struct {
		name, in string
		want     []Line
	}{
		{"plain", "hello world", []Line{{Spans: []Span{{"hello world", 0}}}}},
		{"bold", "a *b c* d", []Line{{Spans: []Span{{"a ", 0}, {"b c", Bold}, {" d", 0}}}}},
		{"italic", "_so_ good", []Line{{Spans: []Span{{"so", Italic}, {" good", 0}}}}},
		{"strike", "~old~", []Line{{Spans: []Span{{"old", Strike}}}}},
		{"nested", "*bold _both_*", []Line{{Spans: []Span{{"bold ", Bold}, {"both", Bold | Italic}}}}},
		{"code", "run `/extramile *x*`", []Line{{Spans: []Span{{"run ", 0}, {"/extramile *x*", Code}}}}},
		{"unclosed", "2 * 3 and a_b_c", []Line{{Spans: []Span{{"2 * 3 and a_b_c", 0}}}}},
		{"closing needs a boundary", "*a*b", []Line{{Spans: []Span{{"*a*b", 0}}}}},
		{"punctuation after", "*Kudos DMs:* on.", []Line{{Spans: []Span{{"Kudos DMs:", Bold}, {" on.", 0}}}}},
		{"link with label", "see <https://x.test/a|the shoutout>.", []Line{{Spans: []Span{{"see ", 0}, {"the shoutout", Link}, {".", 0}}}}},
		{"bare link", "<https://x.test/a>", []Line{{Spans: []Span{{"https://x.test/a", Link}}}}},
		{"user mention", "thanks <@U0BOB00001>!", []Line{{Spans: []Span{{"thanks ", 0}, {"@Bob", Mention}, {"!", 0}}}}},
		{"unknown user", "<@U0NOBODY1>", []Line{{Spans: []Span{{"@U0NOBODY1", Mention}}}}},
		{"mention with label", "<@U0BOB00001|bobby>", []Line{{Spans: []Span{{"@bobby", Mention}}}}},
		{"channel", "in <#C0WINS0001> and <#C0X|other>", []Line{{Spans: []Span{{"in ", 0}, {"#wins", Mention}, {" and ", 0}, {"#other", Mention}}}}},
		{"broadcast", "<!here>", []Line{{Spans: []Span{{"@here", Mention}}}}},
		{"date fallback", "<!date^1795426200^{date_short_pretty}|Nov 23, 2026> ok", []Line{{Spans: []Span{{"Nov 23, 2026 ok", 0}}}}},
		{"bold mention", "*<@U0BOB00001> thanked you*", []Line{{Spans: []Span{{"@Bob", Bold | Mention}, {" thanked you", Bold}}}}},
		{"entities", "Maya &amp; Jonas &lt;3", []Line{{Spans: []Span{{"Maya & Jonas <3", 0}}}}},
		{"emoji", ":sparkles: *yes* :no_such_emoji:", []Line{{Spans: []Span{{"✨ ", 0}, {"yes", Bold}, {" :no_such_emoji:", 0}}}}},
		{"skin tone", ":clap::skin-tone-3: ok", []Line{{Spans: []Span{{"👏 ok", 0}}}}},
		{"quote", "said:\n> it works\n&gt; escaped too", []Line{
			{Spans: []Span{{"said:", 0}}},
			{Quote: true, Spans: []Span{{"it works", 0}}},
			{Quote: true, Spans: []Span{{"escaped too", 0}}},
		}},
		{"empty line", "a\n\nb", []Line{{Spans: []Span{{"a", 0}}}, {}, {Spans: []Span{{"b", 0}}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Mrkdwn(c.in, names); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Mrkdwn(%q)\n got %+v\nwant %+v", c.in, got, c.want)
			}
		})
	}
}

func TestPlain(t *testing.T) {
	got := Plain(":tada: *not bold* &amp; <@U1>\nnext", true)
	want := []Line{{Spans: []Span{{"🎉 *not bold* &amp; <@U1>", 0}}}, {Spans: []Span{{"next", 0}}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := Plain(":tada:", false); got[0].Spans[0].Text != ":tada:" {
		t.Errorf("emoji false: got %q, want :tada:", got[0].Spans[0].Text)
	}
}

// text joins wrapped lines back into strings, one a line.
func text(lines [][]Span) []string {
	var out []string
	for _, l := range lines {
		var b strings.Builder
		for _, s := range l {
			b.WriteString(s.Text)
		}
		out = append(out, b.String())
	}
	return out
}

func TestWrap(t *testing.T) {
	// Liberation Sans: "a" is 0.556 em, a space 0.278 em; at 10px "aaaa" is 22.24px wide.
	a4 := Width("aaaa", 0, 10)
	sp := Width(" ", 0, 10)
	for _, c := range []struct {
		name  string
		spans []Span
		width float64
		want  []string
	}{
		{"fits", []Span{{"aaaa aaaa", 0}}, 2*a4 + sp, []string{"aaaa aaaa"}},
		{"breaks at the space", []Span{{"aaaa aaaa", 0}}, 2*a4 + sp - 0.1, []string{"aaaa", "aaaa"}},
		{"drops spaces at the break", []Span{{"aaaa    aaaa", 0}}, a4 + sp, []string{"aaaa", "aaaa"}},
		{"cuts a word longer than a line", []Span{{"aaaaaaaaaa", 0}}, a4 + 0.1, []string{"aaaa", "aaaa", "aa"}},
		{"keeps glued styles together", []Span{{"aaaa ", 0}, {"@aa", Mention}, {",", 0}}, a4 + sp + Width("@aa", Mention, 10), []string{"aaaa", "@aa,"}},
		{"empty", nil, 100, []string{""}},
		{"bold is wider", []Span{{"nnnn", Bold}}, Width("nnnn", 0, 10), []string{"nnn", "n"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := text(Wrap(c.spans, c.width, 10)); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestWrapKeepsStyles(t *testing.T) {
	got := Wrap([]Span{{"one ", 0}, {"two three", Bold}}, Width("one two", Bold, 15)+1, 15)
	want := [][]Span{{{"one ", 0}, {"two", Bold}}, {{"three", Bold}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestEscape(t *testing.T) {
	if got, want := esc(`<a & "b" 'c'>`+"\x01"), "&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;"; got != want {
		t.Errorf("esc: got %q, want %q", got, want)
	}
	svg, err := FromJSON([]byte(`{"blocks":[{"type":"section","text":{"type":"mrkdwn","text":"&lt;script&gt; <https://x.test/?a=1&amp;b=2|a&amp;b>"}}]}`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := string(svg); strings.Contains(s, "<script>") || !strings.Contains(s, "&lt;script&gt;") || !strings.Contains(s, "a&amp;b") {
		t.Errorf("text not escaped in SVG:\n%s", s)
	}
}

func TestUnknownBlockIsAnError(t *testing.T) {
	_, err := FromJSON([]byte(`{"blocks":[{"type":"video","title":{"type":"plain_text","text":"v"}}]}`), Options{})
	if err == nil || !strings.Contains(err.Error(), "video") {
		t.Errorf("got %v, want an error naming the video block", err)
	}
}

func TestHeightFollowsContent(t *testing.T) {
	one := []byte(`{"type":"home","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"one"}}]}`)
	three := []byte(`{"type":"home","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"one\ntwo\nthree"}}]}`)
	h := func(b []byte) float64 {
		svg, err := FromJSON(b, Options{})
		if err != nil {
			t.Fatal(err)
		}
		s := string(svg)
		i := strings.Index(s, ` height="`) + len(` height="`)
		v, err := strconv.ParseFloat(s[i:i+strings.IndexByte(s[i:], '"')], 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got, want := h(three)-h(one), 2*textLine; got != want {
		t.Errorf("two more lines add %vpx, want %vpx", got, want)
	}
}

// FuzzMrkdwn checks that any text parses, wraps within the width (a single character wider
// than the line excepted) and draws as well-formed SVG.
func FuzzMrkdwn(f *testing.F) {
	for _, s := range []string{"*a _b ~c~_*", "<@U1|x> <#C1> <!here> <https://x|y>", "> q\n`c`", ":clap::skin-tone-2:", "&amp;&lt;<", "*_~`<>:"} {
		f.Add(s, 80.0)
	}
	f.Fuzz(func(t *testing.T, s string, width float64) {
		if width < 1 || width > 2000 {
			return
		}
		for _, l := range Mrkdwn(s, nil) {
			for _, wl := range Wrap(l.Spans, width, 15) {
				w, n := 0.0, 0
				for _, sp := range wl {
					w += Width(sp.Text, sp.Style, 15)
					n += len([]rune(sp.Text))
				}
				if w > width+0.001 && n > 1 {
					t.Fatalf("line %+v is %v wide, more than %v", wl, w, width)
				}
			}
		}
		msg, _ := json.Marshal(map[string]any{"blocks": []any{map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": s + "x"}}}})
		svg, err := FromJSON(msg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := wellFormed(svg); err != nil {
			t.Fatalf("%v\n%s", err, svg)
		}
	})
}

// TestElements draws the elements no golden uses yet, as a Home would carry them.
func TestElements(t *testing.T) {
	view := `{"type":"home","blocks":[
		{"type":"section","text":{"type":"plain_text","text":"Snooze"},"accessory":{"type":"static_select","action_id":"s","initial_option":{"text":{"type":"plain_text","text":"2 weeks"},"value":"2w"},"options":[{"text":{"type":"plain_text","text":"2 weeks"},"value":"2w"}]}},
		{"type":"section","fields":[{"type":"mrkdwn","text":"*A*"},{"type":"mrkdwn","text":"*B*"},{"type":"plain_text","text":"C"}]},
		{"type":"section","text":{"type":"mrkdwn","text":"who"},"accessory":{"type":"multi_users_select","action_id":"m","initial_users":["U1"]}},
		{"type":"actions","elements":[{"type":"button","text":{"type":"plain_text","text":"Delete"},"action_id":"d","style":"danger"},{"type":"users_select","action_id":"u","initial_user":"U1"},{"type":"overflow","action_id":"o","options":[{"text":{"type":"plain_text","text":"x"},"value":"x"}]},{"type":"multi_static_select","action_id":"ms","placeholder":{"type":"plain_text","text":"Pick"}}]},
		{"type":"image","image_url":"https://x.test/a.png","alt_text":"a chart","title":{"type":"plain_text","text":"Chart"}},
		{"type":"context","elements":[{"type":"image","image_url":"https://x.test/a.png","alt_text":"a"},{"type":"plain_text","text":"small"}]}
	]}`
	svg, err := FromJSON([]byte(view), Options{Names: Names{"U1": "Ann"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2 weeks", ">A<", ">C<", "@Ann", "Delete", "Pick", "image: a chart", "small"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("the picture lacks %q", want)
		}
	}
	if err := wellFormed(svg); err != nil {
		t.Error(err)
	}
}
