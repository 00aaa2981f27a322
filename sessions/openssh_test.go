//go:build !windows

package sessions

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

	"github.com/duetpair/duet/keys"
)

// openSSHHost serves reg with the given approved keys and no approver (unknown keys are
// denied), and returns its address.
func openSSHHost(t *testing.T, reg *Registry) (*Host, string) {
	t.Helper()
	approved := keys.NewApproved(filepath.Join(t.TempDir(), "approved_keys"))
	h := &Host{Sessions: reg, Approved: approved}
	return h, serve(t, h)
}

// approvedKey makes a key for the ssh client and approves it with role.
func approvedKey(t *testing.T, h *Host, role keys.Role) string {
	t.Helper()
	file, signer := openSSHKey(t)
	if err := h.Approved.Add(signer.PublicKey(), role, "test"); err != nil {
		t.Fatal(err)
	}
	return file
}

func shellRegistry(t *testing.T, name string, command ...string) *Registry {
	t.Helper()
	if len(command) == 0 {
		command = []string{"/bin/sh"}
	}
	reg := &Registry{}
	if _, err := reg.Start(Options{Name: name, Command: command, Env: []string{"PS1=$ ", "ENV=", "HISTFILE="}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return reg
}

func TestOpenSSHTypeSeeAndExit(t *testing.T) {
	needOpenSSH(t)
	h, addr := openSSHHost(t, shellRegistry(t, "main"))
	key := approvedKey(t, h, keys.RoleType)
	p := runSSH(t, sshArgs(t, addr, key, "main"), false)
	p.typeIn(t, "echo hello-$((6*7))\r")
	p.out.waitFor(t, "hello-42")
	p.typeIn(t, "exit 5\r")
	if code := p.wait(t); code != 5 {
		t.Fatalf("ssh exit code %d, want the session's 5", code)
	}
	p.out.waitFor(t, "[duet: session main ended: exit status 5]")
}

func TestOpenSSHLateJoinSeesFullScreen(t *testing.T) {
	needOpenSSH(t)
	h, addr := openSSHHost(t, shellRegistry(t, "main"))
	key := approvedKey(t, h, keys.RoleType)
	first := runSSH(t, sshArgs(t, addr, key, "main"), false)
	first.typeIn(t, `printf '\033[?1049h\033[2J\033[3;5H\033[1mFULL\033[m SCREEN %s\033[10;1H' $((7*6)); read x`+"\r")
	first.out.waitFor(t, "SCREEN 42")

	late := runSSH(t, sshArgs(t, addr, key, "main"), false)
	want := h.Sessions.Default().Screen().Text()
	late.out.waitUntil(t, "the full screen", func(b []byte) bool { return screenOf(b, 80, 24) == want })
	if !strings.Contains(want, "FULL SCREEN 42") || strings.Contains(want, "printf") {
		t.Fatalf("the session is not showing the full-screen program:\n%s", want)
	}

	if _, err := exec.LookPath("vim"); err != nil {
		return
	}
	// vim, leaving the script's screen first.
	first.typeIn(t, "\r")
	first.typeIn(t, "vim -u NONE -N -i NONE -n\r") // -n: no swap file left in the package dir
	first.typeIn(t, "iduet in vim\x1b")
	first.out.waitFor(t, "duet in vim")
	third := runSSH(t, sshArgs(t, addr, key, "main"), false)
	third.out.waitUntil(t, "vim's screen", func(b []byte) bool {
		s := screenOf(b, 80, 24)
		return strings.Contains(s, "duet in vim") && strings.Contains(s, "\n~")
	})
	first.typeIn(t, ":q!\r")
}

func TestOpenSSHUnknownKeyDenied(t *testing.T) {
	needOpenSSH(t)
	_, addr := openSSHHost(t, shellRegistry(t, "main"))
	key, signer := openSSHKey(t)
	p := runSSH(t, sshArgs(t, addr, key, "main"), false)
	if code := p.wait(t); code != 1 {
		t.Fatalf("ssh exit code %d, want 1", code)
	}
	p.out.waitFor(t, "denied key "+keys.Fingerprint(signer.PublicKey()))
}

func TestOpenSSHViewOnlyCannotType(t *testing.T) {
	needOpenSSH(t)
	h, addr := openSSHHost(t, shellRegistry(t, "main"))
	viewKey := approvedKey(t, h, keys.RoleView)
	typeKey := approvedKey(t, h, keys.RoleType)
	viewer := runSSH(t, sshArgs(t, addr, viewKey, "main"), false)
	typer := runSSH(t, sshArgs(t, addr, typeKey, "main"), false)
	poll(t, "two partners", func() bool { return len(h.Sessions.Default().Clients()) == 2 })
	viewer.typeIn(t, "echo viewer-$((1+1))\r")
	typer.typeIn(t, "echo typer-$((2+2))\r")
	viewer.out.waitFor(t, "typer-4")
	typer.out.waitFor(t, "typer-4")
	if s := h.Sessions.Default().Screen().Text(); strings.Contains(s, "viewer") {
		t.Fatalf("view-only input reached the session:\n%s", s)
	}
}

func TestOpenSSHForwardingRefused(t *testing.T) {
	needOpenSSH(t)
	h, addr := openSSHHost(t, shellRegistry(t, "main"))
	key := approvedKey(t, h, keys.RoleType)

	// -W: stdio forwarding, a direct-tcpip channel.
	w := runSSH(t, sshArgs(t, addr, key, "main", "-W", "127.0.0.1:9"), false)
	if code := w.wait(t); code == 0 {
		t.Fatal("ssh -W succeeded")
	}
	// -R: remote forwarding, a tcpip-forward request.
	r := runSSH(t, sshArgs(t, addr, key, "main", "-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9"), false)
	if code := r.wait(t); code == 0 {
		t.Fatal("ssh -R succeeded")
	}
	r.out.waitFor(t, "forwarding failed")
	// -L: local forwarding: ssh listens, and each connection asks for a direct-tcpip
	// channel, which is refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	runSSH(t, sshArgs(t, addr, key, "main", "-N", "-L", fmt.Sprintf("127.0.0.1:%d:127.0.0.1:9", port)), false)
	var c net.Conn
	poll(t, "ssh -L to listen", func() bool {
		c, err = net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		return err == nil
	})
	c.SetReadDeadline(time.Now().Add(waitTimeout))
	if n, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatalf("forwarded connection read %d bytes", n)
	}
	c.Close()
}

func TestOpenSSHListJSON(t *testing.T) {
	needOpenSSH(t)
	h, addr := openSSHHost(t, shellRegistry(t, "pair"))
	key := approvedKey(t, h, keys.RoleView)
	p := runSSH(t, append(sshArgs(t, addr, key, "whoever"), "ls", "--json"), false)
	if code := p.wait(t); code != 0 {
		t.Fatalf("ssh ls --json: exit code %d", code)
	}
	out := p.out.waitFor(t, "]")
	out = out[bytes.IndexByte(out, '['):]
	var infos []Info
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
	needOpenSSH(t)
	const script = "read x; seq 1 1200000; echo DONE; read y"
	run := func(t *testing.T, stall bool) (received []byte, stalledDrops int) {
		reg := shellRegistry(t, "main", "/bin/sh", "-c", script)
		h, addr := openSSHHost(t, reg)
		s := reg.Default()
		if stall {
			key := approvedKey(t, h, keys.RoleView)
			runSSH(t, sshArgs(t, addr, key, "main"), true)
			poll(t, "the stalled partner", func() bool { return len(s.Clients()) == 1 })
		}
		healthy := join(t, addr, "main", newSignerApproved(t, h, keys.RoleType), "", true)
		poll(t, "the healthy partner", func() bool { return len(s.Clients()) == map[bool]int{true: 2, false: 1}[stall] })
		io.WriteString(healthy.stdin, "\r")
		out := healthy.out.waitFor(t, "DONE")
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

func newSignerApproved(t *testing.T, h *Host, role keys.Role) ssh.Signer {
	t.Helper()
	s := newSigner(t)
	if err := h.Approved.Add(s.PublicKey(), role, "go"); err != nil {
		t.Fatal(err)
	}
	return s
}
