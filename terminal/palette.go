package terminal

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/duetpair/duet/terminal/vt"
)

var darkANSI = [16]color.NRGBA{
	{0x1e, 0x1e, 0x1e, 0xff}, {0xcd, 0x31, 0x31, 0xff}, {0x0d, 0xbc, 0x79, 0xff}, {0xe5, 0xe5, 0x10, 0xff},
	{0x24, 0x72, 0xc8, 0xff}, {0xbc, 0x3f, 0xbc, 0xff}, {0x11, 0xa8, 0xcd, 0xff}, {0xe5, 0xe5, 0xe5, 0xff},
	{0x66, 0x66, 0x66, 0xff}, {0xf1, 0x4c, 0x4c, 0xff}, {0x23, 0xd1, 0x8b, 0xff}, {0xf5, 0xf5, 0x43, 0xff},
	{0x3b, 0x8e, 0xea, 0xff}, {0xd6, 0x70, 0xd6, 0xff}, {0x29, 0xb8, 0xdb, 0xff}, {0xff, 0xff, 0xff, 0xff},
}

var lightANSI = [16]color.NRGBA{
	{0x00, 0x00, 0x00, 0xff}, {0xcd, 0x31, 0x31, 0xff}, {0x00, 0x9c, 0x00, 0xff}, {0x94, 0x98, 0x00, 0xff},
	{0x04, 0x51, 0xa5, 0xff}, {0xbc, 0x05, 0xbc, 0xff}, {0x05, 0x98, 0xbc, 0xff}, {0x55, 0x55, 0x55, 0xff},
	{0x66, 0x66, 0x66, 0xff}, {0xcd, 0x31, 0x31, 0xff}, {0x14, 0xce, 0x14, 0xff}, {0xb5, 0xba, 0x00, 0xff},
	{0x04, 0x51, 0xa5, 0xff}, {0xbc, 0x05, 0xbc, 0xff}, {0x05, 0x98, 0xbc, 0xff}, {0xa5, 0xa5, 0xa5, 0xff},
}

// palette resolves vt colours: the theme decides the defaults (handed to the screen with
// SetDefaultColors, so that what it answers to colour queries is what is drawn), and the
// screen's palette, with the program's changes (OSC 4, 10-19), is what is drawn.
type palette struct {
	fg, bg, cursor, selection color.Color
	outside                   color.Color // the grid beyond a smaller session
	idx                       [256]color.Color
	from                      vt.Palette // the screen palette idx, fg, bg, cursor come from
}

// themeColors returns the theme's colours as a screen palette: the ANSI colours for the
// variant, xterm's cube and grey ramp, and the theme's text and background.
func themeColors(th fyne.Theme, v fyne.ThemeVariant) vt.Palette {
	p := vt.DefaultPalette()
	base := darkANSI
	if v == theme.VariantLight {
		base = lightANSI
	}
	for i, c := range base {
		p[i] = vt.RGB(c.R, c.G, c.B)
	}
	fg, bg := vtColor(th.Color(theme.ColorNameForeground, v)), vtColor(th.Color(theme.ColorNameBackground, v))
	p[vt.SlotForeground], p[vt.SlotBackground], p[vt.SlotCursor] = fg, bg, fg
	p[vt.SlotHighlightBG] = vtColor(th.Color(theme.ColorNameSelection, v))
	return p
}

func vtColor(c color.Color) vt.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return vt.RGB(n.R, n.G, n.B)
}

func nrgba(c vt.Color) color.Color {
	r, g, b, _ := c.RGB()
	return color.NRGBA{r, g, b, 0xff}
}

// newPalette resolves the screen's palette p, with the theme's selection colour.
func newPalette(th fyne.Theme, v fyne.ThemeVariant, p vt.Palette) palette {
	pal := palette{
		fg:        nrgba(p[vt.SlotForeground]),
		bg:        nrgba(p[vt.SlotBackground]),
		cursor:    nrgba(p[vt.SlotCursor]),
		selection: th.Color(theme.ColorNameSelection, v),
		from:      p,
	}
	pal.outside = blend(blend(pal.bg, pal.fg), pal.bg) // a quarter of the way to the foreground
	pal.outside = blend(pal.outside, pal.bg)
	for i := range pal.idx {
		pal.idx[i] = nrgba(p[i])
	}
	return pal
}

// indexed returns colour n of the palette.
func (p *palette) indexed(n uint8) color.Color { return p.idx[n] }

func (p *palette) resolve(c vt.Color, def color.Color) color.Color {
	if n, ok := c.Index(); ok {
		return p.indexed(n)
	}
	if r, g, b, ok := c.RGB(); ok {
		return color.NRGBA{r, g, b, 0xff}
	}
	return def
}

// colours returns the foreground and background a cell is drawn with, after bold (as
// bright), dim, inverse, hidden and the screen's reverse video.
func (p *palette) colours(st vt.Style, reverse bool) (fg, bg color.Color, bgSet bool) {
	fgc := st.FG
	if n, ok := fgc.Index(); ok && n < 8 && st.Attr&vt.Bold != 0 {
		fgc = vt.Indexed(n + 8)
	}
	defFG, defBG := p.fg, p.bg
	if reverse {
		defFG, defBG = defBG, defFG
	}
	fg = p.resolve(fgc, defFG)
	bg = p.resolve(st.BG, defBG)
	bgSet = !st.BG.IsDefault()
	if st.Attr&vt.Inverse != 0 {
		fg, bg, bgSet = bg, fg, true
	}
	if st.Attr&vt.Dim != 0 {
		fg = blend(fg, bg)
	}
	if st.Attr&vt.Hidden != 0 {
		fg = bg
	}
	return fg, bg, bgSet
}

func blend(a, b color.Color) color.Color {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	return color.NRGBA{uint8((ar + br) >> 9), uint8((ag + bg) >> 9), uint8((ab + bb) >> 9), 0xff}
}
