package vt

import (
	"bytes"
	"strings"
	"testing"
)

// TestViewport: a 10x3 view of a 20x6 screen shows the part around the cursor, cuts a
// wide character at its edge to a blank, passes the cursor keys' mode but not mouse
// tracking, and then sends only the rows that changed.
func TestViewport(t *testing.T) {
	s := New(20, 6, Options{})
	s.Write([]byte("\x1b[?1h\x1b[?1000h"))
	s.Write([]byte("\x1b[1;1Htop-left"))
	s.Write([]byte("\x1b[5;10Habcdefghij\x1b[6;11H中x"))
	v := NewViewport(10, 3)
	term := New(10, 3, Options{})
	out := s.AppendViewport(nil, v)
	term.Write(out)
	// The cursor is at column 13, row 5 (0-based): the view is columns 4-13, rows 3-5.
	if v.X != 4 || v.Y != 3 {
		t.Fatalf("view at %d,%d, want 4,3", v.X, v.Y)
	}
	want := []string{"", "     abcde", "      中x"}
	got := strings.Split(strings.TrimRight(term.Text(), "\n"), "\n")
	for len(got) < 3 {
		got = append(got, "")
	}
	for i := range want {
		if strings.TrimRight(got[i], " ") != want[i] {
			t.Errorf("row %d %q, want %q", i, got[i], want[i])
		}
	}
	if x, y, _ := term.Cursor(); x != 9 || y != 2 {
		t.Errorf("cursor %d,%d, want 9,2", x, y)
	}
	if m := term.Modes(); !m.AppCursor || m.Mouse != MouseNone {
		t.Errorf("modes: app cursor %v, mouse %v; want on, none", m.AppCursor, m.Mouse)
	}

	// One row changes: only it is sent, with the cursor.
	s.Write([]byte("\x1b[4;10HABCD\x1b[6;13H"))
	out = s.AppendViewport(nil, v)
	if bytes.Contains(out, []byte("\x1b[2J")) || bytes.Count(out, []byte("H")) > 3 {
		t.Errorf("update %q redraws more than the changed row", out)
	}
	term.Write(out)
	if row := strings.Split(term.Text(), "\n")[0]; strings.TrimRight(row, " ") != "     ABCD" {
		t.Errorf("row 0 after the change %q", row)
	}

	// A wide character cut by the left edge is a blank too.
	v.Pan(-3, 0) // columns 1-10
	s.Write([]byte("\x1b[6;1H\x1b[K中yz"))
	term.Write(s.AppendViewport(nil, v))
	if row := strings.Split(term.Text(), "\n")[2]; strings.TrimRight(row, " ") != " yz" {
		t.Errorf("a wide character's right half at the left edge shows as %q", row)
	}
}
