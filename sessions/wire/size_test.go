package wire

import (
	"bytes"
	"testing"
)

// TestSizeMarks: marks come out with their offsets, whatever the pieces the output
// arrives in (split inside a mark too), and the rest passes byte for byte, including
// look-alikes that are not marks.
func TestSizeMarks(t *testing.T) {
	var out []byte
	out = append(out, "hello "...)
	out = AppendSizeMark(out, 70, 19)
	out = append(out, "\x1b[Hscreen\x1b_duet-size;x\x1b\\ \x1b_other\x1b\\"...)
	out = AppendSizeMark(out, 120, 40)
	out = append(out, "end\x1b"...)
	want := []byte("hello \x1b[Hscreen\x1b_duet-size;x\x1b\\ \x1b_other\x1b\\end\x1b")
	wantMarks := []SizeAt{{6, 70, 19}, {len(want) - 4, 120, 40}}
	for step := 1; step <= len(out); step++ {
		var m SizeMarks
		var got []byte
		var marks []SizeAt
		for i := 0; i < len(out); i += step {
			var found []SizeAt
			before := len(got)
			got, found = m.Take(got, out[i:min(i+step, len(out))])
			for _, f := range found {
				if f.At < before {
					t.Fatalf("step %d: mark at %d before the piece's start %d", step, f.At, before)
				}
			}
			marks = append(marks, found...)
		}
		got = append(got, m.held...) // an ESC at the very end waits for more
		if !bytes.Equal(got, want) {
			t.Fatalf("step %d: output %q, want %q", step, got, want)
		}
		if len(marks) != len(wantMarks) || marks[0] != wantMarks[0] || marks[1] != wantMarks[1] {
			t.Fatalf("step %d: marks %v, want %v", step, marks, wantMarks)
		}
	}
}

// TestSizeMarkBounds: a mark's numbers are bounded: a larger or zero size is no mark.
func TestSizeMarkBounds(t *testing.T) {
	for _, in := range []string{"\x1b_duet-size;0;10\x1b\\", "\x1b_duet-size;10;1001\x1b\\", "\x1b_duet-size;99999;10\x1b\\", "\x1b_duet-size;10;10\x1bX"} {
		var m SizeMarks
		got, marks := m.Take(nil, []byte(in))
		if len(marks) != 0 || string(got) != in {
			t.Errorf("%q: marks %v, output %q; want no mark and the bytes as they are", in, marks, got)
		}
	}
	if got := string(AppendSizeMark(nil, 5000, 0)); got != "\x1b_duet-size;1000;1\x1b\\" {
		t.Errorf("AppendSizeMark bounds: %q", got)
	}
}

// FuzzSizeMarks: whatever a host sends, Take loses and adds nothing but the marks, and
// every mark it reports is in bounds and inside the output.
func FuzzSizeMarks(f *testing.F) {
	f.Add([]byte("a\x1b_duet-size;80;24\x1b\\b"), 3)
	f.Add([]byte("\x1b_duet-size;1"), 1)
	f.Add([]byte("\x1b\x1b_duet-size;2;2\x1b\\\x1b"), 2)
	f.Fuzz(func(t *testing.T, p []byte, step int) {
		step = max(1, min(step, 64))
		var m SizeMarks
		var got []byte
		var all []SizeAt
		for i := 0; i < len(p); i += step {
			var marks []SizeAt
			got, marks = m.Take(got, p[i:min(i+step, len(p))])
			all = append(all, marks...)
		}
		got = append(got, m.held...)
		removed := 0
		last := 0
		for _, mk := range all {
			if mk.Cols < 1 || mk.Rows < 1 || mk.Cols > MaxMarkedCols || mk.Rows > MaxMarkedRows || mk.At < last || mk.At > len(got) {
				t.Fatalf("mark %+v out of bounds (output %d bytes)", mk, len(got))
			}
			last = mk.At
			removed += len(AppendSizeMark(nil, mk.Cols, mk.Rows))
		}
		if len(got)+removed != len(p) {
			t.Fatalf("%d bytes in, %d out with %d marks", len(p), len(got), len(all))
		}
	})
}
