package terminal

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Scrollbar shows where a Terminal's view is in its scrollback and moves it: drag the
// thumb, or click above or below it to page. Its thumb is hidden while there is no
// scrollback (and on the alternate screen, which has none); the bar keeps its width, so
// that the terminal's size does not change with it. Place it beside the terminal.
type Scrollbar struct {
	widget.BaseWidget
	t *Terminal

	// UI goroutine only.
	off, back, rows int     // the terminal's view as last drawn
	dragFrom        float32 // where a drag started, in the bar
	dragOff         int     // the offset then
	hovered         bool
}

// scrollbarWidth is the bar's width, in Fyne's units.
const scrollbarWidth = 10

// NewScrollbar returns the scrollbar of t.
func NewScrollbar(t *Terminal) *Scrollbar {
	s := &Scrollbar{t: t}
	s.ExtendBaseWidget(s)
	t.scrollHook = s.update
	return s
}

// ScrollOffset returns how many lines the view is scrolled back, and how many lines the
// scrollback holds.
func (t *Terminal) ScrollOffset() (off, scrollback int) { return t.scrollOff, t.snap.Scrollback }

// ScrollTo scrolls the view back off lines (0: the bottom, following output).
func (t *Terminal) ScrollTo(off int) { t.scrollBy(off - t.scrollOff) }

// update follows the terminal's view; it runs on the UI goroutine when the terminal
// draws.
func (s *Scrollbar) update() {
	t := s.t
	off, back, rows := t.scrollOff, t.snap.Scrollback, t.snap.Rows
	if t.snap.AltScreen {
		back = 0
	}
	if off == s.off && back == s.back && rows == s.rows {
		return
	}
	s.off, s.back, s.rows = off, back, rows
	s.Refresh()
}

// thumb returns the thumb's top and height in a bar of height h.
func (s *Scrollbar) thumb(h float32) (top, height float32) {
	total := float32(s.back + s.rows)
	height = max(h*float32(s.rows)/total, 16)
	// off 0 is the bottom; off == back is the top.
	top = (h - height) * float32(s.back-s.off) / float32(max(s.back, 1))
	return top, height
}

// Active reports whether there is scrollback to scroll through (the thumb shows).
func (s *Scrollbar) Active() bool { return s.back > 0 }

// Dragged is part of fyne.Draggable: the thumb follows the pointer.
func (s *Scrollbar) Dragged(ev *fyne.DragEvent) {
	if s.back == 0 {
		return
	}
	if s.dragFrom < 0 {
		s.dragFrom, s.dragOff = ev.Position.Y-ev.Dragged.DY, s.off
	}
	h := s.Size().Height
	_, height := s.thumb(h)
	lines := (ev.Position.Y - s.dragFrom) / max(h-height, 1) * float32(s.back)
	s.t.ScrollTo(min(max(s.dragOff-int(lines), 0), s.back))
}

// DragEnd is part of fyne.Draggable.
func (s *Scrollbar) DragEnd() { s.dragFrom = -1 }

// Tapped is part of fyne.Tappable: a click above the thumb pages up, below it down.
func (s *Scrollbar) Tapped(ev *fyne.PointEvent) {
	if s.back == 0 {
		return
	}
	top, height := s.thumb(s.Size().Height)
	page := max(s.rows-1, 1)
	switch {
	case ev.Position.Y < top:
		s.t.ScrollTo(min(s.off+page, s.back))
	case ev.Position.Y > top+height:
		s.t.ScrollTo(max(s.off-page, 0))
	}
}

// MouseIn is part of desktop.Hoverable: the thumb shows it can be grabbed.
func (s *Scrollbar) MouseIn(*desktop.MouseEvent) { s.hovered = true; s.Refresh() }

// MouseMoved is part of desktop.Hoverable.
func (s *Scrollbar) MouseMoved(*desktop.MouseEvent) {}

// MouseOut is part of desktop.Hoverable.
func (s *Scrollbar) MouseOut() { s.hovered = false; s.Refresh() }

// CreateRenderer is part of fyne.Widget.
func (s *Scrollbar) CreateRenderer() fyne.WidgetRenderer {
	s.dragFrom = -1
	r := &scrollbarRenderer{s: s, thumb: canvas.NewRectangle(theme.Color(theme.ColorNameScrollBar))}
	r.thumb.CornerRadius = 3
	return r
}

type scrollbarRenderer struct {
	s     *Scrollbar
	thumb *canvas.Rectangle
}

func (r *scrollbarRenderer) Layout(size fyne.Size) {
	top, height := r.s.thumb(size.Height)
	r.thumb.Move(fyne.NewPos(2, top))
	r.thumb.Resize(fyne.NewSize(size.Width-4, height))
}

func (r *scrollbarRenderer) MinSize() fyne.Size { return fyne.NewSize(scrollbarWidth, 0) }

func (r *scrollbarRenderer) Refresh() {
	name := theme.ColorNameScrollBar
	if r.s.hovered || r.s.off > 0 {
		name = theme.ColorNameForeground
	}
	r.thumb.FillColor = r.s.Theme().Color(name, fyne.CurrentApp().Settings().ThemeVariant())
	r.thumb.Hidden = !r.s.Active()
	r.Layout(r.s.Size())
	r.thumb.Refresh()
}

func (r *scrollbarRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.thumb} }

func (r *scrollbarRenderer) Destroy() {}
