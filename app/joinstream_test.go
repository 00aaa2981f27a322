package app

import (
	"testing"

	"github.com/duetpair/duet/sessions/wire"
)

// sizedPiece is output and the size it is for.
type sizedPiece struct {
	text       string
	cols, rows int
}

// readAllSized reads s until its pipe ends, returning each piece with the size it is
// for, as the widget's reader sees them.
func readAllSized(t *testing.T, s *joinStream) []sizedPiece {
	t.Helper()
	var got []sizedPiece
	buf := make([]byte, 7) // small reads: marks and bytes cross them
	for {
		n, cols, rows, err := s.ReadSized(buf)
		if n > 0 || len(got) == 0 || got[len(got)-1].cols != cols || got[len(got)-1].rows != rows {
			if len(got) > 0 && got[len(got)-1].cols == cols && got[len(got)-1].rows == rows {
				got[len(got)-1].text += string(buf[:n])
			} else {
				got = append(got, sizedPiece{string(buf[:n]), cols, rows})
			}
		}
		if err != nil {
			return got
		}
	}
}

// TestJoinStreamSizes: the marks a Duet host writes come out as the size of the output
// after them, wherever the pipe's pieces cut them; the bytes pass without them; and the
// screen follows the widget until the first mark (a host that says no size).
func TestJoinStreamSizes(t *testing.T) {
	s := newJoinStream()
	if !s.FollowsGrid() {
		t.Fatal("a stream with no mark yet does not follow the grid")
	}
	var out []byte
	out = append(out, "before "...)
	out = wire.AppendSizeMark(out, 70, 19)
	out = append(out, "at seventy"...)
	out = wire.AppendSizeMark(out, 100, 30)
	out = wire.AppendSizeMark(out, 90, 25) // two in a row: the last holds
	out = append(out, "at ninety"...)
	go func() {
		for i := 0; i < len(out); i += 5 {
			s.pw.Write(out[i:min(i+5, len(out))])
		}
		s.pw.Close()
	}()
	var got []sizedPiece
	for _, p := range readAllSized(t, s) {
		if p.text != "" { // a size with no output after it before the next one
			got = append(got, p)
		}
	}
	want := []sizedPiece{{"before ", 0, 0}, {"at seventy", 70, 19}, {"at ninety", 90, 25}}
	if len(got) != len(want) {
		t.Fatalf("pieces %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("pieces %+v, want %+v", got, want)
		}
	}
	if s.FollowsGrid() {
		t.Error("a stream whose host said a size still follows the grid")
	}

	plain := newJoinStream()
	go func() { plain.pw.Write([]byte("an OpenSSH server's \x1b_apc\x1b\\ output")); plain.pw.Close() }()
	if got := readAllSized(t, plain); len(got) != 1 || got[0] != (sizedPiece{"an OpenSSH server's \x1b_apc\x1b\\ output", 0, 0}) {
		t.Errorf("plain output read as %+v", got)
	}
	if !plain.FollowsGrid() {
		t.Error("a stream without marks stopped following the grid")
	}
}
