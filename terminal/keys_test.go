package terminal

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/duetpair/duet/terminal/vt"
)

const (
	shift = fyne.KeyModifierShift
	ctrl  = fyne.KeyModifierControl
	alt   = fyne.KeyModifierAlt
)

func TestEncodeKey(t *testing.T) {
	normal, app := vt.Modes{}, vt.Modes{AppCursor: true, AppKeypad: true}
	for _, tc := range []struct {
		key  fyne.KeyName
		mods fyne.KeyModifier
		m    vt.Modes
		want string
	}{
		{fyne.KeyUp, 0, normal, "\x1b[A"},
		{fyne.KeyUp, 0, app, "\x1bOA"},
		{fyne.KeyDown, 0, normal, "\x1b[B"},
		{fyne.KeyRight, 0, app, "\x1bOC"},
		{fyne.KeyLeft, 0, normal, "\x1b[D"},
		{fyne.KeyHome, 0, normal, "\x1b[H"},
		{fyne.KeyHome, 0, app, "\x1bOH"},
		{fyne.KeyEnd, 0, normal, "\x1b[F"},
		{fyne.KeyRight, ctrl, normal, "\x1b[1;5C"},
		{fyne.KeyRight, ctrl, app, "\x1b[1;5C"},
		{fyne.KeyLeft, shift, normal, "\x1b[1;2D"},
		{fyne.KeyUp, alt, normal, "\x1b[1;3A"},
		{fyne.KeyUp, ctrl | shift, normal, "\x1b[1;6A"},
		{fyne.KeyPageUp, 0, normal, "\x1b[5~"},
		{fyne.KeyPageDown, 0, normal, "\x1b[6~"},
		{fyne.KeyPageUp, ctrl, normal, "\x1b[5;5~"},
		{fyne.KeyInsert, 0, normal, "\x1b[2~"},
		{fyne.KeyDelete, 0, normal, "\x1b[3~"},
		{fyne.KeyDelete, shift, normal, "\x1b[3;2~"},
		{fyne.KeyF1, 0, normal, "\x1bOP"},
		{fyne.KeyF4, 0, app, "\x1bOS"},
		{fyne.KeyF1, shift, normal, "\x1b[1;2P"},
		{fyne.KeyF5, 0, normal, "\x1b[15~"},
		{fyne.KeyF6, 0, normal, "\x1b[17~"},
		{fyne.KeyF10, 0, normal, "\x1b[21~"},
		{fyne.KeyF11, 0, normal, "\x1b[23~"},
		{fyne.KeyF12, ctrl, normal, "\x1b[24;5~"},
		{fyne.KeyReturn, 0, normal, "\r"},
		{fyne.KeyReturn, 0, vt.Modes{Newline: true}, "\r\n"},
		{fyne.KeyReturn, alt, normal, "\x1b\r"},
		{fyne.KeyEnter, 0, normal, "\r"},
		{fyne.KeyEnter, 0, app, "\x1bOM"},
		{fyne.KeyBackspace, 0, normal, "\x7f"},
		{fyne.KeyBackspace, ctrl, normal, "\x08"},
		{fyne.KeyBackspace, alt, normal, "\x1b\x7f"},
		{fyne.KeyTab, 0, normal, "\t"},
		{fyne.KeyTab, shift, normal, "\x1b[Z"},
		{fyne.KeyEscape, 0, normal, "\x1b"},
		{fyne.KeySpace, ctrl, normal, "\x00"},
		{fyne.KeyA, ctrl, normal, "\x01"},
		{fyne.KeyC, ctrl, normal, "\x03"},
		{fyne.KeyZ, ctrl, normal, "\x1a"},
		{fyne.KeyC, ctrl | shift, normal, "\x03"},
		{fyne.KeyX, alt, normal, "\x1bx"},
		{fyne.KeyX, alt | shift, normal, "\x1bX"},
		{fyne.KeyX, alt | ctrl, normal, "\x1b\x18"},
		{fyne.KeyLeftBracket, ctrl, normal, "\x1b"},
		{fyne.KeyBackslash, ctrl, normal, "\x1c"},
		{fyne.KeyRightBracket, ctrl, normal, "\x1d"},
		{fyne.Key6, ctrl | shift, normal, "\x1e"},
		{fyne.KeyMinus, ctrl | shift, normal, "\x1f"},
		{fyne.KeySlash, ctrl, normal, "\x1f"},
		{fyne.Key2, ctrl, normal, "\x00"},
		{fyne.Key2, ctrl | shift, normal, "\x00"},
		{fyne.Key1, alt | shift, normal, "\x1b!"},
		{fyne.KeyPeriod, alt, normal, "\x1b."},
		{desktopShiftLeft, shift, normal, ""},
		{fyne.KeyUnknown, 0, normal, ""},
	} {
		t.Run(fmt.Sprintf("%s_%d_%v", tc.key, tc.mods, tc.m.AppCursor), func(t *testing.T) {
			if got := string(encodeKey(tc.key, tc.mods, tc.m)); got != tc.want {
				t.Errorf("encodeKey(%s, %d) = %q, want %q", tc.key, tc.mods, got, tc.want)
			}
		})
	}
}

