package blockpreview

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-fonts/liberation/liberationmonoregular"
	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansbolditalic"
	"codeberg.org/go-fonts/liberation/liberationsansitalic"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Text is measured with Liberation Sans and Mono (metric-compatible with Arial and Courier
// New, SIL Open Font License, bundled in Go). The pictures name a font stack the viewer picks
// from, and every line of text carries its measured width as textLength, so a viewer's font
// that is a little wider or narrower is fitted to the same layout.

type face int

const (
	faceRegular face = iota
	faceBold
	faceItalic
	faceBoldItalic
	faceMono
	faceCount
)

type measurer struct {
	mu    sync.Mutex
	fonts [faceCount]*sfnt.Font
	buf   sfnt.Buffer
	cache map[rune]int // advance in units of 1/unitsPerEm, per face: key is rune<<3 | face
	err   error
}

var (
	metricsOnce sync.Once
	metrics     *measurer
)

func loadMetrics() *measurer {
	metricsOnce.Do(func() {
		m := &measurer{cache: map[rune]int{}}
		for i, ttf := range [faceCount][]byte{
			liberationsansregular.TTF, liberationsansbold.TTF, liberationsansitalic.TTF,
			liberationsansbolditalic.TTF, liberationmonoregular.TTF,
		} {
			f, err := sfnt.Parse(ttf)
			if err != nil {
				m.err = err
				break
			}
			m.fonts[i] = f
		}
		metrics = m
	})
	return metrics
}

func faceOf(st Style) face {
	switch {
	case st&Code != 0:
		return faceMono
	case st&Bold != 0 && st&Italic != 0:
		return faceBoldItalic
	case st&Bold != 0:
		return faceBold
	case st&Italic != 0:
		return faceItalic
	}
	return faceRegular
}

// isEmoji reports whether r is drawn from an emoji font: the pictographic planes and the
// symbol blocks most shortcodes map to.
func isEmoji(r rune) bool {
	return r >= 0x1F000 || (r >= 0x2300 && r <= 0x23FF) || (r >= 0x2600 && r <= 0x27BF) ||
		(r >= 0x2B00 && r <= 0x2BFF) || r == 0x2139 || r == 0x21A9
}

// unitsPerEm is the em of Liberation's fonts; advances are kept as integers in it, so sums are
// exact and pictures come out byte for byte the same on every machine.
const unitsPerEm = 2048

// units returns the advance of r in the given face, in 1/unitsPerEm of an em.
func (m *measurer) units(r rune, f face) int {
	switch {
	case r == 0xFE0F || r == 0x200D:
		return 0
	case isEmoji(r):
		return unitsPerEm * 6 / 5
	}
	key := r<<3 | rune(f)
	m.mu.Lock()
	defer m.mu.Unlock()
	if w, ok := m.cache[key]; ok {
		return w
	}
	w := unitsPerEm * 3 / 5
	if m.err == nil {
		ft := m.fonts[f]
		if idx, err := ft.GlyphIndex(&m.buf, r); err == nil && idx != 0 {
			if adv, err := ft.GlyphAdvance(&m.buf, idx, fixed.I(unitsPerEm), font.HintingNone); err == nil {
				w = adv.Round()
			}
		} else if unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) {
			w = unitsPerEm
		}
	}
	m.cache[key] = w
	return w
}

// Width returns the width in pixels of s in style st at the given font size.
func Width(s string, st Style, size float64) float64 {
	m := loadMetrics()
	f := faceOf(st)
	if f == faceMono {
		size -= 2 // code is set a little smaller, as Slack does
	}
	u := 0
	for _, r := range s {
		u += m.units(r, f)
	}
	return float64(u) * size / unitsPerEm
}

// Wrap breaks spans into lines no wider than width at the given font size, at spaces, and
// inside a word only when the word alone is wider than a line. Spaces at the start of a
// wrapped line are dropped. It returns at least one (possibly empty) line.
func Wrap(spans []Span, width, size float64) [][]Span {
	type word struct {
		text string
		st   Style
	}
	// Tokens alternate between runs of spaces and runs of non-spaces, each in one style.
	var toks []word
	for _, s := range spans {
		t := s.Text
		for t != "" {
			sp := t[0] == ' '
			i := strings.IndexFunc(t, func(r rune) bool { return (r == ' ') != sp })
			if i < 0 {
				i = len(t)
			}
			toks = append(toks, word{t[:i], s.Style})
			t = t[i:]
		}
	}
	var lines [][]Span
	var cur []Span
	x := 0.0
	add := func(w word) {
		if n := len(cur); n > 0 && cur[n-1].Style == w.st {
			cur[n-1].Text += w.text
		} else {
			cur = append(cur, Span{w.text, w.st})
		}
		x += Width(w.text, w.st, size)
	}
	newline := func() {
		// Drop trailing spaces of the line that ends.
		for n := len(cur); n > 0; n = len(cur) {
			t := strings.TrimRight(cur[n-1].Text, " ")
			if t != "" {
				cur[n-1].Text = t
				break
			}
			cur = cur[:n-1]
		}
		lines = append(lines, cur)
		cur, x = nil, 0
	}
	// Words glued to each other in different styles (a mention then a comma) break together.
	for i := 0; i < len(toks); {
		if toks[i].text[0] == ' ' {
			if x > 0 {
				add(toks[i])
			}
			i++
			continue
		}
		j, w := i, 0.0
		for ; j < len(toks) && toks[j].text[0] != ' '; j++ {
			w += Width(toks[j].text, toks[j].st, size)
		}
		if x > 0 && x+w > width {
			newline()
		}
		for k := i; k < j; k++ {
			t := toks[k]
			tw := Width(t.text, t.st, size)
			if x+tw <= width {
				add(t)
				continue
			}
			if x > 0 && tw <= width {
				newline()
				add(t)
				continue
			}
			// Too long for a line: cut it where it fills the line.
			for t.text != "" {
				cut := fit(t.text, t.st, size, width-x)
				if cut == 0 && x > 0 {
					newline()
					continue
				}
				if cut == 0 {
					_, cut = utf8.DecodeRuneInString(t.text)
				}
				add(word{t.text[:cut], t.st})
				t.text = t.text[cut:]
				if t.text != "" {
					newline()
				}
			}
		}
		i = j
	}
	newline()
	return lines
}

// fit returns the longest prefix length of s (in bytes) no wider than w.
func fit(s string, st Style, size, w float64) int {
	x := 0.0
	for i, r := range s {
		x += Width(string(r), st, size)
		if x > w {
			return i
		}
	}
	return len(s)
}
