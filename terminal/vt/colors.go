package vt

import (
	"strconv"
	"strings"
)

// Colour slots: the colours a program can ask for and change with OSC sequences. Slots
// 0-255 are the indexed colours (OSC 4); the dynamic colours of OSC 10-19 follow.
const (
	SlotForeground  = 256 + iota // OSC 10: default text colour
	SlotBackground               // OSC 11: default background
	SlotCursor                   // OSC 12: text cursor
	SlotPointerFG                // OSC 13: mouse pointer foreground
	SlotPointerBG                // OSC 14: mouse pointer background
	SlotTekFG                    // OSC 15: Tektronix foreground
	SlotTekBG                    // OSC 16: Tektronix background
	SlotHighlightBG              // OSC 17: selection background
	SlotTekCursor                // OSC 18: Tektronix cursor
	SlotHighlightFG              // OSC 19: selection foreground
	NumColorSlots
)

// Palette holds an RGB colour (see RGB) for every colour slot.
type Palette [NumColorSlots]Color

// xtermANSI are xterm's default 16 colours.
var xtermANSI = [16]Color{
	RGB(0x00, 0x00, 0x00), RGB(0xcd, 0x00, 0x00), RGB(0x00, 0xcd, 0x00), RGB(0xcd, 0xcd, 0x00),
	RGB(0x00, 0x00, 0xee), RGB(0xcd, 0x00, 0xcd), RGB(0x00, 0xcd, 0xcd), RGB(0xe5, 0xe5, 0xe5),
	RGB(0x7f, 0x7f, 0x7f), RGB(0xff, 0x00, 0x00), RGB(0x00, 0xff, 0x00), RGB(0xff, 0xff, 0x00),
	RGB(0x5c, 0x5c, 0xff), RGB(0xff, 0x00, 0xff), RGB(0x00, 0xff, 0xff), RGB(0xff, 0xff, 0xff),
}

// DefaultPalette returns the colours a Screen reports and draws with until told others
// (Screen.SetDefaultColors): xterm's 16 ANSI colours, its 6x6x6 cube and grey ramp, and
// light grey text on a dark background.
func DefaultPalette() Palette {
	var p Palette
	copy(p[:16], xtermANSI[:])
	level := func(v int) uint8 {
		if v == 0 {
			return 0
		}
		return uint8(55 + 40*v)
	}
	for i := range 216 {
		p[16+i] = RGB(level(i/36), level(i/6%6), level(i%6))
	}
	for i := range 24 {
		g := uint8(8 + 10*i)
		p[232+i] = RGB(g, g, g)
	}
	fg, bg := RGB(0xe5, 0xe5, 0xe5), RGB(0x1e, 0x1e, 0x1e)
	p[SlotForeground], p[SlotBackground], p[SlotCursor] = fg, bg, fg
	p[SlotPointerFG], p[SlotPointerBG] = fg, bg
	p[SlotTekFG], p[SlotTekBG], p[SlotTekCursor] = fg, bg, fg
	p[SlotHighlightBG], p[SlotHighlightFG] = fg, bg
	return p
}

// colorState is the palette in use: the defaults, and the slots programs set.
type colorState struct {
	defaults Palette
	haveDef  bool
	set      [NumColorSlots]bool
	value    Palette
}

func (c *colorState) reset() {
	if !c.haveDef {
		c.defaults, c.haveDef = DefaultPalette(), true
	}
	c.set = [NumColorSlots]bool{}
	c.value = c.defaults
}

func (c *colorState) setSlot(i int, v Color) {
	c.set[i], c.value[i] = true, v
}

func (c *colorState) resetSlot(i int) {
	c.set[i], c.value[i] = false, c.defaults[i]
}

// SetDefaultColors sets the colours the screen reports for the slots no program has
// changed: the terminal widget passes its theme's, so that answers match what it draws.
func (s *Screen) SetDefaultColors(p Palette) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &s.colors
	c.defaults, c.haveDef = p, true
	for i := range p {
		if !c.set[i] {
			c.value[i] = p[i]
		}
	}
	s.markAllDirty()
}

// Palette returns the colours in use: the defaults, with the changes programs made.
func (s *Screen) Palette() Palette {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.colors.value
}

