package duettest

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// Goroutines returns the stacks of the running goroutines whose stack mentions any of
// the functions named (as a stack shows them: "host.(*Server)", "join.(*link)").
func Goroutines(names ...string) string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var left []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		for _, name := range names {
			if strings.Contains(g, name) {
				left = append(left, g)
				break
			}
		}
	}
	return strings.Join(left, "\n\n")
}

// NoGoroutines fails the test if a goroutine running any of the functions named is
// still there after a short grace period: one that has called wg.Done may still be on its
// way out, as goleak allows for.
func NoGoroutines(tb testing.TB, what string, names ...string) {
	tb.Helper()
	var g string
	PollWithin(5*time.Second, func() bool {
		g = Goroutines(names...)
		return g == ""
	})
	if g != "" {
		tb.Errorf("goroutines left after %s:\n%s", what, g)
	}
}

// CheckGoroutines registers a check, run when the test ends (after the cleanups
// registered later, which close what the test opened), that no goroutine running any of
// the functions named is left.
func CheckGoroutines(tb testing.TB, what string, names ...string) {
	tb.Helper()
	tb.Cleanup(func() { NoGoroutines(tb, what, names...) })
}
