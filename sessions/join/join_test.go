//go:build !windows

package join

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/host"
	"github.com/duetpair/duet/sessions/wire"
)

// trustAll is a ConfirmHostFunc that trusts every host and counts the questions.
type trustAll struct{ asked atomic.Int32 }

func (c *trustAll) confirm(host string, key ssh.PublicKey) error {
	c.asked.Add(1)
	return nil
}

// TestJoinDuetHost: joining a Duet host gives a terminal: typing reaches the shell, its
// output comes back, a resize reaches the host's terminal, and the exit status comes
// back without any reconnecting.
func TestJoinDuetHost(t *testing.T) {
	checkNoJoinGoroutines(t)
	store := joinStore(t)
	addr := duetHost(t, &host.Server{}, duetKey(t, store).PublicKey())
	st := newStatuses()
	j := dialJoin(t, testAddr(t, addr, "main"), Config{
		Store: store, Term: "xterm-256color", Cols: 80, Rows: 24,
		ConfirmHost: (&trustAll{}).confirm, Status: st.add,
	})
	j.typeLine(t, "echo mark-$((40+2))")
	j.out.WaitFor(t, "mark-42")
	j.typeLine(t, "stty size")
	j.out.WaitFor(t, "23 80") // a row for the status line a Duet host draws
	if err := j.Resize(100, 31); err != nil {
		t.Fatal(err)
	}
	j.typeLine(t, "stty size")
	j.out.WaitFor(t, "30 100")
	j.typeLine(t, "exit 7")
	status, err := j.wait(t)
	if status != 7 || err != nil {
		t.Errorf("Wait = %d, %v; want 7, nil", status, err)
	}
	if n := st.count(Reconnecting); n != 0 {
		t.Errorf("%d reconnects after the session ended", n)
	}
	if _, err := j.Write([]byte("x")); !errors.Is(err, ErrConnClosed) {
		t.Errorf("Write after the end = %v, want ErrConnClosed", err)
	}
}

// TestJoinApproval: while the host decides, the partner sees the host's message; a
// denial ends the session with the host's reason, and no reconnect.
func TestJoinApproval(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer host.Answer
	}{{"deny", host.Deny}, {"allow", host.AllowOnce}} {
		t.Run(tc.name, func(t *testing.T) {
			checkNoJoinGoroutines(t)
			store := joinStore(t)
			fp := duetKey(t, store).Fingerprint()
			asked := make(chan struct{})
			answer := make(chan host.Answer, 1)
			addr := duetHost(t, &host.Server{Approve: func(ctx context.Context, req host.ApprovalRequest) host.Decision {
				close(asked)
				select {
				case a := <-answer:
					return host.Decision{Answer: a}
				case <-ctx.Done():
					return host.Decision{}
				}
			}})
			st := newStatuses()
			j := dialJoin(t, testAddr(t, addr, "main"), Config{
				Store: store, Term: "xterm", Cols: 80, Rows: 24,
				ConfirmHost: (&trustAll{}).confirm, Status: st.add,
			})
			<-asked
			j.out.WaitFor(t, "waiting for the host to approve key "+fp)
			// The same news, typed: the window reads it, never the text.
			if said := st.wait(t, HostSaid, 1).Host; said.State != wire.Waiting || said.Fingerprint != fp {
				t.Errorf("first status from the host %+v, want waiting for %s", said, fp)
			}
			answer <- tc.answer
			if tc.answer == host.Deny {
				status, err := j.wait(t)
				if status != 1 || err != nil {
					t.Errorf("Wait = %d, %v; want 1, nil", status, err)
				}
				if said := j.HostSaid(); said.State != wire.Denied || said.Fingerprint != fp {
					t.Errorf("HostSaid = %+v, want denied for %s", said, fp)
				}
				if !strings.Contains(j.out.String(), "denied") {
					t.Errorf("no denial message in %q", j.out.String())
				}
				if n := st.count(Reconnecting); n != 0 {
					t.Errorf("%d reconnects after a denial", n)
				}
				return
			}
			if said := st.wait(t, HostSaid, 2).Host; said.State != wire.Approved {
				t.Errorf("status after approval %+v, want approved", said)
			}
			j.typeLine(t, "echo in-$((1+2))")
			j.out.WaitFor(t, "in-3")
		})
	}
}

