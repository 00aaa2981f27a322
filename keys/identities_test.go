package keys

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/duetpair/duet/internal/duettest"
)

// writeKey writes priv to path in OpenSSH format, encrypted if pass is not empty, and
// returns its public key.
func writeKey(tb testing.TB, path string, priv any, pass string) ssh.PublicKey {
	tb.Helper()
	var block *pem.Block
	var err error
	if pass == "" {
		block, err = ssh.MarshalPrivateKey(priv, "test")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "test", []byte(pass))
	}
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		tb.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		tb.Fatal(err)
	}
	return s.PublicKey()
}

func newEd25519(tb testing.TB) ed25519.PrivateKey {
	tb.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return priv
}

// asker answers passphrase questions from a list and counts them.
type asker struct {
	mu      sync.Mutex
	answers []string
	asked   []string // paths asked about
}

func (a *asker) ask(path string) ([]byte, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asked = append(a.asked, path)
	if len(a.answers) == 0 {
		return nil, errors.New("cancelled")
	}
	p := a.answers[0]
	a.answers = a.answers[1:]
	return []byte(p), nil
}

func checkSigns(tb testing.TB, s ssh.Signer) error {
	tb.Helper()
	sig, err := s.Sign(rand.Reader, []byte("data"))
	if err != nil {
		return err
	}
	if err := s.PublicKey().Verify([]byte("data"), sig); err != nil {
		tb.Fatalf("signature does not verify: %v", err)
	}
	return nil
}

