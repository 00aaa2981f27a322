package terminal

import (
	"bytes"
	"image"
	"image/color"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"github.com/creack/pty"

	"github.com/duetpair/duet/sessions"
)

// ptyStream runs a real command in a real pseudo-terminal: the stream a local session
// gives the widget.
type ptyStream struct {
	f   *os.File
	cmd *exec.Cmd
}

func startPTY(t *testing.T, name string, args ...string) *ptyStream {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "PS1=$ ")
	f, err := pty.Start(cmd)
	if err != nil {
		t.Fatalf("start %s in a pty: %v", name, err)
	}
	s := &ptyStream{f: f, cmd: cmd}
	// The terminal's Detach (registered earlier, so run later) closes the stream; this
	// reaps the process afterwards even when the test never attached it.
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return s
}

func (s *ptyStream) Read(p []byte) (int, error)  { return s.f.Read(p) }
func (s *ptyStream) Write(p []byte) (int, error) { return s.f.Write(p) }
func (s *ptyStream) Close() error {
	_ = s.cmd.Process.Kill()
	return s.f.Close()
}
func (s *ptyStream) Resize(cols, rows int) error {
	return pty.Setsize(s.f, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
}

// uiMu stands in for the UI goroutine: Fyne's test driver runs fyne.Do functions on the
// calling goroutine, so the widget's frame and blink goroutines and the test's own calls
// into the widget take turns through it.
var uiMu sync.Mutex

func init() {
	runOnUI = func(f func()) { uiMu.Lock(); defer uiMu.Unlock(); f() }
}

// ui runs f as the UI goroutine would.
func ui(f func()) { uiMu.Lock(); defer uiMu.Unlock(); f() }

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond) // polling interval, not synchronisation
	}
}

func newTestTerminal(t *testing.T, w, h float32) (*Terminal, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	term := New()
	win := test.NewTempWindow(t, term)
	win.Resize(fyne.NewSize(w, h))
	win.Canvas().Focus(term)
	t.Cleanup(term.Detach)
	return term, win
}

func TestTypingReachesProgramAndOutputIsShown(t *testing.T) {
	term, _ := newTestTerminal(t, 400, 200)
	term.Attach(startPTY(t, "/bin/sh"))
	ui(func() { test.Type(term, "echo duet-$((40+2))\r") })
	waitFor(t, "the command's output", func() bool {
		return strings.Contains(term.Screen().Text(), "duet-42")
	})
}

func TestGridFollowsWidgetSize(t *testing.T) {
	term, win := newTestTerminal(t, 400, 200)
	s := startPTY(t, "/bin/sh")
	term.Attach(s)
	var cols, rows int
	ui(func() { // the widget's frame goroutine draws meanwhile
		cs := term.cell()
		win.Resize(fyne.NewSize(cs.Width*50+8, cs.Height*10+8))
		cols, rows = term.GridSize()
	})
	waitFor(t, "the pty to get the new size", func() bool {
		r, c, err := pty.Getsize(s.f)
		return err == nil && r == rows && c == cols
	})
	if cols < 40 || cols > 52 || rows < 8 || rows > 11 {
		t.Errorf("grid %dx%d for a 50x10-cell window", cols, rows)
	}
}

// sink is a stream that records what the widget sends and never produces output.
type sink struct {
	mu     sync.Mutex
	in     bytes.Buffer
	closed chan struct{}
	once   sync.Once
}

func newSink() *sink { return &sink{closed: make(chan struct{})} }

func (s *sink) Read([]byte) (int, error) { <-s.closed; return 0, os.ErrClosed }
func (s *sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.in.Write(p)
}
func (s *sink) Close() error          { s.once.Do(func() { close(s.closed) }); return nil }
func (s *sink) Resize(int, int) error { return nil }
func (s *sink) sent() string          { s.mu.Lock(); defer s.mu.Unlock(); return s.in.String() }
func (s *sink) waitSent(t *testing.T, want string) {
	t.Helper()
	waitFor(t, "input "+strconvQuote(want), func() bool { return s.sent() == want })
}

func strconvQuote(s string) string { return strings.ReplaceAll(s, "\x1b", `\e`) }

