package vt

import "sync"

// DefaultScrollback is how many lines of the primary screen are kept once they scroll off.
const DefaultScrollback = 5000

// Options configure a Screen. The zero value is usable.
type Options struct {
	// Scrollback is the number of lines kept above the primary screen: 0 means
	// DefaultScrollback, a negative value keeps none.
	Scrollback int
	// Reply receives the terminal's answers to queries (the sequences AnswersQuery lists:
	// DA, DSR, CPR, DECRQM, DECRQSS, colour questions...): bytes that a terminal would send
	// back to the program. It is called with the Screen's
	// lock held, so it must not call back into the Screen; it must copy p if it keeps it.
	Reply func(p []byte)
}

// Screen is a terminal without a display: feed it a program's output with Write and read
// the result with Snapshot, Text, CellAt or Repaint.
//
// All methods are safe for concurrent use. Write holds the Screen's lock for the whole
// call, so a reader (Snapshot) sees the screen between two Writes, never half-way through
// one; the terminal widget calls Snapshot from its draw goroutine while a reader goroutine
// calls Write.
type Screen struct {
	mu sync.Mutex

	// Everything below is guarded by mu.
	cols, rows int
	prim, alt  buffer
	cur        *buffer // &prim or &alt
	altActive  bool
	history    history
	scrolled   uint64 // lines that ever left the top of the primary screen

	cursor
	top, bottom int // scroll region, inclusive rows
	left, right int // left and right margins (DECSLRM), inclusive columns
	// sized is set once a line was made double width or height (until RIS): while it is
	// not, no line's size needs looking at.
	sized       bool
	modes       Modes
	tabs        []bool
	cursorStyle int // DECSCUSR value, 0-6
	level       int // conformance level (DECSCL): 61 VT100 ... 65 VT500
	// protect is the protection in force (xterm's protected_mode): none until DECSCA or
	// SPA is used; after SPA even ED, EL and ECH spare protected cells.
	protect protectMode
	// rectStream is DECSACE 1... (0 or 1: stream), 2: rectangle, for DECCARA and DECRARA.
	rectExtent bool

	title, iconName, cwd string
	clipboard            string // last OSC 52 payload "sel;base64", kept not acted on
	bell                 uint64

	dirty    []bool
	allDirty bool
	changed  bool

	parser
	reply func([]byte)

	// Rarely used state, last, so the fields printing uses share cache lines.
	// savedModes are the private modes XTSAVE kept, for XTRESTORE.
	savedModes map[int]bool
	// colors are the palette and dynamic colours programs change with OSC 4 and 10-19
	// (see colors.go).
	colors colorState
}

// buffer is one of the two screens, with the cursor state DECSC saved while it was active.
type buffer struct {
	lines []line
	saved savedCursor
}

type line struct {
	cells []Cell
	// wrapped is set when autowrap carried the text from this line onto the next.
	wrapped bool
	// attr is the line's size (DECSWL, DECDWL, DECDHL).
	attr LineSize
}

// protectMode is which protection selective erases (and, for ISO, all erases) honour.
type protectMode uint8

const (
	protectOff protectMode = iota
	protectDEC             // DECSCA was used
	protectISO             // SPA was used
)

// iso reports whether every erase spares protected cells. Otherwise the modes differ
// only in how a selective erase leaves unprotected cells, which a repaint does not keep
// apart (it uses DECSCA on every terminal).
func (p protectMode) iso() bool { return p == protectISO }

// LineSize is a line's size: single, double width, or a half of double height (a
// double-width line twice as tall, drawn in two rows). A double-width or double-height
// row shows the first half of its cells, each two cells wide.
type LineSize uint8

// Line sizes.
const (
	LineSingle       LineSize = iota // DECSWL, ESC # 5
	LineDoubleWidth                  // DECDWL, ESC # 6
	LineDoubleTop                    // DECDHL top half, ESC # 3
	LineDoubleBottom                 // DECDHL bottom half, ESC # 4
)

// cursor is the position and the pen new characters are drawn with.
type cursor struct {
	x, y int
	// wrapnext is xterm's pending wrap: a character was printed in the last column and the
	// next printable character goes to the start of the next line.
	wrapnext bool
	pen      Style
	charsets [4]byte // designated G0-G3: 'B' ASCII, '0' DEC special graphics, 'A' UK
	gl       uint8   // which of G0-G3 is invoked into GL (SI, SO, LS2, LS3)
	// ss is 2 or 3 after a single shift (SS2, SS3): the next character comes from G2 or G3.
	ss uint8
}

type savedCursor struct {
	valid  bool
	cursor cursor
	origin bool
}

