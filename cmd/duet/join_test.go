//go:build unix

package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/creack/pty"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/internal/sshdtest"
	"github.com/duetpair/duet/keys"
)

// TestJoinCommandDuetHost: duet join, in a terminal, joins duet host: it asks about the
// host key, types, sees the output, passes a window resize on, exits with the remote
// exit status and leaves the terminal as it found it.
func TestJoinCommandDuetHost(t *testing.T) {
	hostDir := t.TempDir()
	partnerDir, pub := newPartner(t)
	if code, _, stderr := runCLI(t, pub, "approve", "--config-dir", hostDir, "-"); code != 0 {
		t.Fatal(stderr)
	}
	h := startHost(t, hostDir, "--approve", "deny", "--command", "/bin/sh")

	j := startJoin(t, "--config-dir", partnerDir, h.addr)
	before := j.termState(t)
	j.out.WaitFor(t, "(yes/no): ")
	if !strings.Contains(j.out.String(), h.hostFP) {
		t.Fatalf("the question does not show the host key %s: %q", h.hostFP, j.out.String())
	}
	j.typeText(t, "yes\r")
	j.typeText(t, "echo mark-$((40+2))\r")
	j.out.WaitFor(t, "mark-42")
	if reflect.DeepEqual(j.termState(t), before) {
		t.Error("the terminal is not in raw mode during the session")
	}
	if err := pty.Setsize(j.ptmx, &pty.Winsize{Cols: 100, Rows: 30}); err != nil {
		t.Fatal(err)
	}
	j.retypeUntil(t, "stty size\r", "29 100") // a row for the host's status line
	j.typeText(t, "exit 7\r")
	if code := j.wait(t); code != 7 {
		t.Errorf("exit code %d, want 7; the terminal shows %q", code, duettest.Tail(j.out.Bytes(), 400))
	}
	if !reflect.DeepEqual(j.termState(t), before) {
		t.Error("the terminal was not restored")
	}
	data, err := os.ReadFile(filepath.Join(partnerDir, keys.KnownHostsFile))
	if err != nil || !strings.Contains(string(data), "[127.0.0.1]:") {
		t.Errorf("known_hosts %q, %v", data, err)
	}
}

// TestJoinCommandSignal: a signal during the session ends duet join with the terminal
// restored.
func TestJoinCommandSignal(t *testing.T) {
	hostDir := t.TempDir()
	partnerDir, pub := newPartner(t)
	runCLI(t, pub, "approve", "--config-dir", hostDir, "-")
	h := startHost(t, hostDir, "--approve", "deny", "--command", "/bin/sh")
	invite := strings.TrimPrefix(h.waitLine(t, "invite: "), "invite: ")

	j := startJoin(t, "--config-dir", partnerDir, invite)
	before := j.termState(t)
	j.typeText(t, "echo up-$((1+1))\r")
	j.out.WaitFor(t, "up-2")
	j.cmd.Process.Signal(syscall.SIGTERM)
	if code := j.wait(t); code != exitFailure {
		t.Errorf("exit code %d after SIGTERM, want %d", code, exitFailure)
	}
	if !reflect.DeepEqual(j.termState(t), before) {
		t.Error("the terminal was not restored after SIGTERM")
	}
	j.out.WaitFor(t, "stopped (terminated)")
}

// TestJoinCommandOpenSSHTmux: the classic workflow against a real sshd. Two partners
// run duet join --command 'tmux new -A -s pair'; the second attaches to the first
// one's tmux session, and each sees what the other types.
func TestJoinCommandOpenSSHTmux(t *testing.T) {
	tmux := sshdtest.NeedTmux(t)
	tmuxDir, err := os.MkdirTemp("", "duet-tmux") // short: tmux's socket path is limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		kill := exec.Command(tmux, "kill-server")
		kill.Env = append(os.Environ(), "TMUX_TMPDIR="+tmuxDir)
		kill.Run()
		os.RemoveAll(tmuxDir)
	})
	partnerDir, pub := newPartner(t)
	key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(pub))
	if err != nil {
		t.Fatal(err)
	}
	srv := sshdtest.Start(t, sshdtest.Options{Authorized: []ssh.PublicKey{key}, Env: []string{"TMUX_TMPDIR=" + tmuxDir}})
	addr := "ssh://" + srv.User + "@" + srv.Addr
	args := []string{"--config-dir", partnerDir, "--command", `tmux -f /dev/null new -A -s pair \; set -g assume-paste-time 0`, addr}

	one := startJoin(t, args...)
	one.out.WaitFor(t, "(yes/no): ")
	one.typeText(t, "yes\r")
	one.typeText(t, "echo one-$((1+1))\r")
	one.out.WaitFor(t, "one-2")

	two := startJoin(t, args...) // the host is known now: no question
	two.out.WaitFor(t, "one-2")
	two.typeText(t, "echo two-$((2+2))\r")
	two.out.WaitFor(t, "two-4")
	one.out.WaitFor(t, "two-4")
	if strings.Contains(two.out.String(), "yes/no") {
		t.Error("asked about a known host")
	}

	for _, j := range []*ptyJoin{one, two} {
		j.typeText(t, "\x02d") // C-b d: detach
		if code := j.wait(t); code != 0 {
			t.Errorf("exit code %d after detaching, want 0", code)
		}
	}
}

