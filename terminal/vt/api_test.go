package vt

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestScrollbackKeepsLinesThatScrollOff(t *testing.T) {
	s := New(10, 3, Options{Scrollback: 4})
	for i := range 8 {
		fmt.Fprintf(s, "line%d\r\n", i)
	}
	// Screen: line6, line7, "" ; scrollback holds the newest 4 of line0..line5.
	if got := s.ScrollbackLen(); got != 4 {
		t.Fatalf("scrollback holds %d lines, want 4", got)
	}
	var texts []string
	for i := range s.ScrollbackLen() {
		cells, _ := s.Scrollback(i, nil)
		texts = append(texts, cellsText(cells))
	}
	if got, want := strings.Join(texts, ","), "line2,line3,line4,line5"; got != want {
		t.Errorf("scrollback = %s, want %s", got, want)
	}
	if got := s.LineText(0); got != "line6" {
		t.Errorf("top row = %q, want line6", got)
	}
	// ED 3 clears it.
	s.Write([]byte("\x1b[3J"))
	if got := s.ScrollbackLen(); got != 0 {
		t.Errorf("after ED 3 scrollback holds %d lines", got)
	}
}

func TestScrollbackOnlyFromFullScreenPrimary(t *testing.T) {
	for _, tc := range []struct {
		name, setup string
	}{
		{"alternate screen", "\x1b[?1049h"},
		{"scroll region", "\x1b[1;2r"},
		{"disabled", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := Options{}
			if tc.setup == "" {
				opt.Scrollback = -1
			}
			s := New(5, 3, opt)
			s.Write([]byte(tc.setup + "a\r\nb\r\nc\r\nd\r\ne\r\n"))
			if n := s.ScrollbackLen(); n != 0 {
				t.Errorf("scrollback holds %d lines, want 0", n)
			}
		})
	}
}

func TestRepliesGoToCallback(t *testing.T) {
	var got []string
	s := New(20, 5, Options{Reply: func(p []byte) { got = append(got, string(p)) }})
	s.Write([]byte("\x1b[3;5H\x1b[6n\x1b[5n\x1b[c\x1b[>c\x1b[?2004h\x1b[?2004$p\x1b[4$p\x1b[2;4r\x1b[?6h\x1b[6n"))
	want := []string{"\x1b[3;5R", "\x1b[0n", "\x1b[?62;22c", "\x1b[>1;10;0c", "\x1b[?2004;1$y", "\x1b[4;2$y", "\x1b[1;1R"}
	if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
		t.Errorf("replies = %q\nwant %q", got, want)
	}
}

