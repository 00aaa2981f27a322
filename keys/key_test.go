package keys

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
)

// loaders names the two keys of a store.
var loaders = []struct {
	name, file, what string
	load             func(*Store) (*Key, error)
}{
	{"identity", IdentityFile, "identity", (*Store).LoadOrCreateIdentity},
	{"host key", HostKeyFile, "host key", (*Store).LoadOrCreateHostKey},
}

func TestLoadOrCreate(t *testing.T) {
	for _, l := range loaders {
		t.Run(l.name, func(t *testing.T) {
			s := newStore(t)
			k, err := l.load(s)
			if err != nil {
				t.Fatal(err)
			}
			priv := s.Path(l.file)
			if k.Path != priv {
				t.Errorf("Path = %q, want %q", k.Path, priv)
			}
			if k.PublicKey().Type() != ssh.KeyAlgoED25519 {
				t.Errorf("key type %s, want ed25519", k.PublicKey().Type())
			}
			if runtime.GOOS != "windows" {
				if m := mode(t, priv); m != 0o600 {
					t.Errorf("private key mode %o, want 600", m)
				}
				if m := mode(t, priv+".pub"); m != 0o644 {
					t.Errorf("public key mode %o, want 644", m)
				}
			}
			if !strings.HasPrefix(readFile(t, priv), "-----BEGIN OPENSSH PRIVATE KEY-----\n") {
				t.Error("private key is not in OpenSSH format")
			}
			if got, want := readFile(t, priv+".pub"), k.AuthorizedKey()+"\n"; got != want {
				t.Errorf(".pub = %q, want %q", got, want)
			}
			if k.Comment == "" || (l.file == HostKeyFile) != (k.Comment == HostKeyComment) {
				t.Errorf("comment %q", k.Comment)
			}
			if !strings.HasPrefix(k.Fingerprint(), "SHA256:") {
				t.Errorf("fingerprint %q", k.Fingerprint())
			}

			// The key signs, and a second load returns it unchanged.
			sig, err := k.Signer.Sign(rand.Reader, []byte("data"))
			if err != nil {
				t.Fatal(err)
			}
			again, err := l.load(NewStore(s.Dir()))
			if err != nil {
				t.Fatal(err)
			}
			if err := again.PublicKey().Verify([]byte("data"), sig); err != nil {
				t.Errorf("reloaded key differs: %v", err)
			}
			if again.Comment != k.Comment {
				t.Errorf("reloaded comment %q, want %q", again.Comment, k.Comment)
			}
		})
	}
}

func TestNeverOverwrite(t *testing.T) {
	s := newStore(t)
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "mine")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	path := s.Path(IdentityFile)
	privText := string(pem.EncodeToMemory(block))
	pubText := AuthorizedKey(signer.PublicKey(), "me@there") + "\n"
	writeFile(t, path, privText)
	writeFile(t, path+".pub", pubText)

	k, err := s.LoadOrCreateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	if !sameKey(k.PublicKey(), signer.PublicKey()) || k.Comment != "me@there" {
		t.Errorf("loaded %s %q, want the existing key", k.Fingerprint(), k.Comment)
	}
	if readFile(t, path) != privText || readFile(t, path+".pub") != pubText {
		t.Error("existing key files changed")
	}
}

func TestMissingPubRecreated(t *testing.T) {
	s := newStore(t)
	k, err := s.LoadOrCreateHostKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(k.Path + ".pub"); err != nil {
		t.Fatal(err)
	}
	again, err := s.LoadOrCreateHostKey()
	if err != nil {
		t.Fatal(err)
	}
	if !sameKey(again.PublicKey(), k.PublicKey()) {
		t.Error("host key changed")
	}
	if got := readFile(t, k.Path+".pub"); got != k.AuthorizedKey()+"\n" {
		t.Errorf(".pub = %q", got)
	}
}

func TestLoadIdentityMissing(t *testing.T) {
	s := newStore(t)
	if _, err := s.LoadIdentity(); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("LoadIdentity = %v, want fs.ErrNotExist", err)
	}
	created, err := s.LoadOrCreateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	k, err := s.LoadIdentity()
	if err != nil || !sameKey(k.PublicKey(), created.PublicKey()) {
		t.Fatalf("LoadIdentity = %v, %v; want the created key", k, err)
	}
}

