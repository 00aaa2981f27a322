package wire

import (
	"strings"
	"testing"
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
	for s := Waiting; s <= Resumed; s++ {
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
