//go:build !windows

package sessions

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
)

func TestSessionTypeAndSee(t *testing.T) {
	s := startSession(t, Options{}, "")
	c, out, _ := attach(t, s, AttachOptions{Cols: 80, Rows: 24})
	if _, err := io.WriteString(c, "echo hi-$((40+2))\r"); err != nil {
		t.Fatal(err)
	}
	out.WaitFor(t, "hi-42")
}

func TestAttachRepaintThenLive(t *testing.T) {
	// A full-screen program: alternate screen, a box drawn at a position, then waiting.
	script := `printf '\033[?1049h\033[2J\033[5;10HFULL SCREEN\033[6;10H\033[7mreverse\033[m'; ` +
		`read x; printf '\033[8;1Hafter %s' "$x"; read y`
	s := startSession(t, Options{}, script)
	_, first, _ := attach(t, s, AttachOptions{Cols: 60, Rows: 20})
	first.WaitFor(t, "reverse")

	c, late, _ := attach(t, s, AttachOptions{Cols: 60, Rows: 20})
	b := late.WaitFor(t, "reverse")
	if got, want := duettest.ScreenOf(b, 60, 20), s.Screen().Text(); got != want {
		t.Fatalf("late client's screen:\n%s\nwant:\n%s", got, want)
	}
	if !s.Screen().AltScreen() {
		t.Fatal("session not on the alternate screen")
	}
	io.WriteString(c, "typed\r")
	late.WaitFor(t, "after typed")
	first.WaitFor(t, "after typed")
	if got, want := duettest.ScreenOf(late.Bytes(), 60, 20), duettest.ScreenOf(first.Bytes(), 60, 20); got != want {
		t.Fatalf("late client:\n%s\nfirst client:\n%s", got, want)
	}
}

// Clients attaching while output streams see, once it is over, exactly the session's
// screen: nothing was lost or doubled between their repaint and the live output.
func TestAttachDuringOutputLosesNothing(t *testing.T) {
	script := `i=0; while [ $i -lt 4000 ]; do echo "line $i $i $i"; i=$((i+1)); done; echo DONE; read x`
	s := startSession(t, Options{}, script)
	var outs []*duettest.Output
	for i := 0; i < 6; i++ {
		_, out, _ := attach(t, s, AttachOptions{})
		outs = append(outs, out)
	}
	final := outs[0].WaitFor(t, "DONE")
	want := s.Screen().Text()
	if got := duettest.ScreenOf(final, 80, 24); got != want {
		t.Fatalf("first client:\n%s\nwant:\n%s", got, want)
	}
	for i, out := range outs[1:] {
		b := out.WaitFor(t, "DONE")
		if got := duettest.ScreenOf(b, 80, 24); got != want {
			t.Errorf("client %d:\n%s\nwant:\n%s", i+1, got, want)
		}
	}
}

func TestSizePolicy(t *testing.T) {
	s := startSession(t, Options{}, "")
	size := func() string {
		c, r := s.Size()
		sc, sr := s.Screen().Size()
		if c != sc || r != sr {
			return fmt.Sprintf("pty %dx%d, screen %dx%d", c, r, sc, sr)
		}
		return fmt.Sprintf("%dx%d", c, r)
	}
	check := func(want string) {
		t.Helper()
		if got := size(); got != want {
			t.Fatalf("size %s, want %s", got, want)
		}
	}
	check("80x24")
	a, _, _ := attach(t, s, AttachOptions{Cols: 100, Rows: 30})
	check("100x30")
	b, _, _ := attach(t, s, AttachOptions{Cols: 120, Rows: 20})
	check("100x20")
	v, _, _ := attach(t, s, AttachOptions{Cols: 40, Rows: 10, ReadOnly: true})
	check("100x20") // view-only never shrinks it
	b.Resize(90, 50)
	check("90x30")
	v.SetReadOnly(false)
	check("40x10")
	v.SetReadOnly(true)
	check("90x30")
	b.Detach()
	check("100x30")
	a.Detach()
	check("100x30") // nobody left who may type: the size stays

	// The program sees it too.
	c, out, _ := attach(t, s, AttachOptions{Cols: 77, Rows: 21})
	io.WriteString(c, "stty size\r")
	out.WaitFor(t, "21 77")
}

func TestReadOnlyInputDropped(t *testing.T) {
	s := startSession(t, Options{}, "")
	typer, out, _ := attach(t, s, AttachOptions{Cols: 80, Rows: 24})
	viewer, _, _ := attach(t, s, AttachOptions{Cols: 80, Rows: 24, ReadOnly: true})
	if n, err := io.WriteString(viewer, "echo VIEWER-$((1+1))\r"); err != nil || n == 0 {
		t.Fatalf("viewer write: %d, %v", n, err)
	}
	io.WriteString(typer, "echo TYPER-$((2+2))\r")
	b := out.WaitFor(t, "TYPER-4")
	if bytes.Contains(b, []byte("VIEWER")) {
		t.Fatalf("view-only input reached the session: %q", b)
	}
	if n := viewer.Ignored(); n != int64(len("echo VIEWER-$((1+1))\r")) || typer.Ignored() != 0 {
		t.Errorf("ignored: viewer %d bytes, typer %d", n, typer.Ignored())
	}
}

// gateWriter blocks every write until its gate is opened: a partner that stopped reading.
type gateWriter struct {
	gate chan struct{}
	w    io.Writer
}