func TestCorruptKey(t *testing.T) {
	other := AuthorizedKey(duettest.PublicKey(t), "other") + "\n"
	for _, tc := range []struct {
		name      string
		priv, pub string // "" for the file a first load writes; "-" for none
		wantFile  string // the file named in the error
		wantErr   string
	}{
		{name: "empty", priv: "\n", pub: "-", wantFile: HostKeyFile, wantErr: "file is empty"},
		{name: "garbage", priv: "not a key\n", pub: "-", wantFile: HostKeyFile, wantErr: "no key found"},
		{name: "truncated", priv: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n", pub: "-",
			wantFile: HostKeyFile, wantErr: ""},
		{name: "pub garbage", pub: "hello\n", wantFile: HostKeyFile + ".pub", wantErr: "not a public key"},
		{name: "pub of another key", pub: other, wantFile: HostKeyFile + ".pub",
			wantErr: "does not match the private key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			path := s.Path(HostKeyFile)
			if tc.priv == "" {
				k, err := s.LoadOrCreateHostKey()
				if err != nil {
					t.Fatal(err)
				}
				tc.priv = readFile(t, k.Path)
			} else {
				writeFile(t, path, tc.priv)
			}
			if tc.pub != "-" {
				writeFile(t, path+".pub", tc.pub)
			}
			_, err := s.LoadOrCreateHostKey()
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			prefix := fmt.Sprintf("load host key %q: ", s.Path(tc.wantFile))
			if !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, tc.wantErr) || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line starting %q containing %q", msg, prefix, tc.wantErr)
			}
			if readFile(t, path) != tc.priv {
				t.Error("corrupt private key was overwritten")
			}
			if tc.pub != "-" && readFile(t, path+".pub") != tc.pub {
				t.Error("corrupt public key was overwritten")
			}
		})
	}
}

// TestConcurrentLoadOrCreate: goroutines racing to create the key all get the same one,
// and no temporary file is left behind.
func TestConcurrentLoadOrCreate(t *testing.T) {
	for _, l := range loaders {
		t.Run(l.name, func(t *testing.T) {
			dir := newStore(t).Dir()
			const n = 8
			fps := make([]string, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					k, err := l.load(NewStore(dir)) // a Store each, like separate processes
					if err != nil {
						t.Error(err)
						return
					}
					fps[i] = k.Fingerprint()
				})
			}
			wg.Wait()
			for i := range fps {
				if fps[i] != fps[0] {
					t.Fatalf("goroutines got different keys: %v", fps)
				}
			}
			assertFiles(t, dir, l.file, l.file+".pub")
		})
	}
}

// TestConcurrentLoadOrCreateProcesses races real processes (this test binary run again).
func TestConcurrentLoadOrCreateProcesses(t *testing.T) {
	if dir := os.Getenv("DUET_KEYS_TEST_CHILD"); dir != "" {
		k, err := NewStore(dir).LoadOrCreateIdentity()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Print(k.Fingerprint())
		os.Exit(0)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	dir := newStore(t).Dir()
	const n = 4
	cmds := make([]*exec.Cmd, n)
	outs := make([]strings.Builder, n)
	for i := range cmds {
		cmds[i] = exec.Command(exe, "-test.run=^TestConcurrentLoadOrCreateProcesses$")
		cmds[i].Env = append(os.Environ(), "DUET_KEYS_TEST_CHILD="+dir)
		cmds[i].Stdout, cmds[i].Stderr = &outs[i], &outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("child %d: %v: %s", i, err, outs[i].String())
		}
	}
	for i := range outs {
		if outs[i].String() != outs[0].String() {
			t.Errorf("processes got different keys: %q vs %q", outs[i].String(), outs[0].String())
		}
	}
	assertFiles(t, dir, IdentityFile, IdentityFile+".pub")
}

// assertFiles checks that dir holds exactly the files named.
func assertFiles(t *testing.T, dir string, want ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("files in %s: %v, want %v", filepath.Base(dir), got, want)
	}
}

func TestCreateExclusiveFallbackKeepsExisting(t *testing.T) {
	path := filepath.Join(duettest.TempDir(t), "f")
	if err := createExclusive(path, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := createExclusive(path, []byte("two"), 0o600); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second create: %v, want fs.ErrExist", err)
	}
	if got := readFile(t, path); got != "one" {
		t.Errorf("content %q, want one", got)
	}
}
