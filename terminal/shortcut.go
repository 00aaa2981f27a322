package terminal

import (
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// copyPasteMod is the modifier of the terminal's own copy and paste: Ctrl+Shift on Linux
// and Windows (plain Ctrl+C must stay an interrupt), Cmd on macOS.
func copyPasteMod() fyne.KeyModifier {
	if runtime.GOOS == "darwin" {
		return fyne.KeyModifierSuper
	}
	return fyne.KeyModifierControl | fyne.KeyModifierShift
}

// TypedShortcut is part of fyne.Shortcutable. Fyne turns every key pressed with Ctrl, Alt
// or Super into a shortcut; most of them are keys for the program.
func (t *Terminal) TypedShortcut(s fyne.Shortcut) {
	if t.OnShortcut != nil && t.OnShortcut(s) {
		return
	}
	mac := runtime.GOOS == "darwin"
	switch s := s.(type) {
	case *fyne.ShortcutCopy:
		if s.Secondary || mac {
			t.copySelection(s.Clipboard)
			return
		}
		t.send([]byte{0x03})
	case *fyne.ShortcutPaste:
		if s.Secondary || mac {
			t.pasteFrom(s.Clipboard)
			return
		}
		t.send([]byte{0x16})
	case *fyne.ShortcutCut:
		if s.Secondary {
			t.send(encodeKey(fyne.KeyDelete, fyne.KeyModifierShift, t.modes()))
		} else if !mac {
			t.send([]byte{0x18})
		}
	case *fyne.ShortcutUndo:
		if !mac {
			t.send([]byte{0x1a})
		}
	case *fyne.ShortcutRedo:
		if !mac {
			t.send([]byte{0x19})
		}
	case *fyne.ShortcutSelectAll:
		if !mac {
			t.send([]byte{0x01})
		}
	case *desktop.CustomShortcut:
		if s.Modifier == copyPasteMod() {
			switch s.KeyName {
			case fyne.KeyC:
				t.copySelection(nil)
				return
			case fyne.KeyV:
				t.pasteFrom(nil)
				return
			}
		}
		if s.Modifier&fyne.KeyModifierShift != 0 && s.Modifier&^fyne.KeyModifierShift == 0 {
			return
		}
		t.send(encodeKey(s.KeyName, s.Modifier, t.modes()))
	}
}

func (t *Terminal) clipboard(cb fyne.Clipboard) fyne.Clipboard {
	if cb != nil {
		return cb
	}
	if app := fyne.CurrentApp(); app != nil {
		return app.Clipboard()
	}
	return nil
}

func (t *Terminal) copySelection(cb fyne.Clipboard) {
	if text := t.SelectedText(); text != "" {
		if cb = t.clipboard(cb); cb != nil {
			cb.SetContent(text)
		}
	}
}

func (t *Terminal) pasteFrom(cb fyne.Clipboard) {
	if cb = t.clipboard(cb); cb != nil {
		t.Paste(cb.Content())
	}
}
