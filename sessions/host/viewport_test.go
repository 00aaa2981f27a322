//go:build !windows

package host

import (
	"io"
	"strings"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
)

// TestOpenSSHInTmuxViewportFollowsCursor: with the host's size, an OpenSSH partner in an
// 80x24 tmux window does not shrink the host's 120x40 session; it sees the part of it
// around the cursor above its status line, which follows the cursor as it moves, and
// what it types still reaches the session.
func TestOpenSSHInTmuxViewportFollowsCursor(t *testing.T) {
	sshPath := duettest.NeedOpenSSH(t)
	reg := shellRegistry(t, "main", "/bin/sh", "-c",
		`stty -echo; printf '\033[1;1HTOPLEFT\033[40;100HBOTTOMRIGHT'; read x; printf '\033[1;1HHOME-%s' "$x"; exec cat`)
	sess := reg.Default()
	sess.SetSizePolicy(sessions.SizeHost)
	hostClient, err := sess.Attach(sessions.AttachOptions{Name: "window", Host: true, FollowSize: true, Cols: 120, Rows: 40})
	if err != nil {
		t.Fatal(err)
	}
	st := sessions.NewStream(hostClient)
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		io.Copy(io.Discard, st)
	}()
	t.Cleanup(func() {
		st.Close()
		<-copied
	})
	duettest.Poll(t, "the host's screen", func() bool { return strings.Contains(sess.Screen().Text(), "BOTTOMRIGHT") })

	h, addr := openSSHHost(t, reg)
	key := approvedKey(t, h, keys.RoleType)
	tm := duettest.RunInTmux(t, 80, 24, append([]string{sshPath}, duettest.SSHArgs(t, addr, key, "main", "-t")...)...)
	// The pane's bottom row is the partner's status line; the cursor is after
	// BOTTOMRIGHT (column 110, row 39): the view above it is columns 31-110 and rows
	// 17-39, so BOTTOMRIGHT ends in the pane's last column of the row above the status
	// line. First the status line says why (a notice, for a few seconds).
	duettest.Poll(t, "the notice", func() bool {
		rows := tm.Screen(t)
		return len(rows) == 24 && strings.Contains(rows[23], "duet: the session is 120x40, larger than your terminal")
	})
	want := strings.Repeat(" ", 99-31) + "BOTTOMRIGHT"
	duettest.Poll(t, "the pane to show the cursor's corner", func() bool {
		rows := tm.Screen(t)
		return len(rows) == 24 && rows[22] == want
	})
	if cols, rows := sess.Size(); cols != 120 || rows != 40 {
		t.Fatalf("the session is %dx%d, want the host's 120x40", cols, rows)
	}
	if strings.Contains(strings.Join(tm.Screen(t), "\n"), "TOPLEFT") {
		t.Error("the pane shows the top left corner too")
	}

	tm.Type(t, "typed\r") // the partner types; the cursor goes home, the view with it
	if !duettest.PollWithin(duettest.Timeout, func() bool {
		rows := tm.Screen(t)
		return len(rows) > 0 && rows[0] == "HOME-typed"
	}) {
		t.Fatalf("the pane shows\n%s\nthe session\n%s", strings.Join(tm.Screen(t), "\n"), sess.Screen().Text())
	}
}
