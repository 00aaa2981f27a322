package terminal

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
)

// TestScrollbarShowsAndMovesTheScrollback: the bar appears once there is scrollback, a
// click above the thumb pages back, dragging the thumb down returns to the bottom.
func TestScrollbarShowsAndMovesTheScrollback(t *testing.T) {
	test.NewTempApp(t)
	term := New()
	bar := NewScrollbar(term)
	win := test.NewTempWindow(t, container.NewBorder(nil, nil, nil, bar, term))
	win.Resize(fyne.NewSize(400, 200))
	t.Cleanup(term.Detach)
	var visible bool
	ui(func() { visible = bar.Active() })
	if visible {
		t.Error("scrollbar thumb shown with no scrollback")
	}
	term.Attach(startPTY(t, "/bin/sh", "-c", "seq 1 200; sleep 30"))
	waitFor(t, "the scrollbar", func() bool {
		ui(func() { visible = bar.Active() && bar.back > 100 })
		return visible
	})
	var off, back int
	ui(func() {
		bar.Tapped(&fyne.PointEvent{Position: fyne.NewPos(5, 1)}) // above the thumb, at the bottom
		off, back = term.ScrollOffset()
	})
	if off == 0 || off > back {
		t.Fatalf("a click above the thumb scrolled to %d of %d", off, back)
	}
	ui(func() {
		h := bar.Size().Height
		top, _ := bar.thumb(h)
		bar.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(5, top+h)}, Dragged: fyne.Delta{DY: h}})
		bar.DragEnd()
		off, _ = term.ScrollOffset()
	})
	if off != 0 {
		t.Errorf("dragging the thumb to the bottom left the view %d lines back", off)
	}
}
