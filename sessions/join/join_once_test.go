//go:build !windows

package join

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/host"
)

// TestAllowOnceCoversReconnects: a partner the host allowed once reconnects through a
// cut network without being asked again, and keeps typing; once the session ends, a new
// session of the same name asks again; after a kick, the key is asked again too.
func TestAllowOnceCoversReconnects(t *testing.T) {
	checkNoJoinGoroutines(t)
	store := joinStore(t)
	var asked atomic.Int32
	h := &host.Server{Approve: func(ctx context.Context, req host.ApprovalRequest) host.Decision {
		asked.Add(1)
		return host.Decision{Answer: host.AllowOnce}
	}}
	p := duettest.NewProxy(t, duetHost(t, h))
	st := newStatuses()
	j := dialJoin(t, testAddr(t, p.Addr(), "main"), Config{
		Store: store, Term: "xterm", Cols: 80, Rows: 24,
		ConfirmHost: (&trustAll{}).confirm, Status: st.add,
	})
	j.typeLine(t, "echo first-$((1+1))")
	j.out.WaitFor(t, "first-2")
	if n := asked.Load(); n != 1 {
		t.Fatalf("the host was asked %d times, want once", n)
	}

	p.Cut()
	st.wait(t, Reconnected, 1)
	j.retypeUntil(t, "echo again-$((2+2))", "again-4")
	if n := asked.Load(); n != 1 {
		t.Fatalf("after a reconnect the host was asked %d times, want still once", n)
	}

	// The session ends; a new one of the same name is a new sharing: asked again.
	old := h.Sessions.Default()
	j.typeLine(t, "exit")
	if _, err := j.wait(t); err != nil {
		t.Fatalf("the partner's end: %v", err)
	}
	duettest.Poll(t, "the old session to leave the registry", func() bool { return h.Sessions.Lookup("main") == nil })
	if _, err := h.Sessions.Start(sessions.Options{Command: []string{"/bin/sh"}, Env: []string{"PS1=$ ", "ENV=", "HISTFILE="}}); err != nil {
		t.Fatal(err)
	}
	if h.Sessions.Default() == old {
		t.Fatal("the registry still has the old session")
	}
	again := dialJoin(t, testAddr(t, p.Addr(), "main"), Config{
		Store: store, Term: "xterm", Cols: 80, Rows: 24, ConfirmHost: (&trustAll{}).confirm,
	})
	again.typeLine(t, "echo new-$((3+3))")
	again.out.WaitFor(t, "new-6")
	if n := asked.Load(); n != 2 {
		t.Fatalf("joining a new session of the same name: asked %d times, want 2", n)
	}

	// Kicked: the once is forgotten.
	h.Kick(duetKey(t, store).Fingerprint(), "[duet: bye]")
	if _, err := again.wait(t); err != nil {
		t.Fatalf("the kicked partner's end: %v", err)
	}
	third := dialJoin(t, testAddr(t, p.Addr(), "main"), Config{
		Store: store, Term: "xterm", Cols: 80, Rows: 24, ConfirmHost: (&trustAll{}).confirm,
	})
	third.typeLine(t, "echo third-$((4+4))")
	third.out.WaitFor(t, "third-8")
	if n := asked.Load(); n != 3 {
		t.Fatalf("after a kick: asked %d times, want 3", n)
	}
}
