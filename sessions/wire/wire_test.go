package wire

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestStatusRoundTrip(t *testing.T) {
	for _, st := range []Status{
		{State: Waiting, Fingerprint: "SHA256:abc"},
		{State: Approved, Fingerprint: "SHA256:abc"},
		{State: Denied, Fingerprint: "SHA256:abc"},
		{State: Kicked, Text: "[duet: the host disconnected you]"},
		{State: Ended, Text: "exit status 3"},
	} {
		got, err := ParseStatus(st.Marshal())
		if err != nil || got != st {
			t.Errorf("ParseStatus(Marshal(%+v)) = %+v, %v", st, got, err)
		}
	}
}

func TestStatusBounds(t *testing.T) {
	long := Status{State: Refused, Text: strings.Repeat("x", 10*MaxText)}
	got, err := ParseStatus(long.Marshal())
	if err != nil || len(got.Text) != MaxText {
		t.Errorf("a long text is sent cut to MaxText: %d bytes, %v", len(got.Text), err)
	}
	for _, p := range [][]byte{nil, {0, 0, 0}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}} {
		if _, err := ParseStatus(p); err == nil {
			t.Errorf("ParseStatus(%q) accepted a malformed payload", p)
		}
	}
}

func TestMessages(t *testing.T) {
	for _, tc := range []struct {
		st   Status
		want string
	}{
		{Status{State: Waiting, Fingerprint: "SHA256:k"}, "waiting for the host to approve key SHA256:k"},
		{Status{State: Denied, Fingerprint: "SHA256:k"}, "the host denied key SHA256:k"},
		{Status{State: TimedOut, Fingerprint: "SHA256:k"}, "the host did not answer in time for key SHA256:k"},
		{Status{State: Stopped}, "the host stopped sharing"},
		{Status{State: Ended, Text: "exit status 0"}, "the session ended: exit status 0"},
		{Status{State: State(99)}, "State(99)"},
	} {
		if got := tc.st.Message(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.st, got, tc.want)
		}
	}
	for s := Waiting; s <= Role; s++ {
		if final := s.Final(); final != (s >= Denied && s <= Ended) {
			t.Errorf("%v.Final() = %v", s, final)
		}
	}
}

// FuzzParseStatus: whatever a host sends, ParseStatus never panics, and what it accepts
// is bounded and marshals back to the same status.
func FuzzParseStatus(f *testing.F) {
	f.Add(Status{State: Waiting, Fingerprint: "SHA256:abc"}.Marshal())
	f.Add(Status{State: Kicked, Text: "\x1b[2Jbye"}.Marshal())
	f.Add([]byte{0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, p []byte) {
		st, err := ParseStatus(p)
		if err != nil {
			return
		}
		if len(st.Text) > MaxText || len(st.Fingerprint) > 100 || st.State == 0 {
			t.Fatalf("accepted an unbounded status %+v", st)
		}
		if again, err := ParseStatus(st.Marshal()); err != nil || again != st {
			t.Fatalf("round trip: %+v -> %+v, %v", st, again, err)
		}
		_ = st.Message()
	})
}

func TestCleanName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Alice", "Alice"},
		{"  Alice   Smith \t", "Alice Smith"},
		{"Zoë 李", "Zoë 李"},
		{"evil\x1b[2J\x07", `evil\033[2J\007`},
		{"a\r\nb", `a\015\012b`},
		{"bad\xffutf8", `bad\377utf8`},
		{"rtl\u202egnp.exe", `rtl\342\200\256gnp.exe`},
		{"zero\u200bwidth", `zero\342\200\213width`},
		{`back\slash`, `back\slash`},
		{"c1\u009bx", `c1\302\233x`},
		{strings.Repeat("x", 38) + "\x1b", strings.Repeat("x", 38) + "…"},
		{strings.Repeat("x", 100), strings.Repeat("x", MaxName-1) + "…"},
		{"", ""},
	} {
		if got := CleanName(tc.in); got != tc.want {
			t.Errorf("CleanName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNameRoundTrip(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Alice", "Alice"},
		{"\x1b]0;pwned\x07", `\033]0;pwned\007`},
		{strings.Repeat("é", 1000), strings.Repeat("é", MaxName-1) + "…"},
	} {
		got, err := ParseName(MarshalName(tc.in))
		if err != nil || got != tc.want {
			t.Errorf("ParseName(MarshalName(%q)) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := ParseName([]byte{0, 0, 1}); err == nil {
		t.Error("ParseName accepted a malformed payload")
	}
	if _, err := ParseName(make([]byte, 10000)); err == nil {
		t.Error("ParseName accepted an oversized payload")
	}
}

func FuzzCleanName(f *testing.F) {
	f.Add("Alice")
	f.Add("\x1b[31mred\u202e")
	f.Fuzz(func(t *testing.T, s string) {
		got := CleanName(s)
		if utf8.RuneCountInString(got) > MaxName || !utf8.ValidString(got) {
			t.Fatalf("CleanName(%q) = %q: too long or invalid", s, got)
		}
		if again := CleanName(got); again != got {
			t.Fatalf("CleanName(%q) = %q, cleaned again %q", s, got, again)
		}
		for _, r := range got {
			if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || unicode.Is(unicode.Cf, r) {
				t.Fatalf("CleanName(%q) = %q keeps %U", s, got, r)
			}
		}
	})
}

func TestHistoryPayload(t *testing.T) {
	for _, h := range []History{{}, {Session: "0123abcd", Lines: 5000, At: 1 << 40}} {
		got, err := ParseHistory(h.Marshal())
		if err != nil || got != h {
			t.Errorf("ParseHistory(%+v.Marshal()) = %+v, %v", h, got, err)
		}
	}
	long := History{Session: strings.Repeat("x", 200)}
	if got, err := ParseHistory(long.Marshal()); err != nil || len(got.Session) != MaxSessionID {
		t.Errorf("a long ID is cut to %d: %q, %v", MaxSessionID, got.Session, err)
	}
	for _, bad := range [][]byte{nil, {0, 0, 0, 1}, append(long.Marshal()[:4], make([]byte, 300)...)} {
		if _, err := ParseHistory(bad); err == nil {
			t.Errorf("ParseHistory(%q) took it", bad)
		}
	}
}

// TestPan: a PanRequest's payload goes both ways, moves beyond MaxPan are cut, and
// anything malformed is refused.
func TestPan(t *testing.T) {
	for _, p := range []Pan{{DX: 8}, {DY: -4}, {DX: -3, DY: 7}, {Follow: true}} {
		got, err := ParsePan(p.Marshal())
		if err != nil || got != p {
			t.Errorf("ParsePan(Marshal(%+v)) = %+v, %v", p, got, err)
		}
	}
	if got, _ := ParsePan(Pan{DX: 1 << 30, DY: -(1 << 30)}.Marshal()); got.DX != MaxPan || got.DY != -MaxPan {
		t.Errorf("a huge move is %+v, want cut to %d", got, MaxPan)
	}
	for _, b := range [][]byte{nil, make([]byte, 8), append(make([]byte, 8), 2), make([]byte, 10)} {
		if _, err := ParsePan(b); err == nil {
			t.Errorf("ParsePan(%x) accepted", b)
		}
	}
	if msg := (Status{State: View, Text: "120x40\x1b[2J"}).Message(); strings.Contains(msg, "\x1b") {
		t.Errorf("a View status's text is not escaped: %q", msg)
	}
}
