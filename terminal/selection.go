package terminal

import (
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/duetpair/duet/terminal/vt"
)

// pos is a cell in a numbering that does not move as output scrolls: line is
// vt.Snapshot.Scrolled + row for a screen row (scrollback lines come before).
type pos struct {
	col  int
	line uint64
}

func (a pos) before(b pos) bool { return a.line < b.line || a.line == b.line && a.col < b.col }

type selectMode int

const (
	selectChars selectMode = iota
	selectWords
	selectLines
)

// selection is the span between anchor and head, inclusive, in reading order.
type selection struct {
	active       bool
	anchor, head pos
	mode         selectMode
}

func (s selection) ordered() (pos, pos) {
	if s.head.before(s.anchor) {
		return s.head, s.anchor
	}
	return s.anchor, s.head
}

// cellAt maps a position in the widget to a grid cell and its stable line.
func (t *Terminal) cellAt(p fyne.Position) (col, row int, at pos) {
	cs := t.cell()
	// The screen's cells: a smaller session's screen ends before the grid does.
	col = min(max(int(p.X/cs.Width), 0), min(t.cols, max(t.snap.Cols, 1))-1)
	row = min(max(int(p.Y/cs.Height), 0), min(t.rows, max(t.snap.Rows, 1))-1)
	return col, row, pos{col: col, line: t.snap.Scrolled - uint64(t.scrollOff) + uint64(row)}
}

// viewLine returns the cells of a stable line and whether it wraps onto the next, or
// false when it has left the scrollback.
func (t *Terminal) viewLine(line uint64) ([]vt.Cell, bool, bool) {
	first := t.snap.Scrolled - uint64(t.snap.Scrollback)
	if line < first {
		return nil, false, false
	}
	i := int(line - first)
	if i < t.snap.Scrollback {
		cells, wrapped := t.screen.Scrollback(i, nil)
		return cells, wrapped, true
	}
	y := i - t.snap.Scrollback
	if y >= len(t.snap.Lines) {
		return nil, false, false
	}
	return t.snap.Lines[y], t.snap.Wrapped[y], true
}

