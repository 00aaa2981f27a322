package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/term"

	"github.com/duetpair/duet/internal/safetext"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/join"
)

// joinTerm is the local terminal of `duet join`: the questions asked while joining, raw
// mode, the keyboard, the window size, and the signals that stop it. Without a terminal
// (input from a pipe) it asks nothing, and input and output are passed as they are.
type joinTerm struct {
	c    *cli
	tty  bool
	fd   int         // standard input's, when tty
	orig *term.State // the terminal as it was; put back on every way out

	restoreOutput func() // puts the console's output mode back (Windows); set by makeRaw
	sshServer     bool   // joining an SSH server (ssh://), not a Duet host

	mu         sync.Mutex // guards the fields below
	raw        bool
	conn       *join.Conn // once joined
	stoppedBy  string     // the signal or key that stopped the session
	statusLine bool       // the reconnect line is open: the next news rewrites it
}

func newJoinTerm(c *cli) (*joinTerm, error) {
	t := &joinTerm{c: c, tty: c.stdinIsTTY}
	if t.tty {
		t.fd = int(os.Stdin.Fd())
		st, err := term.GetState(t.fd)
		if err != nil {
			return nil, fmt.Errorf("terminal: %w", err)
		}
		t.orig = st
	}
	return t, nil
}

// size returns the terminal's size; 80x24 if it has none.
func (t *joinTerm) size() (cols, rows int) {
	cols, rows, err := termSize(t.fd)
	if err != nil || cols <= 0 || rows <= 0 {
		return 80, 24
	}
	return cols, rows
}

// makeRaw passes every key to the remote terminal from now on.
func (t *joinTerm) makeRaw() error {
	if !t.tty {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, err := term.MakeRaw(t.fd); err != nil {
		return fmt.Errorf("terminal: %w", err)
	}
	t.restoreOutput = vtOutput()
	t.raw = true
	return nil
}

// restore puts the terminal back as it was. It may be called more than once.
func (t *joinTerm) restore() {
	if !t.tty {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	term.Restore(t.fd, t.orig)
	if t.restoreOutput != nil {
		t.restoreOutput()
		t.restoreOutput = nil
	}
	t.raw = false
}

// joined records the connection: from now on nothing is asked, and a signal closes it.
func (t *joinTerm) joined(conn *join.Conn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.conn = conn
}

func (t *joinTerm) isJoined() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.conn != nil
}

// interrupted returns what stopped the session from here ("" if nothing did).
func (t *joinTerm) interrupted() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stoppedBy
}

