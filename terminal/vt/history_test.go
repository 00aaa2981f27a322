package vt

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// historyDiff describes how b's scrollback differs from a's, "" when they hold the same
// lines (cells that draw the same compare equal). The lines at the indexes in seams were
// the last of the scrollback when a history was sent, and continued on the screen: that
// continuation is not reproduced (the screen is repainted after the history).
func historyDiff(a, b *Screen, seams ...int) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	b.mu.Lock()
	defer b.mu.Unlock()
	if a.history.n != b.history.n {
		return fmt.Sprintf("%d lines of scrollback vs %d; last ones %q vs %q", a.history.n, b.history.n,
			historyTail(a), historyTail(b))
	}
	for i := range a.history.n {
		la, lb := a.history.at(i), b.history.at(i)
		for x := range max(len(la.cells), len(lb.cells)) {
			var ca, cb Cell
			if x < len(la.cells) {
				ca = norm(la.cells[x])
			}
			if x < len(lb.cells) {
				cb = norm(lb.cells[x])
			}
			if ca == (Cell{}) {
				ca = norm(ca)
			}
			if cb == (Cell{}) {
				cb = norm(cb)
			}
			if ca != cb {
				return fmt.Sprintf("scrollback line %d, cell %d: %q %+v vs %q %+v (lines %q vs %q)", i, x,
					ca.String(), ca.st, cb.String(), cb.st, cellsText(la.cells), cellsText(lb.cells))
			}
		}
		if la.wrapped != lb.wrapped && !(la.wrapped && slices.Contains(seams, i)) {
			return fmt.Sprintf("scrollback line %d wrapped %v vs %v", i, la.wrapped, lb.wrapped)
		}
	}
	return ""
}

func historyTail(s *Screen) []string {
	var out []string
	for i := max(s.history.n-3, 0); i < s.history.n; i++ {
		out = append(out, cellsText(s.history.at(i).cells))
	}
	return out
}

// logLines writes lines from to to-1 of a coloured log, some long enough to wrap.
func logLines(s *Screen, from, to int) {
	var b strings.Builder
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "\x1b[3%dmline %d\x1b[m", i%8, i)
		if i%7 == 0 {
			b.WriteString(" and a long tail that wraps 中文 past the edge")
		}
		b.WriteString("\r\n")
	}
	s.Write([]byte(b.String()))
}

// TestHistoryRoundTrip: a late joiner's terminal, given the history and then the
// repaint, has the same scrollback and screen as the host's, whatever it showed before.
func TestHistoryRoundTrip(t *testing.T) {
	for _, dirt := range append([]dirtyTerminal{{"nothing", ""}}, dirtyTerminals...) {
		t.Run(dirt.name, func(t *testing.T) {
			a := New(30, 6, Options{})
			logLines(a, 0, 120)
			a.Write([]byte("\x1b[1;32m$ \x1b[m"))
			b := New(30, 6, Options{})
			b.Write([]byte(dirt.stream))
			hist, next := a.AppendHistory(nil, HistoryOptions{})
			if next != a.Scrolled() {
				t.Fatalf("next line %d, want %d", next, a.Scrolled())
			}
			b.Write(hist)
			b.Write(a.Repaint())
			if d := historyDiff(a, b, a.ScrollbackLen()-1); d != "" {
				t.Fatal(d)
			}
			if d := stateDiff(a, b); d != "" {
				t.Fatal(d)
			}
		})
	}
}

// TestHistoryAfterReconnect: a partner that had the history up to some line, and whose
// screen showed the lines after it, gets only what it lacks: no line twice, none lost.
func TestHistoryAfterReconnect(t *testing.T) {
	a := New(30, 6, Options{})
	logLines(a, 0, 40)
	b := New(30, 6, Options{})
	hist, has := a.AppendHistory(nil, HistoryOptions{})
	b.Write(hist)
	b.Write(a.Repaint())
	seam := b.ScrollbackLen() - 1
	if has != b.Scrolled() {
		t.Fatalf("the terminal has %d lines, the history says %d", b.Scrolled(), has)
	}
	// What b still saw, then the link dropped. The numbering is the same on both.
	logLines(a, 40, 43)
	logLines(b, 40, 43)
	if a.Scrolled() != b.Scrolled() {
		t.Fatalf("the terminal counts %d lines, the screen %d", b.Scrolled(), a.Scrolled())
	}
	has = b.Scrolled()
	logLines(a, 43, 90) // missed
	hist, _ = a.AppendHistory(nil, HistoryOptions{From: has})
	b.Write(hist)
	b.Write(a.Repaint())
	if d := historyDiff(a, b, seam); d != "" {
		t.Fatal(d)
	}
	if d := stateDiff(a, b); d != "" {
		t.Fatal(d)
	}
}

// TestHistoryChoice: From, Max and Skip choose the lines; a terminal taller than the
// screen still has them all in its scrollback; nothing chosen appends nothing.
func TestHistoryChoice(t *testing.T) {
	a := New(20, 4, Options{})
	for i := range 30 {
		fmt.Fprintf(a, "n%d\r\n", i)
	}
	text := func(s *Screen) []string {
		var out []string
		for i := range s.ScrollbackLen() {
			cells, _ := s.Scrollback(i, nil)
			out = append(out, cellsText(cells))
		}
		return out
	}
	for _, tc := range []struct {
		name       string
		o          HistoryOptions
		want       string
		cols, rows int
	}{
		{"all", HistoryOptions{}, "n0 n1 n2 n3 n4 n5 n6 n7 n8 n9 n10 n11 n12 n13 n14 n15 n16 n17 n18 n19 n20 n21 n22 n23 n24 n25 n26", 20, 4},
		{"from", HistoryOptions{From: 20}, "n20 n21 n22 n23 n24 n25 n26", 20, 4},
		{"max", HistoryOptions{Max: 3}, "n24 n25 n26", 20, 4},
		{"skip", HistoryOptions{From: 20, Skip: func(l uint64) bool { return l%2 == 1 }}, "n20 n22 n24 n26", 20, 4},
		{"a taller terminal", HistoryOptions{From: 22, Rows: 10}, "n22 n23 n24 n25 n26", 20, 10},
		{"fewer lines than rows", HistoryOptions{From: 25}, "n25 n26", 20, 4},
		{"a narrower terminal", HistoryOptions{From: 25, Cols: 2}, "n2 5 n2 6", 2, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o
			o.Cols, o.Rows = tc.cols, tc.rows
			b := New(tc.cols, tc.rows, Options{})
			fmt.Fprintf(b, "local\r\nprompt$ ")
			had := b.ScrollbackLen()
			hist, next := a.AppendHistory(nil, o)
			if next != 27 {
				t.Errorf("next line %d, want 27", next)
			}
			b.Write(hist)
			if got := strings.Join(text(b)[had:], " "); got != tc.want {
				t.Errorf("scrollback %q, want %q", got, tc.want)
			}
			if got := strings.TrimSpace(b.Text()); got != "" {
				t.Errorf("screen after the history %q, want it empty", got)
			}
		})
	}
	if hist, next := a.AppendHistory([]byte("x"), HistoryOptions{From: 27}); string(hist) != "x" || next != 27 {
		t.Errorf("nothing to send: %q, %d", hist, next)
	}
}
