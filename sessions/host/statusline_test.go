//go:build !windows

package host

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
)

// namedKey makes a key for the ssh client and approves it with role and name.
func namedKey(t *testing.T, h *Server, role keys.Role, name string) string {
	t.Helper()
	file, signer := duettest.KeyFile(t)
	if err := h.Approved.Add(signer.PublicKey(), role, name); err != nil {
		t.Fatal(err)
	}
	return file
}

// sshInTmux runs OpenSSH's ssh as user in a tmux window of cols x rows.
func sshInTmux(t *testing.T, addr, key, user string, cols, rows int, extra ...string) *duettest.Tmux {
	t.Helper()
	ssh := duettest.NeedOpenSSH(t)
	return duettest.RunInTmux(t, cols, rows, append([]string{ssh}, duettest.SSHArgs(t, addr, key, user, extra...)...)...)
}

// showsSession reports whether a terminal's lines show session s's screen above its
// last row, and that row starts with status.
func showsSession(lines []string, s *sessions.Session, status string) bool {
	want := strings.Split(strings.TrimSuffix(s.Screen().Text(), "\n"), "\n")
	_, rows := s.Size()
	if len(lines) < rows+1 || !strings.HasPrefix(strings.TrimSpace(lines[len(lines)-1]), status) {
		return false
	}
	for i, w := range want {
		if strings.TrimRight(w, " ") != lines[i] {
			return false
		}
	}
	return true
}

// TestStatusLineInTmux: a real OpenSSH partner in a real terminal (tmux) has a status
// line on its bottom row, the session a row less: through scrolling, chat, a point,
// recording, the curtain, and resizes of its terminal, its screen above the line is the
// session's and the line is at its bottom; leaving clears it.
func TestStatusLineInTmux(t *testing.T) {
	reg := shellRegistry(t, "main")
	h, addr := openSSHHost(t, reg)
	s := reg.Default()
	s.SetHostName("Bob")
	tm := sshInTmux(t, addr, namedKey(t, h, keys.RoleType, "Alice"), "main", 80, 24)
	tm.WaitScreen(t, "the status line", func(l []string) bool {
		return showsSession(l, s, "duet main │ Bob (host) · Alice (you)")
	})
	if cols, rows := s.Size(); cols != 80 || rows != 23 {
		t.Fatalf("session %dx%d with an 80x24 partner with a status line", cols, rows)
	}
	tm.Type(t, "seq 1 200; echo DONE\r")
	tm.WaitScreen(t, "the output scrolled above the status line", func(l []string) bool {
		return showsSession(l, s, "duet main │") && strings.Contains(strings.Join(l, "\n"), "200\nDONE")
	})
	s.Say(sessions.HostID, "Bob", "shall we run the tests?\x1b[2J")
	tm.WaitScreen(t, "the chat line", func(l []string) bool {
		return showsSession(l, s, "duet main │ Bob (host) · Alice (you)") && strings.Contains(l[23], `Bob: shall we run the tests?\033[2J`)
	})
	s.PointAt(sessions.HostID, "Bob", 3, 11)
	tm.WaitScreen(t, "the point", func(l []string) bool { return showsSession(l, s, "duet: Bob points at line 12") })
	s.Pause(false)
	tm.WaitScreen(t, "the curtain", func(l []string) bool {
		return strings.Contains(strings.Join(l, "\n"), "The host paused sharing") && strings.HasPrefix(l[23], " duet") &&
			!strings.Contains(strings.Join(l[:23], "\n"), "DONE")
	})
	s.Resume()
	for _, size := range [][2]int{{100, 30}, {60, 15}, {80, 24}} {
		tm.Resize(t, size[0], size[1])
		duettest.Poll(t, fmt.Sprintf("the session to be %dx%d", size[0], size[1]-1), func() bool {
			cols, rows := s.Size()
			return cols == size[0] && rows == size[1]-1
		})
		tm.Type(t, fmt.Sprintf("echo size-%d\r", size[0]))
		tm.WaitScreen(t, fmt.Sprintf("the status line at %dx%d", size[0], size[1]), func(l []string) bool {
			return len(l) == size[1] && showsSession(l, s, "duet main │") && strings.Contains(strings.Join(l, "\n"), fmt.Sprintf("size-%d\n", size[0]))
		})
	}
	tm.Type(t, "exit\r")
	tm.WaitScreen(t, "the end, the status line gone", func(l []string) bool {
		all := strings.Join(l, "\n")
		return strings.Contains(all, "[duet: session main ended: exit status 0]") && !strings.Contains(all, "duet main │")
	})
}

