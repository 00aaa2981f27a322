package keys

import (
	"errors"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
)

func TestKnownHosts(t *testing.T) {
	key, other := duettest.PublicKey(t), duettest.PublicKey(t)
	for _, tc := range []struct {
		name    string
		file    string // "-" for none
		addr    string
		key     ssh.PublicKey
		wantErr error // nil, ErrUnknownHost or ErrHostKeyChanged
		known   int   // keys on file in a *HostKeyError
	}{
		{name: "no file", file: "-", addr: "h:2222", key: key, wantErr: ErrUnknownHost},
		{name: "empty file", file: "", addr: "h:2222", key: key, wantErr: ErrUnknownHost},
		{name: "known", file: "[h]:2222 " + AuthorizedKey(key, "") + "\n", addr: "h:2222", key: key},
		{name: "known on port 22", file: "h " + AuthorizedKey(key, ""), addr: "h", key: key},
		{name: "other port unknown", file: "h " + AuthorizedKey(key, ""), addr: "h:2222", key: key, wantErr: ErrUnknownHost},
		{name: "changed", file: "[h]:2222 " + AuthorizedKey(other, "") + "\n", addr: "h:2222", key: key,
			wantErr: ErrHostKeyChanged, known: 1},
		{name: "wildcard", file: "*.example " + AuthorizedKey(key, ""), addr: "a.example:22", key: key},
		{name: "ipv6", file: "[::1]:2222 " + AuthorizedKey(key, ""), addr: "[::1]:2222", key: key},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kh := newStore(t).KnownHosts()
			if tc.file != "-" {
				writeFile(t, kh.Path(), tc.file)
			}
			err := kh.Check(tc.addr, nil, tc.key)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			var he *HostKeyError
			if !errors.Is(err, tc.wantErr) || !errors.As(err, &he) {
				t.Fatalf("Check = %v, want %v", err, tc.wantErr)
			}
			if len(he.Known) != tc.known || len(he.KnownFingerprints()) != tc.known {
				t.Errorf("known keys %v, want %d", he.Known, tc.known)
			}
			if tc.known > 0 {
				msg := err.Error()
				for _, want := range []string{Fingerprint(key), Fingerprint(other), kh.Path() + ":1"} {
					if !strings.Contains(msg, want) {
						t.Errorf("error %q lacks %q", msg, want)
					}
				}
			}
		})
	}
}

func TestKnownHostsAdd(t *testing.T) {
	kh := newStore(t).KnownHosts()
	key, other := duettest.PublicKey(t), duettest.PublicKey(t)
	writeFile(t, kh.Path(), "# hand written\nold.example "+AuthorizedKey(other, "")) // no final newline
	for _, addr := range []string{"h:2222", "h:22", "[::1]:2222"} {
		if err := kh.Add(addr, key); err != nil {
			t.Fatal(err)
		}
		if err := kh.Add(addr, key); err != nil { // again: no change
			t.Fatal(err)
		}
		if err := kh.Check(addr, nil, key); err != nil {
			t.Errorf("Check(%s) after Add: %v", addr, err)
		}
	}
	want := "# hand written\nold.example " + AuthorizedKey(other, "") + "\n" +
		"[h]:2222 " + AuthorizedKey(key, "") + "\n" +
		"h " + AuthorizedKey(key, "") + "\n" +
		"[::1]:2222 " + AuthorizedKey(key, "") + "\n"
	if got := readFile(t, kh.Path()); got != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	// A changed key is never added next to the old one.
	if err := kh.Add("old.example:22", key); !errors.Is(err, ErrHostKeyChanged) {
		t.Errorf("Add over a changed key = %v, want ErrHostKeyChanged", err)
	}
	if got := readFile(t, kh.Path()); got != want {
		t.Error("file changed by a refused Add")
	}
}

func TestKnownHostsNewFileMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes")
	}
	kh := newStore(t).KnownHosts()
	if err := kh.Add("h:2222", duettest.PublicKey(t)); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, kh.Path()); m != 0o600 {
		t.Errorf("mode %o, want 600", m)
	}
}

func TestKnownHostsBadLine(t *testing.T) {
	kh := newStore(t).KnownHosts()
	writeFile(t, kh.Path(), "h "+AuthorizedKey(duettest.PublicKey(t), "")+"\nnonsense\n")
	err := kh.Check("h:22", nil, duettest.PublicKey(t))
	if err == nil || errors.Is(err, ErrUnknownHost) || !strings.Contains(err.Error(), kh.Path()+":2") {
		t.Errorf("Check = %v, want an error naming line 2", err)
	}
}