func TestKeysAndShortcutsReachTheStream(t *testing.T) {
	term, _ := newTestTerminal(t, 400, 200)
	s := newSink()
	term.Attach(s)
	want := ""
	step := func(f func(), add string) {
		t.Helper()
		ui(f)
		want += add
		s.waitSent(t, want)
	}
	step(func() { test.Type(term, "hé") }, "hé")
	step(func() { term.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }, "\r")
	step(func() { term.TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp}) }, "\x1b[A")
	step(func() {
		term.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyD, Modifier: fyne.KeyModifierControl})
	}, "\x04")
	step(func() { term.TypedShortcut(&fyne.ShortcutCopy{}) }, "\x03") // Ctrl+C interrupts
	step(func() {
		term.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
		term.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
		term.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	}, "\x1b[Z")
	// The program asks for application cursor keys and bracketed paste.
	term.Screen().Write([]byte("\x1b[?1h\x1b[?2004h"))
	step(func() { term.TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp}) }, "\x1bOA")
	cb := test.NewClipboard()
	cb.SetContent("a\nb")
	step(func() { term.TypedShortcut(&fyne.ShortcutPaste{Clipboard: cb, Secondary: true}) }, "\x1b[200~a\rb\x1b[201~")
}

func TestSelectionCopiesText(t *testing.T) {
	term, win := newTestTerminal(t, 400, 200)
	term.Attach(newSink())
	term.Screen().Write([]byte("hello world\r\nsecond line 中文"))
	ui(func() { term.Refresh() })
	cs := term.cell()
	at := func(col, row int) fyne.Position {
		return fyne.NewPos(cs.Width*(float32(col)+0.5), cs.Height*(float32(row)+0.5))
	}
	ui(func() {
		term.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at(6, 0)}, Button: desktop.MouseButtonPrimary})
	})
	ui(func() { term.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: at(15, 1)}}) })
	ui(func() {
		term.MouseUp(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at(15, 1)}, Button: desktop.MouseButtonPrimary})
	})
	var got string
	ui(func() { got = term.SelectedText() })
	if want := "world\nsecond line 中文"; got != want {
		t.Errorf("selected %q, want %q", got, want)
	}
	cb := test.NewClipboard()
	ui(func() { term.TypedShortcut(&fyne.ShortcutCopy{Clipboard: cb, Secondary: true}) })
	if got := cb.Content(); got != "world\nsecond line 中文" {
		t.Errorf("clipboard %q", got)
	}
	// Double-click selects a word.
	ui(func() { term.lastClick = time.Time{} })
	ui(func() {
		term.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at(1, 1)}, Button: desktop.MouseButtonPrimary})
	})
	ui(func() {
		term.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at(1, 1)}, Button: desktop.MouseButtonPrimary})
	})
	ui(func() { got = term.SelectedText() })
	if got != "second" {
		t.Errorf("double-click selected %q", got)
	}
	_ = win
}

func TestMouseReportsWhenProgramAsks(t *testing.T) {
	term, _ := newTestTerminal(t, 400, 200)
	s := newSink()
	term.Attach(s)
	term.Screen().Write([]byte("\x1b[?1000h\x1b[?1006h"))
	cs := term.cell()
	p := fyne.NewPos(cs.Width*2.5, cs.Height*1.5)
	ui(func() {
		term.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: p}, Button: desktop.MouseButtonPrimary})
	})
	ui(func() {
		term.MouseUp(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: p}, Button: desktop.MouseButtonPrimary})
	})
	s.waitSent(t, "\x1b[<0;3;2M\x1b[<0;3;2m")
}

func TestScrollbackWithWheel(t *testing.T) {
	term, _ := newTestTerminal(t, 300, 100)
	term.Attach(newSink())
	for i := range 50 {
		term.Screen().Write([]byte("line " + string(rune('A'+i%26)) + "\r\n"))
	}
	ui(func() { term.Refresh() })
	ui(func() { term.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DY: 10}}) })
	var off int
	ui(func() { off = term.scrollOff })
	if off != 3 {
		t.Fatalf("scrolled back %d lines, want 3", off)
	}
	// New output returns to the bottom.
	term.Screen().Write([]byte("more\r\n"))
	ui(func() { term.Refresh() })
	ui(func() { off = term.scrollOff })
	if off != 0 {
		t.Errorf("still scrolled back %d lines after output", off)
	}
}

