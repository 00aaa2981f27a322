//go:build !windows

package join

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/internal/sshdtest"
	"github.com/duetpair/duet/keys"
)

// tmuxCommand is the classic pairing command, with no user config read.
// tmuxCommand starts or attaches the shared tmux session. assume-paste-time 0: tmux
// otherwise takes keys that arrive together (C-b d in one write) for a paste and does not
// run the binding.
const tmuxCommand = `tmux -f /dev/null new -A -s pair \; set -g assume-paste-time 0`

// sshdAddr returns the ssh:// Address of srv.
func sshdAddr(srv *sshdtest.Server) Address {
	return Address{SSH: true, User: srv.User, Host: "127.0.0.1", Port: srv.Port}
}

// tmuxEnv returns the environment that gives tmux a private server for this test, and
// kills that server when the test ends.
func tmuxEnv(t *testing.T) []string {
	t.Helper()
	tmux := sshdtest.NeedTmux(t)
	dir, err := os.MkdirTemp("", "duet-tmux") // short: tmux's socket path is limited
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"TMUX_TMPDIR=" + dir}
	t.Cleanup(func() {
		cmd := exec.Command(tmux, "kill-server")
		cmd.Env = append(os.Environ(), env...)
		cmd.Run()
		os.RemoveAll(dir)
	})
	return env
}

// TestJoinOpenSSHTmux: the classic workflow. Two partners join an ordinary sshd with
// `tmux new -A -s pair`; the second attaches to the first one's tmux session and each
// sees what the other types.
func TestJoinOpenSSHTmux(t *testing.T) {
	checkNoJoinGoroutines(t)
	store := joinStore(t)
	env := tmuxEnv(t)
	srv := sshdtest.Start(t, sshdtest.Options{Authorized: []ssh.PublicKey{duetKey(t, store).PublicKey()}, Env: env})
	cfg := Config{Store: store, Command: tmuxCommand, Term: "xterm-256color", Cols: 80, Rows: 24,
		ConfirmHost: (&trustAll{}).confirm}

	one := dialJoin(t, sshdAddr(srv), cfg)
	one.typeLine(t, "echo one-$((20+1))")
	one.out.WaitFor(t, "one-21")

	two := dialJoin(t, sshdAddr(srv), cfg)
	two.out.WaitFor(t, "one-21") // tmux draws the shared screen for the newcomer
	two.typeLine(t, "echo two-$((20+2))")
	two.out.WaitFor(t, "two-22")
	one.out.WaitFor(t, "two-22")

	// Detaching one partner leaves the session to the other.
	if _, err := one.Write([]byte{0x02, 'd'}); err != nil { // C-b d
		t.Fatal(err)
	}
	if status, err := one.wait(t); status != 0 || err != nil {
		t.Errorf("detached partner: Wait = %d, %v; want 0, nil", status, err)
	}
	two.typeLine(t, "echo still-$((20+3))")
	two.out.WaitFor(t, "still-23")
}

// TestJoinOpenSSHTerminal: against sshd, the terminal has the size asked for and follows
// Resize, and exit statuses come back, also from signals and commands without a terminal.
func TestJoinOpenSSHTerminal(t *testing.T) {
	checkNoJoinGoroutines(t)
	store := joinStore(t)
	srv := sshdtest.Start(t, sshdtest.Options{Authorized: []ssh.PublicKey{duetKey(t, store).PublicKey()}})
	confirm := (&trustAll{}).confirm

	t.Run("shell", func(t *testing.T) {
		j := dialJoin(t, sshdAddr(srv), Config{Store: store, Term: "xterm-256color", Cols: 80, Rows: 24, ConfirmHost: confirm})
		j.typeLine(t, "stty size; echo TERM=$TERM")
		j.out.WaitFor(t, "24 80")
		j.out.WaitFor(t, "TERM=xterm-256color")
		if err := j.Resize(132, 43); err != nil {
			t.Fatal(err)
		}
		j.typeLine(t, "stty size")
		j.out.WaitFor(t, "43 132")
		j.typeLine(t, "exit 5")
		if status, err := j.wait(t); status != 5 || err != nil {
			t.Errorf("Wait = %d, %v; want 5, nil", status, err)
		}
	})
	t.Run("command without a terminal", func(t *testing.T) {
		j := dialJoin(t, sshdAddr(srv), Config{Store: store, Command: "echo out; echo err >&2; exit 3", ConfirmHost: confirm})
		status, err := j.wait(t)
		if status != 3 || err != nil {
			t.Errorf("Wait = %d, %v; want 3, nil", status, err)
		}
		if got := j.out.String(); !strings.Contains(got, "out\n") || !strings.Contains(got, "err\n") {
			t.Errorf("output %q", got)
		}
	})
	t.Run("signal", func(t *testing.T) {
		j := dialJoin(t, sshdAddr(srv), Config{Store: store, Command: "kill -TERM $$", ConfirmHost: confirm})
		if status, err := j.wait(t); status != 128+15 || err != nil {
			t.Errorf("Wait = %d, %v; want 143, nil", status, err)
		}
	})
}