const desktopShiftLeft fyne.KeyName = "LeftShift"

func TestEncodePaste(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		bracketed  bool
		want       string
	}{
		{"plain", "ls -l\n", false, "ls -l\r"},
		{"crlf", "a\r\nb", false, "a\rb"},
		{"bracketed", "x\ny", true, "\x1b[200~x\ry\x1b[201~"},
		{"cannot escape brackets", "a\x1b[201~rm -rf", true, "\x1b[200~arm -rf\x1b[201~"},
		{"unicode", "héllo 中", false, "héllo 中"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(encodePaste(tc.text, vt.Modes{BracketedPaste: tc.bracketed})); got != tc.want {
				t.Errorf("encodePaste = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestEncodeMouse(t *testing.T) {
	sgr := vt.Modes{Mouse: vt.MouseNormal, MouseEncoding: vt.MouseEncodingSGR}
	for _, tc := range []struct {
		name   string
		button int
		act    mouseAction
		x, y   int
		mods   fyne.KeyModifier
		m      vt.Modes
		want   string
	}{
		{"off", mouseLeft, mousePress, 0, 0, 0, vt.Modes{}, ""},
		{"x10 press", mouseLeft, mousePress, 2, 3, ctrl, vt.Modes{Mouse: vt.MouseX10}, "\x1b[M #$"},
		{"x10 no release", mouseLeft, mouseRelease, 2, 3, 0, vt.Modes{Mouse: vt.MouseX10}, ""},
		{"normal release", mouseRight, mouseRelease, 0, 0, 0, vt.Modes{Mouse: vt.MouseNormal}, "\x1b[M#!!"},
		{"normal no motion", mouseLeft, mouseMotion, 0, 0, 0, vt.Modes{Mouse: vt.MouseNormal}, ""},
		{"button motion", mouseLeft, mouseMotion, 4, 0, 0, vt.Modes{Mouse: vt.MouseButton}, "\x1b[M@%!"},
		{"button no hover", mouseNone, mouseMotion, 4, 0, 0, vt.Modes{Mouse: vt.MouseButton}, ""},
		{"any hover sgr", mouseNone, mouseMotion, 4, 0, 0, vt.Modes{Mouse: vt.MouseAny, MouseEncoding: vt.MouseEncodingSGR}, "\x1b[<35;5;1M"},
		{"sgr press", mouseLeft, mousePress, 9, 19, 0, sgr, "\x1b[<0;10;20M"},
		{"sgr release keeps button", mouseMiddle, mouseRelease, 9, 19, 0, sgr, "\x1b[<1;10;20m"},
		{"sgr modifiers", mouseLeft, mousePress, 0, 0, shift | alt | ctrl, sgr, "\x1b[<28;1;1M"},
		{"sgr wheel", mouseWheelDown, mousePress, 0, 0, 0, sgr, "\x1b[<65;1;1M"},
		{"sgr far away", mouseLeft, mousePress, 299, 0, 0, sgr, "\x1b[<0;300;1M"},
		{"legacy too far", mouseLeft, mousePress, 299, 0, 0, vt.Modes{Mouse: vt.MouseNormal}, ""},
		{"urxvt", mouseLeft, mousePress, 1, 1, 0, vt.Modes{Mouse: vt.MouseNormal, MouseEncoding: vt.MouseEncodingURXVT}, "\x1b[32;2;2M"},
		{"utf8 far", mouseLeft, mousePress, 199, 0, 0, vt.Modes{Mouse: vt.MouseNormal, MouseEncoding: vt.MouseEncodingUTF8}, "\x1b[M \u00e8!"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(encodeMouse(tc.button, tc.act, tc.x, tc.y, tc.mods, tc.m)); got != tc.want {
				t.Errorf("encodeMouse = %q, want %q", got, tc.want)
			}
		})
	}
}
