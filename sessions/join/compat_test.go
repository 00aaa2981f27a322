//go:build !windows

package join

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/internal/sshdtest"
	"github.com/duetpair/duet/keys"
)

// hostKeyTypes is a ConfirmHostFunc that trusts every host and records the key types
// it was asked about.
type hostKeyTypes struct {
	mu    sync.Mutex
	types []string
}

func (h *hostKeyTypes) confirm(_ string, key ssh.PublicKey) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.types = append(h.types, key.Type())
	return nil
}

// prompts is a PromptFunc that answers from a script and records what it was asked.
type prompts struct {
	answers []string // one per question, in order; "" gives up

	mu    sync.Mutex
	asked []Prompt
}

func (p *prompts) ask(pr Prompt) ([]string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.asked = append(p.asked, pr)
	var out []string
	for range pr.Questions {
		if len(p.answers) == 0 || p.answers[0] == "" {
			return nil, errors.New("cancelled")
		}
		out = append(out, p.answers[0])
		p.answers = p.answers[1:]
	}
	return out, nil
}

// runs checks that a command typed into j runs, once the login shell prompts (a shell
// may drop what was typed before it set up its terminal).
func runs(t *testing.T, j *joined) {
	t.Helper()
	j.out.WaitUntil(t, "the prompt", func(b []byte) bool {
		return bytes.HasSuffix(bytes.TrimRight(b, " "), []byte("#")) || bytes.HasSuffix(bytes.TrimRight(b, " "), []byte("$"))
	})
	j.typeLine(t, "echo compat-$((40+2))")
	j.out.WaitFor(t, "compat-42")
}

// An unknown host with several host keys: the ed25519 one is asked about, as OpenSSH
// does, whatever order the server lists them in.
func TestJoinPrefersEd25519HostKey(t *testing.T) {
	checkNoJoinGoroutines(t)
	store := joinStore(t)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var lines []string
	for i, k := range []any{rsaKey, ecKey} {
		block, err := ssh.MarshalPrivateKey(k, "")
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, []string{"rsa", "ecdsa"}[i])
		if err := os.WriteFile(p, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, "HostKey "+p)
	}
	srv := sshdtest.Start(t, sshdtest.Options{Authorized: []ssh.PublicKey{duetKey(t, store).PublicKey()}, Config: lines})
	asked := &hostKeyTypes{}
	j := dialJoin(t, sshdAddr(srv), Config{Store: store, Term: "xterm", Cols: 80, Rows: 24, ConfirmHost: asked.confirm})
	runs(t, j)
	if len(asked.types) != 1 || asked.types[0] != ssh.KeyAlgoED25519 {
		t.Fatalf("asked about %v, want one ssh-ed25519 key", asked.types)
	}
}

// Dropbear, with each kind of host key, and with a key and then a password (-t).
func TestJoinDropbear(t *testing.T) {
	for _, kt := range []string{"ed25519", "ecdsa", "rsa"} {
		t.Run(kt, func(t *testing.T) {
			checkNoJoinGoroutines(t)
			store := joinStore(t)
			srv := sshdtest.StartDropbear(t, sshdtest.DropbearOptions{HostKeyType: kt,
				Authorized: []ssh.PublicKey{duetKey(t, store).PublicKey()}})
			asked := &hostKeyTypes{}
			j := dialJoin(t, sshdAddr(srv), Config{Store: store, Term: "xterm", Cols: 80, Rows: 24, ConfirmHost: asked.confirm})
			runs(t, j)
			if len(asked.types) != 1 || keys.Fingerprint(srv.HostKey) != keys.Fingerprint(j.HostKey()) {
				t.Fatalf("asked about %v; host key %s, want %s", asked.types, keys.Fingerprint(j.HostKey()), keys.Fingerprint(srv.HostKey))
			}
		})
	}
	t.Run("key then password", func(t *testing.T) {
		checkNoJoinGoroutines(t)
		store := joinStore(t)
		srv := sshdtest.StartDropbear(t, sshdtest.DropbearOptions{Password: "s3cret-pw", Args: []string{"-t"},
			Authorized: []ssh.PublicKey{duetKey(t, store).PublicKey()}})
		p := &prompts{answers: []string{"wrong", "s3cret-pw"}}
		j := dialJoin(t, sshdAddr(srv), Config{Store: store, Term: "xterm", Cols: 80, Rows: 24,
			ConfirmHost: (&trustAll{}).confirm, Prompt: p.ask})
		runs(t, j)
		if len(p.asked) != 2 || !p.asked[0].AfterKey || p.asked[0].Kind != AskPassword || p.asked[0].Again || !p.asked[1].Again ||
			p.asked[0].Questions[0].Echo {
			t.Fatalf("asked %+v; want a password after the key, twice", p.asked)
		}
		if strings.Contains(srv.Logs(), "s3cret") {
			t.Fatal("the password is in the server's log")
		}
	})
}

