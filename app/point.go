package app

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/duetpair/duet/sessions/wire"
	"github.com/duetpair/duet/terminal"
)

// markFor is how long a point is highlighted.
const markFor = 3 * time.Second

// pointMarks is "point here": armed by the strip's Point button, the next click on the
// terminal points at that cell (catcher); every participant's point is highlighted
// (the line, the cell stronger, the name beside it) for markFor in every Duet window.
type pointMarks struct {
	v       *pairView
	layer   *fyne.Container // over the terminal: the marks
	line    *canvas.Rectangle
	cell    *canvas.Rectangle
	who     *canvas.Text
	catcher *pointCatcher
	col     int
	row     int
	shown   int // counts marks, so that a stale timer does not hide a newer one
}

func newPointMarks(v *pairView) *pointMarks {
	m := &pointMarks{v: v}
	m.line = canvas.NewRectangle(color.NRGBA{R: 0xff, G: 0xc1, B: 0x07, A: 0x50})
	m.cell = canvas.NewRectangle(color.NRGBA{R: 0xff, G: 0x98, B: 0x00, A: 0xa0})
	m.cell.StrokeColor = color.NRGBA{R: 0xe6, G: 0x51, B: 0x00, A: 0xff}
	m.cell.StrokeWidth = 2
	m.who = canvas.NewText("", color.NRGBA{R: 0xe6, G: 0x51, B: 0x00, A: 0xff})
	m.who.TextStyle = fyne.TextStyle{Bold: true}
	m.layer = container.New(markLayout{m: m}, m.line, m.cell, m.who)
	m.layer.Hide()
	m.catcher = &pointCatcher{onTap: m.tapped}
	m.catcher.ExtendBaseWidget(m.catcher)
	m.catcher.Hide()
	return m
}

// arm makes the next click on the terminal a point; the Point button again disarms.
func (m *pointMarks) arm() {
	if m.catcher.Visible() {
		m.catcher.Hide()
		m.v.pointBt.Importance = widget.LowImportance
	} else {
		m.catcher.Show()
		m.v.pointBt.Importance = widget.HighImportance
	}
	m.v.pointBt.Refresh()
}

// tapped points at the cell under p.
func (m *pointMarks) tapped(p fyne.Position) {
	m.arm()
	col, row, ok := cellUnder(m.v.e.term, p)
	if ok {
		m.v.act.point(col, row)
	}
}

// cellUnder returns the cell of the session's screen at p in the terminal, false
// outside it (the shaded part of a smaller session).
func cellUnder(t *terminal.Terminal, p fyne.Position) (col, row int, ok bool) {
	gc, gr := t.GridSize()
	sc, sr := t.ScreenSize()
	size := t.Size()
	if gc <= 0 || gr <= 0 {
		return 0, 0, false
	}
	col, row = int(p.X/(size.Width/float32(gc))), int(p.Y/(size.Height/float32(gr)))
	return col, row, col >= 0 && row >= 0 && col < sc && row < sr
}

// showPoint highlights a participant's point for markFor.
func (v *pairView) showPoint(p wire.Point) {
	m := v.mark
	m.col, m.row = p.Col, p.Row
	m.who.Text = " " + p.Name
	m.layer.Show()
	m.layer.Refresh()
	m.shown++
	shown := m.shown
	v.e.u.after(markFor, func() {
		if m.shown == shown {
			m.layer.Hide()
		}
	})
}

// markLayout puts the marks on the point's line and cell of the terminal under it.
type markLayout struct{ m *pointMarks }

func (l markLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	m := l.m
	gc, gr := m.v.e.term.GridSize()
	sc, _ := m.v.e.term.ScreenSize()
	cw, ch := size.Width/float32(max(gc, 1)), size.Height/float32(max(gr, 1))
	y := float32(m.row) * ch
	m.line.Move(fyne.NewPos(0, y))
	m.line.Resize(fyne.NewSize(float32(max(sc, 1))*cw, ch))
	m.cell.Move(fyne.NewPos(float32(m.col)*cw, y))
	m.cell.Resize(fyne.NewSize(cw, ch))
	ws := m.who.MinSize()
	x := float32(m.col+1) * cw
	if x+ws.Width > size.Width {
		x = max(float32(m.col)*cw-ws.Width, 0)
	}
	wy := y - ws.Height
	if wy < 0 {
		wy = y + ch
	}
	m.who.Move(fyne.NewPos(x, wy))
	m.who.Resize(ws)
}

func (markLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }

// pointCatcher covers the terminal while "point here" is armed: a click there points,
// and reaches neither the program nor the selection.
type pointCatcher struct {
	widget.BaseWidget
	onTap func(fyne.Position)
}

func (c *pointCatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.NRGBA{A: 0x10}))
}

// Tapped is part of fyne.Tappable.
func (c *pointCatcher) Tapped(ev *fyne.PointEvent) { c.onTap(ev.Position) }

// Cursor is part of desktop.Cursorable.
func (c *pointCatcher) Cursor() desktop.Cursor { return desktop.CrosshairCursor }
