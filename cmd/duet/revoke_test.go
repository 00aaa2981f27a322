//go:build unix

package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/duetpair/duet/internal/duettest"
)

// Attack on a headless host: a partner keeps typing after the host demoted it with duet
// approve --read-only, or stays after duet revoke. A running duet host applies both
// within a second, to every connection of the key.
func TestHostAppliesApproveAndRevokeLive(t *testing.T) {
	dir := t.TempDir()
	aKey, aPub := newKeyFile(t) // the partner demoted, then revoked; two connections
	bKey, bPub := newKeyFile(t) // a partner who can type, and watches
	for _, pub := range []string{aPub, bPub} {
		if code, _, stderr := runCLI(t, pub, "approve", "--config-dir", dir, "-"); code != 0 {
			t.Fatal(stderr)
		}
	}
	h := startHost(t, dir, "--approve", "deny", "--command", "/bin/sh")
	var as []*duettest.SSH
	for range 2 {
		a := duettest.RunSSH(t, duettest.SSHArgs(t, h.addr, aKey, "main"), false)
		// A small terminal: while a may type, it sets the session's size.
		if err := pty.Setsize(a.TTY, &pty.Winsize{Cols: 40, Rows: 12}); err != nil {
			t.Fatal(err)
		}
		as = append(as, a)
	}
	b := duettest.RunSSH(t, duettest.SSHArgs(t, h.addr, bKey, "main"), false)
	as[0].Type(t, "echo a-$((1+1))\r")
	b.Out.WaitFor(t, "a-2")
	retype(t, b, "stty size\r", "11 40") // a row of a's for its status line

	start := time.Now()
	if code, _, stderr := runCLI(t, aPub, "approve", "--read-only", "--config-dir", dir, "-"); code != 0 {
		t.Fatal(stderr)
	}
	// View-only clients do not set the size: the session grows to b's once a is demoted.
	retype(t, b, "stty size\r", "23 80")
	t.Logf("duet approve --read-only applied after %v", time.Since(start).Round(time.Millisecond))
	for i, a := range as {
		a.Type(t, fmt.Sprintf("echo after%d-$((6*7))\r", i))
	}
	b.Type(t, "echo marker-$((5+5))\r")
	out := string(b.Out.WaitFor(t, "marker-10"))
	if strings.Contains(out, "after0-42") || strings.Contains(out, "after1-42") {
		t.Fatalf("a demoted partner still types: %q", duettest.Tail([]byte(out), 300))
	}

	fp := keyFingerprint(t, aPub)
	start = time.Now()
	code, stdout, stderr := runCLI(t, "", "revoke", "--config-dir", dir, fp)
	if code != 0 || !strings.Contains(stdout, "revoked "+fp) {
		t.Fatalf("duet revoke: %d %q %q", code, stdout, stderr)
	}
	for _, a := range as {
		a.Wait(t)
		a.Out.WaitFor(t, "revoked access for key "+fp)
	}
	t.Logf("duet revoke disconnected both connections after %v", time.Since(start).Round(time.Millisecond))
	b.Type(t, "echo still-$((2+3))\r")
	b.Out.WaitFor(t, "still-5")
	if code, _, stderr := runCLI(t, "", "revoke", "--config-dir", dir, fp); code != 1 || !strings.Contains(stderr, "not in") {
		t.Errorf("revoking again: %d %q", code, stderr)
	}
}

// retype types s into p every 100 ms until its terminal shows want.
func retype(t *testing.T, p *duettest.SSH, s, want string) {
	t.Helper()
	deadline := time.NewTimer(duettest.Timeout)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	p.Out.Reset()
	for !strings.Contains(p.Out.String(), want) {
		p.Type(t, s)
		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %q; the terminal shows %q", want, duettest.Tail(p.Out.Bytes(), 400))
		}
	}
}