func TestLoadSignerPassphrase(t *testing.T) {
	dir := duettest.TempDir(t)
	path := filepath.Join(dir, "id_ecdsa")
	pub := duettest.LockedKeyFile(t, path, "secret")

	a := &asker{answers: []string{"wrong", "secret", "never asked"}}
	s, err := LoadSigner(path, a.ask)
	if err != nil {
		t.Fatal(err)
	}
	if !sameKey(s.PublicKey(), pub) {
		t.Fatal("wrong public key")
	}
	if len(a.asked) != 0 {
		t.Fatal("asked for the passphrase before the key was used")
	}
	if err := checkSigns(t, s); err != nil {
		t.Fatal(err)
	}
	if err := checkSigns(t, s); err != nil {
		t.Fatal(err)
	}
	if len(a.asked) != 2 || a.asked[0] != path {
		t.Errorf("asked %v, want twice for %s (one wrong answer)", a.asked, path)
	}
	// RSA keys must sign with SHA-2, which needs SignWithAlgorithm to reach the key.
	if _, ok := s.(ssh.AlgorithmSigner); !ok {
		t.Error("a locked key is no AlgorithmSigner")
	}

	t.Run("wrong every time", func(t *testing.T) {
		a := &asker{answers: []string{"a", "b", "c", "d"}}
		s, err := LoadSigner(path, a.ask)
		if err != nil {
			t.Fatal(err)
		}
		err = checkSigns(t, s)
		if !errors.Is(err, ErrPassphrase) || !strings.Contains(err.Error(), strconv.Quote(path)) {
			t.Errorf("error %v, want ErrPassphrase naming the file", err)
		}
		if err2 := checkSigns(t, s); err2 == nil || len(a.asked) != passphraseTries {
			t.Errorf("asked %d times (second error %v), want %d", len(a.asked), err2, passphraseTries)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		s, err := LoadSigner(path, (&asker{}).ask)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkSigns(t, s); err == nil || !strings.Contains(err.Error(), "cancelled") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("nobody to ask", func(t *testing.T) {
		if _, err := LoadSigner(path, nil); err == nil || !strings.Contains(err.Error(), "passphrase") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("public key in the OpenSSH file", func(t *testing.T) {
		// OpenSSH's format keeps the public key in the clear: no .pub file needed, and
		// nothing is asked (nor decrypted) until the key is used.
		path := filepath.Join(duettest.TempDir(t), "id_ed25519")
		pub := writeKey(t, path, newEd25519(t), "pw")
		a := &asker{}
		s, err := LoadSigner(path, a.ask)
		if err != nil || !sameKey(s.PublicKey(), pub) || len(a.asked) != 0 {
			t.Errorf("LoadSigner = %v, asked %d times", err, len(a.asked))
		}
	})
}

// TestLoadSignerNoPublicKey: an encrypted PEM key does not tell its public key, so the
// passphrase is asked at once, unless the .pub file is there.
func TestLoadSignerNoPublicKey(t *testing.T) {
	path := filepath.Join(duettest.TempDir(t), "id_ecdsa")
	pub := duettest.LockedKeyFile(t, path, "pw")
	if err := os.Remove(path + ".pub"); err != nil {
		t.Fatal(err)
	}
	a := &asker{answers: []string{"pw"}}
	s, err := LoadSigner(path, a.ask)
	if err != nil || len(a.asked) != 1 || !sameKey(s.PublicKey(), pub) {
		t.Fatalf("LoadSigner = %v, asked %d times; want asked at once", err, len(a.asked))
	}
	if err := checkSigns(t, s); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSigner(path, (&asker{}).ask); err == nil {
		t.Error("no error when the passphrase was not given")
	}
}

func TestUserSigners(t *testing.T) {
	dir := duettest.TempDir(t)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	locked := duettest.LockedKeyFile(t, filepath.Join(dir, "id_rsa"), "pw")
	other := writeKey(t, filepath.Join(dir, "id_work"), newEd25519(t), "")
	ecPub := writeKey(t, filepath.Join(dir, "id_ecdsa"), ec, "")
	writeFile(t, filepath.Join(dir, "id_ecdsa.pub"), AuthorizedKey(ecPub, "")+"\n")
	writeFile(t, filepath.Join(dir, "id_broken"), "not a key")
	if err := os.Mkdir(filepath.Join(dir, "id_dir"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "known_hosts"), "")

	a := &asker{answers: []string{"pw"}}
	signers, errs := UserSigners(dir, a.ask)
	want := []ssh.PublicKey{ecPub, other, locked}
	if len(signers) != len(want) {
		t.Fatalf("%d signers, want %d (errors %v)", len(signers), len(want), errs)
	}
	for i, w := range want {
		if !sameKey(signers[i].PublicKey(), w) {
			t.Errorf("signer %d is not the expected key", i)
		}
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "id_broken") {
		t.Errorf("errors %v, want one about id_broken", errs)
	}
	if len(a.asked) != 0 {
		t.Errorf("asked for passphrases before any key was used: %v", a.asked)
	}

	signers, _ = UserSigners(dir, nil)
	if len(signers) != 2 {
		t.Errorf("without a passphrase func: %d signers, want the 2 unprotected ones", len(signers))
	}
	if s, errs := UserSigners(filepath.Join(dir, "missing"), nil); len(s) != 0 || len(errs) != 0 {
		t.Errorf("missing dir: %v %v", s, errs)
	}
}

func TestAgentSigners(t *testing.T) {
	priv := newEd25519(t)
	sock := duettest.Agent(t, agent.AddedKey{PrivateKey: priv, Comment: "in agent"})
	signers, closer, err := AgentSigners(sock)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	want, _ := ssh.NewSignerFromKey(priv)
	if len(signers) != 1 || !sameKey(signers[0].PublicKey(), want.PublicKey()) {
		t.Fatalf("signers %v", signers)
	}
	if err := checkSigns(t, signers[0]); err != nil {
		t.Fatal(err)
	}
	if _, _, err := AgentSigners(""); err == nil {
		t.Error("no error without a socket")
	}
	if _, _, err := AgentSigners(filepath.Join(duettest.TempDir(t), "none")); err == nil {
		t.Error("no error for a missing socket")
	}
}

func TestHostKeyAlgorithmsAndWarning(t *testing.T) {
	kh := newStore(t).KnownHosts()
	if got := kh.HostKeyAlgorithms("h:2222"); got != nil {
		t.Errorf("no file: %v, want nil", got)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsaPub, err := ssh.NewPublicKey(&rsaKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := kh.Add("h:2222", rsaPub); err != nil {
		t.Fatal(err)
	}
	got := kh.HostKeyAlgorithms("h:2222")
	if len(got) < 4 || got[0] != ssh.KeyAlgoRSASHA512 || got[1] != ssh.KeyAlgoRSASHA256 {
		t.Errorf("algorithms %v, want RSA ones first", got)
	}
	if !strings.Contains(strings.Join(got, ","), ssh.KeyAlgoED25519) {
		t.Errorf("algorithms %v lack the others", got)
	}
	if got := kh.HostKeyAlgorithms("other:2222"); got != nil {
		t.Errorf("other host: %v", got)
	}

	offered := duettest.PublicKey(t)
	err = kh.Check("h:2222", nil, offered)
	var he *HostKeyError
	if !errors.As(err, &he) {
		t.Fatalf("Check = %v", err)
	}
	w := he.Warning()
	for _, want := range []string{"WARNING", "[h]:2222", Fingerprint(offered), Fingerprint(rsaPub),
		"ssh-keygen -R '[h]:2222' -f '" + kh.Path() + "'", "line 1"} {
		if !strings.Contains(w, want) {
			t.Errorf("warning lacks %q:\n%s", want, w)
		}
	}
	unknown := &HostKeyError{Host: "x", Key: offered}
	if w := unknown.Warning(); !strings.Contains(w, Fingerprint(offered)) || strings.Contains(w, "\n") {
		t.Errorf("unknown host warning %q", w)
	}
}
