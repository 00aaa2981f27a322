//go:build !windows

package sessions

import (
	"testing"
	"time"
)

// TestTypingIsNoticed: whatever the terminal's modes (here a raw one, not recorded), a
// client's keys reach its paced writer, which sends a client behind its echo sooner.
func TestTypingIsNoticed(t *testing.T) {
	s := startSession(t, Options{}, "stty raw -echo; cat > /dev/null")
	c, _, _ := attach(t, s, AttachOptions{Name: "typist", Cols: 80, Rows: 24})
	before := time.Now()
	if _, err := c.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if typed := c.lastTyped(); typed.Before(before) {
		t.Fatalf("last typed %v, before the key (%v)", typed, before)
	}
	select {
	case <-c.keys:
	default:
		t.Fatal("the writer was not told of the key")
	}
}
