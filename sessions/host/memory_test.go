//go:build !windows

package host

import (
	"runtime"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
)

// TestPartnerMemory checks SPEC's budget of under 1 MB per attached partner: ten real
// OpenSSH partners join a shell session and see output; the host's live heap and stacks
// may grow by less than 1 MiB each.
func TestPartnerMemory(t *testing.T) {
	duettest.NeedOpenSSH(t)
	h, addr := openSSHHost(t, shellRegistry(t, "main"))
	key := approvedKey(t, h, keys.RoleType)
	live := func() uint64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse + m.StackInuse
	}
	first := duettest.RunSSH(t, duettest.SSHArgs(t, addr, key, "main"), false)
	first.Type(t, "echo ready-$((1+1))\r")
	first.Out.WaitFor(t, "ready-2")
	before := live()
	const partners = 10
	for range partners {
		p := duettest.RunSSH(t, duettest.SSHArgs(t, addr, key, "main"), false)
		p.Out.WaitFor(t, "ready-2") // the repaint
	}
	first.Type(t, "ls -la /usr/bin | head -40; echo done-$((2+2))\r")
	first.Out.WaitFor(t, "done-4")
	after := live()
	per := int64(after-before) / partners
	t.Logf("live heap and stacks per partner: %d KB", per/1024)
	if per > 1<<20 {
		t.Errorf("each partner costs %d KB of live memory, SPEC allows under 1 MB", per/1024)
	}
}
