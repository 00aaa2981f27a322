//go:build !windows

package host

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
)

// The compatibility table's clients against the host: PuTTY's plink and Dropbear's
// dbclient, each with an approved key (in second place where the client takes several)
// and with an unknown key that reaches the host's question. They run `ls`, which lists
// the sessions.

// convertedKey makes an ed25519 key in OpenSSH's format and converts it with tool
// ("puttygen" to .ppk, "dropbearconvert" to Dropbear's format); it returns the file and
// the public key.
func convertedKey(t *testing.T, tool string) (string, ssh.PublicKey) {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		t.Skipf("%s is not installed (make deps-test installs putty-tools and dropbear-bin)", tool)
	}
	file, signer := duettest.KeyFile(t)
	out := filepath.Join(filepath.Dir(file), "converted")
	var cmd *exec.Cmd
	if tool == "puttygen" {
		cmd = exec.Command(path, file, "-O", "private", "-o", out)
	} else {
		cmd = exec.Command(path, "openssh", "dropbear", file, out)
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v: %s", tool, err, b)
	}
	return out, signer.PublicKey()
}

// approveKey saves pub in h's approved keys, to type.
func approveKey(t *testing.T, h *Server, pub ssh.PublicKey) {
	t.Helper()
	if err := h.Approved.Add(pub, keys.RoleType, "test"); err != nil {
		t.Fatal(err)
	}
}

// portOf returns the port of addr ("127.0.0.1:PORT").
func portOf(t *testing.T, addr string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// runClient runs a client command with no terminal and returns its output.
func runClient(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir()) // no known hosts, no config
	cmd.Stdin = strings.NewReader("")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func TestPlinkJoins(t *testing.T) {
	for _, approve := range []bool{true, false} {
		t.Run(map[bool]string{true: "approved", false: "unknown, then asked"}[approve], func(t *testing.T) {
			key, pub := convertedKey(t, "puttygen")
			fp := keys.Fingerprint(pub)
			a := &approver{answer: Decision{Answer: AllowOnce}}
			h, addr := hostWithShell(t, &Server{Approve: a.approve})
			if approve {
				approveKey(t, h, pub)
			}
			hostFP, _ := h.Fingerprint()
			port := portOf(t, addr)
			out, err := runClient(t, "plink", "-ssh", "-batch", "-P", port, "-i", key, "-hostkey", hostFP, "main@127.0.0.1", "ls")
			if err != nil || !strings.Contains(out, "main") {
				t.Fatalf("plink ls: %v: %s", err, out)
			}
			if want := map[bool]int{true: 0, false: 1}[approve]; a.calls() != want || (want == 1 && a.asked[0].Fingerprint != fp) {
				t.Fatalf("%d questions, want %d about %s", a.calls(), want, fp)
			}
		})
	}
}

func TestDbclientJoins(t *testing.T) {
	for _, approve := range []bool{true, false} {
		t.Run(map[bool]string{true: "unknown then approved key", false: "unknown, then asked"}[approve], func(t *testing.T) {
			unknown, unknownPub := convertedKey(t, "dropbearconvert")
			unknownFP := keys.Fingerprint(unknownPub)
			key, pub := convertedKey(t, "dropbearconvert")
			a := &approver{answer: Decision{Answer: AllowOnce}}
			h, addr := hostWithShell(t, &Server{Approve: a.approve})
			args := []string{"-y", "-i", unknown}
			if approve {
				approveKey(t, h, pub)
				args = append(args, "-i", key)
			}
			port := portOf(t, addr)
			out, err := runClient(t, "dbclient", append(args, "-p", port, "main@127.0.0.1", "ls")...)
			if err != nil || !strings.Contains(out, "main") {
				t.Fatalf("dbclient ls: %v: %s", err, out)
			}
			if want := map[bool]int{true: 0, false: 1}[approve]; a.calls() != want || (want == 1 && a.asked[0].Fingerprint != unknownFP) {
				t.Fatalf("%d questions, want %d about %s", a.calls(), want, unknownFP)
			}
		})
	}
}
