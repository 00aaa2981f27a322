package duettest

import (
	"net"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh/agent"
)

// Agent serves an in-process ssh-agent holding keys (private keys as agent.AddedKey
// takes them) on a Unix socket until the test ends, and returns the socket's path (what
// SSH_AUTH_SOCK holds).
func Agent(tb testing.TB, keys ...agent.AddedKey) string {
	tb.Helper()
	keyring := agent.NewKeyring()
	for _, k := range keys {
		if err := keyring.Add(k); err != nil {
			tb.Fatal(err)
		}
	}
	sock := filepath.Join(TempDir(tb), "agent.sock")
	l, err := net.Listen("unix", sock)
	if err != nil && runtime.GOOS == "windows" {
		tb.Skipf("no Unix sockets here (Wine has none): %v", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				agent.ServeAgent(keyring, c)
			})
		}
	})
	tb.Cleanup(func() {
		l.Close()
		wg.Wait()
	})
	return sock
}
