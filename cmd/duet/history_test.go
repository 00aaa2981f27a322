//go:build !windows

package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
)

// TestHostHistoryFlag: `duet host --history 7` says what partners see, and an OpenSSH
// partner in tmux joining after 100 lines gets exactly the 7 lines above the screen in
// tmux's own scrollback; --history 0 none.
func TestHostHistoryFlag(t *testing.T) {
	sshPath := duettest.NeedOpenSSH(t)
	for _, tc := range []struct {
		flag  string
		first int // the first line tmux holds: the screen shows 78 to 100
		says  string
	}{
		{"7", 71, "the last 7 lines of scrollback"},
		{"0", 78, "none of the scrollback"},
	} {
		t.Run(tc.flag, func(t *testing.T) {
			dir := t.TempDir()
			keyFile, pub := newKeyFile(t)
			if code, _, stderr := runCLI(t, pub, "approve", "--config-dir", dir, "-"); code != 0 {
				t.Fatal(stderr)
			}
			h := startHost(t, dir, "--approve", "deny", "--history", tc.flag,
				"--command", "/bin/sh -c 'seq 1 100; exec cat'")
			if l := h.waitLine(t, "partners who join see"); !strings.Contains(l, tc.says) {
				t.Errorf("duet host says %q, want %q", l, tc.says)
			}
			tm := duettest.RunInTmux(t, 80, 24, append([]string{sshPath}, duettest.SSHArgs(t, h.addr, keyFile, "main+nostatus", "-t")...)...)
			duettest.Poll(t, "the partner's pane to show the screen", func() bool {
				return slices.Contains(tm.Screen(t), "100")
			})
			got := duettest.Numbered(tm.Lines(t))
			if len(got) != 100-tc.first+1 || got[0] != tc.first || got[len(got)-1] != 100 {
				t.Fatalf("tmux holds %v, want %d to 100", got, tc.first)
			}
		})
	}
}