func TestJoinKnownHosts(t *testing.T) {
	checkNoJoinGoroutines(t)
	store := joinStore(t)
	key := duetKey(t, store).PublicKey()
	hostA, hostB := duettest.Signer(t), duettest.Signer(t)
	addrA := testAddr(t, duetHost(t, &host.Server{HostKey: hostA}, key), "main")
	addrB := testAddr(t, duetHost(t, &host.Server{HostKey: hostB}, key), "main")
	known := store.KnownHosts()
	knownText := func() string {
		b, err := os.ReadFile(known.Path())
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		return string(b)
	}
	// join dials, checks the error is a *T (or nil if T is error), and closes.
	join := func(addr Address, confirm keys.ConfirmHostFunc) error {
		c, err := dialTest(t, addr, Config{Store: store, ConfirmHost: confirm, Command: "ls"})
		if err == nil {
			c.Close()
		}
		return err
	}

	t.Run("unknown host refused without a question", func(t *testing.T) {
		err := join(addrA, nil)
		he := duettest.ErrorAs[*keys.HostKeyError](t, err)
		if !errors.Is(err, keys.ErrUnknownHost) || keys.Fingerprint(he.Key) != keys.Fingerprint(hostA.PublicKey()) {
			t.Errorf("error %v", err)
		}
		if knownText() != "" {
			t.Error("known_hosts written")
		}
	})
	t.Run("first contact asks; no saves nothing", func(t *testing.T) {
		var gotHost, gotFP string
		err := join(addrA, func(host string, k ssh.PublicKey) error {
			gotHost, gotFP = host, keys.Fingerprint(k)
			return errors.New("not trusted")
		})
		duettest.ErrorAs[*keys.HostKeyError](t, err)
		if !strings.Contains(err.Error(), "not trusted") {
			t.Errorf("error %q lacks the answer", err)
		}
		if want := "[127.0.0.1]:" + itoa(addrA.Port); gotHost != want || gotFP != keys.Fingerprint(hostA.PublicKey()) {
			t.Errorf("asked about %s %s, want %s %s", gotHost, gotFP, want, keys.Fingerprint(hostA.PublicKey()))
		}
		if knownText() != "" {
			t.Error("known_hosts written")
		}
	})
	t.Run("first contact asks; yes saves", func(t *testing.T) {
		c := &trustAll{}
		if err := join(addrA, c.confirm); err != nil {
			t.Fatal(err)
		}
		if c.asked.Load() != 1 || !strings.Contains(knownText(), keys.AuthorizedKey(hostA.PublicKey(), "")) {
			t.Fatalf("asked %d times; known_hosts %q", c.asked.Load(), knownText())
		}
		if err := join(addrA, c.confirm); err != nil || c.asked.Load() != 1 {
			t.Errorf("second join: %v, asked %d times in all, want 1", err, c.asked.Load())
		}
	})
	t.Run("changed key refused with both fingerprints", func(t *testing.T) {
		// B now answers where a stale key (A's) is on file.
		if err := known.Add(addrB.HostPort(), hostA.PublicKey()); err != nil {
			t.Fatal(err)
		}
		before := knownText()
		c := &trustAll{}
		err := join(addrB, c.confirm)
		he := duettest.ErrorAs[*keys.HostKeyError](t, err)
		if !errors.Is(err, keys.ErrHostKeyChanged) || c.asked.Load() != 0 {
			t.Fatalf("error %v, asked %d times", err, c.asked.Load())
		}
		w := he.Warning()
		for _, want := range []string{keys.Fingerprint(hostA.PublicKey()), keys.Fingerprint(hostB.PublicKey()), known.Path(), "ssh-keygen -R"} {
			if !strings.Contains(w, want) {
				t.Errorf("warning lacks %q:\n%s", want, w)
			}
		}
		if knownText() != before {
			t.Error("known_hosts changed")
		}
		// An invite pinning the new key does not replace the stale entry by itself:
		// without ReplaceHost, or when the user says no, it is refused as changed.
		pinned := addrB
		pinned.HostKey = keys.Fingerprint(hostB.PublicKey())
		if err := join(pinned, c.confirm); !errors.Is(err, keys.ErrHostKeyChanged) {
			t.Errorf("pinned join of a changed host: %v", err)
		}
		var asked *keys.HostKeyError
		replace := func(answer error) error {
			asked = nil
			c, err := dialTest(t, pinned, Config{Store: store, Command: "ls", ConfirmHost: c.confirm,
				ReplaceHost: func(e *keys.HostKeyError) error { asked = e; return answer }})
			if err == nil {
				c.Close()
			}
			return err
		}
		if err := replace(errors.New("not replaced")); !errors.Is(err, keys.ErrHostKeyChanged) || !strings.Contains(err.Error(), "not replaced") {
			t.Errorf("pinned join, replacing refused: %v", err)
		}
		if asked == nil || keys.Fingerprint(asked.Key) != pinned.HostKey || asked.KnownFingerprints()[0] != keys.Fingerprint(hostA.PublicKey()) {
			t.Fatalf("asked about %+v, want the stored and the pinned key", asked)
		}
		if knownText() != before {
			t.Error("known_hosts changed though the user said no")
		}
		// Yes replaces the entry: the next join (even without the pin) passes.
		if err := replace(nil); err != nil {
			t.Fatalf("pinned join, replacing confirmed: %v", err)
		}
		if err := known.Check(addrB.HostPort(), nil, hostB.PublicKey()); err != nil {
			t.Errorf("the pinned key was not saved: %v", err)
		}
		if strings.Contains(knownText(), "]:"+itoa(addrB.Port)+" "+keys.AuthorizedKey(hostA.PublicKey(), "")) {
			t.Errorf("the stale entry is still there:\n%s", knownText())
		}
		if err := join(addrB, nil); err != nil {
			t.Errorf("join after the replace: %v", err)
		}
		if err := replace(errors.New("asked again")); err != nil || asked != nil {
			t.Errorf("a join after the replace asked again: %v", err)
		}
	})
	t.Run("invite pins, joins without a question, saves the key", func(t *testing.T) {
		other := joinStore(t)
		pinned := addrA
		pinned.HostKey = keys.Fingerprint(hostA.PublicKey())
		if err := joinWith(t, other, pinned); err != nil {
			t.Fatal(err)
		}
		if err := other.KnownHosts().Check(pinned.HostPort(), nil, hostA.PublicKey()); err != nil {
			t.Errorf("pinned key not saved: %v", err)
		}
	})
	t.Run("wrong pin refused", func(t *testing.T) {
		other := joinStore(t)
		pinned := addrA
		pinned.HostKey = keys.Fingerprint(hostB.PublicKey())
		err := joinWith(t, other, pinned)
		pe := duettest.ErrorAs[*PinError](t, err)
		if pe.Offered != keys.Fingerprint(hostA.PublicKey()) || pe.Pinned != pinned.HostKey {
			t.Errorf("PinError %+v", pe)
		}
		if _, statErr := os.Stat(other.KnownHosts().Path()); !errors.Is(statErr, os.ErrNotExist) {
			t.Error("known_hosts written after a wrong pin")
		}
	})
}

// joinWith dials addr with store, running "ls" (a Duet host lets the channel open
// whatever it decides about the key, so Dial succeeds once the host key passed), and
// fails the test if it is asked about the host.
func joinWith(t *testing.T, store *keys.Store, addr Address) error {
	t.Helper()
	c, err := dialTest(t, addr, Config{Store: store, Command: "ls", ConfirmHost: func(string, ssh.PublicKey) error {
		t.Error("asked about the host")
		return errors.New("no")
	}})
	if err == nil {
		c.Close()
	}
	return err
}

func itoa(n int) string { return strconv.Itoa(n) }
