//go:build !windows

package host

import (
	"slices"
	"strings"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
)

// isRun reports whether got is exactly from, from+1, ..., to.
func isRun(got []int, from, to int) bool {
	if len(got) != to-from+1 {
		return false
	}
	for i, n := range got {
		if n != from+i {
			return false
		}
	}
	return true
}

// TestOpenSSHInTmuxGetsHistory: an OpenSSH partner in tmux joining after 3000 lines of
// output finds them in tmux's own scrollback (capture-pane -S -), each once and in
// order, above the screen; with History set, only that many.
func TestOpenSSHInTmuxGetsHistory(t *testing.T) {
	duettest.NeedOpenSSH(t)
	reg := shellRegistry(t, "main")
	h, addr := openSSHHost(t, reg)
	key := approvedKey(t, h, keys.RoleType)
	sess := reg.Default()
	st, _ := attachHost(t, sess)
	st.Write([]byte("seq 1 3000; echo done-$((40+2))\r"))
	duettest.Poll(t, "the output", func() bool { return strings.Contains(sess.Screen().Text(), "done-42") })

	tm := duettest.RunInTmux(t, 80, 24, append([]string{duettest.NeedOpenSSH(t)}, duettest.SSHArgs(t, addr, key, "main+nostatus", "-t")...)...)
	duettest.Poll(t, "the partner's pane to show the screen", func() bool {
		return slices.Contains(tm.Screen(t), "done-42")
	})
	lines := tm.Lines(t)
	if got := duettest.Numbered(lines); !isRun(got, 1, 3000) {
		t.Fatalf("tmux holds %d numbered lines (%v ... %v), want 1 to 3000 once each",
			len(got), got[:min(5, len(got))], got[max(len(got)-5, 0):])
	}
	// The screen is below the history, as the host's is.
	if want := duettest.Lines(sess.Screen()); !slices.Equal(lines[len(lines)-10:], want[len(want)-10:]) {
		t.Errorf("the pane ends with %q, the host's screen with %q", lines[len(lines)-10:], want[len(want)-10:])
	}
}

// TestHistoryLimit: the host's History bounds what a partner gets; NoHistory sends none.
func TestHistoryLimit(t *testing.T) {
	duettest.NeedOpenSSH(t)
	for _, tc := range []struct {
		name    string
		history int
		want    int // lines of history above the screen
	}{
		{"100 lines", 100, 100},
		{"none", NoHistory, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := shellRegistry(t, "main")
			h, addr := openSSHHost(t, reg)
			h.History = tc.history
			key := approvedKey(t, h, keys.RoleType)
			sess := reg.Default()
			st, _ := attachHost(t, sess)
			st.Write([]byte("seq 1 500; echo done-$((40+2))\r"))
			duettest.Poll(t, "the output", func() bool { return strings.Contains(sess.Screen().Text(), "done-42") })
			tm := duettest.RunInTmux(t, 80, 24, append([]string{duettest.NeedOpenSSH(t)}, duettest.SSHArgs(t, addr, key, "main+nostatus", "-t")...)...)
			duettest.Poll(t, "the partner's pane to show the screen", func() bool {
				return slices.Contains(tm.Screen(t), "done-42")
			})
			onScreen := duettest.Numbered(duettest.Lines(sess.Screen())[sess.Screen().ScrollbackLen():])
			first := onScreen[0] - tc.want
			if got := duettest.Numbered(tm.Lines(t)); !isRun(got, first, 500) {
				t.Fatalf("tmux holds %d numbered lines (%v ...), want %d to 500", len(got), got[:min(5, len(got))], first)
			}
		})
	}
}
