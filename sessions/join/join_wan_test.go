//go:build !windows

package join

import (
	"strings"
	"testing"
	"time"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/sessions/host"
)

// TestJoinFarAwayGetsTheCurrentScreen: a Duet partner behind a slow, distant link (40 ms
// each way, 2 Mbit/s) ends a flood with the host's screen, having received a fraction of
// the output, and knows its round trip. Its answers to the host's pings wait for what
// reads the Conn, so none of this waits in the Conn.
func TestJoinFarAwayGetsTheCurrentScreen(t *testing.T) {
	store := joinStore(t)
	h := &host.Server{}
	addr := duetHost(t, h, duetKey(t, store).PublicKey())
	link := duettest.Link{Delay: 40 * time.Millisecond, Rate: 2e6}
	proxy := duettest.NewWAN(t, addr, link, link)
	j := dialJoin(t, testAddr(t, proxy.Addr(), "main"), Config{Store: store, Term: "xterm-256color", Cols: 80, Rows: 24, ConfirmHost: (&trustAll{}).confirm})
	j.typeLine(t, "seq 1 500000; echo FLOOD''DONE")
	s := h.Sessions.Default()
	duettest.Poll(t, "the flood to end", func() bool { return strings.Contains(s.Screen().Text(), "FLOODDONE\n$") })
	want := s.Screen().Text()
	j.out.WaitUntil(t, "the partner's screen to be the host's", func(b []byte) bool {
		screen, _ := duettest.ScreenAndStatus(b, 80, 24) // above its status line
		return screen == want
	})
	if down, _ := proxy.Carried(); down > 500<<10 {
		t.Errorf("the partner received %d bytes of a 3.4 MB flood", down)
	}
	duettest.Poll(t, "a round trip", func() bool { return j.RTT() >= 2*link.Delay })
}
