// Package sshdtest starts OpenSSH's sshd for tests: on 127.0.0.1, with its own config,
// host key and authorized_keys in a temporary dir, logging in the current user. Tests
// that need it skip, saying why, when sshd is not installed (make deps-test installs it).
//
// Package sshdtest is for tests only; it uses golang.org/x/crypto/ssh and no package of
// Duet.
package sshdtest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// startTimeout bounds sshd's start; the race detector on two busy cores is slow.
const startTimeout = 20 * time.Second

// Options configure a Server. The zero value authorises no key and makes a host key.
type Options struct {
	// Authorized are the client keys that may log in.
	Authorized []ssh.PublicKey
	// HostKey is the server's private key (as for ssh.MarshalPrivateKey); nil makes a
	// new ed25519 key.
	HostKey any
	// Env is set in every session (sshd's SetEnv), such as TMUX_TMPDIR=DIR.
	Env []string
	// Port to listen on; 0 picks a free one.
	Port int
	// ListenAddress is the loopback address to listen on; "" means 127.0.0.1. Another
	// address of 127.0.0.0/8 (127.0.0.2, say) stands for a relay's public address: a
	// port forwarded only to the loopback, 127.0.0.1, is not reachable on it.
	ListenAddress string
	// Forwarding allows TCP port forwarding (AllowTcpForwarding yes), as a relay needs.
	Forwarding bool
	// GatewayPorts is sshd's setting of that name (no, yes, clientspecified); "" leaves
	// sshd's default, no: remote forwards listen on the loopback only.
	GatewayPorts string
	// Config holds more sshd_config lines ("KexAlgorithms diffie-hellman-group14-sha1");
	// they come first, so they win over the defaults ("UsePAM yes").
	Config []string
	// Password, if set, is the user's password on this server: sshd runs in a mount
	// namespace of its own where /etc/shadow says so (see Private). It needs root.
	Password string
}

// Server is a running sshd.
type Server struct {
	Addr    string // "127.0.0.1:PORT"
	Port    int
	User    string // the user to log in as: the one running the test
	HostKey ssh.PublicKey
	Dir     string // holds the config, keys and log

	authorized string
	mu         sync.Mutex   // guards logs
	logs       bytes.Buffer // sshd's stderr
	stop       func()       // kills sshd and its connections; set once started
	stopOnce   sync.Once
}

// Path returns the sshd binary, or skips the test if there is none.
func Path(tb testing.TB) string {
	tb.Helper()
	return findServer(tb, "sshd", "sshd (openssh-server) is not installed; make deps-test installs it")
}

