//go:build !windows

package host

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
)

// Attack: connect with an unknown key, open a session channel, send data nobody reads
// and never ask for anything. The host closes the connection after its login grace
// time, and the channel's data is not kept meanwhile.
func TestUnapprovedConnectionIsClosedAfterGraceTime(t *testing.T) {
	a := &approver{block: true}
	h, addr := hostWithShell(t, &Server{Approve: a.approve, LoginGraceTime: 3 * time.Second})
	client, err := dial(t, addr, "main", duettest.Signer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ch, _, err := client.OpenChannel("session", nil)
	if err != nil {
		t.Fatal(err)
	}
	// More than the channel's window: the host reads and drops it.
	sent := make(chan error, 1)
	go func() {
		_, err := ch.Write(make([]byte, 4<<20))
		sent <- err
	}()
	select {
	case err := <-sent:
		if err != nil {
			t.Fatalf("the host did not take 4 MB off the unapproved channel: %v", err)
		}
	case <-time.After(duettest.Timeout):
		t.Fatal("the host keeps an unapproved channel's data (its window filled up)")
	}
	gone := make(chan struct{})
	go func() {
		client.Wait()
		close(gone)
	}()
	duettest.Await(t, gone, "the host to close the unapproved connection")
	if a.calls() != 0 {
		t.Fatal("the host was asked about a connection that asked for nothing")
	}
	if n := h.room.len(); n != 0 {
		t.Fatalf("%d connections still in the waiting room", n)
	}
}

// Attack: an unapproved connection opens many channels. Only one is accepted until the
// key has access.
func TestUnapprovedConnectionGetsOneChannel(t *testing.T) {
	_, addr := hostWithShell(t, &Server{Approve: (&approver{block: true}).approve})
	client, err := dial(t, addr, "main", duettest.Signer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if _, _, err := client.OpenChannel("session", nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.OpenChannel("session", nil); err == nil {
		t.Fatal("a second channel was accepted on an unapproved connection")
	}
}

// Attack: fill the waiting room (idle connections with unknown keys, from many
// addresses, more than the host allows). The oldest give way, and approved keys still
// get in: they never wait in the room.
func TestWaitingRoomFullLetsApprovedIn(t *testing.T) {
	const total, perSource = 8, 2
	h, addr := hostWithShell(t, &Server{
		Approve: (&approver{block: true}).approve, MaxUnapproved: total, MaxUnauthenticated: perSource,
		LoginGraceTime: time.Minute,
	})
	var idle []*ssh.Client
	for i := range 3 * total {
		src := fmt.Sprintf("127.0.0.%d", 2+i%6)
		c, err := duettest.SSHClient(duettest.DialFrom(t, src, addr), "main", duettest.Signer(t))
		if err != nil {
			continue // evicted during its handshake by a later one: as meant
		}
		idle = append(idle, c)
		t.Cleanup(func() { c.Close() })
	}
	if n := h.room.len(); n > total {
		t.Fatalf("%d unapproved connections held, the bound is %d", n, total)
	}
	duettest.Poll(t, "the evicted connections to be closed", func() bool {
		open := 0
		for _, c := range idle {
			if _, _, err := c.SendRequest("keepalive@openssh.com", true, nil); err == nil {
				open++
			}
		}
		return open <= total
	})
	// The room is full: an approved key (from the busiest address) gets in and types.
	key := duettest.Signer(t)
	if err := h.Approved.Add(key.PublicKey(), keys.RoleType, "friend"); err != nil {
		t.Fatal(err)
	}
	c, err := duettest.SSHClient(duettest.DialFrom(t, "127.0.0.2", addr), "main", key)
	if err != nil {
		t.Fatalf("approved key kept out: %v", err)
	}
	defer c.Close()
	p := startShell(t, c)
	io.WriteString(p.stdin, "echo in-$((40+2))\r")
	p.out.WaitFor(t, "in-42")
}

// Attack: several waiting keys from one address keep every new partner out. Questions
// are bounded per address, so a partner from another address is still asked about.
func TestQuestionsQueueFairly(t *testing.T) {
	a := &approver{block: true}
	_, addr := hostWithShell(t, &Server{Approve: a.approve, ApproveTimeout: time.Minute})
	var flood []*partner
	for range 6 {
		c, err := duettest.SSHClient(duettest.DialFrom(t, "127.0.0.2", addr), "main", duettest.Signer(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		flood = append(flood, startShell(t, c))
	}
	var waiting, busy int
	duettest.Poll(t, "every partner of the flood to wait or be turned away", func() bool {
		waiting, busy = 0, 0
		for _, p := range flood {
			out := p.out.String()
			switch {
			case strings.Contains(out, "too many partners are waiting"):
				busy++
			case strings.Contains(out, "waiting for the host"):
				waiting++
			}
		}
		return waiting+busy == len(flood)
	})
	if waiting != DefaultMaxPendingPerSource || a.calls() != waiting {
		t.Fatalf("%d of the flood wait (the host was asked %d times), want %d", waiting, a.calls(), DefaultMaxPendingPerSource)
	}
	// A partner from elsewhere is asked about.
	c, err := duettest.SSHClient(duettest.DialFrom(t, "127.0.0.3", addr), "main", duettest.Signer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p := startShell(t, c)
	p.out.WaitFor(t, "waiting for the host to approve key")
	duettest.Poll(t, "the host to be asked about the new partner", func() bool {
		return a.calls() == DefaultMaxPendingPerSource+1
	})
}

// Attack: get a listing approved, then open a shell on the same connection; or get one
// session approved and attach to another. Each is asked about, saying what it is.
func TestApprovalScope(t *testing.T) {
	a := &approver{answer: Decision{Answer: AllowOnce, Role: keys.RoleType}}
	h, addr := hostWithShell(t, &Server{Approve: a.approve})
	if _, err := h.Sessions.Start(shellOptions("second")); err != nil {
		t.Fatal(err)
	}
	client, err := dial(t, addr, "main", duettest.Signer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ls, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if out, err := ls.CombinedOutput("ls"); err != nil || !strings.Contains(string(out), "second") {
		t.Fatalf("ls: %v %q", err, out)
	}
	p := startShell(t, client)
	io.WriteString(p.stdin, "echo main-$((1+1))\r")
	p.out.WaitFor(t, "main-2")
	attach, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := attach.Start("attach second"); err != nil {
		t.Fatal(err)
	}
	duettest.Poll(t, "the third question", func() bool { return a.calls() == 3 })
	a.mu.Lock()
	defer a.mu.Unlock()
	if got := []string{a.asked[0].Session, a.asked[1].Session, a.asked[2].Session}; got[0] != "" || got[1] != "main" || got[2] != "second" {
		t.Fatalf("asked about %q, want the listing, then main, then second", got)
	}
	// A user name that names no session asks about the session it gets.
	a.asked = nil
	a.mu.Unlock()
	other, err := dial(t, addr, "nosuch\x1b[2J", duettest.Signer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	startShell(t, other)
	duettest.Poll(t, "the question about user nosuch", func() bool { return a.calls() == 1 })
	a.mu.Lock()
	if a.asked[0].Session != "main" || a.asked[0].User != "nosuch\x1b[2J" {
		t.Fatalf("asked %+v, want session main for user nosuch", a.asked[0])
	}
}
