package app

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// widthLayout gives its objects a fixed minimum width (their own minimum height), so a
// side panel keeps its width however long its labels are.
type widthLayout struct{ width float32 }

func (l widthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (l widthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		if o.Visible() {
			h = max(h, o.MinSize().Height)
		}
	}
	return fyne.NewSize(l.width, h)
}

// fixedWidth wraps o in a container of the given width.
func fixedWidth(w float32, o fyne.CanvasObject) *fyne.Container {
	return container.New(widthLayout{width: w}, o)
}

// canvasBackdrop is a translucent cover of the theme's background colour.
func canvasBackdrop() fyne.CanvasObject { return backdrop(0xe8) }

// opaque is a rectangle of the theme's background colour, under a panel that may float
// over the terminal.
func opaque() fyne.CanvasObject { return backdrop(0xff) }

// backdrop is a rectangle of the theme's background colour with the given opacity.
func backdrop(alpha uint8) fyne.CanvasObject {
	r, g, b, _ := theme.Color(theme.ColorNameBackground).RGBA()
	return canvas.NewRectangle(color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: alpha})
}

// heading is a section title.
func heading(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// caption is small print under or above something.
func caption(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.SizeName = theme.SizeNameCaptionText
	return l
}

// mono is one line of monospace text, cut with an ellipsis when it does not fit.
func mono(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// copyRow is a line of text with a Copy button that puts it on the clipboard.
type copyRow struct {
	text   string
	label  *widget.Label
	copy   *tipButton
	box    *fyne.Container
	copies int // clicks so far, so that only the last one's timer resets the icon
}

// copiedFor is how long a Copy button shows that it copied.
const copiedFor = 1500 * time.Millisecond

func newCopyRow(u *UI, text string) *copyRow {
	r := &copyRow{text: text, label: mono(text)}
	r.copy = newTipButton(u.tips, "", theme.ContentCopyIcon(), "Copy to the clipboard", func() {
		u.a.Clipboard().SetContent(r.text)
		r.copy.SetIcon(theme.ConfirmIcon()) // copied: back to the copy icon in a moment
		r.copies++
		n := r.copies
		u.after(copiedFor, func() {
			if r.copies == n {
				r.copy.SetIcon(theme.ContentCopyIcon())
			}
		})
	})
	r.copy.Importance = widget.LowImportance
	r.box = container.NewBorder(nil, nil, nil, r.copy, r.label)
	return r
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
