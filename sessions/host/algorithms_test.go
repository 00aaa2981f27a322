//go:build !windows

//lint:file-ignore SA1019 the attack logs in with a DSA key, which Go deprecates

package host

import (
	"bytes"
	"crypto/dsa"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
)

// rsaKeyFile writes a new RSA key for ssh -i and returns its path and signer.
func rsaKeyFile(t *testing.T) (string, ssh.Signer) {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "rsa")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "id_rsa")
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return path, s
}

// sshLs runs OpenSSH's ssh with extra options and the command ls, and returns its exit
// code and standard error.
func sshLs(t *testing.T, addr, keyFile string, opts ...string) (int, string) {
	t.Helper()
	args := duettest.SSHArgs(t, addr, keyFile, "main", opts...)
	cmd := exec.Command(duettest.NeedOpenSSH(t), append(args, "ls")...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), stderr.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, stderr.String()
}

// Attack: a partner (or someone in the middle) pushes the host to SHA-1 key exchange,
// MACs or signatures, or a DSA key. The host speaks only OpenSSH 9's defaults without
// SHA-1, and prefers the post-quantum key exchange.
func TestAlgorithmsOfOpenSSH9(t *testing.T) {
	duettest.NeedOpenSSH(t)
	h, addr := openSSHHost(t, shellRegistry(t, "main"))
	key := approvedKey(t, h, keys.RoleType)
	rsaFile, rsaSigner := rsaKeyFile(t)
	if err := h.Approved.Add(rsaSigner.PublicKey(), keys.RoleType, "rsa"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		key     string
		opts    []string
		refused string // in ssh's standard error ("" if it says nothing); nil opts gets in
	}{
		{name: "defaults", key: key},
		{name: "RSA signs with SHA-2", key: rsaFile},
		{name: "SHA-1 key exchange", key: key, opts: []string{"-o", "KexAlgorithms=diffie-hellman-group14-sha1,diffie-hellman-group1-sha1,diffie-hellman-group-exchange-sha1"}, refused: ""},
		{name: "SHA-1 MAC", key: key, opts: []string{"-o", "Ciphers=aes128-ctr", "-o", "MACs=hmac-sha1,hmac-sha1-96,hmac-sha1-etm@openssh.com"}, refused: ""},
		{name: "ssh-rsa (SHA-1) signature", key: rsaFile, opts: []string{"-o", "PubkeyAcceptedAlgorithms=ssh-rsa"}, refused: "Permission denied"},
		{name: "ssh-rsa host key", key: key, opts: []string{"-o", "HostKeyAlgorithms=ssh-rsa,ssh-dss"}, refused: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The same key and client get in with the defaults: a refusal is the algorithm's.
			code, stderr := sshLs(t, addr, tc.key, tc.opts...)
			if tc.opts == nil {
				if code != 0 {
					t.Fatalf("ssh exit %d: %s", code, stderr)
				}
				return
			}
			if code == 0 || !strings.Contains(stderr, tc.refused) {
				t.Fatalf("ssh exit %d, stderr %q; want refused with %q", code, stderr, tc.refused)
			}
		})
	}

	t.Run("DSA key", func(t *testing.T) {
		var priv dsa.PrivateKey
		if err := dsa.GenerateParameters(&priv.Parameters, rand.Reader, dsa.L1024N160); err != nil {
			t.Fatal(err)
		}
		if err := dsa.GenerateKey(&priv, rand.Reader); err != nil {
			t.Fatal(err)
		}
		signer, err := ssh.NewSignerFromKey(&priv)
		if err != nil {
			t.Fatal(err)
		}
		client, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{
			User: "main", Auth: duettest.KeyAuth(signer),
			HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: duettest.Timeout,
		})
		if err == nil {
			client.Close()
			t.Fatal("a DSA key logged in")
		}
	})

	t.Run("post-quantum key exchange first", func(t *testing.T) {
		signer, err := ssh.ParsePrivateKey(mustRead(t, key))
		if err != nil {
			t.Fatal(err)
		}
		client, err := dial(t, addr, "main", signer)
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		algs := client.Conn.(ssh.AlgorithmsConnMetadata).Algorithms()
		if algs.KeyExchange != ssh.KeyExchangeMLKEM768X25519 {
			t.Fatalf("key exchange %q, want %q", algs.KeyExchange, ssh.KeyExchangeMLKEM768X25519)
		}
	})
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