func (g *gateWriter) Write(p []byte) (int, error) {
	<-g.gate
	return g.w.Write(p)
}

func TestOverflowDropsAndRepaints(t *testing.T) {
	s := startSession(t, Options{QueueBytes: 4096}, "read x; seq 1 20000; echo DONE; read y")
	out := &duettest.Output{}
	g := &gateWriter{gate: make(chan struct{}), w: out}
	stalled, err := s.Attach(AttachOptions{Cols: 80, Rows: 24})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { stalled.CopyTo(g) })
	defer func() {
		stalled.Detach()
		wg.Wait()
	}()
	healthy, hout, _ := attach(t, s, AttachOptions{Cols: 80, Rows: 24})
	io.WriteString(healthy, "\r")
	hout.WaitFor(t, "DONE")
	if stalled.Drops() == 0 {
		t.Fatal("the stalled client's queue never overflowed")
	}
	close(g.gate)
	want := s.Screen().Text()
	out.WaitUntil(t, "a repaint of the final screen", func(b []byte) bool {
		return duettest.ScreenOf(b, 80, 24) == want
	})
	if got := duettest.ScreenOf(hout.Bytes(), 80, 24); got != want {
		t.Fatalf("healthy client:\n%s\nwant:\n%s", got, want)
	}
	if len(out.Bytes()) > 64<<10 {
		t.Errorf("stalled client got %d bytes; expected its backlog dropped", len(out.Bytes()))
	}
}

func TestExitReachesClients(t *testing.T) {
	var reg Registry
	s, err := reg.Start(Options{Name: "work", Command: []string{"/bin/sh", "-c", "read x; exit 3"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	if reg.Lookup("work") != s || reg.Default() != s {
		t.Fatal("session not in the registry")
	}
	c1, out1, wait1 := attach(t, s, AttachOptions{Cols: 80, Rows: 24})
	_, out2, wait2 := attach(t, s, AttachOptions{Cols: 80, Rows: 24, ReadOnly: true})
	changed := reg.Changed()
	io.WriteString(c1, "\r")
	for i, wait := range []func() error{wait1, wait2} {
		var exit *ExitError
		if err := wait(); !errors.As(err, &exit) || exit.Code != 3 {
			t.Fatalf("client %d: CopyTo = %v, want exit status 3", i, err)
		}
	}
	for _, out := range []*duettest.Output{out1, out2} {
		if !strings.Contains(out.String(), "[duet: session work ended: exit status 3]\r\n") {
			t.Errorf("no exit message in %q", duettest.Tail(out.Bytes(), 200))
		}
	}
	<-changed
	<-s.Done()
	if reg.Lookup("work") != nil || len(reg.List()) != 0 {
		t.Fatal("ended session still listed")
	}
	if _, err := s.Attach(AttachOptions{}); !errors.Is(err, ErrSessionEnded) {
		t.Fatalf("Attach after the end: %v", err)
	}
}

func TestClientLeavingDoesNotAffectSession(t *testing.T) {
	s := startSession(t, Options{}, "")
	a, _, await := attach(t, s, AttachOptions{Cols: 80, Rows: 24})
	a.Detach()
	if err := await(); err != nil {
		t.Fatalf("CopyTo after Detach: %v", err)
	}
	b, bout, _ := attach(t, s, AttachOptions{Cols: 80, Rows: 24})
	io.WriteString(b, "echo still-$((3*3))\r")
	bout.WaitFor(t, "still-9")
}

// The screen model answers a query once; the clients never see it, so their terminals
// cannot answer again.
func TestQueryAnsweredOnce(t *testing.T) {
	script := `read go; stty -echo -icanon min 1; printf 'ask\033[5n\033[c'; head -c 13 | od -An -c; read x`
	s := startSession(t, Options{}, script)
	c, out, _ := attach(t, s, AttachOptions{Cols: 80, Rows: 24})
	io.WriteString(c, "\r")
	// od shows the 13 bytes the program read: the DSR answer, then the DA answer; an
	// answer from anywhere else would come first or in between.
	b := out.WaitFor(t, "2   2   c")
	if !bytes.Contains(b, []byte("033   [   0   n 033   [   ?   6   2   ;   2   2   c")) {
		t.Fatalf("program did not read exactly the screen's answers: %q", b)
	}
	if bytes.Contains(b, []byte("\x1b[5n")) || bytes.Contains(b, []byte("\x1b[c")) {
		t.Fatalf("query reached the client: %q", b)
	}
	if !bytes.Contains(b, []byte("ask")) {
		t.Fatalf("output around the query lost: %q", b)
	}
}

// A background job that keeps the terminal open does not keep the session alive.
func TestBackgroundJobDoesNotHoldSession(t *testing.T) {
	// The shell waits for a line, so that it cannot end before the client attached.
	s := startSession(t, Options{}, `setsid sh -c 'trap "" HUP; sleep 5' & echo started; read line; exit 4`)
	c, out, wait := attach(t, s, AttachOptions{})
	out.WaitFor(t, "started")
	c.Write([]byte("\n"))
	var exit *ExitError
	if err := wait(); !errors.As(err, &exit) || exit.Code != 4 {
		t.Fatalf("CopyTo = %v, want exit status 4 (output %q)", err, out.String())
	}
}
