package duettest

import (
	"errors"
	"testing"
	"time"
)

// Timeout bounds every wait in the tests; the race detector on two busy cores is slow.
const Timeout = 20 * time.Second

// Poll waits until cond holds, checking it every few milliseconds, for state that has no
// channel to wait on (a process's view of its terminal size, say). It fails the test
// after Timeout.
func Poll(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	if !PollWithin(Timeout, cond) {
		tb.Fatalf("timed out waiting for %s", what)
	}
}

// PollWithin reports whether cond holds within d, checking it every few milliseconds.
func PollWithin(d time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline.C:
			return cond()
		}
	}
	return true
}

// Await waits until ch is closed (or sends), failing the test after Timeout.
func Await[T any](tb testing.TB, ch <-chan T, what string) {
	tb.Helper()
	t := time.NewTimer(Timeout)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
		tb.Fatalf("timed out waiting for %s", what)
	}
}

// ErrorAs is errors.As for tests: it fails the test if err is not a T.
func ErrorAs[T error](tb testing.TB, err error) T {
	tb.Helper()
	var target T
	if !errors.As(err, &target) {
		tb.Fatalf("error %v (%T) is not a %T", err, err, target)
	}
	return target
}