// TestStatusLineVimLateJoin: a partner joining while vim runs sees vim's whole screen
// above its status line, and keeps seeing it as vim scrolls, draws its own command line
// and status, and exits back to the shell.
func TestStatusLineVimLateJoin(t *testing.T) {
	if _, err := exec.LookPath("vim"); err != nil {
		t.Skip("vim is not installed")
	}
	reg := shellRegistry(t, "main")
	h, addr := openSSHHost(t, reg)
	s := reg.Default()
	file := filepath.Join(t.TempDir(), "notes.txt")
	var text strings.Builder
	for i := range 100 {
		fmt.Fprintf(&text, "line %d of the notes\n", i+1)
	}
	if err := os.WriteFile(file, []byte(text.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	first := sshInTmux(t, addr, namedKey(t, h, keys.RoleType, "Alice"), "main", 80, 24)
	first.WaitScreen(t, "the prompt", func(l []string) bool { return showsSession(l, s, "duet main │") && strings.HasPrefix(l[0], "$") })
	first.Type(t, "vim -u NONE -N -c 'set laststatus=2 ruler' "+file+"\r")
	first.WaitScreen(t, "vim", func(l []string) bool {
		return showsSession(l, s, "duet main │") && strings.HasPrefix(l[0], "line 1 of the notes") && strings.Contains(l[21], "notes.txt")
	})
	late := sshInTmux(t, addr, namedKey(t, h, keys.RoleType, "Carol"), "main", 80, 24)
	late.WaitScreen(t, "vim in the late partner's terminal", func(l []string) bool {
		return showsSession(l, s, "duet main │") && strings.HasPrefix(l[0], "line 1 of the notes") &&
			strings.Contains(l[23], "Alice") && strings.Contains(l[23], "Carol (you)")
	})
	first.Type(t, "50Gzt") // vim scrolls (with its scroll region)
	late.WaitScreen(t, "vim scrolled", func(l []string) bool {
		return showsSession(l, s, "duet main │") && strings.HasPrefix(l[0], "line 50 of the notes")
	})
	first.Type(t, ":echo 'from the command line'\r")
	late.WaitScreen(t, "vim's command line above the status line", func(l []string) bool {
		return showsSession(l, s, "duet main │") && strings.Contains(l[22], "from the command line")
	})
	first.Type(t, ":q\r")
	first.WaitScreen(t, "the shell again", func(l []string) bool {
		return showsSession(l, s, "duet main │") && strings.Contains(strings.Join(l, "\n"), "vim -u NONE")
	})
	// The late partner's terminal entered the alternate screen through the repaint
	// (?47h, which saves no cursor), and tmux restores the cursor at vim's ?1049l only
	// from a ?1049h: where its prompt lands is tmux's own (the same without a status
	// line). The shell's screen and the status line are back all the same.
	late.WaitScreen(t, "the shell again in the late partner's terminal", func(l []string) bool {
		return strings.HasPrefix(strings.TrimSpace(l[23]), "duet main │") && strings.HasPrefix(l[0], "$ vim -u NONE") &&
			!strings.Contains(strings.Join(l, "\n"), "of the notes")
	})
}

// TestOpenSSHChatAndWhoInTmux: OpenSSH partners in real terminals pair without Duet: one
// in the session, whose status line shows who is here and the chat; one in `ssh -t HOST
// chat`, who is listed as here (in the chat), whose line reaches that status line and who
// lists everyone with /who; `ssh HOST who` prints the same list.
func TestOpenSSHChatAndWhoInTmux(t *testing.T) {
	reg := shellRegistry(t, "main")
	h, addr := openSSHHost(t, reg)
	s := reg.Default()
	s.SetHostName("Bob")
	alice := sshInTmux(t, addr, namedKey(t, h, keys.RoleType, "Alice"), "main", 90, 24)
	alice.WaitScreen(t, "Alice's status line", func(l []string) bool { return showsSession(l, s, "duet main │ Bob (host) · Alice (you)") })
	ssh := duettest.NeedOpenSSH(t)
	carol := duettest.RunInTmux(t, 90, 24, append(append([]string{ssh}, duettest.SSHArgs(t, addr, namedKey(t, h, keys.RoleView, "Carol"), "main", "-t")...), "chat")...)
	carol.WaitScreen(t, "the chat", func(l []string) bool {
		return strings.HasPrefix(strings.Join(l, "\n"), "duet: the chat of main, as Carol")
	})
	carol.Type(t, "shall we pair?\r")
	alice.WaitScreen(t, "Carol's line on Alice's status line", func(l []string) bool {
		return showsSession(l, s, "duet main │ Bob (host) · Alice (you)") && strings.Contains(l[23], "Carol: shall we pair?")
	})
	alice.Type(t, "x")
	carol.Type(t, "/who\r")
	carol.WaitScreen(t, "/who in the chat", func(l []string) bool {
		return hasRow(l, "main Alice type typing") && hasRow(l, "main Bob host") && hasRow(l, "main Carol (you) view in the chat")
	})

	whoLine := strings.Join(append(append([]string{ssh}, duettest.SSHArgs(t, addr, namedKey(t, h, keys.RoleView, "Dan"), "main")...), "who"), " ")
	who := duettest.RunInTmux(t, 90, 10, "sh", "-c", whoLine+"; sleep 60")
	who.WaitScreen(t, "ssh HOST who", func(l []string) bool {
		return hasRow(l, "SESSION NAME ROLE NOW") && hasRow(l, "main Alice type") && hasRow(l, "main Bob host") &&
			hasRow(l, "main Carol view in the chat")
	})
}

// hasRow reports whether one of a table's lines starts with the words of row, spaced any
// way.
func hasRow(lines []string, row string) bool {
	for _, l := range lines {
		if strings.HasPrefix(strings.Join(strings.Fields(l), " ")+" ", row+" ") {
			return true
		}
	}
	return false
}
