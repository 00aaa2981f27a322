//go:build !windows

package host

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
)

// joinedAs waits for one partner and returns its key's fingerprint.
func joinedAs(t *testing.T, h *Server) string {
	t.Helper()
	duettest.Poll(t, "the partner to join", func() bool { return len(h.Partners()) == 1 })
	return h.Partners()[0].Fingerprint
}

// dialAll logs in as "main" offering signers in order, as OpenSSH does.
func dialAll(t *testing.T, addr string, signers ...ssh.Signer) *ssh.Client {
	t.Helper()
	c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{User: "main", Auth: duettest.KeyAuth(signers...),
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: duettest.Timeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// The approved key gets in wherever it is among the keys a client offers, without a
// question; before, the first key was taken and the partner was asked about (or denied).
func TestApprovedKeyWinsWhereverOffered(t *testing.T) {
	for _, n := range []int{0, 1, 3} {
		t.Run(strconv.Itoa(n)+" unknown first", func(t *testing.T) {
			a := &approver{answer: Decision{Answer: Deny}}
			h, addr := hostWithShell(t, &Server{Approve: a.approve})
			var signers []ssh.Signer
			for range n {
				signers = append(signers, duettest.Signer(t))
			}
			approved := newSignerApproved(t, h, keys.RoleType)
			signers = append(signers, approved, duettest.Signer(t))
			p := startShell(t, dialAll(t, addr, signers...))
			io.WriteString(p.stdin, "echo in-$((40+2))\r")
			p.out.WaitFor(t, "in-42")
			if fp := joinedAs(t, h); fp != keys.Fingerprint(approved.PublicKey()) {
				t.Fatalf("joined as %s, want the approved key", fp)
			}
			if a.calls() != 0 {
				t.Fatalf("the host was asked %d times", a.calls())
			}
		})
	}
}

// Only unknown keys: the host is asked about the first one the client proved it holds.
func TestUnknownKeysReachTheQuestion(t *testing.T) {
	a := &approver{answer: Decision{Answer: AllowOnce}}
	h, addr := hostWithShell(t, &Server{Approve: a.approve})
	first, second := duettest.Signer(t), duettest.Signer(t)
	p := startShell(t, dialAll(t, addr, first, second))
	io.WriteString(p.stdin, "echo once-$((40+2))\r")
	p.out.WaitFor(t, "once-42")
	if fp := joinedAs(t, h); fp != keys.Fingerprint(first.PublicKey()) || a.calls() != 1 || a.asked[0].Fingerprint != fp {
		t.Fatalf("joined as %s after %d questions, want %s asked once", fp, a.calls(), keys.Fingerprint(first.PublicKey()))
	}
}

// notHeld claims a public key it cannot sign for: the client offers (queries) the key but
// never proves it holds it.
type notHeld struct{ pub ssh.PublicKey }

func (s notHeld) PublicKey() ssh.PublicKey { return s.pub }
func (s notHeld) Sign(io.Reader, []byte) (*ssh.Signature, error) {
	return nil, errors.New("not held")
}

// Attack (CVE-2024-45337's shape): a client queries an approved key it does not hold,
// then logs in with its own unknown key. The approved key's query grants nothing: the
// host is asked about the key that was proven, and denying it keeps the client out.
func TestQueriedKeyGrantsNothing(t *testing.T) {
	a := &approver{answer: Decision{Answer: Deny}}
	h, addr := hostWithShell(t, &Server{Approve: a.approve})
	victim := newSignerApproved(t, h, keys.RoleType)
	own := duettest.Signer(t)
	in := 0
	for _, order := range [][]ssh.Signer{{notHeld{victim.PublicKey()}, own}, {own, notHeld{victim.PublicKey()}}} {
		c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{User: "main", HostKeyCallback: ssh.InsecureIgnoreHostKey(),
			Timeout: duettest.Timeout, Auth: []ssh.AuthMethod{
				ssh.PublicKeys(order[0]), ssh.PublicKeys(order[1]), duettest.KeyAuth()[1]}})
		if err != nil {
			// x/crypto gives up on publickey when a signer fails: then the client
			// never logs in at all, which is as good.
			continue
		}
		in++
		p := startShell(t, c)
		io.WriteString(p.stdin, "echo in-$((40+2))\r")
		p.out.WaitFor(t, "denied key "+keys.Fingerprint(own.PublicKey()))
		p.wait(t)
		c.Close()
		if len(h.Partners()) != 0 {
			t.Fatalf("partners %+v", h.Partners())
		}
	}
	if in == 0 {
		t.Fatal("no order logged in: the test tried nothing")
	}
	for _, r := range a.asked {
		if r.Fingerprint != keys.Fingerprint(own.PublicKey()) {
			t.Fatalf("the host was asked about %s, a key the client never proved", r.Fingerprint)
		}
	}
}

// OpenSSH with -i unknown -i approved (and below, with an agent holding several keys, the
// approved one last): the approved key gets in without a question.
func TestOpenSSHApprovedSecondKey(t *testing.T) {
	duettest.NeedOpenSSH(t)
	a := &approver{answer: Decision{Answer: Deny}}
	h, addr := hostWithShell(t, &Server{Approve: a.approve})
	unknown, _ := duettest.KeyFile(t)
	approved := approvedKey(t, h, keys.RoleType)
	args := duettest.SSHArgs(t, addr, unknown, "main", "-i", approved)
	p := duettest.RunSSH(t, args, false)
	p.Type(t, "echo files-$((40+2))\r")
	p.Out.WaitFor(t, "files-42")
	if fp := joinedAs(t, h); a.calls() != 0 || fp == "" {
		t.Fatalf("%d questions", a.calls())
	}
}

func TestOpenSSHAgentApprovedLastKey(t *testing.T) {
	duettest.NeedOpenSSH(t)
	a := &approver{answer: Decision{Answer: Deny}}
	h, addr := hostWithShell(t, &Server{Approve: a.approve})
	var added []agent.AddedKey
	for range 3 {
		_, priv := duettest.RawKey(t)
		added = append(added, agent.AddedKey{PrivateKey: priv})
	}
	pub, priv := duettest.RawKey(t)
	if err := h.Approved.Add(pub, keys.RoleType, "agent key"); err != nil {
		t.Fatal(err)
	}
	sock := duettest.Agent(t, append(added, agent.AddedKey{PrivateKey: priv})...)
	args := duettest.SSHArgs(t, addr, "/dev/null", "main")
	for i, arg := range args {
		switch arg {
		case "IdentitiesOnly=yes":
			args[i] = "IdentitiesOnly=no"
		case "IdentityAgent=none":
			args[i] = "IdentityAgent=" + sock
		}
	}
	q := duettest.RunSSH(t, args, false)
	q.Type(t, "echo agent-$((40+2))\r")
	q.Out.WaitFor(t, "agent-42")
	if fp := joinedAs(t, h); fp != keys.Fingerprint(pub) || a.calls() != 0 {
		t.Fatalf("joined as %s after %d questions, want the agent's approved key", fp, a.calls())
	}
}

// A partner whose ssh turned keyboard-interactive off (BatchMode=yes does) cannot log in
// with an unknown key: it is told Permission denied, as the README says.
func TestOpenSSHBatchModeUnknownKey(t *testing.T) {
	duettest.NeedOpenSSH(t)
	a := &approver{answer: Decision{Answer: AllowOnce}}
	_, addr := hostWithShell(t, &Server{Approve: a.approve})
	unknown, _ := duettest.KeyFile(t)
	out, err := exec.Command("ssh", append(duettest.SSHArgs(t, addr, unknown, "main", "-o", "BatchMode=yes"), "true")...).CombinedOutput()
	if err == nil || a.calls() != 0 {
		t.Fatalf("ssh -o BatchMode=yes with an unknown key: %v after %d questions: %s", err, a.calls(), out)
	}
}

// approved_keys options: a line with from= lets its key in without a question from those
// addresses only; one past its expiry-time lets nobody in without one.
func TestApprovedKeyOptions(t *testing.T) {
	a := &approver{answer: Decision{Answer: Deny}}
	h, addr := hostWithShell(t, &Server{Approve: a.approve})
	here, elsewhere, expired := duettest.Signer(t), duettest.Signer(t), duettest.Signer(t)
	lines := `from="127.0.0.1" ` + keys.AuthorizedKey(here.PublicKey(), "here") + "\n" +
		`from="10.0.0.0/8" ` + keys.AuthorizedKey(elsewhere.PublicKey(), "elsewhere") + "\n" +
		`expiry-time="20200101" ` + keys.AuthorizedKey(expired.PublicKey(), "expired") + "\n"
	if err := os.WriteFile(h.Approved.Path(), []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startShell(t, dialAll(t, addr, here))
	io.WriteString(p.stdin, "echo here-$((40+2))\r")
	p.out.WaitFor(t, "here-42")
	for _, s := range []ssh.Signer{elsewhere, expired} {
		q := startShell(t, dialAll(t, addr, s))
		q.out.WaitFor(t, "denied key "+keys.Fingerprint(s.PublicKey()))
	}
	if a.calls() != 2 {
		t.Fatalf("%d questions, want one for each key the options keep out", a.calls())
	}
}