// New returns a Screen of cols x rows cells (each at least 1).
func New(cols, rows int, opt Options) *Screen {
	cols, rows = clampSize(cols, rows)
	s := &Screen{reply: opt.Reply}
	n := opt.Scrollback
	switch {
	case n == 0:
		n = DefaultScrollback
	case n < 0:
		n = 0
	}
	s.history.max = n
	s.cols, s.rows = cols, rows
	s.prim.lines = newLines(cols, rows)
	s.alt.lines = newLines(cols, rows)
	s.cur = &s.prim
	s.dirty = make([]bool, rows)
	s.reset()
	return s
}

const maxDim = 4096

func clampSize(cols, rows int) (int, int) {
	return min(max(cols, 1), maxDim), min(max(rows, 1), maxDim)
}

func newLines(cols, rows int) []line {
	ls := make([]line, rows)
	cells := make([]Cell, cols*rows)
	for i := range ls {
		ls[i].cells = cells[i*cols : (i+1)*cols : (i+1)*cols]
	}
	return ls
}

// reset puts the terminal in its power-on state (RIS), keeping size and scrollback.
func (s *Screen) reset() {
	s.altActive = false
	s.cur = &s.prim
	for _, b := range []*buffer{&s.prim, &s.alt} {
		for i := range b.lines {
			clearCells(b.lines[i].cells, Style{})
			b.lines[i].wrapped = false
			b.lines[i].attr = LineSingle
		}
		b.saved = savedCursor{}
	}
	s.cursor = cursor{charsets: [4]byte{'B', 'B', 'B', 'B'}}
	s.top, s.bottom = 0, s.rows-1
	s.left, s.right = 0, s.cols-1
	s.modes = Modes{Autowrap: true, CursorVisible: true}
	s.resetTabs()
	s.cursorStyle = 0
	s.level = defaultLevel
	s.sized = false
	s.protect, s.rectExtent = protectOff, false
	s.savedModes = nil
	s.colors.reset()
	// The title stays: it belongs to the window, not the terminal (xterm and tmux keep it).
	s.markAllDirty()
}

func (s *Screen) resetTabs() {
	s.tabs = make([]bool, s.cols)
	for i := 8; i < s.cols; i += 8 {
		s.tabs[i] = true
	}
}

func clearCells(cs []Cell, st Style) {
	b := blankCell(st)
	for i := range cs {
		cs[i] = b
	}
}

func (s *Screen) markAllDirty() {
	s.allDirty = true
	s.changed = true
}

func (s *Screen) markDirty(y int) {
	s.dirty[y] = true
	s.changed = true
}

func (s *Screen) markRange(from, to int) {
	if from == 0 && to == s.rows-1 {
		s.markAllDirty()
		return
	}
	for y := from; y <= to; y++ {
		s.dirty[y] = true
	}
	s.changed = true
}

// Write feeds program output to the terminal. It never fails and always consumes all of p;
// incomplete escape sequences and UTF-8 characters wait for the next Write.
func (s *Screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	s.write(p)
	s.mu.Unlock()
	return len(p), nil
}

// Size returns the screen's columns and rows.
func (s *Screen) Size() (cols, rows int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cols, s.rows
}

// Cursor returns the cursor's column and row (0-based) and whether it is shown.
func (s *Screen) Cursor() (x, y int, visible bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.x, s.y, s.modes.CursorVisible
}

// Modes returns the modes that change how input is encoded and how the screen is shown.
func (s *Screen) Modes() Modes {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.modes
}

// Title returns the window title set by OSC 0 or 2.
func (s *Screen) Title() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.title
}

// WorkingDir returns the last directory reported with OSC 7 (a file:// URL), or "".
func (s *Screen) WorkingDir() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cwd
}

// Clipboard returns the last OSC 52 request as "selection;base64-data". Duet keeps it and
// does not act on it: a shared program must not write to a partner's clipboard unasked.
func (s *Screen) Clipboard() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clipboard
}

// AltScreen reports whether the alternate screen is active.
func (s *Screen) AltScreen() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.altActive
}

// CursorStyle returns the DECSCUSR shape: 0 or 1 blinking block, 2 steady block,
// 3 blinking underline, 4 steady underline, 5 blinking bar, 6 steady bar.
func (s *Screen) CursorStyle() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cursorStyle
}

// Bells returns how many times the program rang the bell.
func (s *Screen) Bells() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bell
}

// CellAt returns the cell at column x, row y of the active screen (a blank cell outside).
func (s *Screen) CellAt(x, y int) Cell {
	s.mu.Lock()
	defer s.mu.Unlock()
	if x < 0 || y < 0 || x >= s.cols || y >= s.rows {
		return Cell{}
	}
	return s.cur.lines[y].cells[x]
}

// LineWrapped reports whether row y of the active screen continues on the next row
// because of autowrap (so copying text should not insert a newline there).
func (s *Screen) LineWrapped(y int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return y >= 0 && y < s.rows && s.cur.lines[y].wrapped
}
