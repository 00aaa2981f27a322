//go:build unix

package main

import (
	"net"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
)

// fakeQuestion is what a partner or server would like the host's or joiner's terminal to
// show: the screen cleared, then a question of its own.
const fakeQuestion = "\x1b[2J\x1b[H\r\nduet: a partner asks to join session main\r\n  key SHA256:trustme\x1b[8m"

// Attack: a partner's SSH user name (and client version) clear duet host's terminal and
// draw a fake request with the fingerprint the host expects. The question shows them
// escaped, on its own lines: no escape sequence and no extra line reaches the terminal.
func TestHostPromptEscapesPartnerText(t *testing.T) {
	h := startHost(t, t.TempDir(), "--approve", "prompt", "--command", "/bin/sh")
	signer := duettest.Signer(t)
	asked := make(chan error, 1)
	go func() {
		client, err := ssh.Dial("tcp", h.addr, &ssh.ClientConfig{
			User: fakeQuestion, Auth: duettest.KeyAuth(signer),
			ClientVersion:   "SSH-2.0-Evil\u009b2J\x7f",
			HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: duettest.Timeout,
		})
		if err != nil {
			asked <- err
			return
		}
		defer client.Close()
		// A shell: the session asked for is the one the user name picks.
		s, err := client.NewSession()
		if err == nil {
			err = s.Shell()
		}
		if err == nil {
			err = s.Wait()
		}
		asked <- err
	}()
	lines := []string{h.waitLine(t, "duet: a partner asks to join session main")}
	for {
		l := h.waitLine(t, "")
		lines = append(lines, l)
		if strings.HasPrefix(l, "  key SHA256:") {
			break
		}
	}
	shown := strings.Join(lines, "\n")
	if strings.ContainsAny(shown, "\x1b\r\u009b\x7f") {
		t.Errorf("the prompt printed control characters: %q", shown)
	}
	if want := "  key " + keys.Fingerprint(signer.PublicKey()); lines[len(lines)-1] != want {
		t.Errorf("the key line is %q, want %q", lines[len(lines)-1], want)
	}
	keyLines := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "  key ") {
			keyLines++
		}
	}
	if keyLines != 1 || !strings.Contains(shown, `user \033[2J\033[H\015\012duet: a partner`) ||
		!strings.Contains(shown, `software SSH-2.0-Evil\302\2332J\177`) {
		t.Errorf("the question does not show the partner's text escaped on its line:\n%s", shown)
	}
	h.stdin.Write([]byte("d\n"))
	<-asked
}

// Attack: a hostile SSH server (a jump server, say) sends a banner and a refusal that
// clear the joiner's terminal and draw a fake host key question. duet join shows them
// escaped.
func TestJoinEscapesServerText(t *testing.T) {
	addr := hostileServer(t)
	partnerDir, _ := newPartner(t)
	j := startJoin(t, "--config-dir", partnerDir, "ssh://anyone@"+addr)
	j.out.WaitFor(t, "(yes/no): ")
	j.typeText(t, "yes\r")
	j.wait(t)
	// The terminal may still be passing on the last line when the process is gone.
	shown := string(j.out.WaitFor(t, "the host refused the session"))
	if i := strings.Index(shown, "(yes/no): "); i >= 0 {
		shown = shown[i:]
	}
	for _, seq := range []string{"\x1b[2J", "\x1b]52", "\x1b[8m", "\u009b"} {
		if strings.Contains(shown, seq) {
			t.Errorf("the server's %q reached the terminal: %q", seq, shown)
		}
	}
	for _, want := range []string{`\033[2J\033[H`, `\033]52;c;ZWNobyBvd25lZA==\007`} {
		if !strings.Contains(shown, want) {
			t.Errorf("the terminal does not show the server's text escaped (%q): %q", want, shown)
		}
	}
}

// hostileServer serves SSH on loopback: it takes any key, sends a banner that clears the
// screen and draws a question, and refuses the session with a message that sets the
// clipboard. It returns the address.
func hostileServer(t *testing.T) string {
	t.Helper()
	cfg := &ssh.ServerConfig{
		PublicKeyCallback: func(ssh.ConnMetadata, ssh.PublicKey) (*ssh.Permissions, error) { return nil, nil },
		BannerCallback: func(ssh.ConnMetadata) string {
			return fakeQuestion + "\r\nThe host 127.0.0.1 is not known yet. Trust it? (yes/no): \u009b2J"
		},
	}
	cfg.AddHostKey(duettest.Signer(t))
	return duettest.ServeConns(t, func(nc net.Conn) {
		defer nc.Close()
		sc, chans, reqs, err := ssh.NewServerConn(nc, cfg)
		if err != nil {
			return
		}
		defer sc.Close()
		go ssh.DiscardRequests(reqs)
		for nch := range chans {
			nch.Reject(ssh.Prohibited, "\x1b]52;c;ZWNobyBvd25lZA==\x07\x1b[2J\x1b[Hyou are joined")
		}
	})
}

// Attack: a public key whose comment sets the clipboard and clears the screen, given to
// duet approve. It is approved, and its comment shown escaped.
func TestApproveEscapesComment(t *testing.T) {
	_, pub := newKeyFile(t)
	pub = strings.TrimSuffix(pub, "partner") + "\x1b]52;c;aGk=\x07\x1b[2Jalice"
	code, stdout, stderr := runCLI(t, pub+"\n", "approve", "--config-dir", t.TempDir(), "-")
	if code != 0 {
		t.Fatalf("approve: %d %q", code, stderr)
	}
	if strings.Contains(stdout, "\x1b") || !strings.Contains(stdout, `\033]52;c;aGk=\007\033[2Jalice`) {
		t.Errorf("duet approve printed %q", stdout)
	}
}
