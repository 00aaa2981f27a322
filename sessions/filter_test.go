package sessions

import (
	"bytes"
	"testing"
)

func TestQueryFilter(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "hello\r\n", "hello\r\n"},
		{"DA1", "a\x1b[cb", "ab"},
		{"DA1 zero", "a\x1b[0cb", "ab"},
		{"DA2", "a\x1b[>cb\x1b[>0c", "ab"},
		{"DA3 passes", "\x1b[=c", "\x1b[=c"},
		{"DSR", "\x1b[5n\x1b[6n\x1b[?6n.", "."},
		{"other DSR passes", "\x1b[996n", "\x1b[996n"},
		{"DECRQM", "\x1b[?2004$p\x1b[4$p|", "|"},
		{"XTVERSION", "\x1b[>q|\x1b[>0q", "|"},
		{"cursor style passes", "\x1b[2 q", "\x1b[2 q"},
		{"SGR passes", "\x1b[1;31mred\x1b[m", "\x1b[1;31mred\x1b[m"},
		{"OSC passes", "\x1b]0;title\x07x", "\x1b]0;title\x07x"},
		{"ESC alone", "\x1b7\x1b8", "\x1b7\x1b8"},
		{"broken CSI passes", "\x1b[1\nx", "\x1b[1\nx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f queryFilter
			if got := string(f.filter([]byte(tc.in))); got != tc.want {
				t.Errorf("filter(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestQueryFilterHoldsCutSequences(t *testing.T) {
	var f queryFilter
	steps := []struct{ in, want string }{
		{"ab\x1b[", "ab"},
		{"6", ""},
		{"nxy\x1b", "xy"},
		{"[31mz\xe2\x82", "\x1b[31mz"},
		{"\xac!", "\u20ac!"},
	}
	for _, s := range steps {
		if got := string(f.filter([]byte(s.in))); got != s.want {
			t.Fatalf("filter(%q) = %q, want %q", s.in, got, s.want)
		}
	}
}

// Cutting the output anywhere changes nothing: the filter gives the same bytes as for
// the output in one piece (less what it still holds at the end).
func FuzzQueryFilter(f *testing.F) {
	f.Add([]byte("a\x1b[6nb\x1b[1;2Hc\xe2\x82\xac\x1b[>c"), uint8(3))
	f.Add([]byte("\x1b[?2004$p\x1b]0;x\x07\x1b["), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		var whole queryFilter
		want := append([]byte(nil), whole.filter(data)...)
		want = append(want, whole.held...)
		var parts queryFilter
		var got []byte
		n := int(step%16) + 1
		for i := 0; i < len(data); i += n {
			got = append(got, parts.filter(data[i:min(i+n, len(data))])...)
		}
		got = append(got, parts.held...)
		if !bytes.Equal(got, want) {
			t.Fatalf("in pieces of %d: %q, whole: %q", n, got, want)
		}
		if len(parts.held) > maxHeld+4 {
			t.Fatalf("holding %d bytes", len(parts.held))
		}
	})
}
