package app

import (
	"testing"

	"fyne.io/fyne/v2"
)

// TestLayoutFits: from 800×600 up (and 720×450, a 1440×900 screen at FYNE_SCALE=2) the
// terminal keeps a usable size that partners inherit, the right panel floats over it
// rather than squeezing it, and the header's parts never overlap.
func TestLayoutFits(t *testing.T) {
	h := newHarness(t, options{})
	for _, tc := range []struct {
		w, h   float32
		docked bool
	}{
		{1240, 760, true},
		{800, 600, false},
		{720, 450, false},
		{1440, 900, true},
	} {
		h.ui(func() {
			h.w.Resize(fyne.NewSize(tc.w, tc.h))
			e := h.u.selected
			cols, rows := e.term.GridSize()
			if cols < 45 || rows < 8 {
				t.Errorf("%v×%v: terminal %d×%d, too small to share", tc.w, tc.h, cols, rows)
			}
			centre, side := h.u.centre.box, h.u.sideBox
			overlaps := centre.Position().X+centre.Size().Width > side.Position().X+1
			if !side.Visible() || overlaps == tc.docked {
				t.Errorf("%v×%v: right panel visible %v, floats over the terminal %v, want docked %v",
					tc.w, tc.h, side.Visible(), overlaps, tc.docked)
			}
			if side.Position().X+side.Size().Width > tc.w+1 {
				t.Errorf("%v×%v: right panel runs off the window", tc.w, tc.h)
			}
			if !tc.docked && side.Position().Y < h.u.centre.top.MinSize().Height {
				t.Errorf("%v×%v: the floating panel covers the header's buttons", tc.w, tc.h)
			}
			c := h.u.centre
			abs := h.a.Driver().AbsolutePositionForObject
			titleEnd := abs(c.title).X + c.title.Size().Width
			detailEnd := abs(c.detail).X + c.detail.Size().Width
			if abs(c.detail).X < titleEnd-1 || detailEnd > abs(c.closeBt).X+1 || abs(c.sideBt).X+c.sideBt.Size().Width > abs(centre).X+centre.Size().Width+1 {
				t.Errorf("%v×%v: header parts overlap: title ends %v, detail %v to %v, button at %v", tc.w, tc.h,
					titleEnd, abs(c.detail).X, detailEnd, abs(c.closeBt).X)
			}
		})
	}
	// Hiding the panel gives the terminal its room back.
	h.ui(func() {
		h.w.Resize(fyne.NewSize(1240, 760))
		before, _ := h.u.selected.term.GridSize()
		h.u.toggleSide()
		after, _ := h.u.selected.term.GridSize()
		if after <= before {
			t.Errorf("hiding the right panel left the terminal at %d columns (was %d)", after, before)
		}
	})
}
