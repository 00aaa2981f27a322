//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/internal/sshdtest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/terminal/vt"
)

// screenWatch is a partner's screen: what its terminal shows, modelled by terminal/vt,
// and the times its last row first showed what someone waits for.
type screenWatch struct {
	mu    sync.Mutex // guards the fields below
	scr   *vt.Screen
	n     int64 // bytes seen
	waits map[string]chan time.Time
	last  string // the last row, as last seen
}

func newScreenWatch() *screenWatch {
	return &screenWatch{scr: vt.New(80, 24, vt.Options{Scrollback: -1}), waits: make(map[string]chan time.Time)}
}

func (w *screenWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.scr.Write(p)
	w.n += int64(len(p))
	w.checkLocked()
	return len(p), nil
}

func (w *screenWatch) checkLocked() {
	w.last = strings.TrimRight(w.scr.LineText(23), " ")
	if ch, ok := w.waits[w.last]; ok {
		ch <- time.Now()
		delete(w.waits, w.last)
	}
}

// expect returns a channel that gets the time the last row shows row (at once if it
// does now).
func (w *screenWatch) expect(row string) <-chan time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch := make(chan time.Time, 1)
	w.waits[row] = ch
	w.checkLocked()
	return ch
}

func (w *screenWatch) lastRow() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last
}

// termPartner is a partner's client (OpenSSH's ssh, or duet join) in a terminal of its
// own, 80x24, whose screen is watched.
type termPartner struct {
	name string
	ptmx *os.File
	scr  *screenWatch
}

// startPartner runs cmd in an 80x24 terminal until the benchmark ends.
func startPartner(tb testing.TB, name string, cmd *exec.Cmd) *termPartner {
	tb.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		tb.Fatal(err)
	}
	pty.Setsize(ptmx, &pty.Winsize{Cols: 80, Rows: 24})
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, "TERM=xterm-256color")
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	p := &termPartner{name: name, ptmx: ptmx, scr: newScreenWatch()}
	var wg sync.WaitGroup
	wg.Go(func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := ptmx.Read(buf)
			p.scr.Write(buf[:n])
			if err != nil {
				return
			}
		}
	})
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	tb.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		tty.Close()
		wg.Wait()
		ptmx.Close()
	})
	return p
}

func (p *termPartner) press(tb testing.TB, k string) {
	tb.Helper()
	if _, err := p.ptmx.WriteString(k); err != nil {
		tb.Fatal(err)
	}
}

// waitRow waits up to d for the partner's last row to show row, and returns when it
// did; ok is false if it did not in time.
func (p *termPartner) waitRow(ch <-chan time.Time, d time.Duration) (time.Time, bool) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case at := <-ch:
		return at, true
	case <-t.C:
		return time.Time{}, false
	}
}

// wanSide is one system serving the benchmark's program to a local partner (on
// loopback) and a far one (through a WAN proxy).
type wanSide interface {
	// dial returns the partner command for the server at addr.
	partner(tb testing.TB, addr string) *exec.Cmd
	// addr is where the server listens.
	addr() string
}

// wanPartnerKey is the partners' identity, approved on every side: a Duet config dir
// (for duet join) whose id_ed25519 OpenSSH's ssh also uses.
type wanPartnerKey struct {
	dir, pub string
}

func (k wanPartnerKey) file() string { return filepath.Join(k.dir, keys.IdentityFile) }

// sshCmd is OpenSSH's ssh in a terminal running remote (or the shell) at addr as user.
func sshCmd(tb testing.TB, addr, user string, key wanPartnerKey, remote ...string) *exec.Cmd {
	tb.Helper()
	args := duettest.SSHArgs(tb, addr, key.file(), user, "-tt")
	return exec.Command(duettest.NeedOpenSSH(tb), append(args, remote...)...)
}

// duetWAN is `duet host` sharing the program; partners are OpenSSH (join false) or duet
// join.
type duetWAN struct {
	h    *hostProc
	key  wanPartnerKey
	join bool
}

func newDuetWAN(tb testing.TB, key wanPartnerKey, join bool) *duetWAN {
	tb.Helper()
	hostDir := tb.TempDir()
	if code, _, stderr := runCLI(tb, key.pub, "approve", "--config-dir", hostDir, "-"); code != 0 {
		tb.Fatal(stderr)
	}
	self, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	h := startHost(tb, hostDir, "--approve", "deny", "--command", "env "+wanProgramEnv+"=1 "+self)
	return &duetWAN{h: h, key: key, join: join}
}

func (d *duetWAN) addr() string { return d.h.addr }

func (d *duetWAN) partner(tb testing.TB, addr string) *exec.Cmd {
	if !d.join {
		return sshCmd(tb, addr, "main", d.key)
	}
	invite := fmt.Sprintf("duet://main@%s/#%s", addr, d.h.hostFP)
	cmd := exec.Command(os.Args[0], "join", "--config-dir", d.key.dir, invite)
	cmd.Env = append(os.Environ(), "DUET_TEST_AS_DUET=1")
	cmd.Env = append(cmd.Env, partnerEnv(tb)...)
	return cmd
}

// tmuxWAN is OpenSSH's sshd with `tmux attach` to a tmux session running the program.
type tmuxWAN struct {
	srv  *sshdtest.Server
	sock string
	key  wanPartnerKey
}

func newTmuxWAN(tb testing.TB, key wanPartnerKey) *tmuxWAN {
	tb.Helper()
	tmux := sshdtest.NeedTmux(tb)
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(key.pub))
	if err != nil {
		tb.Fatal(err)
	}
	t := &tmuxWAN{sock: filepath.Join(tb.TempDir(), "tmux.sock"), key: key}
	t.srv = sshdtest.Start(tb, sshdtest.Options{Authorized: []ssh.PublicKey{pub}})
	conf := filepath.Join(tb.TempDir(), "tmux.conf")
	os.WriteFile(conf, []byte("set -g status off\n"), 0o600)
	self, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command(tmux, "-S", t.sock, "-f", conf, "new-session", "-d", "-s", "wan", "-x", "80", "-y", "24",
		"env "+wanProgramEnv+"=1 "+self).CombinedOutput()
	if err != nil {
		tb.Fatalf("tmux new-session: %v: %s", err, out)
	}
	tb.Cleanup(func() { exec.Command(tmux, "-S", t.sock, "kill-server").Run() })
	return t
}

func (t *tmuxWAN) addr() string { return t.srv.Addr }

func (t *tmuxWAN) partner(tb testing.TB, addr string) *exec.Cmd {
	return sshCmd(tb, addr, t.srv.User, t.key, "tmux", "-S", t.sock, "attach", "-t", "wan")
}

// newWANPartnerKey makes the partners' identity.
func newWANPartnerKey(tb testing.TB) wanPartnerKey {
	tb.Helper()
	dir, pub := newPartner(tb)
	if _, err := os.Stat(filepath.Join(dir, keys.IdentityFile)); err != nil {
		tb.Fatal(err)
	}
	return wanPartnerKey{dir: dir, pub: pub}
}
