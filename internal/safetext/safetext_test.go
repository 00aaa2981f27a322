package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/duetpair/duet/terminal/vt"
)

func TestLine(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		limit    int
		want     string
	}{
		{"plain", "alice@laptop", 100, "alice@laptop"},
		{"clear and redraw", "\x1b[2J\x1b[Hduet: a partner", 100, `\033[2J\033[Hduet: a partner`},
		{"line breaks", "a\r\nb\nc", 100, `a\015\012b\012c`},
		{"tab", "a\tb", 100, `a\011b`},
		{"backslash kept", `a\b`, 100, `a\b`},
		{"C1 CSI", "x\u009b2J", 100, `x\302\2332J`},
		{"bidi override", "abc\u202egpj.exe", 100, `abc\342\200\256gpj.exe`},
		{"invalid UTF-8", "a\xffb", 100, `a\377b`},
		{"wide and accented kept", "日本 café", 100, "日本 café"},
		{"DEL and BEL", "\x7f\x07", 100, `\177\007`},
		{"cut", "abcdefghij", 7, "abcd…"},
		{"fits exactly", "abcdefg", 7, "abcdefg"},
		{"escape never cut", "ab\x1b\x1b", 8, "ab…"},
		{"tiny limit", "abcdef", 0, "…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Line(tc.in, tc.limit)
			if got != tc.want {
				t.Errorf("Line(%q, %d) = %q, want %q", tc.in, tc.limit, got, tc.want)
			}
			if len(got) > max(tc.limit, len(ellipsis)) {
				t.Errorf("Line(%q, %d) is %d bytes", tc.in, tc.limit, len(got))
			}
		})
	}
}

func TestText(t *testing.T) {
	got := Text("Welcome\r\n\x1b[2J\tto the\x1b]52;c;aGk=\x07 server\r\n\r\n", 100)
	want := "Welcome\n\\033[2J\tto the\\033]52;c;aGk=\\007 server"
	if got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
	if got := Text("a lone\rreturn", 100); got != `a lone\015return` {
		t.Errorf("Text kept a lone CR: %q", got)
	}
}

// FuzzLine checks, on any input, what a terminal makes of the result: one line, the
// cursor never moved back or to another row, nothing erased, no mode changed.
func FuzzLine(f *testing.F) {
	for _, s := range []string{"alice", "\x1b[2J\x1b[1;1Hfake", "\u009b31m", "\r\x1b[K", "é\u0301\u202e"} {
		f.Add(s, 40)
	}
	f.Fuzz(func(t *testing.T, s string, limit int) {
		limit = limit%500 + 1
		if limit < 0 {
			limit = -limit
		}
		got := Line(s, limit)
		if again := Line(got, limit); again != got {
			t.Fatalf("escaping twice: %q, then %q", got, again)
		}
		if len(got) > max(limit, len(ellipsis)) {
			t.Fatalf("Line is %d bytes, limit %d", len(got), limit)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Line(%q) = %q is not valid UTF-8", s, got)
		}
		for _, r := range got {
			if r != ' ' && !printable(r) {
				t.Fatalf("Line(%q) = %q keeps %U", s, got, r)
			}
		}
		// On a terminal: printed after a marker, the marker stays and the text stays on
		// the first row.
		scr := vt.New(600, 3, vt.Options{})
		scr.Write([]byte("MARK" + got))
		_, y, _ := scr.Cursor()
		if y != 0 && len(got) < 590 {
			t.Fatalf("Line(%q) moved the cursor to row %d", s, y)
		}
		if !strings.HasPrefix(scr.Text(), "MARK") {
			t.Fatalf("Line(%q) changed what was on the screen: %q", s, scr.Text())
		}
	})
}
