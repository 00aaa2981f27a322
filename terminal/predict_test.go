package terminal

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/duetpair/duet/terminal/vt"
)

// shownRow returns row y as the renderer draws it, and the drawn cursor.
func shownRow(term *Terminal, y int) (text string, underlined []bool, cursor [2]int) {
	ui(func() {
		term.Refresh()
		r := test.WidgetRenderer(term).(*renderer)
		var b strings.Builder
		for _, c := range r.view[y] {
			if c.Empty() {
				b.WriteByte(' ')
			} else {
				b.WriteString(c.String())
			}
			underlined = append(underlined, c.Style().Attr&vt.Underline != 0)
		}
		text, cursor = strings.TrimRight(b.String(), " "), r.lastCursor
	})
	return text, underlined, cursor
}

// predicting returns a terminal on a stream that echoes nothing by itself, with a prompt
// on its screen and the round trip rtt.
func predicting(t *testing.T, rtt time.Duration) (*Terminal, *sink) {
	t.Helper()
	term, _ := newTestTerminal(t, 400, 200)
	s := newSink()
	term.Attach(s)
	term.Screen().Write([]byte("$ "))
	ui(func() {
		term.Refresh()
		term.SetRoundTrip(rtt)
	})
	return term, s
}

func TestPredictedEchoShowsAtOnceUnderlined(t *testing.T) {
	term, s := predicting(t, 150*time.Millisecond)
	ui(func() { test.Type(term, "ls") })
	s.waitSent(t, "ls")
	text, under, cur := shownRow(term, 0)
	if text != "$ ls" || !under[2] || !under[3] || under[0] || cur != [2]int{4, 0} {
		t.Fatalf("before the echo: %q, underlined %v, cursor %v", text, under[:5], cur)
	}
	// The echo comes: the real text replaces the prediction.
	term.Screen().Write([]byte("ls"))
	text, under, cur = shownRow(term, 0)
	if text != "$ ls" || under[2] || under[3] || cur != [2]int{4, 0} {
		t.Fatalf("after the echo: %q, underlined %v, cursor %v", text, under[:5], cur)
	}
}

func TestPredictionWrongIsDropped(t *testing.T) {
	term, _ := predicting(t, 150*time.Millisecond)
	ui(func() { test.Type(term, "ab") })
	term.Screen().Write([]byte("*")) // a password prompt's echo, say
	text, under, _ := shownRow(term, 0)
	if text != "$ *" || under[2] || under[3] {
		t.Fatalf("after a different echo: %q, underlined %v", text, under[:5])
	}
	// A wrong guess stops guessing for a while.
	ui(func() { test.Type(term, "c") })
	if text, _, _ := shownRow(term, 0); text != "$ *" {
		t.Fatalf("predicted right after a wrong prediction: %q", text)
	}
}

func TestPredictionOnlyWhereSafe(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rtt   time.Duration
		setup string // written to the screen first
		key   func(term *Terminal)
	}{
		{"a short round trip", 10 * time.Millisecond, "", nil},
		{"a full-screen program", 150 * time.Millisecond, "\x1b[?1049h\x1b[H", nil},
		{"in the middle of a line", 150 * time.Millisecond, "text\x1b[2D", nil},
		{"a key that is not text", 150 * time.Millisecond, "", func(term *Terminal) {
			term.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term, _ := predicting(t, tc.rtt)
			term.Screen().Write([]byte(tc.setup))
			before, _, _ := shownRow(term, 0)
			ui(func() {
				test.Type(term, "x")
				if tc.key != nil {
					tc.key(term)
				}
			})
			if text, under, _ := shownRow(term, 0); text != before || strings.Contains(text, "x") && under[strings.Index(text, "x")] {
				t.Fatalf("shows %q (before %q)", text, before)
			}
		})
	}
}
