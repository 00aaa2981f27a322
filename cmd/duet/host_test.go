package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
)

// hostProc is `duet host` running as a subprocess.
type hostProc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string // stdout, line by line
	stderr *bytes.Buffer
	addr   string
	hostFP string
}

// startHost runs `duet host` with args and waits until it says where it listens.
func startHost(t testing.TB, configDir string, args ...string) *hostProc {
	t.Helper()
	args = append([]string{"host", "--config-dir", configDir, "--listen", "127.0.0.1:0"}, args...)
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "DUET_TEST_AS_DUET=1", "SHELL=/bin/sh")
	p := &hostProc{cmd: cmd, lines: make(chan string, 100), stderr: &bytes.Buffer{}}
	cmd.Stderr = p.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	p.addr = strings.TrimPrefix(p.waitLine(t, "listening on "), "listening on ")
	p.hostFP = strings.TrimPrefix(p.waitLine(t, "host key "), "host key ")
	return p
}

// waitLine waits for a line of stdout starting with prefix (after the text of a prompt,
// which has no newline).
func (p *hostProc) waitLine(t testing.TB, prefix string) string {
	t.Helper()
	deadline := time.NewTimer(duettest.Timeout)
	defer deadline.Stop()
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				t.Fatalf("duet host ended before %q; stderr %q", prefix, p.stderr.String())
			}
			if i := strings.Index(l, prefix); i >= 0 {
				return l[i:]
			}
		case <-deadline.C:
			t.Fatalf("timed out waiting for %q", prefix)
		}
	}
}

// stop sends SIGTERM and returns the exit code.
func (p *hostProc) stop(t *testing.T) int {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	if ee, ok := p.cmd.Wait().(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return 0
}

// newKeyFile writes a new private key for ssh and returns its path and public key line.
func newKeyFile(t *testing.T) (string, string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := ssh.MarshalPrivateKey(priv, "")
	path := filepath.Join(t.TempDir(), "id")
	os.WriteFile(path, pem.EncodeToMemory(block), 0o600)
	sp, _ := ssh.NewPublicKey(pub)
	return path, keys.AuthorizedKey(sp, "partner")
}

// runSSH runs the OpenSSH client (no terminal) with a command and returns its exit code,
// stdout and stderr.
func runSSH(t *testing.T, addr, keyFile, user string, command ...string) (int, string, string) {
	t.Helper()
	sshPath, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("OpenSSH client not installed")
	}
	host, port, _ := net.SplitHostPort(addr)
	args := []string{"-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "PasswordAuthentication=no", "-o", "LogLevel=ERROR",
		"-i", keyFile, "-p", port, user + "@" + host}
	cmd := exec.Command(sshPath, append(args, command...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Stdin = strings.NewReader("")
	err = cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

func TestHostDeny(t *testing.T) {
	dir := t.TempDir()
	approvedKey, approvedPub := newKeyFile(t)
	if code, _, stderr := runCLI(t, approvedPub, "approve", "--config-dir", dir, "-"); code != 0 {
		t.Fatal(stderr)
	}
	h := startHost(t, dir, "--approve", "deny", "--name", "pair", "--command", "/bin/sh")

	// The fingerprint shown is the host key's.
	hostKey, err := keys.NewStore(dir).LoadOrCreateHostKey()
	if err != nil {
		t.Fatal(err)
	}
	if h.hostFP != hostKey.Fingerprint() {
		t.Fatalf("printed host key %q, want %q", h.hostFP, hostKey.Fingerprint())
	}
	h.waitLine(t, "join: ssh -p ")

	code, out, stderr := runSSH(t, h.addr, approvedKey, "pair", "ls", "--json")
	var infos []struct{ Name string }
	if code != 0 || json.Unmarshal([]byte(out), &infos) != nil || len(infos) != 1 || infos[0].Name != "pair" {
		t.Fatalf("ssh ls --json: %d %q %q", code, out, stderr)
	}
	strangerKey, _ := newKeyFile(t)
	code, _, stderr = runSSH(t, h.addr, strangerKey, "pair", "ls")
	if code != 1 || !strings.Contains(stderr, "denied") {
		t.Fatalf("unknown key: exit %d, stderr %q", code, stderr)
	}
	if code := h.stop(t); code != 0 {
		t.Fatalf("duet host exit code %d after SIGTERM; stderr %q", code, h.stderr.String())
	}
}

func TestHostPrompt(t *testing.T) {
	dir := t.TempDir()
	h := startHost(t, dir, "--approve", "prompt", "--command", "/bin/sh")
	key, _ := newKeyFile(t)
	type result struct {
		code        int
		out, stderr string
	}
	ask := func(key, answer string) result {
		done := make(chan result, 1)
		go func() {
			code, out, stderr := runSSH(t, h.addr, key, "main", "ls")
			done <- result{code, out, stderr}
		}()
		h.waitLine(t, "duet: a partner asks to list the sessions")
		h.waitLine(t, "  key SHA256:")
		io.WriteString(h.stdin, answer+"\n")
		return <-done
	}
	if r := ask(key, "d"); r.code != 1 || !strings.Contains(r.stderr, "waiting for the host to approve key SHA256:") {
		t.Fatalf("denied: %+v", r)
	}
	if r := ask(key, "o"); r.code != 0 || !strings.Contains(r.out, "main") {
		t.Fatalf("allowed once: %+v", r)
	}
	// Allowed once: for what it asked, while the host runs.
	if code, out, _ := runSSH(t, h.addr, key, "main", "ls"); code != 0 || !strings.Contains(out, "main") {
		t.Fatalf("listing again after allow once: %d %q", code, out)
	}
	other, _ := newKeyFile(t)
	if r := ask(other, "av"); r.code != 0 {
		t.Fatalf("always allowed: %+v", r)
	}
	// Saved: no question this time.
	if code, out, _ := runSSH(t, h.addr, other, "main", "ls"); code != 0 || !strings.Contains(out, "main") {
		t.Fatalf("after always allow: %d %q", code, out)
	}
	data, _ := os.ReadFile(filepath.Join(dir, keys.ApprovedFile))
	if !strings.Contains(string(data), "duet-role=view ssh-ed25519") {
		t.Fatalf("approved_keys:\n%s", data)
	}
	h.stop(t)
}

func TestHostExitsWhenSessionEnds(t *testing.T) {
	dir := t.TempDir()
	h := startHost(t, dir, "--approve", "deny", "--command", "true")
	h.waitLine(t, "session main ended: exit status 0")
	if err := h.cmd.Wait(); err != nil {
		t.Fatalf("duet host: %v; stderr %q", err, h.stderr.String())
	}
}

func TestListenFallsBackToNextPort(t *testing.T) {
	// Hold 2222 (unless someone else does), then the default listen moves on.
	hold, err := net.Listen("tcp", ":2222")
	if err == nil {
		defer hold.Close()
	}
	l, err := listen("")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	if port <= defaultPort || port >= defaultPort+maxPortTries {
		t.Fatalf("listening on port %d, want one after %d", port, defaultPort)
	}
}