// SelectedText returns the selected text; wrapped lines join without a line break and
// trailing blanks are dropped.
func (t *Terminal) SelectedText() string {
	if !t.sel.active {
		return ""
	}
	from, to := t.sel.ordered()
	if t.sel.mode == selectLines {
		from.col, to.col = 0, 1<<30
	}
	var b strings.Builder
	for line := from.line; line <= to.line; line++ {
		cells, wrapped, ok := t.viewLine(line)
		if !ok {
			continue
		}
		start, end := 0, len(cells)
		if line == from.line {
			start = min(from.col, len(cells))
		}
		if line == to.line {
			end = min(to.col+1, len(cells))
		}
		var lb strings.Builder
		for _, c := range cells[start:end] {
			switch {
			case c.IsWideTail():
			case c.Empty():
				lb.WriteByte(' ')
			default:
				lb.WriteString(c.String())
			}
		}
		text := lb.String()
		if !wrapped || line == to.line {
			text = strings.TrimRight(text, " ")
		}
		b.WriteString(text)
		if line != to.line && !wrapped {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func isWordChar(s string) bool {
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_./~:@%+#=?&", r)) {
			return false
		}
	}
	return s != ""
}

// expandWord grows a selection point to the word around it.
func (t *Terminal) expandWord(p pos) (pos, pos) {
	cells, _, ok := t.viewLine(p.line)
	if !ok || p.col >= len(cells) || !isWordChar(cells[p.col].String()) {
		return p, p
	}
	a, b := p.col, p.col
	for a > 0 && (isWordChar(cells[a-1].String()) || cells[a-1].IsWideTail()) {
		a--
	}
	for b+1 < len(cells) && (isWordChar(cells[b+1].String()) || cells[b+1].IsWideTail()) {
		b++
	}
	return pos{a, p.line}, pos{b, p.line}
}

// mouseReporting says whether mouse events go to the program (Shift overrides it).
func (t *Terminal) mouseReporting(mods fyne.KeyModifier) bool {
	return t.modes().Mouse != vt.MouseNone && mods&fyne.KeyModifierShift == 0
}

func buttonCode(b desktop.MouseButton) int {
	switch b {
	case desktop.MouseButtonSecondary:
		return mouseRight
	case desktop.MouseButtonTertiary:
		return mouseMiddle
	}
	return mouseLeft
}

// MouseDown is part of desktop.Mouseable.
func (t *Terminal) MouseDown(ev *desktop.MouseEvent) {
	if c := fyne.CurrentApp(); c != nil {
		if cv := c.Driver().CanvasForObject(t); cv != nil {
			cv.Focus(t)
		}
	}
	col, row, at := t.cellAt(ev.Position)
	if t.mouseReporting(ev.Modifier) {
		code := buttonCode(ev.Button)
		t.buttons |= 1 << code
		t.send(encodeMouse(code, mousePress, col, row, ev.Modifier, t.modes()))
		return
	}
	switch ev.Button {
	case desktop.MouseButtonTertiary:
		if text := t.SelectedText(); text != "" {
			t.Paste(text)
		} else {
			t.pasteFrom(nil)
		}
		return
	case desktop.MouseButtonPrimary:
	default:
		return
	}
	now := time.Now()
	if now.Sub(t.lastClick) < 400*time.Millisecond && t.sel.anchor.line == at.line {
		t.clicks++
	} else {
		t.clicks = 1
	}
	t.lastClick = now
	switch t.clicks {
	case 1:
		t.sel = selection{anchor: at, head: at}
	case 2:
		a, b := t.expandWord(at)
		t.sel = selection{active: true, anchor: a, head: b, mode: selectWords}
	default:
		t.sel = selection{active: true, anchor: at, head: at, mode: selectLines}
	}
	t.Refresh()
}

// MouseUp is part of desktop.Mouseable.
func (t *Terminal) MouseUp(ev *desktop.MouseEvent) {
	if t.buttons != 0 {
		col, row, _ := t.cellAt(ev.Position)
		code := buttonCode(ev.Button)
		t.buttons &^= 1 << code
		t.send(encodeMouse(code, mouseRelease, col, row, ev.Modifier, t.modes()))
	}
}

// Dragged is part of fyne.Draggable: it extends the selection, or reports motion.
func (t *Terminal) Dragged(ev *fyne.DragEvent) {
	col, row, at := t.cellAt(ev.Position)
	if t.buttons != 0 {
		code := mouseLeft
		for t.buttons&(1<<code) == 0 && code < mouseNone {
			code++
		}
		t.send(encodeMouse(code, mouseMotion, col, row, t.mods, t.modes()))
		return
	}
	t.sel.active = true
	if t.sel.mode == selectWords {
		_, t.sel.head = t.expandWord(at)
		if at.before(t.sel.anchor) {
			t.sel.head, _ = t.expandWord(at)
		}
	} else {
		t.sel.head = at
	}
	t.Refresh()
}

// DragEnd is part of fyne.Draggable.
func (t *Terminal) DragEnd() {}

// MouseIn is part of desktop.Hoverable.
func (t *Terminal) MouseIn(*desktop.MouseEvent) {}

// MouseMoved is part of desktop.Hoverable: motion reports in any-event mode.
func (t *Terminal) MouseMoved(ev *desktop.MouseEvent) {
	if t.buttons == 0 && t.modes().Mouse == vt.MouseAny {
		col, row, _ := t.cellAt(ev.Position)
		t.send(encodeMouse(mouseNone, mouseMotion, col, row, ev.Modifier, t.modes()))
	}
}

// MouseOut is part of desktop.Hoverable.
func (t *Terminal) MouseOut() {}

// Scrolled is part of fyne.Scrollable: the wheel goes to the program when it asked for
// the mouse, becomes arrow keys on the alternate screen, and scrolls back otherwise.
func (t *Terminal) Scrolled(ev *fyne.ScrollEvent) {
	notches := int(ev.Scrolled.DY / 10)
	if notches == 0 {
		if ev.Scrolled.DY > 0 {
			notches = 1
		} else if ev.Scrolled.DY < 0 {
			notches = -1
		}
	}
	if notches == 0 {
		return
	}
	m := t.modes()
	col, row, _ := t.cellAt(ev.Position)
	switch {
	case t.mouseReporting(t.mods):
		code := mouseWheelUp
		if notches < 0 {
			code = mouseWheelDown
		}
		for range abs(notches) {
			t.send(encodeMouse(code, mousePress, col, row, t.mods, m))
		}
	case t.snap.AltScreen:
		key := fyne.KeyUp
		if notches < 0 {
			key = fyne.KeyDown
		}
		for range 3 * abs(notches) {
			t.send(encodeKey(key, 0, m))
		}
	default:
		t.scrollBy(3 * notches)
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// scrollBy moves the view n lines back into the scrollback (negative: towards the bottom).
func (t *Terminal) scrollBy(n int) {
	off := min(max(t.scrollOff+n, 0), t.snap.Scrollback)
	if off != t.scrollOff {
		t.scrollOff = off
		t.Refresh()
	}
}