// TestRendersColoursAndWideCharacters draws a screen and checks pixels of the capture:
// a red background cell, the default background elsewhere, and ink where text is.
func TestRendersColoursAndWideCharacters(t *testing.T) {
	term, win := newTestTerminal(t, 320, 120)
	term.Attach(newSink())
	term.Screen().Write([]byte("\x1b[41m  \x1b[0m \x1b[1;32mgreen\x1b[0m 中\r\n\x1b[4munder\x1b[0m"))
	var img image.Image
	var cs fyne.Size
	var p fyne.Position
	var scale float32
	ui(func() { // the widget's frame and blink goroutines draw meanwhile
		term.Refresh()
		img = win.Canvas().Capture()
		cs, p = term.cell(), term.Position()
		scale = float32(img.Bounds().Dx()) / win.Canvas().Size().Width
	})
	pix := func(col, row int, fx, fy float32) color.Color {
		return img.At(int((p.X+cs.Width*(float32(col)+fx))*scale), int((p.Y+cs.Height*(float32(row)+fy))*scale))
	}
	if r, g, b, _ := pix(0, 0, 0.5, 0.5).RGBA(); r>>8 < 0xa0 || g>>8 > 0x60 || b>>8 > 0x60 {
		t.Errorf("cell with red background drawn as %v", pix(0, 0, 0.5, 0.5))
	}
	if !hasInk(img, cs, p, scale, 4, 0, 5) {
		t.Error("no text drawn for 'green'")
	}
	if !hasInk(img, cs, p, scale, 0, 1, 5) {
		t.Error("no text drawn for the underlined word")
	}
	if test.AssertImageMatches(t, "screen.png", img) == false {
		t.Log("golden image differs (see testdata/failed)")
	}
}

// hasInk reports whether the n cells from (col,row) differ from the background colour.
// cs is the widget's cell size and p its position, as the capture was taken.
func hasInk(img image.Image, cs fyne.Size, p fyne.Position, scale float32, col, row, n int) bool {
	bg := img.At(int(p.X*scale)+1, int((p.Y+cs.Height*float32(row+1))*scale)-1)
	x0, x1 := int((p.X+cs.Width*float32(col))*scale), int((p.X+cs.Width*float32(col+n))*scale)
	y0, y1 := int((p.Y+cs.Height*float32(row))*scale), int((p.Y+cs.Height*float32(row+1))*scale)
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			if img.At(x, y) != bg {
				return true
			}
		}
	}
	return false
}

// TestHostedSessionAttachment shows a real hosted session in the widget, through the
// same attachment a partner uses: a late attach sees the repaint, typing reaches it.
func TestHostedSessionAttachment(t *testing.T) {
	s, err := sessions.Start(sessions.Options{Command: []string{"/bin/sh"}, Env: []string{"PS1=$ "}})
	if err != nil {
		t.Fatalf("start session: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	term, _ := newTestTerminal(t, 400, 200)
	cols, rows := term.GridSize()
	c, err := s.Attach(sessions.AttachOptions{Name: "window", Cols: cols, Rows: rows, FollowSize: true})
	if err != nil {
		t.Fatalf("attach: %v", err)
	}
	term.Attach(sessions.NewStream(c))
	ui(func() { test.Type(term, "echo hosted-$((6*7))\r") })
	waitFor(t, "the session's output in the widget", func() bool {
		return strings.Contains(term.Screen().Text(), "hosted-42")
	})
	waitFor(t, "the widget's size to reach the session", func() bool {
		c2, r2 := s.Size()
		return c2 == cols && r2 == rows
	})
}

// TestSessionAreaShownWhenPartnerIsSmaller: a partner with a smaller terminal makes the
// session smaller than the window; the widget shows the grid beyond it as outside.
func TestSessionAreaShownWhenPartnerIsSmaller(t *testing.T) {
	s, term, win := hostedTerminal(t, 400, 200)
	partner, err := s.Attach(sessions.AttachOptions{Name: "partner", Cols: 10, Rows: 3})
	if err != nil {
		t.Fatalf("attach partner: %v", err)
	}
	t.Cleanup(partner.Detach)
	waitFor(t, "the partner's size to set the session's and the widget's screen", func() bool {
		c2, r2 := s.Size()
		c3, r3 := term.ScreenSize()
		return c2 == 10 && r2 == 3 && c3 == 10 && r3 == 3
	})
	var inside, outsideRight, outsideBelow color.Color
	ui(func() {
		term.Refresh()
		img := win.Canvas().Capture()
		cs := term.cell()
		scale := float32(img.Bounds().Dx()) / win.Canvas().Size().Width
		at := func(col, row int) color.Color {
			p := term.Position()
			return img.At(int((p.X+cs.Width*(float32(col)+0.5))*scale), int((p.Y+cs.Height*(float32(row)+0.9))*scale))
		}
		inside, outsideRight, outsideBelow = at(5, 1), at(20, 1), at(5, 6)
	})
	if inside == outsideRight || outsideRight != outsideBelow {
		t.Errorf("inside %v, right of the session %v, below it %v: want the outside marked", inside, outsideRight, outsideBelow)
	}
}
