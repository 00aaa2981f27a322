package vt

// Color is a cell's foreground or background colour: the terminal's default, one of the 256
// indexed colours (0-15 are the ANSI colours the theme decides), or a 24-bit RGB value.
// The zero value is the default colour.
type Color uint32

const (
	colorKindShift = 24
	kindDefault    = 0
	kindIndexed    = 1
	kindRGB        = 2
)

// DefaultColor is the terminal's default foreground or background.
const DefaultColor Color = 0

// Indexed returns indexed colour n (0-255).
func Indexed(n uint8) Color { return Color(kindIndexed<<colorKindShift | uint32(n)) }

// RGB returns a 24-bit colour.
func RGB(r, g, b uint8) Color {
	return Color(kindRGB<<colorKindShift | uint32(r)<<16 | uint32(g)<<8 | uint32(b))
}

// IsDefault reports whether c is the default colour.
func (c Color) IsDefault() bool { return c>>colorKindShift == kindDefault }

// Index returns the palette index and true when c is an indexed colour.
func (c Color) Index() (uint8, bool) { return uint8(c), c>>colorKindShift == kindIndexed }

// RGB returns the components and true when c is a 24-bit colour.
func (c Color) RGB() (r, g, b uint8, ok bool) {
	return uint8(c >> 16), uint8(c >> 8), uint8(c), c>>colorKindShift == kindRGB
}

// Attr is a set of text attributes.
type Attr uint16

// Text attributes, as SGR sets them.
const (
	Bold Attr = 1 << iota
	Dim
	Italic
	Underline
	Blink
	Inverse
	Hidden
	Strike
	Overline
	DoubleUnderline
	CurlyUnderline
)

// Style is how a cell is drawn: colours, attributes and an optional hyperlink (OSC 8).
type Style struct {
	FG, BG Color
	Attr   Attr
	// Link is 0 for no hyperlink, else an id for Screen.Link.
	Link uint16
}

// Cell flags, kept in the high bits of Attr so a cell stays 16 bytes.
const (
	// attrProtected marks a cell selective erases keep (DECSCA, SPA); the pen carries it.
	attrProtected Attr = 1 << 13
	// attrWide marks the first cell of a character two cells wide.
	attrWide Attr = 1 << 14
	// attrWideTail marks the second cell of a wide character; it holds no rune.
	attrWideTail Attr = 1 << 15
	cellFlags         = attrWide | attrWideTail
	// hiddenFlags are the flags that are not part of how a cell is drawn.
	hiddenFlags = cellFlags | attrProtected
)

// Cell is one character position on the screen.
type Cell struct {
	// r is the character (0 for a cell never printed on), or graphemeBase+id for a
	// character with combining marks (see graphemes).
	r  rune
	st Style
}

const graphemeBase = 0x110000

// Rune returns the cell's base character, 0 for an empty cell or the tail of a wide one.
func (c Cell) Rune() rune {
	if c.r >= graphemeBase {
		return []rune(graphemes.get(c.r - graphemeBase))[0]
	}
	return c.r
}

// String returns the cell's text: the character with any combining marks, "" when empty.
func (c Cell) String() string {
	switch {
	case c.r == 0:
		return ""
	case c.r >= graphemeBase:
		return graphemes.get(c.r - graphemeBase)
	}
	return string(c.r)
}

// Style returns how the cell is drawn.
func (c Cell) Style() Style {
	st := c.st
	st.Attr &^= hiddenFlags
	return st
}

// Protected reports whether selective erases keep the cell (DECSCA, SPA).
func (c Cell) Protected() bool { return c.st.Attr&attrProtected != 0 }

// Width returns how many cells the character takes: 1, 2 for the first cell of a wide
// character, 0 for the second.
func (c Cell) Width() int {
	switch {
	case c.st.Attr&attrWide != 0:
		return 2
	case c.st.Attr&attrWideTail != 0:
		return 0
	}
	return 1
}

// IsWideTail reports whether c is the right half of a wide character.
func (c Cell) IsWideTail() bool { return c.st.Attr&attrWideTail != 0 }

// Empty reports whether the cell draws as a blank (nothing printed, or a wide tail).
func (c Cell) Empty() bool { return c.r == 0 }

// blankCell is an erased cell: it keeps only the background colour (xterm's "background
// colour erase").
func blankCell(st Style) Cell { return Cell{st: Style{BG: st.BG}} }
