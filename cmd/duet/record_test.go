//go:build linux

package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/creack/pty"
	"golang.org/x/crypto/ssh"
	"golang.org/x/sys/unix"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
)

// passwordPrompt reports whether the shell under `duet host` (pid hostPid) has its
// terminal in line mode with echo off now: a password prompt.
func passwordPrompt(t *testing.T, hostPid int) bool {
	t.Helper()
	children, err := os.ReadFile("/proc/" + strconv.Itoa(hostPid) + "/task/" + strconv.Itoa(hostPid) + "/children")
	if err != nil {
		return false
	}
	for _, pid := range strings.Fields(string(children)) {
		tty, err := os.Readlink("/proc/" + pid + "/fd/0")
		if err != nil || !strings.HasPrefix(tty, "/dev/pts/") {
			continue
		}
		f, err := os.OpenFile(tty, os.O_RDONLY|unix.O_NOCTTY, 0)
		if err != nil {
			continue
		}
		tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
		f.Close()
		if err == nil {
			return tio.Lflag&unix.ECHO == 0 && tio.Lflag&unix.ICANON != 0
		}
	}
	return false
}

// TestRecordWithOpenSSHPartner: `duet host --record` records a session in which an
// OpenSSH partner types (also at a read -s prompt) while the host pauses sharing once; the
// partner is told about the recording, sees the curtain and none of the output of the
// pause, and cannot type meanwhile. `duet verify` passes on the file and fails after a
// byte is changed, asciinema plays it, and so does `duet play`.
func TestRecordWithOpenSSHPartner(t *testing.T) {
	duettest.NeedOpenSSH(t)
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed")
	}
	dir := t.TempDir()
	partnerKey, partnerPub := newKeyFile(t)
	if code, _, stderr := runCLI(t, partnerPub, "approve", "--config-dir", dir, "-"); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := runCLI(t, "", "keygen", "--config-dir", dir); code != 0 { // the host's own key
		t.Fatal(stderr)
	}
	file := filepath.Join(t.TempDir(), "pair.cast")
	h := startHost(t, dir, "--approve", "prompt", "--command", bash+" --norc --noprofile", "--record", file)
	h.waitLine(t, "recording to "+file)

	partner := duettest.RunSSH(t, duettest.SSHArgs(t, h.addr, partnerKey, "main"), false)
	partner.Out.WaitFor(t, "[duet: this session is being recorded]")
	partner.Type(t, "echo typed-by-partner-$((6*7))\r")
	partner.Out.WaitFor(t, "typed-by-partner-42")
	partner.Type(t, "read -s -p 'Secret: ' pw; echo; echo got-${#pw}\r")
	partner.Out.WaitFor(t, "Secret: ")
	duettest.Poll(t, "the password prompt", func() bool { return passwordPrompt(t, h.cmd.Process.Pid) })
	partner.Type(t, "hunter2-secret\r")
	partner.Out.WaitFor(t, "got-14")

	// The host pauses; its own key (the `you:` line) still sees and types.
	owner := duettest.RunSSH(t, duettest.SSHArgs(t, h.addr, filepath.Join(dir, "id_ed25519"), "main"), false)
	owner.Out.WaitFor(t, "got-14")
	io.WriteString(h.stdin, "p\n")
	h.waitLine(t, "sharing paused")
	partner.Out.WaitFor(t, "The host paused sharing")
	partner.Type(t, "echo partner-in-pause-$((1+1))\r")
	owner.Type(t, "echo owner-in-pause-$((5+5))\r")
	owner.Out.WaitFor(t, "owner-in-pause-10")
	if strings.Contains(owner.Out.String(), "partner-in-pause-2") {
		t.Error("the partner's typing reached the session during the pause")
	}
	during := partner.Out.Bytes()
	if strings.Contains(string(during), "owner-in-pause-10") {
		t.Error("the partner received output produced during the pause")
	}
	if screen := duettest.ScreenOf(during, 80, 24); !strings.Contains(screen, "The host paused sharing") {
		t.Errorf("the partner's screen during the pause:\n%s", screen)
	}
	io.WriteString(h.stdin, "p\n")
	h.waitLine(t, "sharing resumed")
	partner.Out.WaitFor(t, "owner-in-pause-10") // the repaint of the screen as it is now
	partner.Type(t, "echo after-$((2+5))\r")
	partner.Out.WaitFor(t, "after-7")
	if code := h.stop(t); code != 0 {
		t.Fatalf("duet host exited %d: %s", code, h.stderr.String())
	}

	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "hunter2") {
		t.Error("input typed at the password prompt is in the recording")
	}
	if strings.Contains(string(data), `"o","owner-in-pause-10`) {
		t.Error("output of the pause was recorded")
	}
	partnerFP := fingerprintOfLine(t, partnerPub)
	code, out, stderr := runCLI(t, "", "verify", file)
	if code != 0 || !strings.Contains(out, "intact: signed by host key "+h.hostFP) || !strings.Contains(out, partnerFP) {
		t.Fatalf("verify: %d %q %q", code, out, stderr)
	}
	if code, _, stderr := runCLI(t, "", "verify", "--host", "SHA256:someone-else", file); code != 1 || !strings.Contains(stderr, "signed by host key "+h.hostFP) {
		t.Errorf("verify --host with another key: %d %q", code, stderr)
	}
	changed := []byte(strings.Replace(string(data), "typed-by-partner-42", "typed-by-partner-43", 1))
	bad := filepath.Join(t.TempDir(), "changed.cast")
	os.WriteFile(bad, changed, 0o600)
	if code, _, stderr := runCLI(t, "", "verify", bad); code != 1 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 ||
		!strings.Contains(stderr, "not intact") {
		t.Errorf("verify of a changed file: %d %q", code, stderr)
	}

	if asciinema, err := exec.LookPath("asciinema"); err == nil {
		cmd := exec.Command(asciinema, "cat", file)
		tty, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 80, Rows: 24})
		if err != nil {
			t.Fatal(err)
		}
		shown := &duettest.Output{}
		go io.Copy(shown, tty)
		shown.WaitFor(t, "typed-by-partner-42")
		cmd.Wait()
		tty.Close()
	}
	code, out, stderr = runCLI(t, "", "play", "--here", "--speed", "1000", file)
	if code != 0 || !strings.Contains(out, "typed-by-partner-42") || !strings.Contains(out, "after-7") {
		t.Errorf("duet play --here: %d, %q", code, stderr)
	}
}

// fingerprintOfLine is the fingerprint of an authorized_keys line.
func fingerprintOfLine(t *testing.T, line string) string {
	t.Helper()
	k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	return keys.Fingerprint(k)
}