func TestInvalidUTF8BecomesReplacement(t *testing.T) {
	for _, tc := range []struct {
		name   string
		chunks []string
		want   string
	}{
		{"stray continuation", []string{"a\x80b"}, "a\uFFFDb"},
		{"truncated then escape", []string{"\xe4\xb8\x1b[1mx"}, "\uFFFD\uFFFDx"},
		{"split across writes", []string{"\xe4", "\xb8", "\xad!"}, "中!"},
		{"split then invalid", []string{"\xf0\x9f", "0"}, "\uFFFD\uFFFD0"},
		{"overlong", []string{"\xc0\xafz"}, "\uFFFD\uFFFDz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(20, 2, Options{})
			for _, c := range tc.chunks {
				s.Write([]byte(c))
			}
			if got := s.LineText(0); got != tc.want {
				t.Errorf("row = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestResizeKeepsContent(t *testing.T) {
	s := New(10, 4, Options{})
	s.Write([]byte("one\r\ntwo\r\nthree\r\nfour"))
	s.Resize(10, 2) // rows go to the scrollback, the cursor row stays
	if got := s.Text(); got != "three\nfour\n" {
		t.Errorf("after shrink: %q", got)
	}
	if n := s.ScrollbackLen(); n != 2 {
		t.Errorf("scrollback %d, want 2", n)
	}
	s.Resize(10, 4) // and come back
	if got := s.Text(); got != "one\ntwo\nthree\nfour\n" {
		t.Errorf("after grow: %q", got)
	}
	if x, y, _ := s.Cursor(); x != 4 || y != 3 {
		t.Errorf("cursor (%d,%d), want (4,3)", x, y)
	}
	s.Resize(3, 4) // reflowed: "four" is the last line, wrapped in two
	if got := s.Text(); got != "thr\nee\nfou\nr\n" {
		t.Errorf("narrowed: %q", got)
	}
	for _, size := range [][2]int{{1, 1}, {1000, 500}, {0, -3}, {80, 24}} {
		s.Resize(size[0], size[1])
		if err := checkInvariants(s); err != nil {
			t.Fatalf("resize to %v: %v", size, err)
		}
	}
}

// TestResizeReflow pins what the tmux resize cases cannot show (tmuxDiffers there): a
// narrowed screen gives up blank rows below the cursor before pushing rows into the
// scrollback, and the cursor stays on its character.
func TestResizeReflow(t *testing.T) {
	for _, tc := range []struct {
		name       string
		cols, rows int
		in         string
		sizes      [][2]int
		then       string
		want       string
		scrollback int
	}{
		{"issue: widen with a pending wrap", 80, 3, "\x1b[79GAB", [][2]int{{100, 3}}, "C",
			strings.Repeat(" ", 78) + "ABC\n\n\n", 0},
		{"issue: narrow to 5 and back", 20, 3, "ABCDEFGHIJ", [][2]int{{5, 3}, {20, 3}}, "",
			"ABCDEFGHIJ\n\n\n", 0},
		{"narrow keeps the top rows", 20, 6, "ABCDEFGHIJKLMNOPQRST\r\nline2\r\n$ ", [][2]int{{8, 6}}, "x",
			"ABCDEFGH\nIJKLMNOP\nQRST\nline2\n$ x\n\n", 0},
		{"cursor stays on its character", 20, 4, "hello world, long line\x1b[1;7H", [][2]int{{7, 4}}, "Z",
			"hello Z\norld, l\nong lin\ne\n", 0},
		{"rows full: the top goes to the scrollback", 10, 2, "0123456789abc\r\nxy", [][2]int{{5, 2}}, "",
			"abc\nxy\n", 2},
		{"double-width lines are not joined", 10, 3, "\x1b#60123\r\nabcdefghijkl", [][2]int{{6, 4}}, "",
			"0123\nabcdef\nghijkl\n\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(tc.cols, tc.rows, Options{})
			s.Write([]byte(tc.in))
			for _, sz := range tc.sizes {
				s.Resize(sz[0], sz[1])
				if err := checkInvariants(s); err != nil {
					t.Fatal(err)
				}
			}
			s.Write([]byte(tc.then))
			if got := s.Text(); got != tc.want {
				t.Errorf("screen:\n%q\nwant\n%q", got, tc.want)
			}
			if n := s.ScrollbackLen(); n != tc.scrollback {
				t.Errorf("scrollback holds %d lines, want %d", n, tc.scrollback)
			}
		})
	}
}

func TestSnapshotTracksDirtyRows(t *testing.T) {
	s := New(10, 4, Options{})
	var snap Snapshot
	if !s.Snapshot(&snap) || !snap.Dirty[0] || !snap.Dirty[3] {
		t.Fatal("first snapshot must be all dirty")
	}
	if s.Snapshot(&snap) {
		t.Error("nothing changed, yet Snapshot reports a change")
	}
	s.Write([]byte("\x1b[3;1Hx"))
	if !s.Snapshot(&snap) {
		t.Fatal("change not reported")
	}
	for y, d := range snap.Dirty {
		if d != (y == 2) {
			t.Errorf("row %d dirty = %v", y, d)
		}
	}
	if got := snap.Lines[2][0].String(); got != "x" {
		t.Errorf("snapshot cell = %q", got)
	}
	if snap.CursorX != 1 || snap.CursorY != 2 {
		t.Errorf("snapshot cursor (%d,%d)", snap.CursorX, snap.CursorY)
	}
}

// TestConcurrentSnapshot runs a writer and a reader at once; -race checks the locking.
func TestConcurrentSnapshot(t *testing.T) {
	s := New(80, 24, Options{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 200 {
			s.Write(benchColour[:2000])
		}
	}()
	var snap Snapshot
	for range 200 {
		s.Snapshot(&snap)
		_ = s.Repaint()
	}
	wg.Wait()
}

func TestCellAttributes(t *testing.T) {
	s := New(20, 2, Options{})
	s.Write([]byte("\x1b[1;3;4;9;31;48;5;200mA\x1b[0;38;2;1;2;3mB\x1b[0m中"))
	a, b, c, tail := s.CellAt(0, 0), s.CellAt(1, 0), s.CellAt(2, 0), s.CellAt(3, 0)
	if st := a.Style(); st.Attr != Bold|Italic|Underline|Strike || st.FG != Indexed(1) || st.BG != Indexed(200) {
		t.Errorf("A style %+v", st)
	}
	if r, g, bl, ok := b.Style().FG.RGB(); !ok || r != 1 || g != 2 || bl != 3 {
		t.Errorf("B colour %v", b.Style().FG)
	}
	if c.Width() != 2 || !tail.IsWideTail() || c.String() != "中" {
		t.Errorf("wide cell %q width %d, tail %v", c.String(), c.Width(), tail.IsWideTail())
	}
}

func ExampleScreen() {
	s := New(20, 3, Options{})
	s.Write([]byte("\x1b[1mhello\x1b[0m\r\nworld"))
	fmt.Print(s.Text())
	x, y, _ := s.Cursor()
	fmt.Println(x, y, s.CellAt(0, 0).Style().Attr&Bold != 0)

	// A late joiner gets the same screen from the repaint.
	late := New(20, 3, Options{})
	late.Write(s.Repaint())
	fmt.Print(late.Text())
	// Output:
	// hello
	// world
	//
	// 5 1 true
	// hello
	// world
	//
}

// TestResizeCutsDoubleWidthLine: a double-width line is not reflowed, so narrowing cuts
// it, and a wide character across the new edge goes.
func TestResizeCutsDoubleWidthLine(t *testing.T) {
	s := New(10, 2, Options{})
	s.Write([]byte("abcd中\x1b[1;1H\x1b#6"))
	s.Resize(5, 2)
	if err := checkInvariants(s); err != nil {
		t.Fatal(err)
	}
	if got := s.LineText(0); got != "abcd" {
		t.Errorf("row 0 = %q, want abcd", got)
	}
}