// oscColors handles OSC 4 (palette), 10-19 (dynamic colours), 104 and 110-119 (resets).
// A "?" asks for the colour: the answer is xterm's rgb:RRRR/GGGG/BBBB, ended as the
// question was (BEL or ST).
func (s *Screen) oscColors(cmd int, arg string) {
	changed := false
	switch {
	case cmd == 4:
		for arg != "" {
			var idx, spec string
			idx, arg, _ = strings.Cut(arg, ";")
			spec, arg, _ = strings.Cut(arg, ";")
			n, err := strconv.Atoi(idx)
			if err != nil || !isDecimal(idx) || n > 255 {
				break
			}
			if spec == "?" {
				s.replyColor("4;"+idx, s.colors.value[n])
			} else if c, ok := parseColorSpec(spec); ok {
				s.colors.setSlot(n, c)
				changed = true
			}
		}
	case cmd >= 10 && cmd <= 19:
		// Each further parameter is the next dynamic colour (OSC 10;fg;bg).
		for slot := SlotForeground + cmd - 10; arg != "" && slot < NumColorSlots; slot++ {
			var spec string
			spec, arg, _ = strings.Cut(arg, ";")
			if spec == "?" {
				s.replyColor(strconv.Itoa(slot-SlotForeground+10), s.colors.value[slot])
			} else if c, ok := parseColorSpec(spec); ok {
				s.colors.setSlot(slot, c)
				changed = true
			}
		}
	case cmd == 104:
		if arg == "" {
			for i := range 256 {
				s.colors.resetSlot(i)
			}
			changed = true
		}
		for _, f := range strings.Split(arg, ";") {
			if n, err := strconv.Atoi(f); err == nil && n >= 0 && n <= 255 {
				s.colors.resetSlot(n)
				changed = true
			}
		}
	case cmd >= 110 && cmd <= 119:
		s.colors.resetSlot(SlotForeground + cmd - 110)
		changed = true
	}
	if changed {
		s.markAllDirty()
	}
}

func (s *Screen) replyColor(prefix string, c Color) {
	r, g, b, _ := c.RGB()
	var buf [64]byte
	out := append(buf[:0], "\x1b]"...)
	out = append(out, prefix...)
	out = append(out, ";rgb:"...)
	for i, v := range [3]uint8{r, g, b} {
		if i > 0 {
			out = append(out, '/')
		}
		const hex = "0123456789abcdef"
		out = append(out, hex[v>>4], hex[v&15], hex[v>>4], hex[v&15])
	}
	out = append(out, s.oscEnd...)
	s.sendReplyBytes(out)
}

// parseColorSpec reads the colour forms of XParseColor that programs send: rgb:R/G/B with
// 1 to 4 hex digits a component, and #RGB, #RRGGBB, #RRRGGGBBB, #RRRRGGGGBBBB. Colour
// names are not read.
func parseColorSpec(spec string) (Color, bool) {
	var comps [3]string
	switch {
	case strings.HasPrefix(spec, "rgb:"):
		parts := strings.Split(spec[4:], "/")
		if len(parts) != 3 {
			return 0, false
		}
		copy(comps[:], parts)
	case strings.HasPrefix(spec, "#"):
		h := spec[1:]
		if len(h) == 0 || len(h)%3 != 0 || len(h) > 12 {
			return 0, false
		}
		n := len(h) / 3
		var v [3]uint8
		for i := range v {
			// In the # form the digits are the high bits: #abc is #a0b0c0.
			c, err := strconv.ParseUint((h[i*n:(i+1)*n] + "000")[:4], 16, 16)
			if err != nil {
				return 0, false
			}
			v[i] = uint8(c >> 8)
		}
		return RGB(v[0], v[1], v[2]), true
	default:
		return 0, false
	}
	var v [3]uint8
	for i, c := range comps {
		if len(c) == 0 || len(c) > 4 {
			return 0, false
		}
		n, err := strconv.ParseUint(c, 16, 16)
		if err != nil {
			return 0, false
		}
		// Scale an n-digit value to 8 bits: ff, fff and ffff are all 255.
		maxv := uint64(1)<<(4*len(c)) - 1
		v[i] = uint8((n*255 + maxv/2) / maxv)
	}
	return RGB(v[0], v[1], v[2]), true
}
