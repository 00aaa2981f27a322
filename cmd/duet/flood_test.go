//go:build unix

package main

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
)

// floodOf opens n connections with unknown keys to addr, spread over sources loopback
// addresses; each opens channels session channels and sends perChannel bytes on each,
// and never asks for anything. It returns the clients still connected.
func floodOf(t *testing.T, addr string, n, sources, channels, perChannel int) []*ssh.Client {
	t.Helper()
	var mu sync.Mutex
	var clients []*ssh.Client
	var wg sync.WaitGroup
	work := make(chan int)
	for range 16 {
		wg.Go(func() {
			for i := range work {
				src := fmt.Sprintf("127.0.0.%d", 2+i%sources)
				c, err := duettest.SSHClient(duettest.DialFrom(t, src, addr), "main", duettest.Signer(t))
				if err != nil {
					continue // the host made room for a later one: as meant
				}
				mu.Lock()
				clients = append(clients, c)
				mu.Unlock()
				for range channels {
					ch, _, err := c.OpenChannel("session", nil)
					if err != nil {
						continue
					}
					ch.Write(make([]byte, perChannel)) // returns once the host took it, or the connection is gone
				}
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	t.Cleanup(func() {
		for _, c := range clients {
			c.Close()
		}
	})
	return clients
}

// Attack: 100 connections with unknown keys, each opening 8 session channels and sending
// 2 MB on each that nobody reads, and never asking the host anything (today: 22 MB to
// 1.9 GB); then 1000 more that just stay (today: one file descriptor each, until there are
// none left for approved partners). duet host keeps its memory and descriptors bounded,
// and an approved partner still gets in.
func TestHostUnapprovedFlood(t *testing.T) {
	dir := t.TempDir()
	friendKey, friendPub := newKeyFile(t)
	if code, _, stderr := runCLI(t, friendPub, "approve", "--config-dir", dir, "-"); code != 0 {
		t.Fatal(stderr)
	}
	h := startHost(t, dir, "--approve", "deny", "--command", "/bin/sh")
	pid := h.cmd.Process.Pid
	if code, _, stderr := runSSH(t, h.addr, friendKey, "main", "ls"); code != 0 {
		t.Fatalf("ls before the flood: %d %q", code, stderr)
	}
	before, fdsBefore := duettest.ProcessMemory(t, pid), duettest.OpenFiles(t, pid)

	floodOf(t, h.addr, 100, 13, 8, 2<<20)
	afterData := duettest.ProcessMemory(t, pid)
	t.Logf("duet host: %d MB before, %d MB with 100 unapproved connections that sent 8 x 2 MB each",
		before>>20, afterData>>20)
	if afterData-before > memoryFactor*64<<20 {
		t.Errorf("100 unapproved connections cost duet host %d MB", (afterData-before)>>20)
	}

	floodOf(t, h.addr, 1000, 40, 0, 0)
	fds := duettest.OpenFiles(t, pid)
	t.Logf("duet host: %d open files before, %d with 1100 unapproved connections tried", fdsBefore, fds)
	if fds > fdsBefore+128+16 {
		t.Errorf("duet host holds %d open files for unapproved connections", fds-fdsBefore)
	}
	if code, out, stderr := runSSH(t, h.addr, friendKey, "main", "ls"); code != 0 || !strings.Contains(out, "main") {
		t.Fatalf("the approved partner was kept out by the flood: %d %q %q", code, out, stderr)
	}
}
