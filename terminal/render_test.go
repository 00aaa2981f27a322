package terminal

import (
	"fmt"
	"image"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// capture draws the widget and returns a reader of the colour at a point of a cell
// (fx, fy are fractions of the cell).
func capture(t *testing.T, term *Terminal, win fyne.Window) func(col, row int, fx, fy float32) color.NRGBA {
	t.Helper()
	var (
		img   image.Image
		cs    fyne.Size
		p     fyne.Position
		scale float32
	)
	ui(func() { // the widget's frame and blink goroutines draw meanwhile
		term.Refresh()
		img = win.Canvas().Capture()
		cs, p = term.cell(), term.Position()
		scale = float32(img.Bounds().Dx()) / win.Canvas().Size().Width
	})
	return func(col, row int, fx, fy float32) color.NRGBA {
		c := img.At(int((p.X+cs.Width*(float32(col)+fx))*scale), int((p.Y+cs.Height*(float32(row)+fy))*scale))
		return color.NRGBAModel.Convert(c).(color.NRGBA)
	}
}

// TestPaletteChangesWhatIsDrawn: OSC 4 and OSC 11 change the colours the widget draws,
// and the resets bring the theme's back.
func TestPaletteChangesWhatIsDrawn(t *testing.T) {
	term, win := newTestTerminal(t, 320, 120)
	term.Attach(newSink())
	var themeBG color.NRGBA
	ui(func() {
		bg := term.Theme().Color(theme.ColorNameBackground, fyne.CurrentApp().Settings().ThemeVariant())
		themeBG = color.NRGBAModel.Convert(bg).(color.NRGBA)
	})
	red, green := color.NRGBA{0xff, 0, 0, 0xff}, color.NRGBA{0, 0xff, 0, 0xff}
	for _, tc := range []struct {
		name      string
		in        string
		bg, cell1 color.NRGBA // the default background (cell 5) and cell 1's
	}{
		{"palette entry", "\x1b[41m  \x1b[0m\x1b]4;1;rgb:00/ff/00\x07", themeBG, green},
		{"background", "\x1b]11;#ff0000\x1b\\", red, green},
		{"resets", "\x1b]104;1\x07\x1b]111\x07", themeBG, color.NRGBA{0xcd, 0x31, 0x31, 0xff}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term.Screen().Write([]byte(tc.in))
			pix := capture(t, term, win)
			if got := pix(5, 0, 0.5, 0.5); got != tc.bg {
				t.Errorf("default background drawn as %v, want %v", got, tc.bg)
			}
			if got := pix(1, 0, 0.5, 0.5); got != tc.cell1 {
				t.Errorf("background of colour 1 drawn as %v, want %v", got, tc.cell1)
			}
		})
	}
}

// TestColourQueriesAnswerTheTheme: a widget that answers queries itself reports the
// colours it draws with.
func TestColourQueriesAnswerTheTheme(t *testing.T) {
	term, win := newTestTerminal(t, 320, 120)
	s := newSink()
	term.AnswerQueries(true)
	term.Attach(s)
	capture(t, term, win) // the first frame hands the theme's colours to the screen
	var n color.NRGBA
	ui(func() {
		bg := term.Theme().Color(theme.ColorNameBackground, fyne.CurrentApp().Settings().ThemeVariant())
		n = color.NRGBAModel.Convert(bg).(color.NRGBA)
	})
	term.Screen().Write([]byte("\x1b]11;?\x07"))
	s.waitSent(t, fmt.Sprintf("\x1b]11;rgb:%02x%02x/%02x%02x/%02x%02x\x07", n.R, n.R, n.G, n.G, n.B, n.B))
}

// TestDoubleSizeRowsDrawnLarger: a character on a double-width or double-height row
// takes two cells; on a single row the cell after it stays blank.
func TestDoubleSizeRowsDrawnLarger(t *testing.T) {
	term, win := newTestTerminal(t, 320, 160)
	term.Attach(newSink())
	// Inverse spaces: their cells are all foreground colour, with no glyph in the way.
	term.Screen().Write([]byte("\x1b[7m \x1b[m\r\n\x1b#6\x1b[7m \x1b[mW\r\n\x1b#3\x1b[7m \x1b[m\r\n\x1b#4\x1b[7m \x1b[m\x1b[?25l"))
	pix := capture(t, term, win)
	inverse := pix(0, 0, 0.5, 0.5)
	if pix(1, 0, 0.5, 0.5) == inverse {
		t.Fatal("on a single row the inverse cell spills into the next")
	}
	for row, name := range []string{1: "double-width", 2: "double-height top", 3: "double-height bottom"} {
		if name == "" {
			continue
		}
		if got := pix(1, row, 0.5, 0.5); got != inverse {
			t.Errorf("%s row: the second cell is %v, want the inverse character's %v", name, got, inverse)
		}
		if got := pix(2, row, 0.5, 0.5); got == inverse {
			t.Errorf("%s row: the character covers a third cell", name)
		}
	}
	// The W after it is drawn in cells 2 and 3.
	if got := term.Screen().LineText(1); got != " W" {
		t.Errorf("row 1 = %q", got)
	}
	ink := 0
	for _, fx := range []float32{0.1, 0.3, 0.5, 0.7, 0.9} {
		for _, fy := range []float32{0.3, 0.5, 0.7} {
			if pix(3, 1, fx, fy) != pix(5, 1, 0.5, 0.5) {
				ink++
			}
		}
	}
	if ink == 0 {
		t.Error("no part of the double-width W is drawn in its second cell")
	}
}
