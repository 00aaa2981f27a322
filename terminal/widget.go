package terminal

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/duetpair/duet/terminal/vt"
)

// runOnUI queues fn for the UI goroutine. It never waits: Detach, called on the UI
// goroutine, waits for the goroutines that call it. Tests replace it, since Fyne's test
// driver runs fn on the calling goroutine and they serialise that with their own calls.
var runOnUI = fyne.Do

// frameInterval paces drawing: output is parsed as fast as it comes, the screen is drawn
// at most this often.
const frameInterval = time.Second / 60

// Terminal is a Fyne widget showing a terminal screen bound to a Stream.
//
// Threading: a reader goroutine feeds the stream's output to the vt.Screen (which has its
// own lock) and never touches widgets; a frame goroutine asks the UI goroutine (fyne.Do)
// to draw at most once per frame; a writer goroutine sends input to the stream. Every
// field below the line is only touched on the UI goroutine.
type Terminal struct {
	widget.BaseWidget

	// OnExit is called on the UI goroutine when the stream ends (err is nil at EOF).
	OnExit func(err error)
	// OnTitle is called on the UI goroutine when the program sets the window title.
	OnTitle func(title string)
	// OnResize is called on the UI goroutine when the grid size changes.
	OnResize func(cols, rows int)
	// OnScreenResize is called on the UI goroutine when a sized stream's output changed
	// the screen's size (see ScreenSize): the part of the grid outside it changed.
	OnScreenResize func(cols, rows int)
	// OnShortcut, if set, is offered every shortcut first (the window's own, such as the
	// host's pause key); it returns true if it took it, and the terminal does not see it.
	OnShortcut func(s fyne.Shortcut) bool

	screen *vt.Screen
	kick   chan struct{} // a frame is wanted
	queued atomic.Bool   // a frame is queued and not drawn yet
	frames atomic.Uint64 // frames painted (raster regenerated), for benchmarks
	grid   atomic.Uint64 // the grid's size, cols<<32 | rows, for GridSize from any goroutine

	mu      sync.Mutex // guards stream, cancel, input, resizes
	stream  Stream
	cancel  context.CancelFunc
	input   *inputQueue
	resizes chan [2]int    // latest grid size for the stream, capacity 1
	loops   sync.WaitGroup // writer, resizer and frame goroutines
	reader  sync.WaitGroup // the reader, which ends when the stream is closed

	// The Scrollbar's hook, told when the view is drawn (UI goroutine only).
	scrollHook func()

	// UI goroutine only.
	sized     bool // the attached stream sets the screen's size (sizedStream)
	snap      vt.Snapshot
	area      [2]int // the screen's size when smaller than the grid, else 0x0
	cols      int
	rows      int
	cellSize  fyne.Size
	textSize  float32
	focused   bool
	scrollOff int // lines scrolled back into the scrollback
	sel       selection
	mods      fyne.KeyModifier
	buttons   int // mouse buttons held, for motion reports (bit per button)
	lastClick time.Time
	clicks    int
	title     string
	blinkOn   bool
	answer    bool
	pred      predictor
}

// New returns a Terminal with an 80x24 screen and nothing attached.
func New() *Terminal {
	t := &Terminal{kick: make(chan struct{}, 1), cols: 80, rows: 24, blinkOn: true}
	t.grid.Store(80<<32 | 24)
	t.screen = vt.New(80, 24, vt.Options{Reply: t.onReply})
	t.ExtendBaseWidget(t)
	return t
}

// Screen returns the emulator the widget draws.
func (t *Terminal) Screen() *vt.Screen { return t.screen }

// AnswerQueries makes the widget answer terminal queries (cursor position, device
// attributes) itself. Turn it on for a plain SSH channel; leave it off for a Duet
// session, whose host answers once for everybody.
func (t *Terminal) AnswerQueries(on bool) {
	t.mu.Lock()
	t.answer = on
	t.mu.Unlock()
}

func (t *Terminal) onReply(p []byte) {
	// Called with the screen locked, from Write on the reader goroutine.
	t.mu.Lock()
	if t.answer && t.input != nil {
		t.input.push(append([]byte(nil), p...))
	}
	t.mu.Unlock()
}

// Attach shows s in the widget: its output is drawn, typing goes to it, and the grid size
// is sent to it now and whenever it changes. A stream already attached is closed first.
func (t *Terminal) Attach(s Stream) {
	t.Detach()
	t.queued.Store(false) // a frame asked for before a Detach was never drawn
	_, t.sized = s.(sizedStream)
	if f, ok := s.(gridFollower); !t.sized || ok && f.FollowsGrid() {
		if c, r := t.screen.Size(); c != t.cols || r != t.rows {
			t.screen.Resize(t.cols, t.rows) // a sized stream had set another size
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	in := newInputQueue()
	resizes := make(chan [2]int, 1)
	resizes <- [2]int{t.cols, t.rows}
	t.mu.Lock()
	t.stream, t.cancel, t.input, t.resizes = s, cancel, in, resizes
	t.mu.Unlock()

	t.reader.Add(1)
	go func() { defer t.reader.Done(); t.readLoop(ctx, s) }()
	t.loops.Add(4)
	go func() { defer t.loops.Done(); t.writeLoop(s, in) }()
	go func() { defer t.loops.Done(); t.resizeLoop(ctx, s, resizes) }()
	go func() { defer t.loops.Done(); t.frameLoop(ctx) }()
	go func() { defer t.loops.Done(); t.blinkLoop(ctx) }()
}

// blinkInterval is how long a blinking cursor stays on, and off.
const blinkInterval = 530 * time.Millisecond

// blinkLoop blinks the cursor of a focused terminal whose cursor style blinks.
func (t *Terminal) blinkLoop(ctx context.Context) {
	tick := time.NewTicker(blinkInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			runOnUI(func() {
				if t.focused && blinks(t.snap) {
					t.blinkOn = !t.blinkOn
					t.Refresh()
				} else if !t.blinkOn {
					t.blinkOn = true
					t.Refresh()
				}
			})
		}
	}
}

// resizeLoop tells the stream the grid size (possibly network I/O, so never on the UI
// goroutine); only the latest size waiting matters.
func (t *Terminal) resizeLoop(ctx context.Context, s Stream, sizes <-chan [2]int) {
	for {
		select {
		case <-ctx.Done():
			return
		case sz := <-sizes:
			_ = s.Resize(sz[0], sz[1])
		}
	}
}

// Detach closes the attached stream, if any, and waits for the widget's goroutines.
func (t *Terminal) Detach() {
	t.mu.Lock()
	s, cancel, in := t.stream, t.cancel, t.input
	t.stream, t.cancel, t.input, t.resizes = nil, nil, nil, nil
	t.mu.Unlock()
	if s == nil {
		return
	}
	cancel()
	in.close()
	t.loops.Wait()
	_ = s.Close()
	t.reader.Wait()
}

func (t *Terminal) readLoop(ctx context.Context, s Stream) {
	buf := make([]byte, 64<<10)
	sized, _ := s.(sizedStream)
	for {
		var n int
		var err error
		if sized != nil {
			var cols, rows int
			n, cols, rows, err = sized.ReadSized(buf)
			if c, r := t.screen.Size(); cols > 0 && rows > 0 && (c != cols || r != rows) {
				t.screen.Resize(cols, rows) // where the session's size changed
				t.requestFrame()
				runOnUI(func() {
					if t.OnScreenResize != nil {
						t.OnScreenResize(cols, rows)
					}
				})
			}
		} else {
			n, err = s.Read(buf)
		}
		if n > 0 {
			t.screen.Write(buf[:n])
			t.requestFrame()
		}
		if err != nil {
			if ctx.Err() == nil { // not detached on purpose
				if errors.Is(err, io.EOF) {
					err = nil
				}
				runOnUI(func() {
					if t.OnExit != nil {
						t.OnExit(err)
					}
				})
			}
			return
		}
	}
}

func (t *Terminal) writeLoop(s Stream, in *inputQueue) {
	for {
		b, ok := in.take()
		if !ok {
			return
		}
		if _, err := s.Write(b); err != nil {
			return
		}
	}
}

// requestFrame asks for a draw without ever blocking the caller.
func (t *Terminal) requestFrame() {
	if t.queued.CompareAndSwap(false, true) {
		select {
		case t.kick <- struct{}{}:
		default:
		}
	}
}

func (t *Terminal) frameLoop(ctx context.Context) {
	var last time.Time
	timer := time.NewTimer(0)
	<-timer.C
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.kick:
		}
		if wait := frameInterval - time.Since(last); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
		}
		runOnUI(func() {
			t.queued.Store(false) // output from now on asks for another frame
			t.Refresh()
		})
		last = time.Now()
	}
}

// send queues input for the stream; typing also returns the view to the bottom and
// shows the cursor.
func (t *Terminal) send(b []byte) {
	if len(b) == 0 {
		return
	}
	t.blinkOn = true
	t.mu.Lock()
	in := t.input
	t.mu.Unlock()
	if in != nil {
		in.push(b)
	}
	if t.scrollOff != 0 {
		t.scrollOff = 0
		t.Refresh()
	}
}

// Frames returns how many times the widget's image was painted.
func (t *Terminal) Frames() uint64 { return t.frames.Load() }

// CreateRenderer is part of fyne.Widget.
func (t *Terminal) CreateRenderer() fyne.WidgetRenderer {
	return newRenderer(t)
}

