package app

import (
	"fyne.io/fyne/v2"

	"github.com/duetpair/duet/terminal"
)

// The widths of the window's columns, in Fyne's units (FYNE_SCALE multiplies them).
const (
	leftWidth    = 230 // the session list
	leftMinWidth = 160 // the session list on a narrow window
	rightWidth   = 331 // the share and partners panel, with its separator
	// centreMinWidth is the narrowest the terminal gets (about 50 columns at the default
	// text size): partners inherit the host's size, so the panels give way first.
	centreMinWidth  = 420
	centreMinHeight = 200
)

// windowLayout lays out the window's three columns: the session list, the centre and the
// right panel. The centre never gets narrower than centreMinWidth: on a narrow window
// (800×600, or FYNE_SCALE=2 on a laptop) the right panel, when shown, floats over the
// centre's right side instead of taking room from the terminal, and the list narrows.
// The floating panel starts below the centre's header (top), whose buttons (the one that
// hides the panel among them) stay in reach. Its objects are the list, the centre and
// the right panel, in that order.
type windowLayout struct{ top fyne.CanvasObject }

// docked reports whether the right panel takes room of its own at width w.
func docked(w float32) bool { return w-leftWidth-rightWidth >= centreMinWidth }

func (l windowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	left, centre, right := objs[0], objs[1], objs[2]
	lw := float32(leftWidth)
	if size.Width-lw < centreMinWidth {
		lw = max(leftMinWidth, size.Width-centreMinWidth)
	}
	left.Move(fyne.NewPos(0, 0))
	left.Resize(fyne.NewSize(lw, size.Height))
	cw := size.Width - lw
	if right.Visible() {
		rw := min(float32(rightWidth), size.Width-lw)
		y := float32(0)
		if docked(size.Width) {
			cw -= rw
		} else if l.top != nil {
			y = l.top.MinSize().Height
		}
		right.Move(fyne.NewPos(size.Width-rw, y))
		right.Resize(fyne.NewSize(rw, size.Height-y))
	}
	centre.Move(fyne.NewPos(lw, 0))
	centre.Resize(fyne.NewSize(max(cw, 0), size.Height))
}

func (windowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(leftMinWidth+centreMinWidth, max(objs[0].MinSize().Height, centreMinHeight))
}

// shadeLayout puts the card that explains the shade in the shaded part of the terminal,
// so that it covers none of the session: below the session's rows if it fits there,
// else right of its columns, else at the bottom right.
// covered returns how much of the terminal's right side a floating panel covers.
type shadeLayout struct {
	term    *terminal.Terminal
	covered func() float32
}

const shadeCardWidth = 360

func (l shadeLayout) Layout(objs []fyne.CanvasObject, full fyne.Size) {
	gc, gr := l.term.GridSize()
	size := full
	if l.covered != nil {
		size.Width = max(full.Width-l.covered(), min(full.Width, 200))
	}
	sc, sr := l.term.ScreenSize()
	cw, ch := full.Width/float32(max(gc, 1)), full.Height/float32(max(gr, 1))
	below := size.Height - float32(sr)*ch
	right := size.Width - float32(sc)*cw
	for _, o := range objs {
		w := min(shadeCardWidth, size.Width)
		inRight := sc < gc && right >= 200
		if inRight && !(sr < gr) {
			w = min(w, right)
		}
		o.Resize(fyne.NewSize(w, o.MinSize().Height)) // a wrapping label's height follows its width
		h := o.MinSize().Height
		switch {
		case sr < gr && below >= h:
			o.Move(fyne.NewPos(0, size.Height-h))
		case inRight:
			w = min(w, right)
			o.Resize(fyne.NewSize(w, o.MinSize().Height))
			h = o.MinSize().Height
			o.Move(fyne.NewPos(size.Width-w, 0))
		default:
			o.Move(fyne.NewPos(size.Width-w, size.Height-h))
		}
		o.Resize(fyne.NewSize(w, h))
	}
}

func (shadeLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }
