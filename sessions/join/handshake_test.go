//go:build !windows

package join

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/internal/sshdtest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/host"
)

// silentServer accepts connections on loopback and sends them greeting (maybe nothing),
// then nothing more, until the test ends. It returns the address.
func silentServer(t *testing.T, greeting string) string {
	t.Helper()
	return duettest.ServeConns(t, func(c net.Conn) {
		io.WriteString(c, greeting)
		io.Copy(io.Discard, c)
	})
}

// Attack: a server (or a port that is not SSH) accepts the connection and never sends
// its version line, or stops after it. duet join gives up after its handshake timeout,
// saying so, instead of hanging.
func TestJoinGivesUpOnSilentServer(t *testing.T) {
	checkNoJoinGoroutines(t)
	for _, tc := range []struct{ name, greeting string }{
		{"no version line", ""},
		{"version line, then nothing", "SSH-2.0-Silent\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := silentServer(t, tc.greeting)
			start := time.Now()
			_, err := dialTest(t, testAddr(t, addr, "main"), Config{HandshakeTimeout: 300 * time.Millisecond})
			he := duettest.ErrorAs[*HandshakeTimeoutError](t, err)
			if !strings.Contains(err.Error(), "did not complete the SSH handshake within 300ms") || he.Addr != addr {
				t.Errorf("error %q", err)
			}
			t.Logf("gave up after %v", time.Since(start).Round(time.Millisecond))
		})
	}
}

// The handshake timeout does not cut the user short: the time a host key question
// takes does not count.
func TestJoinHandshakeTimeoutSparesQuestions(t *testing.T) {
	checkNoJoinGoroutines(t)
	store := joinStore(t)
	h := &host.Server{}
	addr := duetHost(t, h, duetKey(t, store).PublicKey())
	slow := func(string, ssh.PublicKey) error {
		<-time.After(time.Second) // the user reads the fingerprint: longer than the timeout
		return nil
	}
	_, err := dialTest(t, testAddr(t, addr, "main"), Config{Store: store, HandshakeTimeout: 300 * time.Millisecond,
		ConfirmHost: slow, Command: "ls"})
	var he *HandshakeTimeoutError
	if errors.As(err, &he) {
		t.Fatalf("the host key question counted against the handshake: %v", err)
	}
}

// Attack: a hostile server enumerates the user's keys by refusing each one offered. With
// a named identity only that key is offered (OpenSSH's IdentitiesOnly), signed by the
// ssh-agent when it holds it, so no passphrase is asked.
func TestJoinNamedIdentityOnly(t *testing.T) {
	checkNoJoinGoroutines(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "mine")
	pub := duettest.LockedKeyFile(t, path, "pw")
	raw, err := ssh.ParseRawPrivateKeyWithPassphrase(readFile(t, path), []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	otherPub, otherRaw := duettest.RawKey(t) // in the agent first, and accepted: never offered
	sock := duettest.Agent(t, agent.AddedKey{PrivateKey: otherRaw}, agent.AddedKey{PrivateKey: raw})
	srv := sshdtest.Start(t, sshdtest.Options{Authorized: []ssh.PublicKey{otherPub, pub}})
	var asked atomic.Int32
	j := dialJoin(t, sshdAddr(srv), Config{
		IdentityFile: path, AgentSocket: sock, Command: "echo only-mine", ConfirmHost: (&trustAll{}).confirm,
		Passphrase: func(string) ([]byte, error) { asked.Add(1); return []byte("pw"), nil },
	})
	if status, err := j.wait(t); status != 0 || err != nil || !strings.Contains(j.out.String(), "only-mine") {
		t.Fatalf("Wait = %d, %v; output %q", status, err, j.out.String())
	}
	if asked.Load() != 0 {
		t.Error("the passphrase was asked though the agent holds the key")
	}
	if logs := srv.Logs(); !strings.Contains(logs, "Accepted publickey") || !strings.Contains(logs, keys.Fingerprint(pub)) {
		t.Errorf("sshd accepted another key than the named one:\n%s", logs)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Attack: a server (or someone in the middle) offers only SHA-1 key exchange or MACs,
// or signs with SHA-1 RSA. duet join refuses it, as OpenSSH 9 does; with sshd's
// defaults it gets in.
func TestJoinRefusesSHA1(t *testing.T) {
	checkNoJoinGoroutines(t)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		config  []string
		hostKey any
		refused bool
	}{
		{name: "defaults"},
		{name: "SHA-1 key exchange", config: []string{"KexAlgorithms diffie-hellman-group14-sha1,diffie-hellman-group1-sha1"}, refused: true},
		{name: "SHA-1 MAC", config: []string{"Ciphers aes128-ctr", "MACs hmac-sha1"}, refused: true},
		{name: "ssh-rsa host key signature", config: []string{"HostKeyAlgorithms ssh-rsa"}, hostKey: rsaKey, refused: true},
		{name: "RSA host key with SHA-2", hostKey: rsaKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := joinStore(t)
			srv := sshdtest.Start(t, sshdtest.Options{Authorized: []ssh.PublicKey{duetKey(t, store).PublicKey()},
				Config: tc.config, HostKey: tc.hostKey})
			c, err := dialTest(t, sshdAddr(srv), Config{Store: store, Command: "true", ConfirmHost: (&trustAll{}).confirm})
			if tc.refused {
				if err == nil {
					c.Close()
					t.Fatal("joined a server that offers only SHA-1")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
