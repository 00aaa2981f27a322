//go:build !windows

package host

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
)

// approver is an ApproveFunc that answers with a fixed decision, or waits for ctx if
// block is set, and records what it was asked.
type approver struct {
	answer Decision
	block  bool

	mu    sync.Mutex
	asked []ApprovalRequest
}

func (a *approver) approve(ctx context.Context, req ApprovalRequest) Decision {
	a.mu.Lock()
	a.asked = append(a.asked, req)
	a.mu.Unlock()
	if a.block {
		<-ctx.Done()
		return Decision{Answer: AllowAlways}
	}
	return a.answer
}

func (a *approver) calls() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.asked)
}

// hostWithShell returns a Server serving one shell session "main" (and an approved-keys
// file in a temporary dir), and its address.
func hostWithShell(t *testing.T, h *Server) (*Server, string) {
	t.Helper()
	reg := &sessions.Registry{}
	if _, err := reg.Start(sessions.Options{Command: []string{"/bin/sh"}, Env: []string{"PS1=$ ", "ENV="}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	h.Sessions = reg
	if h.Approved == nil {
		h.Approved = keys.NewApproved(filepath.Join(t.TempDir(), "approved_keys"))
	}
	return h, serve(t, h)
}

func TestApproval(t *testing.T) {
	for _, tc := range []struct {
		name      string
		answer    Decision
		timeout   bool
		wantIn    bool
		wantView  bool
		wantSaved bool
	}{
		{name: "deny", answer: Decision{Answer: Deny, Role: keys.RoleType}},
		{name: "once type", answer: Decision{Answer: AllowOnce, Role: keys.RoleType}, wantIn: true},
		{name: "once view", answer: Decision{Answer: AllowOnce, Role: keys.RoleView}, wantIn: true, wantView: true},
		{name: "always view", answer: Decision{Answer: AllowAlways, Role: keys.RoleView}, wantIn: true, wantView: true, wantSaved: true},
		{name: "always type", answer: Decision{Answer: AllowAlways, Role: keys.RoleType}, wantIn: true, wantSaved: true},
		{name: "timeout", timeout: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := &approver{answer: tc.answer, block: tc.timeout}
			h, addr := hostWithShell(t, &Server{Approve: a.approve, ApproveTimeout: 300 * time.Millisecond})
			if tc.timeout {
				h.ApproveTimeout = 300 * time.Millisecond
			}
			key := duettest.Signer(t)
			fp := keys.Fingerprint(key.PublicKey())
			p := join(t, addr, "main", key, "", true)
			p.out.WaitFor(t, "waiting for the host to approve key "+fp)
			if !tc.wantIn {
				if status := p.wait(t); status != 1 {
					t.Fatalf("exit status %d, want 1", status)
				}
				want := "denied key " + fp
				if tc.timeout {
					want = "did not answer in time for key " + fp
				}
				if !strings.Contains(p.out.String(), want) {
					t.Fatalf("output %q, want %q", p.out.String(), want)
				}
				if _, _, ok := h.Approved.Lookup(key.PublicKey()); ok {
					t.Fatal("denied key was saved")
				}
				return
			}
			io.WriteString(p.stdin, "echo in-$((6*7))\r")
			if tc.wantView {
				// The partner sees the session but its typing is dropped; prove it with
				// the host typing after it.
				duettest.Poll(t, "the partner to attach", func() bool { return len(h.Sessions.Default().Clients()) == 1 })
				if !h.Sessions.Default().Clients()[0].ReadOnly() {
					t.Fatal("partner attached with a role that may type")
				}
				typer, tout := attachHost(t, h.Sessions.Default())
				io.WriteString(typer, "echo host-$((5*5))\r")
				tout.WaitFor(t, "host-25")
				p.out.WaitFor(t, "host-25")
				if strings.Contains(p.out.String(), "in-42") {
					t.Fatal("view-only partner could type")
				}
			} else {
				p.out.WaitFor(t, "in-42")
			}
			role, _, saved := h.Approved.Lookup(key.PublicKey())
			if saved != tc.wantSaved {
				t.Fatalf("saved = %v, want %v", saved, tc.wantSaved)
			}
			if saved && role != tc.answer.Role {
				t.Fatalf("saved role %v, want %v", role, tc.answer.Role)
			}
			// A second connection: asked again unless saved.
			p2 := join(t, addr, "main", key, "ls", false)
			p2.wait(t)
			if want := map[bool]int{true: 1, false: 2}[tc.wantSaved]; a.calls() != want {
				t.Fatalf("approver asked %d times, want %d", a.calls(), want)
			}
		})
	}
}

func TestApprovedKeyJoinsWithRole(t *testing.T) {
	view, typer := duettest.Signer(t), duettest.Signer(t)
	approved := keys.NewApproved(filepath.Join(t.TempDir(), "approved_keys"))
	if err := approved.Add(view.PublicKey(), keys.RoleView, "bob"); err != nil {
		t.Fatal(err)
	}
	if err := approved.Add(typer.PublicKey(), keys.RoleDefault, "alice"); err != nil {
		t.Fatal(err)
	}
	a := &approver{}
	h, addr := hostWithShell(t, &Server{Approved: approved, DefaultRole: keys.RoleType, Approve: a.approve})
	pt := join(t, addr, "main", typer, "", true)
	io.WriteString(pt.stdin, "echo typed-$((2*21))\r")
	pt.out.WaitFor(t, "typed-42")
	pv := join(t, addr, "main", view, "", true)
	io.WriteString(pv.stdin, "echo viewer-$((1+1))\r")
	io.WriteString(pt.stdin, "echo second-$((1+2))\r")
	pv.out.WaitFor(t, "second-3")
	if strings.Contains(pt.out.String(), "viewer-2") {
		t.Fatal("view-only key could type")
	}
	if a.calls() != 0 {
		t.Fatal("approver asked about approved keys")
	}
	_ = h
}

func TestNoApproverDenies(t *testing.T) {
	_, addr := hostWithShell(t, &Server{})
	p := join(t, addr, "main", duettest.Signer(t), "", true)
	if status := p.wait(t); status != 1 || !strings.Contains(p.out.String(), "denied") {
		t.Fatalf("stranger: status %d, output %q", status, p.out.String())
	}
}

func TestListSessions(t *testing.T) {
	key := duettest.Signer(t)
	a := &approver{answer: Decision{Answer: AllowOnce}}
	h, addr := hostWithShell(t, &Server{Approve: a.approve})
	if _, err := h.Sessions.Start(sessions.Options{Name: "second", Command: []string{"/bin/sh"}}); err != nil {
		t.Fatal(err)
	}
	p := join(t, addr, "anyone", key, "ls --json", false)
	if status := p.wait(t); status != 0 {
		t.Fatalf("ls --json: status %d, output %q", status, p.out.String())
	}
	out := p.out.String()
	// The "waiting" line went to stderr, which the client may print before or after.
	out = out[strings.IndexByte(out, '[') : strings.LastIndexByte(out, ']')+1]
	var infos []sessions.Info
	if err := json.Unmarshal([]byte(out), &infos); err != nil {
		t.Fatalf("ls --json: %v in %q", err, out)
	}
	if len(infos) != 2 || infos[0].Name != "main" || !infos[0].Default || infos[1].Name != "second" {
		t.Fatalf("ls --json = %+v", infos)
	}
	p = join(t, addr, "anyone", key, "ls", false)
	p.wait(t)
	if !strings.Contains(p.out.String(), "NAME") || !strings.Contains(p.out.String(), "second") {
		t.Fatalf("ls = %q", p.out.String())
	}
	// The user name picks the session; attach NAME does too.
	p = join(t, addr, "second", key, "", true)
	io.WriteString(p.stdin, "echo $((100+1))\r")
	p.out.WaitFor(t, "101")
	if n := len(h.Sessions.Lookup("second").Clients()); n != 1 {
		t.Fatalf("second has %d clients, want 1", n)
	}
	p = join(t, addr, "x", key, "attach nosuch", true)
	if status := p.wait(t); status != 1 || !strings.Contains(p.out.String(), `no session "nosuch"`) {
		t.Fatalf("attach nosuch: status %d, %q", status, p.out.String())
	}
	p = join(t, addr, "x", key, "rm -rf /", false)
	if status := p.wait(t); status != 127 {
		t.Fatalf("unknown command: status %d", status)
	}
}

func TestRefusedRequests(t *testing.T) {
	key := duettest.Signer(t)
	a := &approver{answer: Decision{Answer: AllowOnce}}
	_, addr := hostWithShell(t, &Server{Approve: a.approve})
	client, err := dial(t, addr, "main", key)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	for _, typ := range []string{"direct-tcpip", "direct-streamlocal@openssh.com", "x11", "auth-agent@openssh.com"} {
		if _, _, err := client.OpenChannel(typ, nil); err == nil {
			t.Errorf("%s channel accepted", typ)
		}
	}
	if _, err := client.Dial("tcp", "127.0.0.1:1"); err == nil {
		t.Error("direct-tcpip accepted")
	}
	if _, err := client.Listen("tcp", "127.0.0.1:0"); err == nil {
		t.Error("tcpip-forward accepted")
	}
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Setenv("LD_PRELOAD", "/tmp/x.so"); err == nil {
		t.Error("env accepted")
	}
	if ok, _ := sess.SendRequest("x11-req", true, ssh.Marshal(struct {
		Single bool
		Proto  string
		Cookie string
		Screen uint32
	}{false, "MIT-MAGIC-COOKIE-1", "00", 0})); ok {
		t.Error("x11-req accepted")
	}
	if ok, _ := sess.SendRequest("auth-agent-req@openssh.com", true, nil); ok {
		t.Error("agent forwarding accepted")
	}
	if err := sess.RequestSubsystem("sftp"); err == nil {
		t.Error("sftp subsystem accepted")
	}
}

func TestRevokeDisconnects(t *testing.T) {
	key := duettest.Signer(t)
	a := &approver{answer: Decision{Answer: AllowAlways, Role: keys.RoleType}}
	h, addr := hostWithShell(t, &Server{Approve: a.approve})
	p := join(t, addr, "main", key, "", true)
	io.WriteString(p.stdin, "echo joined-$((1+1))\r")
	p.out.WaitFor(t, "joined-2")
	fp := keys.Fingerprint(key.PublicKey())
	if got := h.Partners(); len(got) != 1 || got[0].Fingerprint != fp || got[0].Session != "main" {
		t.Fatalf("Partners = %+v", got)
	}
	if err := h.Revoke(fp); err != nil {
		t.Fatal(err)
	}
	p.wait(t)
	if !strings.Contains(p.out.String(), "revoked access for key "+fp) {
		t.Fatalf("no revocation message in %q", duettest.Tail(p.out.Bytes(), 200))
	}
	if _, _, ok := h.Approved.Lookup(key.PublicKey()); ok {
		t.Fatal("revoked key still approved")
	}
	if h.Sessions.Default() == nil {
		t.Fatal("the session ended with the partner")
	}
}

func TestLimits(t *testing.T) {
	t.Run("pending approvals", func(t *testing.T) {
		a := &approver{block: true}
		_, addr := hostWithShell(t, &Server{Approve: a.approve, MaxPendingApprovals: 1, ApproveTimeout: time.Minute})
		first := join(t, addr, "main", duettest.Signer(t), "", true)
		first.out.WaitFor(t, "waiting for the host")
		second := join(t, addr, "main", duettest.Signer(t), "", true)
		if status := second.wait(t); status != 1 || !strings.Contains(second.out.String(), "too many partners are waiting") {
			t.Fatalf("second: status %d, %q", status, second.out.String())
		}
		first.client.Close()
		first.wait(t)
	})
	t.Run("partners per session", func(t *testing.T) {
		a := &approver{answer: Decision{Answer: AllowOnce}}
		_, addr := hostWithShell(t, &Server{Approve: a.approve, MaxPartners: 1})
		first := join(t, addr, "main", duettest.Signer(t), "", true)
		io.WriteString(first.stdin, "echo one-$((0+1))\r")
		first.out.WaitFor(t, "one-1")
		second := join(t, addr, "main", duettest.Signer(t), "", true)
		if status := second.wait(t); status != 1 || !strings.Contains(second.out.String(), "session is full") {
			t.Fatalf("second: status %d, %q", status, second.out.String())
		}
	})
	t.Run("unapproved per source", func(t *testing.T) {
		// One seat per source: an idle connection holding it gives way to a newcomer.
		_, addr := hostWithShell(t, &Server{MaxUnauthenticated: 1, HandshakeTimeout: time.Minute})
		idle, err := net.Dial("tcp", addr) // connects and says nothing
		if err != nil {
			t.Fatal(err)
		}
		defer idle.Close()
		// Wait until the host has taken the idle connection into its handshake: its
		// version line arrives.
		idle.SetReadDeadline(time.Now().Add(duettest.Timeout))
		if _, err := idle.Read(make([]byte, 4)); err != nil {
			t.Fatal(err)
		}
		c, err := dial(t, addr, "main", duettest.Signer(t))
		if err != nil {
			t.Fatalf("the newcomer was kept out by an idle connection: %v", err)
		}
		c.Close()
		if _, err := io.ReadAll(idle); err != nil {
			t.Fatalf("the idle connection was not closed: %v", err)
		}
	})
	t.Run("handshake timeout", func(t *testing.T) {
		_, addr := hostWithShell(t, &Server{HandshakeTimeout: 200 * time.Millisecond})
		idle, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer idle.Close()
		idle.SetReadDeadline(time.Now().Add(duettest.Timeout))
		if _, err := io.ReadAll(idle); err != nil {
			t.Fatalf("the host did not close an idle connection: %v", err)
		}
	})
}

func TestSessionExitReachesPartners(t *testing.T) {
	reg := &sessions.Registry{}
	if _, err := reg.Start(sessions.Options{Name: "job", Command: []string{"/bin/sh", "-c", "read x; exit 7"}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	a := &approver{answer: Decision{Answer: AllowOnce}}
	addr := serve(t, &Server{Sessions: reg, Approve: a.approve})
	p1 := join(t, addr, "job", duettest.Signer(t), "", true)
	p2 := join(t, addr, "job", duettest.Signer(t), "attach job", true)
	duettest.Poll(t, "two partners", func() bool { s := reg.Lookup("job"); return s != nil && len(s.Clients()) == 2 })
	io.WriteString(p1.stdin, "\r")
	for _, p := range []*partner{p1, p2} {
		if status := p.wait(t); status != 7 {
			t.Fatalf("exit status %d, want 7", status)
		}
		if !strings.Contains(p.out.String(), "[duet: session job ended: exit status 7]") {
			t.Fatalf("no exit message in %q", duettest.Tail(p.out.Bytes(), 200))
		}
	}
}
