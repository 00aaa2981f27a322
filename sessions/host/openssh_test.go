//go:build !windows

package host

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
)

// openSSHHost serves reg with the given approved keys and no approver (unknown keys are
// denied), and returns its address.
func openSSHHost(t *testing.T, reg *sessions.Registry) (*Server, string) {
	t.Helper()
	approved := keys.NewApproved(filepath.Join(t.TempDir(), "approved_keys"))
	h := &Server{Sessions: reg, Approved: approved}
	return h, serve(t, h)
}

// approvedKey makes a key for the ssh client and approves it with role.
func approvedKey(t *testing.T, h *Server, role keys.Role) string {
	t.Helper()
	file, signer := duettest.KeyFile(t)
	if err := h.Approved.Add(signer.PublicKey(), role, "test"); err != nil {
		t.Fatal(err)
	}
	return file
}

func shellRegistry(t *testing.T, name string, command ...string) *sessions.Registry {
	t.Helper()
	if len(command) == 0 {
		command = []string{"/bin/sh"}
	}
	reg := &sessions.Registry{}
	if _, err := reg.Start(sessions.Options{Name: name, Command: command, Env: []string{"PS1=$ ", "ENV=", "HISTFILE="}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return reg
}

func TestOpenSSHTypeSeeAndExit(t *testing.T) {
	duettest.NeedOpenSSH(t)
	h, addr := openSSHHost(t, shellRegistry(t, "main"))
	key := approvedKey(t, h, keys.RoleType)
	p := duettest.RunSSH(t, duettest.SSHArgs(t, addr, key, "main"), false)
	p.Type(t, "echo hello-$((6*7))\r")
	p.Out.WaitFor(t, "hello-42")
	p.Type(t, "exit 5\r")
	if code := p.Wait(t); code != 5 {
		t.Fatalf("ssh exit code %d, want the session's 5", code)
	}
	p.Out.WaitFor(t, "[duet: session main ended: exit status 5]")
}

func TestOpenSSHLateJoinSeesFullScreen(t *testing.T) {
	duettest.NeedOpenSSH(t)
	h, addr := openSSHHost(t, shellRegistry(t, "main"))
	key := approvedKey(t, h, keys.RoleType)
	first := duettest.RunSSH(t, duettest.SSHArgs(t, addr, key, "main"), false)
	first.Type(t, `printf '\033[?1049h\033[2J\033[3;5H\033[1mFULL\033[m SCREEN %s\033[10;1H' $((7*6)); read x`+"\r")
	first.Out.WaitFor(t, "SCREEN 42")

	late := duettest.RunSSH(t, duettest.SSHArgs(t, addr, key, "main"), false)
	want := h.Sessions.Default().Screen().Text()
	late.Out.WaitUntil(t, "the full screen above the status line", func(b []byte) bool {
		screen, status := duettest.ScreenAndStatus(b, 80, 24)
		return screen == want && strings.HasPrefix(status, "duet main │")
	})
	if !strings.Contains(want, "FULL SCREEN 42") || strings.Contains(want, "printf") {
		t.Fatalf("the session is not showing the full-screen program:\n%s", want)
	}

	if _, err := exec.LookPath("vim"); err != nil {
		return
	}
	// vim, leaving the script's screen first.
	first.Type(t, "\r")
	first.Type(t, "vim -u NONE -N -i NONE -n\r") // -n: no swap file left in the package dir
	first.Type(t, "iduet in vim\x1b")
	first.Out.WaitFor(t, "duet in vim")
	third := duettest.RunSSH(t, duettest.SSHArgs(t, addr, key, "main"), false)
	third.Out.WaitUntil(t, "vim's screen", func(b []byte) bool {
		s := duettest.ScreenOf(b, 80, 24)
		return strings.Contains(s, "duet in vim") && strings.Contains(s, "\n~")
	})
	first.Type(t, ":q!\r")
}

func TestOpenSSHUnknownKeyDenied(t *testing.T) {
	duettest.NeedOpenSSH(t)
	_, addr := openSSHHost(t, shellRegistry(t, "main"))
	key, signer := duettest.KeyFile(t)
	p := duettest.RunSSH(t, duettest.SSHArgs(t, addr, key, "main"), false)
	if code := p.Wait(t); code != 1 {
		t.Fatalf("ssh exit code %d, want 1", code)
	}
	p.Out.WaitFor(t, "denied key "+keys.Fingerprint(signer.PublicKey()))
}

func TestOpenSSHViewOnlyCannotType(t *testing.T) {
	duettest.NeedOpenSSH(t)
	h, addr := openSSHHost(t, shellRegistry(t, "main"))
	viewKey := approvedKey(t, h, keys.RoleView)
	typeKey := approvedKey(t, h, keys.RoleType)
	viewer := duettest.RunSSH(t, duettest.SSHArgs(t, addr, viewKey, "main"), false)
	typer := duettest.RunSSH(t, duettest.SSHArgs(t, addr, typeKey, "main"), false)
	duettest.Poll(t, "two partners", func() bool { return len(h.Sessions.Default().Clients()) == 2 })
	viewer.Type(t, "echo viewer-$((1+1))\r")
	typer.Type(t, "echo typer-$((2+2))\r")
	viewer.Out.WaitFor(t, "typer-4")
	typer.Out.WaitFor(t, "typer-4")
	if s := h.Sessions.Default().Screen().Text(); strings.Contains(s, "viewer") {
		t.Fatalf("view-only input reached the session:\n%s", s)
	}
}

func TestOpenSSHForwardingRefused(t *testing.T) {
	duettest.NeedOpenSSH(t)
	h, addr := openSSHHost(t, shellRegistry(t, "main"))
	key := approvedKey(t, h, keys.RoleType)

	// -W: stdio forwarding, a direct-tcpip channel.
	w := duettest.RunSSH(t, duettest.SSHArgs(t, addr, key, "main", "-W", "127.0.0.1:9"), false)
	if code := w.Wait(t); code == 0 {
		t.Fatal("ssh -W succeeded")
	}
	// -R: remote forwarding, a tcpip-forward request.
	r := duettest.RunSSH(t, duettest.SSHArgs(t, addr, key, "main", "-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9"), false)
	if code := r.Wait(t); code == 0 {
		t.Fatal("ssh -R succeeded")
	}
	r.Out.WaitFor(t, "forwarding failed")
	// -L: local forwarding: ssh listens, and each connection asks for a direct-tcpip
	// channel, which is refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	duettest.RunSSH(t, duettest.SSHArgs(t, addr, key, "main", "-N", "-L", fmt.Sprintf("127.0.0.1:%d:127.0.0.1:9", port)), false)
	var c net.Conn
	duettest.Poll(t, "ssh -L to listen", func() bool {
		c, err = net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		return err == nil
	})
	c.SetReadDeadline(time.Now().Add(duettest.Timeout))
	if n, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatalf("forwarded connection read %d bytes", n)
	}
	c.Close()
}

func TestOpenSSHListJSON(t *testing.T) {
	duettest.NeedOpenSSH(t)
	h, addr := openSSHHost(t, shellRegistry(t, "pair"))
	key := approvedKey(t, h, keys.RoleView)
	p := duettest.RunSSH(t, append(duettest.SSHArgs(t, addr, key, "whoever"), "ls", "--json"), false)
	if code := p.Wait(t); code != 0 {
		t.Fatalf("ssh ls --json: exit code %d", code)
	}
	out := p.Out.WaitFor(t, "]")
	out = out[bytes.IndexByte(out, '['):]
	var infos []sessions.Info
	if err := json.Unmarshal(bytes.TrimSpace(out), &infos); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	if len(infos) != 1 || infos[0].Name != "pair" || !infos[0].Default || infos[0].Command != "/bin/sh" {
		t.Fatalf("ls --json = %+v", infos)
	}
}

// A partner whose ssh stopped reading (its terminal is never read) does not slow another
// partner: the healthy partner receives the same bytes as when it is alone, and the
// stalled one's queue overflows instead.
func TestOpenSSHStalledPartnerDoesNotSlowOthers(t *testing.T) {
	duettest.NeedOpenSSH(t)
	const script = "read x; seq 1 1200000; echo DONE; read y"
	run := func(t *testing.T, stall bool) (received []byte, stalledDrops int) {
		reg := shellRegistry(t, "main", "/bin/sh", "-c", script)
		h, addr := openSSHHost(t, reg)
		s := reg.Default()
		if stall {
			key := approvedKey(t, h, keys.RoleView)
			duettest.RunSSH(t, duettest.SSHArgs(t, addr, key, "main"), true)
			duettest.Poll(t, "the stalled partner", func() bool { return len(s.Clients()) == 1 })
		}
		// Without a status line: the bytes compared are the program's output alone.
		healthy := join(t, addr, "main+nostatus", newSignerApproved(t, h, keys.RoleType), "", true)
		duettest.Poll(t, "the healthy partner", func() bool { return len(s.Clients()) == map[bool]int{true: 2, false: 1}[stall] })
		io.WriteString(healthy.stdin, "\r")
		out := healthy.out.WaitFor(t, "DONE")
		for _, c := range s.Clients() {
			if c != s.Clients()[len(s.Clients())-1] {
				stalledDrops += c.Drops()
			}
		}
		return out, stalledDrops
	}
	var alone, withStalled []byte
	var drops int
	t.Run("alone", func(t *testing.T) { alone, _ = run(t, false) })
	t.Run("stalled", func(t *testing.T) { withStalled, drops = run(t, true) })
	if t.Failed() {
		return
	}
	if drops == 0 {
		t.Fatal("the stalled partner never overflowed; the test did not stall it")
	}
	if len(alone) != len(withStalled) || !bytes.Equal(alone, withStalled) {
		t.Fatalf("healthy partner got %d bytes alone, %d next to a stalled one", len(alone), len(withStalled))
	}
	if !bytes.Contains(alone, []byte("\r\n1200000\r\n")) {
		t.Fatal("healthy partner missed the end of the output")
	}
}

func newSignerApproved(t *testing.T, h *Server, role keys.Role) ssh.Signer {
	t.Helper()
	s := duettest.Signer(t)
	if err := h.Approved.Add(s.PublicKey(), role, "go"); err != nil {
		t.Fatal(err)
	}
	return s
}

// ssh -T (and attach without -t): the partner is told once, in one line on its standard
// error, to use -t; a partner with a terminal is not.
func TestOpenSSHWithoutTerminalIsTold(t *testing.T) {
	duettest.NeedOpenSSH(t)
	h, addr := openSSHHost(t, shellRegistry(t, "main"))
	key := approvedKey(t, h, keys.RoleType)
	for _, extra := range [][]string{{"-T"}, {"-T", "attach", "main"}} {
		args := duettest.SSHArgs(t, addr, key, "main", extra[0])
		cmd := exec.Command("ssh", append(args, extra[1:]...)...)
		cmd.Stdin = strings.NewReader("echo piped-$((40+2))\n")
		stderr := &duettest.Output{}
		cmd.Stdout, cmd.Stderr = io.Discard, stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			cmd.Process.Kill()
			cmd.Wait()
		})
		stderr.WaitFor(t, noticeNoTerminal)
		if n := strings.Count(stderr.String(), "ssh -t"); n != 1 {
			t.Fatalf("told %d times: %q", n, stderr.String())
		}
	}
	p := duettest.RunSSH(t, duettest.SSHArgs(t, addr, key, "main"), false)
	p.Type(t, "echo tty-$((40+2))\r")
	p.Out.WaitFor(t, "tty-42")
	if strings.Contains(p.Out.String(), "ssh -t") {
		t.Fatalf("a partner with a terminal was told to use -t: %q", p.Out.String())
	}
}
