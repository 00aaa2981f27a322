//go:build unix

package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/internal/sshdtest"
	"github.com/duetpair/duet/keys"
)

// relayLine is what duet host prints each time the forward on the relay is up.
var relayLine = regexp.MustCompile(`relay listening on (127\.0\.0\.1:(\d+))\r?\njoin: (ssh -p \d+ main@127\.0\.0\.1)\r?\ninvite: (duet://\S+)`)

// TestHostRelay: duet host --relay in a terminal asks about the relay's key, registers
// a forward on a real sshd, and prints where partners join; an OpenSSH partner and a
// duet join partner (with the invite) join through the relay; the relay's sshd is
// killed and started again, and the host registers again.
func TestHostRelay(t *testing.T) {
	hostDir := t.TempDir()
	hostID, err := keys.NewStore(hostDir).LoadOrCreateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	_, relayKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	relayOpt := sshdtest.Options{Forwarding: true, HostKey: relayKey, Authorized: []ssh.PublicKey{hostID.PublicKey()}}
	srv := sshdtest.Start(t, relayOpt)
	sshKey, sshPub := newKeyFile(t)
	partnerDir, partnerPub := newPartner(t)
	if code, _, stderr := runCLI(t, sshPub+"\n"+partnerPub, "approve", "--config-dir", hostDir, "-"); code != 0 {
		t.Fatal(stderr)
	}
	relay := srv.User + "@" + srv.Addr

	// Without a terminal, an unknown relay is refused, saying how to trust it.
	cmd := exec.Command(os.Args[0], "host", "--config-dir", hostDir, "--listen", "127.0.0.1:0", "--approve", "deny",
		"--command", "/bin/sh", "--relay", relay)
	cmd.Env = append(append(os.Environ(), "DUET_TEST_AS_DUET=1"), partnerEnv(t)...)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 ||
		!strings.Contains(string(out), "is not a known host") || !strings.Contains(string(out), "in a terminal") {
		t.Fatalf("duet host without a terminal: %v\n%s", err, out)
	}

	// In a terminal, it asks.
	h := startInTerminal(t, "host", "--config-dir", hostDir, "--listen", "127.0.0.1:0", "--approve", "deny",
		"--command", "/bin/sh", "--relay", relay)
	h.out.WaitFor(t, "Trust this relay? (yes/no): ")
	if !strings.Contains(h.out.String(), keys.Fingerprint(srv.HostKey)) {
		t.Errorf("the question does not show the relay's fingerprint: %q", h.out.String())
	}
	h.typeText(t, "yes\r")
	m := waitMatches(t, h.out, relayLine, 1)[0]
	relayAddr, sshLine, invite := m[1], m[3], m[4]
	if sshLine != "ssh -p "+m[2]+" main@127.0.0.1" || !strings.Contains(invite, "@"+relayAddr+"/#SHA256:") {
		t.Errorf("join lines %q, %q", sshLine, invite)
	}

	if code, out, stderr := runSSH(t, relayAddr, sshKey, "main", "ls"); code != 0 || !strings.Contains(out, "main") {
		t.Fatalf("ssh through the relay: %d %q %q", code, out, stderr)
	}
	j := startJoin(t, "--config-dir", partnerDir, invite)
	j.typeText(t, "echo relayed-$((2+3))\r")
	j.out.WaitFor(t, "relayed-5")

	// The relay goes away, with every connection, and comes back on its port.
	srv.Stop()
	relayOpt.Port = srv.Port
	sshdtest.Start(t, relayOpt)
	m2 := waitMatches(t, h.out, relayLine, 2)[1]
	if m2[1] != relayAddr || m2[4] != invite {
		t.Errorf("after the restart: %q, %q; want %q, %q", m2[1], m2[4], relayAddr, invite)
	}
	if code, out, stderr := runSSH(t, relayAddr, sshKey, "main", "ls"); code != 0 || !strings.Contains(out, "main") {
		t.Fatalf("ssh through the relay after its restart: %d %q %q", code, out, stderr)
	}
	j.out.WaitFor(t, "reconnected")
	j.retypeUntil(t, "echo again-$((3+4))\r", "again-7")
}

// waitMatches waits until re matches the terminal's text n times, and returns the
// matches.
func waitMatches(t *testing.T, s *duettest.Output, re *regexp.Regexp, n int) [][]string {
	t.Helper()
	b := s.WaitUntil(t, fmt.Sprintf("%d matches of %q", n, re), func(b []byte) bool {
		return len(re.FindAllSubmatch(b, -1)) >= n
	})
	return re.FindAllStringSubmatch(string(b), -1)
}

func TestRelayFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"host", "--relay-port", "2000"}, "--relay-port needs --relay"},
		{[]string{"host", "--relay", "a@b", "--relay-port", "70000"}, "--relay-port must be a port number"},
		{[]string{"host", "--relay", "ssh://b"}, "--relay: cannot read the address"},
		{[]string{"join", "--jump", "-oProxyCommand=x", "host"}, "--jump: cannot read the address"},
	} {
		code, _, stderr := runCLI(t, "", append(tc.args, "--config-dir", t.TempDir())...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("duet %v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}
