package vt

import "unicode/utf8"

// The parser is the VT500-series state machine described by Paul Williams, driven by a
// transition table, with two departures: runs of printable ASCII in the ground state are
// handed to the screen in one call (the fast path), and bytes from 0x80 up are UTF-8, not C1
// controls, as in xterm and tmux in UTF-8 mode.

type pstate uint8

const (
	stGround pstate = iota
	stEscape
	stEscInter
	stCsiEntry
	stCsiParam
	stCsiInter
	stCsiIgnore
	stDcsEntry
	stDcsParam
	stDcsInter
	stDcsPass
	stDcsIgnore
	stOsc
	stString // SOS, PM, APC: consumed and ignored
	numStates
)

type paction uint8

const (
	aNone paction = iota
	aIgnore
	aExecute
	aCollect
	aParam
	aEscDispatch
	aCsiDispatch
	aPut
	aOscPut
	aDcsHook
)

// stay in a transition means "no state change": entry and exit actions do not run.
const stay = 0xF

// trans[state][byte] holds action<<4 | next state (stay for none).
var trans [numStates][256]uint8

func init() {
	set := func(st pstate, from, to int, a paction, next uint8) {
		for b := from; b <= to; b++ {
			trans[st][b] = uint8(a)<<4 | next
		}
	}
	for st := range numStates {
		// Anywhere: CAN and SUB abort, ESC starts over.
		set(st, 0x00, 0xFF, aIgnore, stay)
		set(st, 0x18, 0x18, aExecute, uint8(stGround))
		set(st, 0x1A, 0x1A, aExecute, uint8(stGround))
		set(st, 0x1B, 0x1B, aNone, uint8(stEscape))
	}
	c0 := func(st pstate) {
		set(st, 0x00, 0x17, aExecute, stay)
		set(st, 0x19, 0x19, aExecute, stay)
		set(st, 0x1C, 0x1F, aExecute, stay)
	}
	// Ground is handled in write; the table only matters for C0 there.
	c0(stGround)

	c0(stEscape)
	set(stEscape, 0x20, 0x2F, aCollect, uint8(stEscInter))
	set(stEscape, 0x30, 0x7E, aEscDispatch, uint8(stGround))
	set(stEscape, 0x50, 0x50, aNone, uint8(stDcsEntry))
	set(stEscape, 0x58, 0x58, aNone, uint8(stString))
	set(stEscape, 0x5B, 0x5B, aNone, uint8(stCsiEntry))
	set(stEscape, 0x5D, 0x5D, aNone, uint8(stOsc))
	set(stEscape, 0x5E, 0x5F, aNone, uint8(stString))

	c0(stEscInter)
	set(stEscInter, 0x20, 0x2F, aCollect, stay)
	set(stEscInter, 0x30, 0x7E, aEscDispatch, uint8(stGround))

	c0(stCsiEntry)
	set(stCsiEntry, 0x20, 0x2F, aCollect, uint8(stCsiInter))
	set(stCsiEntry, 0x30, 0x3B, aParam, uint8(stCsiParam))
	set(stCsiEntry, 0x3C, 0x3F, aCollect, uint8(stCsiParam))
	set(stCsiEntry, 0x40, 0x7E, aCsiDispatch, uint8(stGround))

	c0(stCsiParam)
	set(stCsiParam, 0x20, 0x2F, aCollect, uint8(stCsiInter))
	set(stCsiParam, 0x30, 0x3B, aParam, stay)
	set(stCsiParam, 0x3C, 0x3F, aNone, uint8(stCsiIgnore))
	set(stCsiParam, 0x40, 0x7E, aCsiDispatch, uint8(stGround))

	c0(stCsiInter)
	set(stCsiInter, 0x20, 0x2F, aCollect, stay)
	set(stCsiInter, 0x30, 0x3F, aNone, uint8(stCsiIgnore))
	set(stCsiInter, 0x40, 0x7E, aCsiDispatch, uint8(stGround))

	c0(stCsiIgnore)
	set(stCsiIgnore, 0x40, 0x7E, aNone, uint8(stGround))

	set(stDcsEntry, 0x20, 0x2F, aCollect, uint8(stDcsInter))
	set(stDcsEntry, 0x30, 0x3B, aParam, uint8(stDcsParam))
	set(stDcsEntry, 0x3C, 0x3F, aCollect, uint8(stDcsParam))
	set(stDcsEntry, 0x40, 0x7E, aDcsHook, uint8(stDcsPass))

	set(stDcsParam, 0x20, 0x2F, aCollect, uint8(stDcsInter))
	set(stDcsParam, 0x30, 0x3B, aParam, stay)
	set(stDcsParam, 0x3C, 0x3F, aNone, uint8(stDcsIgnore))
	set(stDcsParam, 0x40, 0x7E, aDcsHook, uint8(stDcsPass))

	set(stDcsInter, 0x20, 0x2F, aCollect, stay)
	set(stDcsInter, 0x30, 0x3F, aNone, uint8(stDcsIgnore))
	set(stDcsInter, 0x40, 0x7E, aDcsHook, uint8(stDcsPass))

	set(stDcsPass, 0x00, 0x17, aPut, stay)
	set(stDcsPass, 0x19, 0x19, aPut, stay)
	set(stDcsPass, 0x1C, 0x7E, aPut, stay)
	set(stDcsPass, 0x80, 0xFF, aPut, stay)

	// OSC ends at BEL or ST (ESC \); its text may be UTF-8.
	set(stOsc, 0x07, 0x07, aNone, uint8(stGround))
	set(stOsc, 0x20, 0x7F, aOscPut, stay)
	set(stOsc, 0x80, 0xFF, aOscPut, stay)
}

