package join

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/duetpair/duet/internal/duettest"
)

// statusLog records the statuses a Conn or a Relay reports, for tests to wait on.
type statusLog[S fmt.Stringer, K comparable] struct {
	state   func(S) K
	mu      sync.Mutex
	list    []S
	changed chan struct{} // closed and replaced on every add
}

func newStatusLog[S fmt.Stringer, K comparable](state func(S) K) *statusLog[S, K] {
	return &statusLog[S, K]{state: state, changed: make(chan struct{})}
}

func (s *statusLog[S, K]) add(st S) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.list = append(s.list, st)
	close(s.changed)
	s.changed = make(chan struct{})
}

// count returns how many statuses of state came.
func (s *statusLog[S, K]) count(state K) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, st := range s.list {
		if s.state(st) == state {
			n++
		}
	}
	return n
}

// wait waits for the n-th status of state, and returns it.
func (s *statusLog[S, K]) wait(tb testing.TB, state K, n int) S {
	tb.Helper()
	deadline := time.NewTimer(duettest.Timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ch := s.changed
		seen := 0
		for _, st := range s.list {
			if s.state(st) == state {
				if seen++; seen == n {
					s.mu.Unlock()
					return st
				}
			}
		}
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			tb.Fatalf("timed out waiting for status %v #%d; got:\n%s", state, n, s)
		}
	}
}

// String returns the statuses, one per line.
func (s *statusLog[S, K]) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for _, st := range s.list {
		b.WriteString(st.String() + "\n")
	}
	return b.String()
}