// TestJoinCommandErrors: what duet join says when it cannot join, without a terminal.
func TestJoinCommandErrors(t *testing.T) {
	for _, kv := range partnerEnv(t) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	hostDir := t.TempDir()
	partnerDir, pub := newPartner(t)
	runCLI(t, pub, "approve", "--config-dir", hostDir, "-")
	h := startHost(t, hostDir, "--approve", "deny", "--command", "/bin/sh")
	invite := strings.TrimPrefix(h.waitLine(t, "invite: "), "invite: ")
	otherFP := keys.Fingerprint(duettest.PublicKey(t))

	for _, tc := range []struct {
		name     string
		args     []string
		setup    func(t *testing.T, dir string)
		code     int
		stdout   string
		stderr   []string
		noStderr string
	}{
		{name: "bad address", args: []string{"host:99999"}, code: exitUsage,
			stderr: []string{`cannot read the address "host:99999": the port "99999" is not a number from 1 to 65535`}},
		{name: "no address", args: nil, code: exitUsage, stderr: []string{"join takes one address"}},
		{name: "unknown host without a terminal", args: []string{h.addr}, code: exitFailure,
			stderr: []string{"is not a known host", h.hostFP, "invite"}},
		{name: "invite", args: []string{"--command", "ls", invite}, code: 0, stdout: "main"},
		{name: "flags after the address", args: []string{invite, "--command", "ls"}, code: 0, stdout: "main"},
		{name: "wrong pin", args: []string{strings.Replace(invite, h.hostFP, otherFP, 1)}, code: exitFailure,
			stderr: []string{h.hostFP, otherFP, "as the invite says"}},
		{name: "changed host key", args: []string{"--command", "ls", h.addr}, code: exitFailure,
			setup: func(t *testing.T, dir string) {
				line := knownhosts.Line([]string{h.addr}, duettest.PublicKey(t)) + "\n"
				os.WriteFile(filepath.Join(dir, keys.KnownHostsFile), []byte(line), 0o600)
			},
			stderr: []string{"WARNING", "has changed", h.hostFP, "ssh-keygen -R '[127.0.0.1]:", keys.KnownHostsFile}},
		{name: "denied", args: []string{"--command", "ls", invite}, code: exitFailure,
			setup: func(t *testing.T, dir string) {
				// A partner whose key the host does not know: --approve deny.
				os.Remove(filepath.Join(dir, keys.IdentityFile))
				os.Remove(filepath.Join(dir, keys.IdentityFile+".pub"))
			},
			stderr: []string{"the host denied key SHA256:"}, noStderr: "Permission denied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range []string{keys.IdentityFile, keys.IdentityFile + ".pub"} {
				data, _ := os.ReadFile(filepath.Join(partnerDir, f))
				os.WriteFile(filepath.Join(dir, f), data, 0o600)
			}
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			code, stdout, stderr := runCLI(t, "", append([]string{"join", "--config-dir", dir}, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d; stderr %q", code, tc.code, stderr)
			}
			if !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout %q lacks %q", stdout, tc.stdout)
			}
			for _, want := range tc.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr %q lacks %q", stderr, want)
				}
			}
			if tc.noStderr != "" && strings.Contains(stderr, tc.noStderr) {
				t.Errorf("stderr %q has %q", stderr, tc.noStderr)
			}
		})
	}
}

// TestJoinCommandReconnect: when the network drops, duet join says so on one line,
// reconnects by itself, and the host repaints the screen.
func TestJoinCommandReconnect(t *testing.T) {
	hostDir := t.TempDir()
	partnerDir, pub := newPartner(t)
	runCLI(t, pub, "approve", "--config-dir", hostDir, "-")
	h := startHost(t, hostDir, "--approve", "deny", "--command", "/bin/sh")
	p := duettest.NewProxy(t, h.addr)
	_, port, _ := net.SplitHostPort(p.Addr())

	j := startJoin(t, "--config-dir", partnerDir, "duet://main@127.0.0.1:"+port+"/#"+h.hostFP)
	j.typeText(t, "echo before-$((2+3))\r")
	j.out.WaitFor(t, "before-5")
	p.Cut()
	j.out.WaitFor(t, "[duet: connection lost")
	j.out.WaitFor(t, "[duet: reconnected]")
	j.typeText(t, "echo after-$((3+4))\r")
	j.out.WaitFor(t, "after-7")
	j.typeText(t, "exit 3\r")
	if code := j.wait(t); code != 3 {
		t.Errorf("exit code %d, want 3", code)
	}
}
