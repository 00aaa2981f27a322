package vt

import (
	"fmt"
	"testing"
)

// checkInvariants reports the first broken structural rule of the screen model.
func checkInvariants(s *Screen) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.x < 0 || s.x >= s.cols || s.y < 0 || s.y >= s.rows {
		return fmt.Errorf("cursor (%d,%d) outside %dx%d", s.x, s.y, s.cols, s.rows)
	}
	if s.top < 0 || s.bottom >= s.rows || s.top >= s.bottom && s.rows > 1 {
		return fmt.Errorf("scroll region %d-%d on %d rows", s.top, s.bottom, s.rows)
	}
	if len(s.tabs) != s.cols || len(s.dirty) != s.rows {
		return fmt.Errorf("tabs %d, dirty %d for %dx%d", len(s.tabs), len(s.dirty), s.cols, s.rows)
	}
	for bi, b := range []*buffer{&s.prim, &s.alt} {
		if len(b.lines) != s.rows {
			return fmt.Errorf("buffer %d has %d rows, want %d", bi, len(b.lines), s.rows)
		}
		for y, l := range b.lines {
			if len(l.cells) != s.cols {
				return fmt.Errorf("buffer %d row %d has %d cells, want %d", bi, y, len(l.cells), s.cols)
			}
			for x, c := range l.cells {
				head := c.st.Attr&attrWide != 0
				tail := c.st.Attr&attrWideTail != 0
				if head && (x+1 >= s.cols || l.cells[x+1].st.Attr&attrWideTail == 0) {
					return fmt.Errorf("buffer %d (%d,%d): wide character without its right half", bi, x, y)
				}
				if tail && (x == 0 || l.cells[x-1].st.Attr&attrWide == 0) {
					return fmt.Errorf("buffer %d (%d,%d): right half without its wide character", bi, x, y)
				}
			}
		}
	}
	return nil
}

// FuzzScreen feeds arbitrary bytes (with a resize part-way) and checks that nothing
// panics, the model stays consistent, and the repaint reproduces the screen.
func FuzzScreen(f *testing.F) {
	for _, seed := range []string{
		"", "hello\r\nworld", "\x1b[31mred\x1b[0m", "中文🙂e\u0301", "\x1b[?1049h\x1b[2;5r\x1b[?6h\x1b[3;3Hx",
		"\x1b]8;;http://x.test/\x07l\x1b]8;;\x07", "\x1b(0lqk\x0e", "\x1b[38:2::1:2:3m\x1b[4:3m", "\xff\xfe\xe4",
		"0123456789012345678901234567890123456789", "\x1b[3g\x1bH\t\x1b[Z", "\x1b#8\x1b[5@\x1b[3P\x1b[2X",
		// Margins, rectangles, protection, line sizes, shifts, colours, reports.
		"\x1b[?69h\x1b[3;9s\x1b[2;4r\x1b[?6h\x1b[Hmarg\x1b[2L\x1b[3@\x1b[2'}\x1b6\x1b9\x1b[?45h\b\b",
		"\x1b[88;1;1;4;6$x\x1b[1;1;3;5;1;3;4;1$v\x1b[2*x\x1b[1;2;3;9;1;4$r\x1b[1;1;4;4;7$t\x1b[2;2;3;3$z",
		"\x1b[1\"qPR\x1b[0\"q\x1bVIS\x1bW\x1b[?2J\x1b[J\x1b[1;1;9;9${", "\x1b#6wide\r\n\x1b#3top\r\n\x1b#4bot\x1b#5",
		"\x1b*0\x1b+0\x1bnq\x1boq\x1bNq\x1bOq", "\x1b]4;1;rgb:12/34/56\x07\x1b]11;#102030\x1b\\\x1b]4;1;?\x07\x1b]104\x07",
		"\x1bP$qm\x1b\\\x1b[?6n\x1b[?2026$p\x1b[1$w\x1b[2$w\x1b[1;1;1;1;4;4*y", "\x1b[?1;7;69s\x1b[?1;7;69r\x1b[62;1\"p",
		"\x1b[?47habc\x1b[?47l\x1b[?1047h\x1b[?1047l",
	} {
		f.Add(uint8(12), uint8(5), uint8(7), uint8(3), []byte(seed))
	}
	f.Fuzz(func(t *testing.T, w, h, w2, h2 uint8, data []byte) {
		cols, rows := int(w%80)+1, int(h%30)+1
		s := New(cols, rows, Options{Scrollback: 20, Reply: func([]byte) {}})
		half := len(data) / 2
		s.Write(data[:half])
		if err := checkInvariants(s); err != nil {
			t.Fatalf("after first half: %v", err)
		}
		s.Resize(int(w2%80)+1, int(h2%30)+1)
		if err := checkInvariants(s); err != nil {
			t.Fatalf("after resize: %v", err)
		}
		s.Write(data[half:])
		if err := checkInvariants(s); err != nil {
			t.Fatalf("after second half: %v", err)
		}
		var snap Snapshot
		s.Snapshot(&snap)
		_ = s.Text()
		roundTrip(t, s)
	})
}