// MinSize keeps a usable minimum of 2x1 cells.
func (t *Terminal) MinSize() fyne.Size {
	t.ExtendBaseWidget(t)
	cs := t.cell()
	return fyne.NewSize(cs.Width*2, cs.Height)
}

// cell returns the size of one character cell for the current theme.
func (t *Terminal) cell() fyne.Size {
	size := t.Theme().Size(theme.SizeNameText)
	if size != t.textSize || t.cellSize.IsZero() {
		t.textSize = size
		t.cellSize = fyne.MeasureText("M", size, fyne.TextStyle{Monospace: true})
	}
	return t.cellSize
}

// Resize is part of fyne.Widget: the grid follows the widget's size.
func (t *Terminal) Resize(s fyne.Size) {
	t.BaseWidget.Resize(s)
	cs := t.cell()
	if s.Width < cs.Width || s.Height < cs.Height {
		// Not laid out yet (a layout pass before the window has its size): a grid of 1x1
		// would shrink a shared session, and what its screen shows, for nothing.
		return
	}
	cols, rows := int(s.Width/cs.Width), int(s.Height/cs.Height)
	if cols == t.cols && rows == t.rows {
		return
	}
	t.cols, t.rows = cols, rows
	t.grid.Store(uint64(cols)<<32 | uint64(rows))
	if !t.sized || t.followsGrid() {
		t.screen.Resize(cols, rows) // a sized stream's output sets the screen's size
	}
	t.mu.Lock()
	if t.resizes != nil {
		select { // replace a size not sent yet
		case <-t.resizes:
		default:
		}
		t.resizes <- [2]int{cols, rows}
	}
	t.mu.Unlock()
	if t.OnResize != nil {
		t.OnResize(cols, rows)
	}
	t.Refresh()
}

// FocusGained is part of fyne.Focusable.
func (t *Terminal) FocusGained() {
	t.focused = true
	if t.modes().FocusEvents {
		t.send(encodeFocus(true))
	}
	t.Refresh()
}

// FocusLost is part of fyne.Focusable.
func (t *Terminal) FocusLost() {
	t.focused = false
	t.mods = 0
	if t.modes().FocusEvents {
		t.send(encodeFocus(false))
	}
	t.Refresh()
}

// AcceptsTab is part of fyne.Tabbable: Tab goes to the program, not to focus traversal.
func (t *Terminal) AcceptsTab() bool { return true }

// TypedRune is part of fyne.Focusable: printable text in any layout, IME text included.
func (t *Terminal) TypedRune(r rune) {
	if t.scrollOff == 0 && t.pred.typed(r, &t.snap, t.drawnCols(), time.Now()) {
		t.Refresh()
	}
	var b [utf8.UTFMax]byte
	n := utf8.EncodeRune(b[:], r)
	t.send(append([]byte(nil), b[:n]...))
}

// TypedKey is part of fyne.Focusable: keys that are not text.
func (t *Terminal) TypedKey(ev *fyne.KeyEvent) {
	if t.mods&fyne.KeyModifierShift != 0 {
		switch ev.Name {
		case fyne.KeyPageUp:
			t.scrollBy(t.rows - 1)
			return
		case fyne.KeyPageDown:
			t.scrollBy(-(t.rows - 1))
			return
		}
	}
	if len(ev.Name) == 1 || ev.Name == fyne.KeySpace {
		return // text arrives as TypedRune
	}
	if len(t.pred.pending) > 0 {
		t.pred.drop() // the host's echo of other keys is not predicted
		t.Refresh()
	}
	t.send(encodeKey(ev.Name, t.mods, t.modes()))
}

// KeyDown is part of desktop.Keyable; it tracks the modifiers.
func (t *Terminal) KeyDown(ev *fyne.KeyEvent) { t.mods |= modifierOf(ev.Name) }

// KeyUp is part of desktop.Keyable.
func (t *Terminal) KeyUp(ev *fyne.KeyEvent) { t.mods &^= modifierOf(ev.Name) }

func modifierOf(k fyne.KeyName) fyne.KeyModifier {
	switch k {
	case desktop.KeyShiftLeft, desktop.KeyShiftRight:
		return fyne.KeyModifierShift
	case desktop.KeyControlLeft, desktop.KeyControlRight:
		return fyne.KeyModifierControl
	case desktop.KeyAltLeft, desktop.KeyAltRight:
		return fyne.KeyModifierAlt
	case desktop.KeySuperLeft, desktop.KeySuperRight:
		return fyne.KeyModifierSuper
	}
	return 0
}

func (t *Terminal) modes() vt.Modes { return t.screen.Modes() }

// Paste types text into the terminal as a paste (bracketed when the program asked).
func (t *Terminal) Paste(text string) {
	if text != "" {
		t.send(encodePaste(text, t.modes()))
	}
}
