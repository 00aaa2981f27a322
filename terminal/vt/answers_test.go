package vt

import (
	"strings"
	"testing"
)

// answered feeds seq to a fresh Screen and reports whether it answered.
func answered(seq []byte) bool {
	got := false
	s := New(20, 5, Options{Reply: func([]byte) { got = true }})
	s.Write(seq)
	return got
}

// TestAnswersQuery checks AnswersQuery against what a Screen does with each sequence.
func TestAnswersQuery(t *testing.T) {
	for _, tc := range []struct {
		seq  string
		want bool
	}{
		{"\x1b[c", true}, {"\x1b[0c", true}, {"\x1b[1c", false}, {"\x1b[>c", true}, {"\x1b[>0c", true},
		{"\x1b[>q", true}, {"\x1b[q", false}, {"\x1b[5n", true}, {"\x1b[6n", true}, {"\x1b[7n", false},
		{"\x1b[?6n", true}, {"\x1b[?15n", true}, {"\x1b[?25n", true}, {"\x1b[?26n", true},
		{"\x1b[?53n", true}, {"\x1b[?55n", true}, {"\x1b[?56n", true}, {"\x1b[?62n", true},
		{"\x1b[?63;7n", true}, {"\x1b[?75n", true}, {"\x1b[?85n", true}, {"\x1b[?5n", false},
		{"\x1b[4$p", true}, {"\x1b[?2004$p", true}, {"\x1b[>4$p", false}, {"\x1b[1$w", true},
		{"\x1b[2$w", true}, {"\x1b[3$w", false}, {"\x1b[1;1;1;1;4;4*y", true}, {"\x1b[*y", true},
		{"\x1bP$qm\x1b\\", true}, {"\x1bP$q\"p\x1b\\", true}, {"\x1bP$qbogus\x1b\\", true},
		{"\x1bP$qm\x07", false}, {"\x1bP+q6b\x1b\\", false},
		{"\x1b]4;1;?\x07", true}, {"\x1b]4;1;?;200;?\x1b\\", true}, {"\x1b]4;1;#fff\x07", false},
		{"\x1b]4;1;?;2;#fff\x07", false}, {"\x1b]4;256;?\x07", false}, {"\x1b]4;+1;?\x07", false},
		{"\x1b]10;?\x07", true}, {"\x1b]11;?\x1b\\", true}, {"\x1b]10;?;?\x07", true}, {"\x1b]12;?\x07", true},
		{"\x1b]17;?\x07", true}, {"\x1b]19;?\x07", true}, {"\x1b]11;#000\x07", false}, {"\x1b]110\x07", false},
		{"\x1b]2;title?\x07", false}, {"\x1b]52;c;?\x07", false},
		{"\x1b[31m", false}, {"\x1b[H", false}, {"\x1b[6 n", false}, {"\x1b[?6", false}, {"\x1b]11;?", false},
		{"\x1b[" + strings.Repeat("1;", 40) + "6n", false},
	} {
		t.Run(strings.NewReplacer("\x1b", "ESC", "\x07", "BEL").Replace(tc.seq), func(t *testing.T) {
			if got := AnswersQuery([]byte(tc.seq)); got != tc.want {
				t.Errorf("AnswersQuery = %v, want %v", got, tc.want)
			}
			// A sequence reported answered is answered; one reported not answered is not,
			// but for the OSC that sets colours and asks for others.
			mixed := strings.Contains(tc.seq, "?;2;#fff")
			if got := answered([]byte(tc.seq)); got != tc.want && !mixed {
				t.Errorf("the screen answered: %v", got)
			}
		})
	}
}

// FuzzAnswersQuery: whatever AnswersQuery says is answered, a Screen answers.
func FuzzAnswersQuery(f *testing.F) {
	for _, s := range []string{"\x1b[?6n", "\x1b]4;1;?\x07", "\x1bP$qm\x1b\\", "\x1b[4$p", "\x1b[1;1*y", "\x1b]10;?;?\x1b\\"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, seq []byte) {
		if AnswersQuery(seq) && !answered(seq) {
			t.Fatalf("AnswersQuery(%q) is true, but the screen does not answer", seq)
		}
	})
}

// FuzzColorSpec: colour specs parse without panicking, and what parses is an RGB colour.
func FuzzColorSpec(f *testing.F) {
	for _, s := range []string{"rgb:12/34/56", "#abc", "#aabbccddeeff", "rgb:f/ff/fff", "rgb:/1/2", "#", "rgbi:1/1/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		if c, ok := parseColorSpec(spec); ok {
			if _, _, _, isRGB := c.RGB(); !isRGB {
				t.Fatalf("parseColorSpec(%q) = %v, not RGB", spec, c)
			}
		}
	})
}
