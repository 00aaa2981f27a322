package vt

import "strings"

// lrm turns on DECLRMM and sets the margins to columns l..r (1-based).
func lrm(l, r int) string { return "\x1b[?69h\x1b[" + itoa(l) + ";" + itoa(r) + "s" }

// onRows prints an x at the start of the first n rows.
func onRows(n int) string {
	var b strings.Builder
	for y := 1; y <= n; y++ {
		b.WriteString("\x1b[" + itoa(y) + ";1Hx")
	}
	return b.String()
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// cksum asks for the checksum of the whole screen (DECRQCRA), which sees attributes the
// printed screen does not. xterm counts the cell under the cursor as drawn (its erased
// space, 32) once the cursor has been shown there: cases that ask leave the cursor on a
// character or on a cell never erased.
const cksum = "\x1b[1;1;1;1;8;20*y"

var xtermMarginCases = []xtermCase{
	{name: "lrm-print-wraps-at-margin", in: lrm(5, 10) + "\x1b[2;5H" + strings.Repeat("x", 14)},
	{name: "lrm-print-right-of-margin", in: lrm(5, 10) + "\x1b[2;15Habcdefghij"},
	{name: "lrm-print-left-of-margin", in: lrm(5, 10) + "\x1b[2;2Habcdefghijk"},
	{name: "lrm-cr", in: lrm(5, 10) + "\x1b[2;8Hab\rX\x1b[3;2H\rY"},
	{name: "lrm-lf-scrolls-inside", in: filled + lrm(5, 10) + "\x1b[3;6r\x1b[6;7H\nX"},
	{name: "lrm-ri-scrolls-inside", in: filled + lrm(5, 10) + "\x1b[3;6r\x1b[3;7H\x1bMX"},
	{name: "lrm-lf-outside-no-scroll", in: filled + lrm(5, 10) + "\x1b[3;6r\x1b[6;2H\nX"},
	{name: "lrm-su-sd", in: filled + lrm(3, 12) + "\x1b[2S\x1b[3;14H\x1b[T"},
	{name: "lrm-il-dl", in: filled + lrm(5, 10) + "\x1b[3;6H\x1b[2L\x1b[6;7H\x1b[M"},
	{name: "lrm-il-outside", in: filled + lrm(5, 10) + "\x1b[3;2H\x1b[2LX"},
	{name: "lrm-ich-dch", in: filled + lrm(5, 10) + "\x1b[2;6H\x1b[2@\x1b[3;6H\x1b[3P"},
	{name: "lrm-ich-outside", in: filled + lrm(5, 10) + "\x1b[2;12H\x1b[2@\x1b[3;2H\x1b[3P"},
	{name: "lrm-origin", in: lrm(5, 10) + "\x1b[3;6r\x1b[?6h\x1b[HA\x1b[2;3HB\x1b[99;99HC"},
	{name: "lrm-origin-cursor-report", in: lrm(5, 10) + "\x1b[3;6r\x1b[?6h\x1b[2;3H", queries: []string{"\x1b[6n", "\x1b[?6n"}},
	{name: "lrm-cuf-cub-stop", in: lrm(5, 10) + "\x1b[2;7H\x1b[20CA\x1b[3;7H\x1b[20DB\x1b[4;12H\x1b[20DC"},
	{name: "lrm-reset-by-69l", in: lrm(5, 10) + "\x1b[?69l\x1b[2;5H" + strings.Repeat("y", 18)},
	{name: "lrm-scosc-without-69", in: "\x1b[3;5s\x1b[2;2HX\x1b[uY"},
	{name: "lrm-s-with-69-homes", in: lrm(5, 10) + "\x1b[2;7HX\x1b[sY"},
	{name: "lrm-invalid", in: lrm(10, 5) + "\x1b[2;15H" + strings.Repeat("z", 8)},
	{name: "lrm-decstbm-homes", in: lrm(5, 10) + "\x1b[?6h\x1b[2;5rX"},
	{name: "lrm-tab-stops-at-margin", in: lrm(3, 12) + "\x1b[2;4H\t\t\tX"},
	{name: "lrm-decrqm", in: lrm(5, 10), queries: []string{"\x1b[?69$p"}},
	{name: "lrm-decrqss", in: lrm(5, 10) + "\x1b[2;6r", queries: []string{"\x1bP$qs\x1b\\", "\x1bP$qr\x1b\\"}},
	{name: "lrm-decic-decdc", in: filled + lrm(5, 10) + "\x1b[2;6r\x1b[3;7H\x1b[2'}\x1b[5;6H\x1b['~"},
	{name: "lrm-decbi-decfi", in: filled + lrm(5, 10) + "\x1b[2;6r\x1b[3;5H\x1b6\x1b[4;10H\x1b9\x1b[7;5H\x1b6X"},
	{name: "lrm-wide-at-margin", in: lrm(5, 10) + "\x1b[2;5H中文字符"},
	{name: "decbi-decfi-no-margins", in: filled + "\x1b[3;1H\x1b6\x1b[4;20H\x1b9\x1b[5;5H\x1b6\x1b9\x1b9X"},
	{name: "decic-decdc-no-margins", in: filled + "\x1b[3;5H\x1b[3'}\x1b[6;2H\x1b[2'~"},
}

var xtermReportCases = []xtermCase{
	{name: "da", queries: []string{"\x1b[c", "\x1b[0c"}, xtermDiffers: "xterm as a VT420 answers DA1 with level 64 and the features it has; vt keeps Duet's VT220 answer (?62;22c), which programs and the session tests key to, and reports its level through DECRQSS"},
	{name: "da2", queries: []string{"\x1b[>c"}, xtermDiffers: "vt answers DA2 as a VT220, firmware 10, as before: programs key xterm-version quirks to DA2"},
	{name: "dsr", in: "\x1b[3;4H", queries: []string{"\x1b[5n", "\x1b[6n", "\x1b[?6n", "\x1b[?15n", "\x1b[?25n", "\x1b[?26n", "\x1b[?56n", "\x1b[?75n", "\x1b[?85n"}},
	{name: "dsr-locator", queries: []string{"\x1b[?53n", "\x1b[?55n"}, xtermDiffers: "xterm has a DEC locator (?53n: available); vt has none, and says so (?50n), as xterm built without one does"},
	{name: "decrqm-private", in: "\x1b[?1h\x1b[?7l\x1b[?25l\x1b[?1000h\x1b[?2004h\x1b[?45h\x1b[?41h",
		queries: decrqmQueries("?", 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 25, 41, 45, 47, 66, 69, 1000, 1002, 1004, 1005, 1006, 1007, 1010, 1034, 1047, 1048, 1049, 2004, 9999)},
	{name: "decrqm-newer-modes", queries: decrqmQueries("?", 1045, 2026), xtermDiffers: "xterm 379 predates ?1045 and ?2026 (it answers 0); vt has both and answers 1 or 2"},
	{name: "decrqm-ansi", in: "\x1b[4h", queries: decrqmQueries("", 1, 2, 3, 4, 5, 12, 20, 34)},
	{name: "decrqss-sgr", in: "\x1b[1;4;7;42m", queries: []string{"\x1bP$qm\x1b\\"}},
	{name: "decrqss-sgr-bold-colour", in: "\x1b[1;31m", queries: []string{"\x1bP$qm\x1b\\"}, xtermDiffers: "xterm answers bold red as bold bright red (91, its boldColors); vt answers what was set"},
	{name: "decrqss-sgr-default", queries: []string{"\x1bP$qm\x1b\\"}},
	{name: "decrqss-sgr-bright", in: "\x1b[2;3;9;95;104m", queries: []string{"\x1bP$qm\x1b\\"}},
	{name: "decrqss-sgr-256", in: "\x1b[38;5;123;48;5;45m", queries: []string{"\x1bP$qm\x1b\\"}},
	{name: "decrqss-sgr-rgb", in: "\x1b[38;2;1;2;3m", queries: []string{"\x1bP$qm\x1b\\"}},
	{name: "decrqss-decstbm", in: "\x1b[2;6r", queries: []string{"\x1bP$qr\x1b\\"}},
	{name: "decrqss-decscusr", in: "\x1b[5 q", queries: []string{"\x1bP$q q\x1b\\"}},
	{name: "decrqss-decsca", in: "\x1b[1\"q", queries: []string{"\x1bP$q\"q\x1b\\"}},
	{name: "decrqss-decscl", queries: []string{"\x1bP$q\"p\x1b\\"}},
	{name: "decrqss-decscl-set", in: "\x1b[62;1\"p", queries: []string{"\x1bP$q\"p\x1b\\"}},
	{name: "decrqss-invalid", queries: []string{"\x1bP$qx\x1b\\"}},
	{name: "decscl-soft-resets", in: "\x1b[?6h\x1b[2;5r\x1b[1mA\x1b[64;1\"pB"},
	{name: "xtsave-xtrestore", in: "\x1b[?1h\x1b[?2004h\x1b[?1;2004s\x1b[?1l\x1b[?2004l\x1b[?1;2004r", queries: decrqmQueries("?", 1, 2004)},
	{name: "tab-report", in: "\x1b[3g\x1b[5G\x1bH\x1b[11G\x1bH", queries: []string{"\x1b[2$w"}},
	{name: "cursor-report", in: "\x1b[3;5H\x1b[1;4m", queries: []string{"\x1b[1$w"}},
	{name: "decst8c", in: "\x1b[3g\x1b[?5W\r\tX"},
	{name: "ctc", in: "\x1b[5G\x1b[W\x1b[9G\x1b[2W\r\t\tX"},
	{name: "colour-query-palette", queries: []string{"\x1b]4;1;?\x07", "\x1b]4;100;?\x1b\\", "\x1b]4;3;?;250;?\x07"}},
	{name: "colour-query-dynamic", queries: []string{"\x1b]10;?\x07", "\x1b]11;?\x07", "\x1b]10;?;?\x07"}},
	{name: "colour-set-and-query", in: "\x1b]4;1;rgb:12/34/56\x07\x1b]4;2;#abcdef\x07\x1b]11;rgb:0/8/f\x07",
		queries: []string{"\x1b]4;1;?\x07", "\x1b]4;2;?\x07", "\x1b]11;?\x07"}},
	{name: "colour-reset", in: "\x1b]4;1;rgb:12/34/56\x07\x1b]4;2;rgb:12/34/56\x07\x1b]10;#123456\x07\x1b]104;1\x07\x1b]110\x07",
		queries: []string{"\x1b]4;1;?\x07", "\x1b]4;2;?\x07", "\x1b]10;?\x07"}},
	{name: "colour-reset-all", in: "\x1b]4;1;rgb:12/34/56\x07\x1b]4;200;rgb:12/34/56\x07\x1b]104\x07", queries: []string{"\x1b]4;1;?\x07", "\x1b]4;200;?\x07"}},
}

func decrqmQueries(prefix string, modes ...int) []string {
	var q []string
	for _, m := range modes {
		q = append(q, "\x1b["+prefix+itoa(m)+"$p")
	}
	return q
}

var xtermRectCases = []xtermCase{
	{name: "decfra", in: filled + "\x1b[1;31m\x1b[88;2;3;4;8$x", queries: []string{cksum}},
	{name: "decfra-default-rect", in: "\x1b[43$x"},
	{name: "decfra-bad-char", in: filled + "\x1b[7;2;3;4;8$x"},
	{name: "decera", in: filled + "\x1b[2;3;4;8$z"},
	{name: "decera-origin", in: filled + "\x1b[3;6r\x1b[?6h\x1b[1;1;2;5$z"},
	{name: "deccra", in: filled + "\x1b[1;1;3;5;1;5;10;1$v"},
	{name: "deccra-overlap", in: filled + "\x1b[1;1;4;10;1;2;3;1$v"},
	{name: "deccra-clipped", in: filled + "\x1b[1;1;4;10;1;6;15;1$v"},
	{name: "deccara", in: filled + "\x1b[2;3;4;8;1;4$r", queries: []string{cksum}},
	{name: "deccara-reset", in: "\x1b[1;4;7m" + strings.Repeat("a", 40) + "\x1b[m\x1b[1;3;2;6;0$r", queries: []string{cksum}},
	{name: "deccara-off", in: "\x1b[1;4;7m" + strings.Repeat("a", 40) + "\x1b[m\x1b[1;3;2;6;22;27$r", queries: []string{cksum}},
	{name: "deccara-stream", in: filled + "\x1b[*x\x1b[2;15;4;3;7$r", queries: []string{cksum}},
	{name: "deccara-rect-extent", in: filled + "\x1b[2*x\x1b[2;15;4;17;7$r", queries: []string{cksum}},
	{name: "decrara", in: "\x1b[1m" + strings.Repeat("b", 40) + "\x1b[m\x1b[2*x\x1b[1;1;2;10;1;7$t", queries: []string{cksum}},
	{name: "decrara-unwritten-row", in: "\x1b[1m" + strings.Repeat("b", 40) + "\x1b[m\x1b[2*x\x1b[1;1;3;10;1;7$t", queries: []string{cksum},
		xtermDiffers: "xterm 379 changes nothing when DECRARA's rectangle reaches a row never written to; vt reverses the attributes of the cells in it"},
	{name: "decrqcra-text", in: "Hello, world", queries: []string{"\x1b[5;1;1;1;1;12*y", "\x1b[1;1;1;1;8;20*y", "\x1b[1;1*y"}},
	{name: "decrqcra-attributes", in: "\x1b[1mA\x1b[4mB\x1b[5mC\x1b[7mD\x1b[0;31mE\x1b[44mF", queries: []string{"\x1b[1;1;1;1;1;6*y"}},
	{name: "decrqcra-wide", in: "中文é", queries: []string{"\x1b[1;1;1;1;1;6*y"}},
	{name: "decsca-decsed", in: filled + "\x1b[2;3H\x1b[1\"qPROT\x1b[0\"q\x1b[3;1H\x1b[1\"qXY\x1b[2\"q\x1b[?J\x1b[1;1H\x1b[?2J"},
	{name: "decsca-decsel", in: "ab\x1b[1\"qcd\x1b[0\"qef\x1b[1;4H\x1b[?1K\x1b[1;6H\x1b[?K"},
	{name: "decsca-ed-erases", in: "\x1b[1\"qprotected\x1b[0\"q\x1b[2J"},
	{name: "decsca-decsera", in: filled + "\x1b[3;3H\x1b[1\"qPP\x1b[0\"q\x1b[1;1;8;20${"},
	{name: "decsca-decera-erases", in: "\x1b[1\"qPP\x1b[0\"q\x1b[$z"},
	{name: "spa-epa-ed", in: filled + "\x1b[2;3H\x1bVPROT\x1bW\x1b[H\x1b[J"},
	{name: "spa-epa-el-ech", in: "ab\x1bVcd\x1bWef\x1b[1;1H\x1b[K\x1b[2;1Hxx\x1bVyy\x1bWzz\x1b[2;1H\x1b[9X"},
	{name: "decsca-after-spa", in: "\x1bVab\x1bW\x1b[0\"qcd\x1b[H\x1b[K"},
}

// dwlCursor: see TestLineSizes.
const dwlCursor = "xterm 379 lets the cursor past the middle of a double-width line (what is printed there is kept but not shown, and its print of the screen leaves the row out); vt holds it to the half shown, as DEC's terminals do"

var xtermScreenCases = []xtermCase{
	{name: "decrc-origin-outside-margins", in: "\x1b[?6h\x1b[2;7r\x1b[3;16HA\x1b7\x1b[?69h\x1b[3;10s\x1b8B"},
	{name: "cud-above-region-xterm", in: "\x1b[3;6r\x1b[1;1H\x1b[20BX\x1b[2;2H\x1b[20eY\x1b[8;4H\x1b[20AZ\x1b[4;6H\x1b[20eW\x1b[7;8H\x1b[20eV"},
	{name: "alt-47-keeps", in: "main\x1b[?47halt\x1b[?47l\x1b[?47h"},
	{name: "alt-1047-clears-on-leave", in: "main\x1b[?47halt\x1b[?1047l\x1b[?47h"},
	{name: "alt-1047-keeps-on-enter", in: "main\x1b[?47halt\x1b[?47l\x1b[?1047h"},
	{name: "alt-1049-clears-on-enter", in: "main\x1b[?47halt\x1b[?47l\x1b[?1049h"},
	{name: "decdwl", in: "\x1b#6wide line\r\nnormal"},
	{name: "decdwl-wraps-at-half", in: "\x1b#6" + strings.Repeat("w", 15)},
	{name: "decdwl-cursor-clamped", in: "\x1b[1;18H\x1b#6X", queries: []string{"\x1b[6n"}, xtermDiffers: dwlCursor},
	{name: "decdwl-keeps-right-half", in: strings.Repeat("r", 20) + "\x1b[1;1H\x1b#6\x1b#5"},
	{name: "decdhl", in: "\x1b#3tall\r\n\x1b#4tall\r\n\x1b#5single"},
	{name: "decdwl-then-cup", in: "\x1b#6\x1b[1;15HX\x1b[2;15HY", xtermDiffers: dwlCursor},
	{name: "decdwl-scrolls", in: "\x1b[8H\x1b#6dw\r\nnext\r\n"},
	{name: "decdwl-el-ed", in: "\x1b#6abcdefghij\x1b[1;3H\x1b[K"},
	// xterm prints a row with nothing on it without its size: these print on every row.
	{name: "decdwl-ed2", in: "\x1b#6abc\r\n\x1b#6def\x1b[2J" + onRows(3)},
	{name: "decdwl-ed0", in: "\x1b#6abc\r\n\x1b#6def\r\n\x1b#3ghi\x1b[2;1H\x1b[J" + onRows(3)},
	{name: "decdwl-ed0-mid-line", in: "\x1b#6abc\r\n\x1b#6def\r\n\x1b#3ghi\x1b[2;2H\x1b[J" + onRows(3)},
	{name: "decdwl-ed1", in: "\x1b#6abc\r\n\x1b#6def\r\n\x1b#3ghi\x1b[2;3H\x1b[1J" + onRows(3)},
	{name: "decdwl-el2", in: "\x1b#6abc\x1b[2K" + onRows(1)},
	{name: "decdwl-decsed", in: "\x1b#6abc\x1b[?2J" + onRows(1)},
	{name: "decdwl-decaln", in: "\x1b#6abc\x1b#8"},
	{name: "decdwl-il", in: "\x1b#6abc\r\nxyz\x1b[1;1H\x1b[L"},
	{name: "ss2-ss3", in: "\x1b*0\x1b+0a\x1bNqa\x1bOxa"},
	{name: "ls2-ls3", in: "\x1b*0\x1b+Bq#\x1bnq#\x1boq#\x0fq#"},
	{name: "reverse-wrap", in: "\x1b[?45h\x1b[2;1H\bX\x1b[3;3H\x1b[5DY"},
	{name: "reverse-wrap-top", in: "\x1b[?45h\x1b[1;2H\b\bX"},
	{name: "reverse-wrap-pending", in: "\x1b[?45h\x1b[3;1H" + strings.Repeat("p", 20) + "\bQ"},
	{name: "reverse-wrap-needs-autowrap", in: "\x1b[?45h\x1b[?7l\x1b[2;1H\bX"},
	{name: "reverse-wrap-ext", in: "\x1b[?45h\x1b[?1045h\x1b[1;2H\b\bX"},
	{name: "reverse-wrap-margins", in: "\x1b[?45h" + lrm(5, 10) + "\x1b[3;6r\x1b[4;5H\bX\x1b[3;5H\bY"},
	{name: "curses-fix-41", in: "\x1b[?41h" + strings.Repeat("m", 20) + "\tX"},
	{name: "tab-after-pending-wrap", in: strings.Repeat("m", 20) + "\tX"},
}
