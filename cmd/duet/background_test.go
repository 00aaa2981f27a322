//go:build !windows

package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/background"
	"github.com/duetpair/duet/sessions/host"
)

// hostLikeTheWindow serves reg on a loopback listener with the config dir's host key and
// approved keys, as the window does.
func hostLikeTheWindow(t *testing.T, store *keys.Store, reg *sessions.Registry, l net.Listener) (*host.Server, chan error) {
	t.Helper()
	hk, err := store.LoadOrCreateHostKey()
	if err != nil {
		t.Fatal(err)
	}
	h := &host.Server{Sessions: reg, HostKey: hk.Signer, Approved: store.Approved()}
	served := make(chan error, 1)
	go func() { served <- h.Serve(l) }()
	t.Cleanup(func() {
		h.Shutdown(context.Background())
		<-served
		served <- host.ErrServerClosed
		reg.Close()
	})
	return h, served
}

// startBackground hands reg's sessions to a background duet host process (this test
// binary as duet), as the window does when it quits keeping them.
func startBackground(t *testing.T, cfg string, h *host.Server, reg *sessions.Registry, l net.Listener, served chan error) *os.Process {
	t.Helper()
	ho, err := background.Collect(h, reg, l, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	<-served
	served <- host.ErrServerClosed
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p, err := background.Start(self, cfg, append(os.Environ(), "DUET_TEST_AS_DUET=1"), ho)
	ho.Close()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(cfg, background.LogName))
		t.Fatalf("start the background host: %v\n%s", err, log)
	}
	t.Cleanup(func() {
		p.Kill()
		p.Wait()
	})
	return p
}

// waitExit waits for the background host process to end by itself.
func waitExit(t *testing.T, p *os.Process) {
	t.Helper()
	done := make(chan *os.ProcessState, 1)
	go func() {
		st, _ := p.Wait()
		done <- st
	}()
	select {
	case st := <-done:
		if st == nil || !st.Success() {
			t.Errorf("the background host ended with %v", st)
		}
	case <-time.After(duettest.Timeout):
		t.Fatal("the background host did not end")
	}
}

// TestBackgroundHostProcess: a shell hosted as the window hosts it moves to a real
// background `duet host` process and back, without restarting: an OpenSSH partner is
// told to connect again, does so with the same command and finds the same shell; `duet
// ls` lists the session; a window opening takes it back (the terminal and listener cross
// processes), and `duet stop` ends a background host and its shell.
func TestBackgroundHostProcess(t *testing.T) {
	duettest.NeedOpenSSH(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cfg")
	store, err := keys.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	partner := approvedPartner(t, dir, cfg)
	reg := &sessions.Registry{}
	s, err := reg.Start(sessions.Options{Command: []string{"/bin/sh"}, Env: []string{"PS1=$ ", "ENV=", "HISTFILE="}})
	if err != nil {
		t.Fatal(err)
	}
	pid := s.Pid()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	h, served := hostLikeTheWindow(t, store, reg, l)
	sshArgs := duettest.SSHArgs(t, addr, partner.Path, "main", "-tt")
	ssh := duettest.RunSSH(t, sshArgs, false)
	ssh.Type(t, "X=kept-$$; echo up-$X\r")
	ssh.Out.WaitFor(t, "up-kept-")

	// The window quits, keeping the session: the partner is told and reconnects.
	bg := startBackground(t, cfg, h, reg, l, served)
	if code := ssh.Wait(t); code != 1 || !strings.Contains(ssh.Out.String(), "connect again to go on") {
		t.Errorf("ssh exited %d; terminal shows %q", code, duettest.Tail(ssh.Out.Bytes(), 300))
	}
	again := duettest.RunSSH(t, sshArgs, false)
	again.Out.WaitFor(t, "up-kept-") // the screen as it was
	again.Type(t, "echo again-$X\r")
	again.Out.WaitFor(t, "again-kept-")

	code, out, stderr := runCLI(t, "", "ls", "--config-dir", cfg)
	if code != 0 || !strings.Contains(out, addr) || !strings.Contains(out, "main") || !strings.Contains(out, "/bin/sh") {
		t.Errorf("duet ls: %d %q %q", code, out, stderr)
	}
	_, out, _ = runCLI(t, "", "ls", "--json", "--config-dir", cfg)
	var ls background.Listing
	if err := json.Unmarshal([]byte(out), &ls); err != nil || ls.Pid != bg.Pid || len(ls.Sessions) != 1 || ls.Sessions[0].Partners != 1 {
		t.Errorf("duet ls --json: %q (%v); want pid %d, one session with its partner", out, err, bg.Pid)
	}

	// The window opens again and takes the session back from the process.
	took := time.Now()
	tk, err := background.Take(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("took the session back from the background host in %v (with a partner attached)", time.Since(took))
	reg2 := &sessions.Registry{}
	adopted, err := background.Adopt(reg2, tk.Handoff, slog.New(slog.DiscardHandler))
	if err != nil || len(adopted) != 1 || adopted[0].Pid() != pid {
		t.Fatalf("adopted %v (%v), want the shell %d", adopted, err, pid)
	}
	l2, err := tk.Listen()
	if err != nil {
		t.Fatal(err)
	}
	tk.Done(nil)
	tk.Close()
	waitExit(t, bg)
	h2, served2 := hostLikeTheWindow(t, store, reg2, l2)
	if code := again.Wait(t); code != 1 {
		t.Errorf("ssh exited %d when the window took the session back", code)
	}
	third := duettest.RunSSH(t, sshArgs, false)
	third.Type(t, "echo third-$X\r")
	third.Out.WaitFor(t, "third-kept-")

	// And into the background again, then duet stop.
	bg2 := startBackground(t, cfg, h2, reg2, l2, served2)
	third.Wait(t)
	if code, out, _ := runCLI(t, "", "stop", "--config-dir", cfg); code != 0 || !strings.Contains(out, "stopped") {
		t.Errorf("duet stop: %d %q", code, out)
	}
	waitExit(t, bg2)
	duettest.Poll(t, "the shell to end", func() bool { return !processAlive(pid) })
	if _, out, _ := runCLI(t, "", "ls", "--config-dir", cfg); !strings.Contains(out, "no sessions run in the background") {
		t.Errorf("duet ls after stop: %q", out)
	}
}

func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	return err == nil && p.Signal(syscall.Signal(0)) == nil
}
