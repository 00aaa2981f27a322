package sessions

import (
	"bytes"
	"strings"
	"testing"

	"github.com/duetpair/duet/terminal/vt"
)

func TestOutputFilter(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "hello\r\n", "hello\r\n"},
		{"UTF-8", "café 日本 🙂", "café 日本 🙂"},
		{"SGR passes", "\x1b[1;31mred\x1b[m", "\x1b[1;31mred\x1b[m"},
		{"cursor and erase pass", "\x1b[2J\x1b[3;5H\x1b[K\x1b[?25l", "\x1b[2J\x1b[3;5H\x1b[K\x1b[?25l"},
		{"modes pass", "\x1b[?1049h\x1b[?2004h\x1b[?1000h", "\x1b[?1049h\x1b[?2004h\x1b[?1000h"},
		{"cursor style passes", "\x1b[2 q", "\x1b[2 q"},
		{"ESC sequences pass", "\x1b7\x1b8\x1b(B\x1b#8\x1bM", "\x1b7\x1b8\x1b(B\x1b#8\x1bM"},

		// Queries: a partner's terminal would answer into the session.
		{"DA1", "a\x1b[cb\x1b[0c", "ab"},
		{"DA2 and DA3", "a\x1b[>cb\x1b[>0c\x1b[=c", "ab"},
		{"DSR", "\x1b[5n\x1b[6n\x1b[?6n\x1b[?15n\x1b[?996n.", "."},
		{"DECRQM", "\x1b[?2004$p\x1b[4$p|", "|"},
		{"XTVERSION", "\x1b[>q|\x1b[>0q", "|"},
		{"window reports and ops", "\x1b[14t\x1b[18t\x1b[21t\x1b[8;100;300t\x1b[3;0;0t!", "!"},
		{"DECREQTPARM", "\x1b[x\x1b[1x.", "."},
		{"checksum and reports", "\x1b[1;1;1;1;1;1*y\x1b[?u\x1b[?4m\x1b[1$w\x1b[1$u\x1b[\"v.", "."},
		{"ENQ answerback", "a\x05b", "ab"},
		{"DECID", "a\x1bZb", "ab"},
		{"DECRQSS", "\x1bP$qm\x1b\\.", "."},
		{"XTGETTCAP", "\x1bP+q544e\x1b\\.", "."},
		{"colour query", "\x1b]11;?\x07\x1b]4;1;?\x1b\\.", "."},
		{"printer", "\x1b[5i\x1b[4i.", "."},

		// Acting beyond the screen.
		{"OSC 52 clipboard", "a\x1b]52;c;ZWNobyBoaQ==\x07b\x1b]52;c;?\x1b\\c", "abc"},
		{"user-defined keys", "\x1bP0;1|17/726d202d7266\x1b\\.", "."},
		{"tmux passthrough", "\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\.", "\x1b\\."}, // a lone ST is nothing
		{"APC PM SOS", "\x1b_Gi=1;AAAA\x1b\\\x1b^pm\x1b\\\x1bXsos\x1b\\.", "."},
		{"notifications and fonts", "\x1b]9;hi\x07\x1b]777;notify;a;b\x07\x1b]50;?\x07\x1b]1337;File=x\x07.", "."},
		{"colour questions", "\x1b]4;1;?\x07\x1b]10;#000;?\x07\x1b]11;?\x1b\\.", "."},

		// Kept, and sanitised.
		{"title", "\x1b]0;my title\x07x", "\x1b]0;my title\x07x"},
		{"title with ST", "\x1b]2;t\x1b\\x", "\x1b]2;t\x1b\\x"},
		{"title sanitised", "\x1b]2;a\u009b2Jb\x7fc\xffd\x07", "\x1b]2;a2Jbcd\x07"},
		{"long title cut", "\x1b]2;" + strings.Repeat("t", 600) + "\x07", "\x1b]2;" + strings.Repeat("t", maxTitle) + "\x07"},
		{"hyperlink", "\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\", "\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\"},
		{"too long a link is dropped", "\x1b]8;;" + strings.Repeat("x", maxOSC) + "\x07.", "."},
		{"colours set and reset", "\x1b]4;1;#ff0000\x07\x1b]10;rgb:00/00/00\x1b\\\x1b]104\x07\x1b]110\x1b\\",
			"\x1b]4;1;#ff0000\x07\x1b]10;rgb:00/00/00\x1b\\\x1b]104\x07\x1b]110\x1b\\"},
		{"cwd and prompt marks", "\x1b]7;file://h/tmp\x07\x1b]133;A\x07", "\x1b]7;file://h/tmp\x07\x1b]133;A\x07"},

		// Tricks: what a terminal would still see as a query.
		{"control inside CSI", "\x1b[\n6n.", "\n."},
		{"NUL inside CSI", "\x1b[6\x00n.", "\x00."},
		{"C1 CSI in UTF-8", "a\u009b6nb\u009d52;c;aGk=\u009c", "a6nb52;c;aGk="},
		{"8-bit CSI", "a\x9b6n", "a\uFFFD6n"},
		{"8-bit CSI, then a bracket", "\x9b[A", "\uFFFD[A"}, // found by FuzzOutputFilter
		{"ESC restarts", "\x1b]52;c;x\x1b[6n.", "."},
		{"aborted OSC", "\x1b]2;t\x1b[1mB", "\x1b[1mB"},
		{"CAN cancels", "\x1b[6\x18n.", "n."},
		{"long CSI dropped", "\x1b[" + strings.Repeat("1;", 200) + "m.", "."},
		{"malformed CSI dropped", "\x1b[1?c.\x1b[1;2>m.", ".."},
		{"broken UTF-8", "a\xe2\x82b", "a\uFFFDb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f outputFilter
			if got := string(f.filter([]byte(tc.in))); got != tc.want {
				t.Errorf("filter(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestOutputFilterHoldsCutSequences(t *testing.T) {
	var f outputFilter
	steps := []struct{ in, want string }{
		{"ab\x1b[", "ab"},
		{"6", ""},
		{"nxy\x1b", "xy"},
		{"[31mz\xe2\x82", "\x1b[31mz"},
		{"\xac!", "\u20ac!"},
		{"\x1b]52;c;" + strings.Repeat("A", 100), ""},
		{strings.Repeat("A", 100000), ""}, // dropped as it comes, never held
		{"\x07after", "after"},
		{"\x1b]0;ti", ""},
		{"tle\x07", "\x1b]0;title\x07"},
	}
	for _, s := range steps {
		if got := string(f.filter([]byte(s.in))); got != s.want {
			t.Fatalf("filter(%q) = %q, want %q", s.in, got, s.want)
		}
		if len(f.held) > maxOSC+utf8Bytes {
			t.Fatalf("holding %d bytes", len(f.held))
		}
	}
}

// Cutting the output anywhere changes nothing: the filter gives the same bytes as for
// the output in one piece, and never holds more than its bounds. Nothing it passes is a
// query or a string: the result filtered again is the same.
func FuzzOutputFilter(f *testing.F) {
	f.Add([]byte("a\x1b[6nb\x1b[1;2Hc\xe2\x82\xac\x1b[>c"), uint8(3))
	f.Add([]byte("\x1b[?2004$p\x1b]0;x\x07\x1b["), uint8(1))
	f.Add([]byte("\x1b]52;c;aGk=\x07\x1bP$qm\x1b\\\u009b6n"), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		var whole outputFilter
		want := append([]byte(nil), whole.filter(data)...)
		var parts outputFilter
		var got []byte
		n := int(step%16) + 1
		for i := 0; i < len(data); i += n {
			got = append(got, parts.filter(data[i:min(i+n, len(data))])...)
			if len(parts.held) > maxOSC+utf8Bytes {
				t.Fatalf("holding %d bytes", len(parts.held))
			}
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("in pieces of %d: %q, whole: %q", n, got, want)
		}
		if whole.state == stGround {
			var again outputFilter
			if twice := again.filter(want); !bytes.Equal(twice, want) {
				t.Fatalf("filtered output changes when filtered again: %q, then %q", want, twice)
			}
		}
	})
}

// BenchmarkOutputFilter measures the filter on what a session prints most: plain text,
// colour-heavy text, and text with multi-byte characters. It must stay far faster than a
// pseudo-terminal (about 50 MB/s here).
func BenchmarkOutputFilter(b *testing.B) {
	words := strings.Repeat("the quick brown fox jumps over the lazy dog ", 30) + "\r\n"
	for _, in := range []struct{ name, text string }{
		{"plain", words},
		{"colour", strings.Repeat("\x1b[1;38;5;202mquick\x1b[0m \x1b[48;2;10;20;30mbrown\x1b[m fox ", 40) + "\r\n"},
		{"utf8", strings.Repeat("日本語のテキスト café ñandú 🙂 ", 40) + "\r\n"},
	} {
		b.Run(in.name, func(b *testing.B) {
			data := []byte(strings.Repeat(in.text, (64<<10)/len(in.text)))
			var f outputFilter
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for range b.N {
				f.filter(data)
			}
		})
	}
}

// What the screen model answers never reaches a client: every sequence vt.AnswersQuery
// reports is removed whole (the filter removes more: what any terminal would answer).
func FuzzOutputFilterDropsAnswered(f *testing.F) {
	for _, q := range []string{
		"\x1b[c", "\x1b[0c", "\x1b[>c", "\x1b[>1q", "\x1b[5n", "\x1b[6n", "\x1b[?6n", "\x1b[?26n",
		"\x1b[?85n", "\x1b[4$p", "\x1b[?2004$p", "\x1b[1$w", "\x1b[2$w", "\x1b[1;1;1;1;1;1*y",
		"\x1bP$qm\x1b\\", "\x1bP1$q\"p\x1b\\", "\x1b]4;1;?\x07", "\x1b]4;1;?;2;?\x1b\\", "\x1b]10;?\x07",
		"\x1b]11;?;?\x1b\\", "\x1b]19;?\x07",
	} {
		f.Add([]byte(q))
	}
	f.Fuzz(func(t *testing.T, seq []byte) {
		if !vt.AnswersQuery(seq) {
			return
		}
		var flt outputFilter
		if out := flt.filter(seq); len(out) != 0 {
			t.Fatalf("the screen answers %q, and clients still get %q", seq, out)
		}
	})
}