// TestHostKeyCallback runs real SSH handshakes on loopback against a server with a
// store's host key.
func TestHostKeyCallback(t *testing.T) {
	hostKey, err := newStore(t).LoadOrCreateHostKey()
	if err != nil {
		t.Fatal(err)
	}
	addr := serveSSH(t, hostKey.Signer)
	kh := newStore(t).KnownHosts()
	dial := func(confirm ConfirmHostFunc) error {
		c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{
			User:            "main",
			Auth:            []ssh.AuthMethod{ssh.PublicKeys(duettest.Signer(t))},
			HostKeyCallback: kh.HostKeyCallback(confirm),
			Timeout:         10 * time.Second,
		})
		if err == nil {
			c.Close()
		}
		return err
	}
	refused := errors.New("refused by the user")
	var asked []string
	ask := func(answer error) ConfirmHostFunc {
		return func(host string, key ssh.PublicKey) error {
			asked = append(asked, host+" "+Fingerprint(key))
			return answer
		}
	}
	if err := dial(nil); !errors.Is(err, ErrUnknownHost) {
		t.Errorf("unknown host, no confirm: %v", err)
	}
	if err := dial(ask(refused)); !errors.Is(err, refused) {
		t.Errorf("unknown host, refused: %v", err)
	}
	if err := dial(ask(nil)); err != nil {
		t.Errorf("unknown host, accepted: %v", err)
	}
	if err := dial(ask(refused)); err != nil { // now known: not asked
		t.Errorf("known host: %v", err)
	}
	_, port, _ := net.SplitHostPort(addr)
	want := "[127.0.0.1]:" + port + " " + hostKey.Fingerprint()
	if len(asked) != 2 || asked[0] != want || asked[1] != want {
		t.Errorf("asked %q, want twice %q", asked, want)
	}

	// The host's key changes: refused, without asking, and the file is left alone.
	addr2 := serveSSH(t, duettest.Signer(t))
	writeFile(t, kh.Path(), "[127.0.0.1]:"+portOf(addr2)+" "+hostKey.AuthorizedKey()+"\n")
	before := readFile(t, kh.Path())
	addr = addr2
	err = dial(ask(nil))
	if !errors.Is(err, ErrHostKeyChanged) || !strings.Contains(err.Error(), hostKey.Fingerprint()) {
		t.Errorf("changed key: %v", err)
	}
	if len(asked) != 2 || readFile(t, kh.Path()) != before {
		t.Error("changed key asked about or saved")
	}
}

func portOf(addr string) string {
	_, port, _ := net.SplitHostPort(addr)
	return port
}

// serveSSH runs an SSH server with host key signer on loopback that accepts any public
// key and closes each connection after the handshake. It returns its address.
func serveSSH(t *testing.T, signer ssh.Signer) string {
	t.Helper()
	cfg := &ssh.ServerConfig{
		PublicKeyCallback: func(ssh.ConnMetadata, ssh.PublicKey) (*ssh.Permissions, error) { return nil, nil },
	}
	cfg.AddHostKey(signer)
	return duettest.ServeConns(t, func(c net.Conn) {
		if conn, _, _, err := ssh.NewServerConn(c, cfg); err == nil {
			conn.Close()
		}
		c.Close()
	})
}

func TestKnownHostsAddInvalidHost(t *testing.T) {
	kh := newStore(t).KnownHosts()
	for _, tc := range []struct {
		addr string
		ok   bool
	}{
		{"example.com", true}, {"example.com:2222", true}, {"1.2.3.4:22", true}, {"[::1]:2222", true},
		{"::1", true}, {"[fe80::1%eth0]:22", true}, {"my_host", true},
		{"", false}, {":22", false}, {"*.example:22", false}, {"a?c", false}, {"!bad", false},
		{"a,b", false}, {"a b:22", false}, {"@revoked", false}, {"#x", false}, {"|1|abc", false}, {"-oProxy", false},
		{"0: ", false}, {"h:0", false}, {"h:65536", false}, {"h:x", false}, {"h:+22", false},
		{":]", false}, {"[:]:22", false}, {"[h]:22", true}, {".h", false}, {"a%b", false},
	} {
		err := kh.Add(tc.addr, duettest.PublicKey(t))
		if (err == nil) != tc.ok || !tc.ok && !errors.Is(err, ErrInvalidHost) {
			t.Errorf("Add(%q) = %v, want ok %v", tc.addr, err, tc.ok)
		}
	}
	// What was added reads back, and nothing else was written.
	text := readFile(t, kh.Path())
	if n := strings.Count(text, "\n"); n != 8 {
		t.Errorf("%d lines written, want 8:\n%s", n, text)
	}
	if err := kh.Check("[fe80::1%eth0]:22", nil, duettest.PublicKey(t)); !errors.Is(err, ErrHostKeyChanged) {
		t.Errorf("Check = %v, want ErrHostKeyChanged", err)
	}
}
