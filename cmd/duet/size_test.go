//go:build !windows

package main

import (
	"strings"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
)

// TestHostSizeFlag: `duet host --size host` with no window of the host's: the largest
// typist's terminal sets the size, and a partner with a smaller one (OpenSSH in an 80x24
// tmux window) sees the part around the cursor instead of shrinking everyone.
func TestHostSizeFlag(t *testing.T) {
	sshPath := duettest.NeedOpenSSH(t)
	dir := t.TempDir()
	keyFile, pub := newKeyFile(t)
	if code, _, stderr := runCLI(t, pub, "approve", "--config-dir", dir, "-"); code != 0 {
		t.Fatal(stderr)
	}
	h := startHost(t, dir, "--approve", "deny", "--size", "host",
		"--command", `/bin/sh -c 'stty -echo; read x; printf "\033[40;100HBOTTOMRIGHT"; exec cat'`)
	ssh := append([]string{sshPath}, duettest.SSHArgs(t, h.addr, keyFile, "main+nostatus", "-t")...)
	big := duettest.RunInTmux(t, 120, 40, ssh...)
	small := duettest.RunInTmux(t, 80, 24, ssh...)
	big.Type(t, "\r") // ssh sends it once connected
	want := strings.Repeat(" ", 99-31) + "BOTTOMRIGHT"
	if !duettest.PollWithin(duettest.Timeout, func() bool {
		rows := small.Screen(t)
		return len(rows) == 24 && rows[23] == want
	}) {
		t.Fatalf("the small pane shows\n%s\nthe big one\n%s", strings.Join(small.Screen(t), "\n"), strings.Join(big.Screen(t), "\n"))
	}
	if rows := big.Screen(t); len(rows) != 40 || !strings.HasSuffix(rows[39], "BOTTOMRIGHT") {
		t.Errorf("the big pane does not show the whole 120x40 session:\n%s", strings.Join(rows, "\n"))
	}
}