const (
	maxParams = 32
	maxOSC    = 1 << 20 // OSC 52 carries whole clipboards; anything longer is dropped
	maxParam  = 65535
	maxDCS    = 256 // DECRQSS asks with a few bytes; longer strings are not kept
)

type parser struct {
	state pstate
	// CSI / DCS parameters. sub has bit i set when params[i] followed a ':' (a
	// sub-parameter of the one before).
	params   [maxParams]int32
	nparams  int
	sub      uint32
	paramSet bool // a digit was seen for the current parameter
	inter    [2]byte
	ninter   int
	prefix   byte // private marker: < = > ?
	ignoreSq bool // too many intermediates or parameters

	osc         []byte
	oscOverflow bool
	oscEnd      string // how the OSC being dispatched ended: BEL or ST, for its answer

	// The DCS string being read: its final byte, and its data (dcsOverflow when too long).
	dcsFinal    byte
	dcs         []byte
	dcsOverflow bool

	utf8buf [utf8.UTFMax]byte
	utf8n   int

	// lastChar is the last graphic character printed, before character set translation
	// (REP repeats it); 0 for none.
	lastChar rune
	// zwj is set after a zero width joiner: the next character joins the previous cell.
	zwj bool
}

func (p *parser) clear() {
	p.nparams, p.sub, p.paramSet = 0, 0, false
	p.ninter, p.prefix, p.ignoreSq = 0, 0, false
}

