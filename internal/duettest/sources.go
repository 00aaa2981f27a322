package duettest

import (
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// DialFrom connects to addr from the loopback address src ("127.0.0.2"), so that a test
// can play partners coming from different addresses. It skips the test where src cannot
// be bound (only 127.0.0.1 exists on macOS's loopback).
func DialFrom(tb testing.TB, src, addr string) net.Conn {
	tb.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: Timeout}
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		if strings.Contains(err.Error(), "assign requested address") {
			tb.Skipf("cannot connect from %s here: %v", src, err)
		}
		tb.Fatalf("connect from %s: %v", src, err)
	}
	return nc
}

// SSHClient logs in over nc as user with signer (not checking the host key) and returns
// the client; it fails if the handshake does not end within Timeout.
func SSHClient(nc net.Conn, user string, signer ssh.Signer) (*ssh.Client, error) {
	nc.SetDeadline(time.Now().Add(Timeout))
	sc, chans, reqs, err := ssh.NewClientConn(nc, nc.RemoteAddr().String(), &ssh.ClientConfig{
		User:            user,
		Auth:            KeyAuth(signer),
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
	})
	if err != nil {
		nc.Close()
		return nil, err
	}
	nc.SetDeadline(time.Time{})
	return ssh.NewClient(sc, chans, reqs), nil
}

// ProcessMemory returns the resident memory of process pid in bytes (Linux's
// /proc/PID/status VmRSS); it skips the test elsewhere.
func ProcessMemory(tb testing.TB, pid int) int64 {
	tb.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		tb.Skipf("no /proc here: %v", err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				tb.Fatal(err)
			}
			return kb << 10
		}
	}
	tb.Fatalf("no VmRSS for process %d", pid)
	return 0
}

// OpenFiles returns how many files process pid has open (Linux's /proc/PID/fd); it
// skips the test elsewhere.
func OpenFiles(tb testing.TB, pid int) int {
	tb.Helper()
	ents, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
	if err != nil {
		tb.Skipf("no /proc here: %v", err)
	}
	return len(ents)
}
