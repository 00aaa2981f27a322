//go:build !windows

package keys

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// An encrypted PKCS#8 key, as ssh-keygen -m PKCS8 writes one: the passphrase is asked
// (again after a wrong one), and the key signs.
func TestLoadSignerEncryptedPKCS8(t *testing.T) {
	keygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Skip("ssh-keygen (openssh-client) is not installed")
	}
	path := filepath.Join(t.TempDir(), "id_ecdsa")
	if out, err := exec.Command(keygen, "-q", "-t", "ecdsa", "-m", "PKCS8", "-N", "pkcs8-pass", "-f", path).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "BEGIN ENCRYPTED PRIVATE KEY") {
		t.Fatalf("ssh-keygen wrote no encrypted PKCS#8 key:\n%s", data)
	}
	answers := []string{"wrong", "pkcs8-pass"}
	asked := 0
	s, err := LoadSigner(path, func(string) ([]byte, error) {
		asked++
		a := answers[0]
		answers = answers[1:]
		return []byte(a), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sig, err := s.Sign(rand.Reader, []byte("data"))
	if err != nil || asked != 2 {
		t.Fatalf("sign: %v after %d questions", err, asked)
	}
	if err := s.PublicKey().Verify([]byte("data"), sig); err != nil {
		t.Fatal(err)
	}
	if pub := readPub(path + ".pub"); pub == nil || !sameKey(pub, s.PublicKey()) {
		t.Fatal("the key is not the one ssh-keygen made")
	}
}

// A PuTTY key (v3 as puttygen 0.78 writes, and v2) is refused in one line that gives the
// puttygen command, and that command makes a key Duet reads.
func TestLoadSignerPuTTYKey(t *testing.T) {
	puttygen, err := exec.LookPath("puttygen")
	if err != nil {
		t.Skip("puttygen (putty-tools) is not installed")
	}
	for _, version := range []string{"3", "2"} {
		dir := t.TempDir()
		path := filepath.Join(dir, "me.ppk")
		if out, err := exec.Command(puttygen, "-q", "-t", "ed25519", "--new-passphrase", "/dev/null", "--ppk-param", "version="+version, "-o", path).CombinedOutput(); err != nil {
			t.Fatalf("puttygen: %v: %s", err, out)
		}
		_, err := LoadSigner(path, nil)
		if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "puttygen "+path+" -O private-openssh -o "+filepath.Join(dir, "me")) {
			t.Fatalf("v%s: %v", version, err)
		}
		cmd := strings.Fields(err.Error()[strings.Index(err.Error(), "puttygen "):])
		if out, err := exec.Command(puttygen, cmd[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("the command said: %v: %s", err, out)
		}
		if _, err := LoadSigner(filepath.Join(dir, "me"), nil); err != nil {
			t.Fatalf("v%s converted: %v", version, err)
		}
	}
}

// A FIDO key file (sk-ssh-ed25519, OpenSSH's format) is refused in one line that says
// to use the ssh-agent.
func TestLoadSignerFIDOKey(t *testing.T) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	const typ = "sk-ssh-ed25519@openssh.com"
	pubBlob := ssh.Marshal(struct{ Type, Key, App string }{typ, string(pub), "ssh:"})
	priv := ssh.Marshal(struct {
		Check1, Check2 uint32
		Type, Key, App string
		Flags          byte
		Handle, Resv   string
		Comment        string
		Pad            []byte `ssh:"rest"`
	}{1, 1, typ, string(pub), "ssh:", 1, "handle", "", "fido", []byte{1, 2, 3}})
	blob := append([]byte("openssh-key-v1\x00"), ssh.Marshal(struct {
		Cipher, KDF, KDFOpts string
		N                    uint32
		Pub, Priv            string
	}{"none", "none", "", 1, string(pubBlob), string(priv)})...)
	path := filepath.Join(t.TempDir(), "id_ed25519_sk")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "OPENSSH PRIVATE KEY", Bytes: blob}), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = LoadSigner(path, nil)
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "FIDO security key") || !strings.Contains(err.Error(), "ssh-add "+path) {
		t.Fatalf("LoadSigner = %v", err)
	}
}