func (s *Screen) write(b []byte) {
	i := 0
	if s.utf8n > 0 {
		i = s.finishUTF8(b)
	}
	for i < len(b) {
		c := b[i]
		if s.state == stGround {
			if c-0x20 < 0x5F { // printable ASCII: the fast path
				j := i + 1
				for j < len(b) && b[j]-0x20 < 0x5F {
					j++
				}
				s.printASCII(b[i:j])
				i = j
				continue
			}
			if c >= 0x80 {
				if !utf8.FullRune(b[i:]) {
					s.utf8n = copy(s.utf8buf[:], b[i:])
					return
				}
				r, n := utf8.DecodeRune(b[i:])
				s.printRune(r)
				i += n
				continue
			}
			if c == 0x7F {
				i++
				continue
			}
		}
		i++
		t := trans[s.state][c]
		act, next := paction(t>>4), pstate(t&0xF)
		if next != stay {
			s.exitState(c)
		}
		switch act {
		case aExecute:
			s.execute(c)
		case aCollect:
			s.collect(c)
		case aParam:
			s.param(c)
		case aEscDispatch:
			s.escDispatch(c)
		case aCsiDispatch:
			s.csiDispatch(c)
		case aDcsHook:
			s.dcsFinal, s.dcs, s.dcsOverflow = c, s.dcs[:0], false
		case aPut:
			if len(s.dcs) < maxDCS {
				s.dcs = append(s.dcs, c)
			} else {
				s.dcsOverflow = true
			}
		case aOscPut:
			if len(s.osc) < maxOSC {
				s.osc = append(s.osc, c)
			} else {
				s.oscOverflow = true
			}
		}
		if next != stay {
			s.state = next
			switch next {
			case stEscape, stCsiEntry, stDcsEntry:
				s.clear()
			case stOsc:
				s.osc = s.osc[:0]
				s.oscOverflow = false
			}
		}
	}
}

// exitState runs the exit action of the current state before a transition on byte c.
func (s *Screen) exitState(c byte) {
	if s.state == stDcsPass && c == 0x1b && !s.dcsOverflow {
		s.dcsDispatch()
	}
	if s.state == stOsc && c != 0x18 && c != 0x1A { // BEL or ESC end it; CAN/SUB cancel
		s.oscEnd = "\x1b\\"
		if c == 0x07 {
			s.oscEnd = "\x07"
		}
		if !s.oscOverflow {
			s.oscDispatch(s.osc)
		}
		if cap(s.osc) > 4096 {
			s.osc = nil // do not keep a huge clipboard buffer around
		}
	}
}

// finishUTF8 completes a character split across Writes and returns how many bytes of b
// it used.
func (s *Screen) finishUTF8(b []byte) int {
	n := s.utf8n
	used := 0
	for n < utf8.UTFMax && used < len(b) && !utf8.FullRune(s.utf8buf[:n]) {
		s.utf8buf[n] = b[used]
		n++
		used++
	}
	if !utf8.FullRune(s.utf8buf[:n]) {
		s.utf8n = n
		return used
	}
	r, size := utf8.DecodeRune(s.utf8buf[:n])
	s.utf8n = 0
	s.printRune(r)
	stashed := n - used
	if size > stashed {
		return size - stashed
	}
	// The character was invalid: the held bytes after its first are stray continuation
	// bytes (each one U+FFFD, as if they had come in one Write), and b starts afresh.
	for range stashed - size {
		s.printRune(utf8.RuneError)
	}
	return 0
}

func (s *Screen) collect(c byte) {
	if c >= 0x3C && c <= 0x3F {
		if s.prefix == 0 && s.nparams == 0 {
			s.prefix = c
		} else {
			s.ignoreSq = true
		}
		return
	}
	if s.ninter < len(s.inter) {
		s.inter[s.ninter] = c
		s.ninter++
	} else {
		s.ignoreSq = true
	}
}

func (s *Screen) param(c byte) {
	if s.nparams == 0 {
		s.nparams = 1
		s.params[0] = 0
	}
	switch c {
	case ';', ':':
		if s.nparams >= maxParams {
			s.ignoreSq = true
			return
		}
		if c == ':' {
			s.sub |= 1 << s.nparams
		}
		s.params[s.nparams] = 0
		s.nparams++
	default:
		v := &s.params[s.nparams-1]
		*v = min(*v*10+int32(c-'0'), maxParam)
	}
}

// arg returns parameter i, or def when it is missing or 0.
func (s *Screen) arg(i, def int) int {
	if i >= s.nparams || s.params[i] == 0 {
		return def
	}
	return int(s.params[i])
}