// status prints a joined connection's news. In the session (raw mode), the reconnect
// news of one drop share one line: each attempt rewrites it, and "reconnected" ends it.
func (t *joinTerm) status(s join.Status) {
	if s.State == join.HostSaid {
		return // a Duet host writes the same sentence to our standard error
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	text := s.String()
	if s.State != join.Banner {
		text = "[duet: " + text + "]"
	}
	switch {
	case !t.raw:
		if !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
	case s.State == join.Reconnecting && t.statusLine:
		text = "\r\x1b[K" + text // rewrite the line
	case s.State == join.Reconnecting:
		text = "\r\n" + text // a line of its own, left open for the next attempt
		t.statusLine = true
	case t.statusLine:
		text = "\r\x1b[K" + text + "\r\n"
		t.statusLine = false
	default:
		text = "\r\n" + strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\r\n") + "\r\n"
	}
	io.WriteString(t.c.stderr, text)
}

// confirmHost asks whether to trust a host seen for the first time.
func (t *joinTerm) confirmHost(host string, key ssh.PublicKey) error {
	check := "Check it with the host: 'duet host' prints it as \"host key SHA256:...\"."
	if t.sshServer {
		check = fmt.Sprintf("Check it on that server: ssh-keygen -lf %s prints it.", keys.ServerKeyFile(key))
	}
	fmt.Fprintf(t.c.stderr, "The host %s is not known yet. Its key fingerprint is\n  %s (%s)\n%s\n"+
		"Trust this host and join? (yes/no): ", host, keys.Fingerprint(key), key.Type(), check)
	line, err := t.readLine()
	if err != nil {
		return fmt.Errorf("%w: %w", errNotTrusted, err)
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "yes", "y":
		return nil
	}
	return errNotTrusted
}

// errNotReplaced is the answer "no" to replacing a stored host key with an invite's.
var errNotReplaced = errors.New("stored host key kept")

// replaceHost asks whether the key an invite pins replaces the different one on file.
func (t *joinTerm) replaceHost(e *keys.HostKeyError) error {
	fmt.Fprintf(t.c.stderr, "The invite gives %s a new key, not the one stored when you joined it before:\n"+
		"  invite: %s (%s)\n", e.Host, keys.Fingerprint(e.Key), e.Key.Type())
	for _, k := range e.Known {
		fmt.Fprintf(t.c.stderr, "  stored: %s (%s), %s line %d\n", keys.Fingerprint(k.Key), k.Key.Type(), k.Filename, k.Line)
	}
	fmt.Fprint(t.c.stderr, "Replace it only if the invite came from the host itself; otherwise someone may be intercepting the connection.\n"+
		"Replace the stored key and join? (yes/no): ")
	line, err := t.readLine()
	if err != nil {
		return fmt.Errorf("%w: %w", errNotReplaced, err)
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "yes", "y":
		return nil
	}
	return errNotReplaced
}

// readLine reads a line from the terminal, one byte at a time so that nothing typed
// after it is taken from the session.
func (t *joinTerm) readLine() (string, error) {
	var b []byte
	one := make([]byte, 1)
	for {
		n, err := os.Stdin.Read(one)
		if n == 1 {
			if one[0] == '\n' {
				return string(b), nil
			}
			b = append(b, one[0])
		}
		if err != nil {
			return string(b), err
		}
	}
}

// passphrase asks for the passphrase of a key file, while joining only: once the
// terminal belongs to the session, such a key is left out instead.
func (t *joinTerm) passphrase(path string) ([]byte, error) {
	if !t.tty {
		return nil, errors.New("no terminal to ask for the passphrase")
	}
	if t.isJoined() {
		return nil, errors.New("cannot ask for a passphrase during the session")
	}
	fmt.Fprintf(t.c.stderr, "Passphrase for %s: ", path)
	pass, err := term.ReadPassword(t.fd)
	fmt.Fprintln(t.c.stderr)
	return pass, err
}

// prompt asks what the server asks while logging in (a password, a one-time code),
// while joining only, as passphrase does. Secret answers are read without echo; no
// answer is logged or kept.
func (t *joinTerm) prompt(p join.Prompt) ([]string, error) {
	if !t.tty {
		return nil, errors.New("no terminal to ask")
	}
	if t.isJoined() {
		return nil, errors.New("cannot ask during the session")
	}
	fmt.Fprint(t.c.stderr, promptIntro(p))
	answers := make([]string, 0, len(p.Questions))
	for _, q := range p.Questions {
		fmt.Fprintf(t.c.stderr, "%s ", safetext.Line(strings.TrimRight(q.Text, " "), safetext.MaxLine))
		var line string
		var err error
		if q.Echo {
			line, err = t.readLine()
			line = strings.TrimSuffix(line, "\r")
		} else {
			var b []byte
			b, err = term.ReadPassword(t.fd)
			fmt.Fprintln(t.c.stderr)
			line = string(b)
			clear(b)
		}
		if err != nil {
			return nil, err
		}
		answers = append(answers, line)
	}
	return answers, nil
}

// promptIntro says, in a line or two, who asks what (the server's own words escaped).
func promptIntro(p join.Prompt) string {
	var b strings.Builder
	switch {
	case p.Again:
		fmt.Fprintf(&b, "%s did not accept that; try again.\n", p.Server)
	case p.AfterKey:
		fmt.Fprintf(&b, "%s accepted your key and asks for more (a second factor).\n", p.Server)
	case p.Kind == join.AskPassword:
		fmt.Fprintf(&b, "%s asks for your password.\n", p.Server)
	default:
		fmt.Fprintf(&b, "%s asks:\n", p.Server)
	}
	for _, s := range []string{p.Name, p.Instruction} {
		if s = strings.TrimSpace(s); s != "" {
			fmt.Fprintf(&b, "  %s\n", safetext.Line(s, safetext.MaxLine))
		}
	}
	return b.String()
}

// watchSignals handles the signals that stop duet (interrupt, terminate, hang-up): while
// joining they put the terminal back and end the process at once (a question may be
// waiting for input); once joined they close the connection, and join returns. Call the
// returned func to stop watching.
func (t *joinTerm) watchSignals(cancel func()) (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, stopSignals...)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			case sig := <-ch:
				t.mu.Lock()
				conn := t.conn
				if conn != nil {
					t.stoppedBy = sig.String()
				}
				t.mu.Unlock()
				if conn == nil {
					cancel()
					t.restore()
					fmt.Fprintf(t.c.stderr, "\nduet join: stopped (%v)\n", sig)
					os.Exit(exitCodeOf(sig))
				}
				conn.Close()
			}
		}
	})
	return func() {
		signal.Stop(ch)
		close(done)
		wg.Wait()
	}
}

// exitCodeOf returns the exit code of a process killed by sig, as a shell reports it.
func exitCodeOf(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return exitFailure
}

// pumpInput sends what is typed (or piped) to the session until it ends. The returned
// func stops it and waits for it, if reading can be interrupted (a terminal on Linux and
// macOS); a read that cannot is left to end with the process.
func (t *joinTerm) pumpInput(conn *join.Conn) (stop func()) {
	in, interrupt := t.input()
	done := make(chan struct{})
	go func() {
		defer close(done)
		t.copyInput(in, conn)
	}()
	return func() {
		if interrupt != nil {
			interrupt()
			<-done
		}
	}
}

// input returns the reader of the session's input and a func that makes a blocked Read
// return (nil if there is none).
func (t *joinTerm) input() (io.Reader, func()) {
	if t.tty {
		// A terminal of our own, opened apart from standard input, can take a read
		// deadline without changing how the shell that started duet reads it.
		if f, err := openTTY(); err == nil {
			if f.SetReadDeadline(time.Time{}) == nil {
				return f, func() {
					f.SetReadDeadline(time.Now())
					f.Close()
				}
			}
			f.Close()
		}
		return os.Stdin, nil
	}
	if f, ok := t.c.stdin.(*os.File); ok && f.SetReadDeadline(time.Time{}) == nil {
		return f, func() { f.SetReadDeadline(time.Now()) }
	}
	return t.c.stdin, nil
}

// ctrlC is what the C-c key sends in raw mode.
const ctrlC = 0x03

func (t *joinTerm) copyInput(in io.Reader, conn *join.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := in.Read(buf)
		if n > 0 {
			if t.tty && conn.Reconnecting() && bytes.IndexByte(buf[:n], ctrlC) >= 0 {
				// C-c while reconnecting: the user gives up.
				t.mu.Lock()
				t.stoppedBy = "C-c while reconnecting"
				t.mu.Unlock()
				conn.Close()
				return
			}
			// Held while reconnecting (see join.MaxHeldInput); the status says if some
			// was discarded.
			if _, werr := conn.Write(buf[:n]); errors.Is(werr, join.ErrConnClosed) {
				return
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) && !t.tty {
				conn.CloseWrite()
			}
			return
		}
	}
}