// Password servers: the user is asked, a wrong password is asked again, and without a
// way to ask (or when the user gives up) the error says what the server asked for.
func TestJoinPasswordServer(t *testing.T) {
	checkNoJoinGoroutines(t)
	store := joinStore(t)
	srv := sshdtest.Start(t, sshdtest.Options{Password: "open-sesame",
		Config: []string{"PasswordAuthentication yes", "AuthenticationMethods password"}})
	cfg := Config{Store: store, Term: "xterm", Cols: 80, Rows: 24, ConfirmHost: (&trustAll{}).confirm}

	_, err := dialTest(t, sshdAddr(srv), cfg)
	ae := duettest.ErrorAs[*AuthError](t, err)
	if !strings.Contains(err.Error(), "asked for a password, which Duet could not ask you") || ae.KeysRefused() {
		t.Fatalf("without a prompt: %v", err)
	}

	p := &prompts{answers: []string{""}}
	cfg.Prompt = p.ask
	_, err = dialTest(t, sshdAddr(srv), cfg)
	if !strings.Contains(err.Error(), "asked for a password, and you gave none") {
		t.Fatalf("given up: %v", err)
	}

	p = &prompts{answers: []string{"nope", "nope", "nope"}}
	cfg.Prompt = p.ask
	_, err = dialTest(t, sshdAddr(srv), cfg)
	if !strings.Contains(err.Error(), "asked for a password, and did not accept the answer") || len(p.asked) != 3 {
		t.Fatalf("wrong three times: %v after %d questions", err, len(p.asked))
	}

	p = &prompts{answers: []string{"open-sesame"}}
	cfg.Prompt = p.ask
	runs(t, dialJoin(t, sshdAddr(srv), cfg))
	if p.asked[0].AfterKey || p.asked[0].Server != sshdAddr(srv).String() {
		t.Fatalf("asked %+v", p.asked[0])
	}
}

// Two factors through keyboard-interactive (PAM's question after the key), as sshd
// with AuthenticationMethods publickey,keyboard-interactive asks.
func TestJoinKeyThenKeyboardInteractive(t *testing.T) {
	checkNoJoinGoroutines(t)
	store := joinStore(t)
	srv := sshdtest.Start(t, sshdtest.Options{Password: "second-factor",
		Authorized: []ssh.PublicKey{duetKey(t, store).PublicKey()},
		Config:     []string{"UsePAM yes", "KbdInteractiveAuthentication yes", "AuthenticationMethods publickey,keyboard-interactive"}})
	cfg := Config{Store: store, Term: "xterm", Cols: 80, Rows: 24, ConfirmHost: (&trustAll{}).confirm}
	_, err := dialTest(t, sshdAddr(srv), cfg)
	ae := duettest.ErrorAs[*AuthError](t, err)
	if !ae.KeyAccepted || !strings.Contains(err.Error(), "accepted your key, then asked for “Password:”") {
		t.Fatalf("without a prompt: %v (%+v)", err, ae)
	}

	p := &prompts{answers: []string{"second-factor"}}
	cfg.Prompt = p.ask
	runs(t, dialJoin(t, sshdAddr(srv), cfg))
	if len(p.asked) != 1 || p.asked[0].Kind != AskKeyboardInteractive || !p.asked[0].AfterKey || p.asked[0].Questions[0].Echo {
		t.Fatalf("asked %+v", p.asked)
	}
}

// An RSA key against a server that takes only rsa-sha2-512 signatures, and one that takes
// only rsa-sha2-256.
func TestJoinRSAKeySHA2(t *testing.T) {
	for _, alg := range []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256} {
		t.Run(alg, func(t *testing.T) {
			checkNoJoinGoroutines(t)
			store := joinStore(t)
			priv, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				t.Fatal(err)
			}
			block, err := ssh.MarshalPrivateKey(priv, "rsa test")
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "id_rsa")
			if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
				t.Fatal(err)
			}
			signer, err := ssh.NewSignerFromKey(priv)
			if err != nil {
				t.Fatal(err)
			}
			srv := sshdtest.Start(t, sshdtest.Options{Authorized: []ssh.PublicKey{signer.PublicKey()},
				Config: []string{"PubkeyAcceptedAlgorithms " + alg}})
			runs(t, dialJoin(t, sshdAddr(srv), Config{Store: store, IdentityFile: file, Term: "xterm", Cols: 80, Rows: 24,
				ConfirmHost: (&trustAll{}).confirm}))
		})
	}
}