// TestJoinOpenSSHReconnectTmux: after the network drops, the partner reconnects and
// `tmux new -A` attaches again, drawing the screen as it was.
func TestJoinOpenSSHReconnectTmux(t *testing.T) {
	checkNoJoinGoroutines(t)
	store := joinStore(t)
	srv := sshdtest.Start(t, sshdtest.Options{Authorized: []ssh.PublicKey{duetKey(t, store).PublicKey()}, Env: tmuxEnv(t)})
	p := duettest.NewProxy(t, srv.Addr)
	st := newStatuses()
	addr := testAddr(t, p.Addr(), srv.User)
	j := dialJoin(t, addr, Config{Store: store, Command: tmuxCommand, Term: "xterm-256color", Cols: 80, Rows: 24,
		ConfirmHost: (&trustAll{}).confirm, Status: st.add})
	j.typeLine(t, "echo before-$((30+1))")
	j.out.WaitFor(t, "before-31")
	mark := len(j.out.Bytes())
	p.Cut()
	st.wait(t, Reconnected, 1)
	j.out.WaitUntil(t, "tmux's redraw", func(b []byte) bool { return bytes.Contains(b[mark:], []byte("before-31")) })
	j.typeLine(t, "echo after-$((30+2))")
	j.out.WaitFor(t, "after-32")
}

// TestJoinOpenSSHKeys: which keys are offered, and what a refusal says.
func TestJoinOpenSSHKeys(t *testing.T) {
	checkNoJoinGoroutines(t)
	confirm := (&trustAll{}).confirm

	t.Run("no key accepted", func(t *testing.T) {
		store := joinStore(t)
		srv := sshdtest.Start(t, sshdtest.Options{})
		_, err := dialTest(t, sshdAddr(srv), Config{Store: store, Command: "true", ConfirmHost: confirm})
		ae := duettest.ErrorAs[*AuthError](t, err)
		k := duetKey(t, store)
		if len(ae.Offered) != 1 || !strings.HasPrefix(ae.Offered[0], k.Fingerprint()+" (Duet key)") || ae.DuetKey != k.AuthorizedKey() {
			t.Errorf("AuthError %+v", ae)
		}
		if !strings.Contains(err.Error(), "accepted none of your keys") {
			t.Errorf("message %q", err)
		}
	})

	t.Run("ssh-agent", func(t *testing.T) {
		store := joinStore(t)
		sock, pub := testAgent(t)
		srv := sshdtest.Start(t, sshdtest.Options{Authorized: []ssh.PublicKey{pub}})
		j := dialJoin(t, sshdAddr(srv), Config{Store: store, AgentSocket: sock, SSHDir: t.TempDir(),
			Command: "echo via-agent", ConfirmHost: confirm})
		if status, err := j.wait(t); status != 0 || err != nil || !strings.Contains(j.out.String(), "via-agent") {
			t.Errorf("Wait = %d, %v; output %q", status, err, j.out.String())
		}
	})

	t.Run("passphrase asked once, also across a reconnect", func(t *testing.T) {
		store := joinStore(t)
		dir := t.TempDir()
		pub := duettest.LockedKeyFile(t, filepath.Join(dir, "id_ecdsa"), "pw")
		srv := sshdtest.Start(t, sshdtest.Options{Authorized: []ssh.PublicKey{pub}})
		p := duettest.NewProxy(t, srv.Addr)
		var mu sync.Mutex
		var asked []string
		st := newStatuses()
		j := dialJoin(t, testAddr(t, p.Addr(), srv.User), Config{
			Store: store, SSHDir: dir, AgentSocket: filepath.Join(dir, "no-agent"), ConfirmHost: confirm,
			Term: "xterm", Cols: 80, Rows: 24, Status: st.add,
			Passphrase: func(path string) ([]byte, error) {
				mu.Lock()
				defer mu.Unlock()
				asked = append(asked, path)
				return []byte("pw"), nil
			},
		})
		j.typeLine(t, "echo first-$((1+1))")
		j.out.WaitFor(t, "first-2")
		p.Cut()
		st.wait(t, Reconnected, 1)
		j.typeLine(t, "echo second-$((1+2))")
		j.out.WaitFor(t, "second-3")
		mu.Lock()
		defer mu.Unlock()
		if len(asked) != 1 || asked[0] != filepath.Join(dir, "id_ecdsa") {
			t.Errorf("asked %v, want once for id_ecdsa", asked)
		}
	})

	t.Run("identity file only", func(t *testing.T) {
		store := joinStore(t)
		dir := t.TempDir()
		path := filepath.Join(dir, "mykey")
		pub := duettest.LockedKeyFile(t, path, "pw")
		srv := sshdtest.Start(t, sshdtest.Options{Authorized: []ssh.PublicKey{duetKey(t, store).PublicKey()}})
		// The Duet key would be accepted, but only the given file is offered.
		_, err := dialTest(t, sshdAddr(srv), Config{Store: store, IdentityFile: path, Command: "true", ConfirmHost: confirm,
			Passphrase: func(string) ([]byte, error) { return []byte("pw"), nil }})
		ae := duettest.ErrorAs[*AuthError](t, err)
		if len(ae.Offered) != 1 || !strings.HasPrefix(ae.Offered[0], keys.Fingerprint(pub)) {
			t.Errorf("offered %v, want only %s", ae.Offered, keys.Fingerprint(pub))
		}
		srv.Authorize(t, pub)
		j := dialJoin(t, sshdAddr(srv), Config{Store: store, IdentityFile: path, Command: "echo with-file", ConfirmHost: confirm,
			Passphrase: func(string) ([]byte, error) { return []byte("pw"), nil }})
		if status, err := j.wait(t); status != 0 || err != nil || !strings.Contains(j.out.String(), "with-file") {
			t.Errorf("Wait = %d, %v; output %q", status, err, j.out.String())
		}
	})
}

// testAgent serves an ssh-agent holding a new key on a socket in a temporary dir until
// the test ends, and returns the socket and the key.
func testAgent(t *testing.T) (string, ssh.PublicKey) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ssh.NewPublicKey(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	sock := duettest.Agent(t, agent.AddedKey{PrivateKey: priv})
	return sock, pub
}
