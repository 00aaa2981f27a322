package join

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// TestReconnectingSaysWhyInWords: the notice while reconnecting names the cause in a
// few words, not the dial's chain of wrapped errors.
func TestReconnectingSaysWhyInWords(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nobody listens there now
	_, refused := net.Dial("tcp", addr)
	if refused == nil {
		t.Skip("the closed port answered")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	_, timedOut := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("connect to %s: %w", addr, refused), "the host refused the connection: is it still hosting?"},
		{&HandshakeTimeoutError{Addr: addr, After: time.Second}, "the host did not answer in time"},
		{errors.New("ssh: handshake failed: something odd"), "something odd"},
	} {
		s := Status{State: Reconnecting, Attempt: 3, Delay: 2 * time.Second, Err: tc.err}
		if got := s.String(); got != "reconnecting: attempt 3 in 2s (last time "+tc.want+")" {
			t.Errorf("%v: %q", tc.err, got)
		}
	}
	if timedOut != nil {
		if got := dropCause(timedOut); strings.Contains(got, "dial tcp") {
			t.Errorf("a timed-out dial reads %q", got)
		}
	}
}