// findServer returns the server binary name from sbin or $PATH, or skips the test with
// why.
func findServer(tb testing.TB, name, why string) string {
	tb.Helper()
	for _, dir := range []string{"/usr/sbin", "/usr/local/sbin"} {
		if p := filepath.Join(dir, name); fileExists(p) {
			return p
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	tb.Skip(why)
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// NeedTmux returns the tmux binary, or skips the test if there is none.
func NeedTmux(tb testing.TB) string {
	tb.Helper()
	p, err := exec.LookPath("tmux")
	if err != nil {
		tb.Skip("tmux is not installed; make deps-test installs it")
	}
	return p
}

// Start starts sshd and stops it when the test ends.
func Start(tb testing.TB, opt Options) *Server {
	tb.Helper()
	sshd := Path(tb)
	u, err := user.Current()
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{User: u.Username, Dir: tb.TempDir()}
	hostKey := opt.HostKey
	if hostKey == nil {
		_, hostKey, err = ed25519.GenerateKey(rand.Reader)
		if err != nil {
			tb.Fatal(err)
		}
	}
	block, err := ssh.MarshalPrivateKey(hostKey, "sshdtest host")
	if err != nil {
		tb.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(hostKey)
	if err != nil {
		tb.Fatal(err)
	}
	s.HostKey = signer.PublicKey()
	keyPath := s.write(tb, "host_key", pem.EncodeToMemory(block))
	s.authorized = s.write(tb, "authorized_keys", nil)
	for _, k := range opt.Authorized {
		s.Authorize(tb, k)
	}
	if u.Uid == "0" {
		os.MkdirAll("/run/sshd", 0o755) // privilege separation dir, which a fresh system lacks
	}
	// A free port can be taken by someone else before sshd binds it: try a few.
	for try := 0; ; try++ {
		port := opt.Port
		if port == 0 {
			port = freePort(tb)
		}
		err := s.start(tb, sshd, port, keyPath, opt)
		if err == nil {
			return s
		}
		if opt.Port != 0 || try == 4 {
			tb.Fatalf("sshd: %v", err)
		}
	}
}

// start runs sshd on port and waits until it listens.
func (s *Server) start(tb testing.TB, sshd string, port int, hostKey string, opt Options) error {
	tb.Helper()
	listenAddr := opt.ListenAddress
	if listenAddr == "" {
		listenAddr = "127.0.0.1"
	}
	forwarding := "no"
	if opt.Forwarding {
		forwarding = "yes"
	}
	lines := append(slices.Clone(opt.Config),
		"Port "+strconv.Itoa(port), "ListenAddress "+listenAddr, "HostKey "+hostKey,
		"AuthorizedKeysFile "+s.authorized, "PidFile none", "UsePAM no", "StrictModes no",
		"PermitRootLogin yes", "PubkeyAuthentication yes", "PasswordAuthentication no",
		"KbdInteractiveAuthentication no", "AllowTcpForwarding "+forwarding, "X11Forwarding no",
		"AllowAgentForwarding no", "PrintMotd no", "PrintLastLog no", "UseDNS no",
		"LogLevel INFO", "MaxStartups 50",
	)
	if opt.GatewayPorts != "" {
		lines = append(lines, "GatewayPorts "+opt.GatewayPorts)
	}
	if len(opt.Env) > 0 {
		lines = append(lines, "SetEnv "+strings.Join(opt.Env, " "))
	}
	config := s.write(tb, "sshd_config", []byte(strings.Join(lines, "\n")+"\n"))
	cmd := exec.Command(sshd, "-D", "-e", "-f", config)
	if opt.Password != "" {
		cmd = Private(tb, s.Dir, "", opt.Password, cmd.Args...)
	}
	listening := make(chan struct{})
	cmd.Stderr = &logWriter{s: s, want: fmt.Sprintf("listening on %s port %d", listenAddr, port), found: listening}
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case <-listening:
	case <-exited:
		return fmt.Errorf("exited: %s", s.Logs())
	case <-timer.C:
		cmd.Process.Kill()
		<-exited
		return fmt.Errorf("does not listen after %s: %s", startTimeout, s.Logs())
	}
	s.Port = port
	s.Addr = net.JoinHostPort(listenAddr, strconv.Itoa(port))
	s.stop = func() {
		// sshd serves each connection in processes of their own (in sessions of their
		// own, too), which outlive the listener: kill them first, as a reboot would.
		killDescendants(cmd.Process.Pid)
		cmd.Process.Kill()
		<-exited
	}
	tb.Cleanup(s.Stop)
	return nil
}

// Stop kills sshd and every connection it serves, as a crash or a reboot of the
// server would. Start a Server with the same Port and HostKey to bring it back.
func (s *Server) Stop() {
	s.stopOnce.Do(s.stop)
}

// killDescendants kills the processes descended from pid, found with ps.
func killDescendants(pid int) {
	out, err := exec.Command("ps", "-A", "-o", "pid=,ppid=").Output()
	if err != nil {
		return
	}
	children := make(map[int][]int)
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		p, err1 := strconv.Atoi(f[0])
		pp, err2 := strconv.Atoi(f[1])
		if err1 == nil && err2 == nil {
			children[pp] = append(children[pp], p)
		}
	}
	var kill func(int)
	kill = func(p int) {
		for _, c := range children[p] {
			kill(c)
			if proc, err := os.FindProcess(c); err == nil {
				proc.Kill()
			}
		}
	}
	kill(pid)
}

// Authorize lets pub log in from now on.
func (s *Server) Authorize(tb testing.TB, pub ssh.PublicKey) {
	tb.Helper()
	f, err := os.OpenFile(s.authorized, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(ssh.MarshalAuthorizedKey(pub)); err != nil {
		tb.Fatal(err)
	}
}

// Logs returns what sshd logged so far (connections and errors; no secrets).
func (s *Server) Logs() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.String()
}

func (s *Server) write(tb testing.TB, name string, data []byte) string {
	tb.Helper()
	p := filepath.Join(s.Dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

// logWriter keeps sshd's log and closes found once a line contains want ("listening on
// 127.0.0.1 port N", from "Server listening on 127.0.0.1 port N.").
type logWriter struct {
	s     *Server
	want  string
	found chan struct{}
	once  sync.Once
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	w.s.logs.Write(p)
	hit := strings.Contains(w.s.logs.String(), w.want)
	w.s.mu.Unlock()
	if hit {
		w.once.Do(func() { close(w.found) })
	}
	return len(p), nil
}

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
