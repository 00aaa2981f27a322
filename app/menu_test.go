package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// menuItemNamed finds a menu item by its label.
func menuItemNamed(m *fyne.MainMenu, label string) *fyne.MenuItem {
	for _, menu := range m.Items {
		for _, it := range menu.Items {
			if it.Label == label {
				return it
			}
		}
	}
	return nil
}

// TestMenuHasTheActionsAndShortcuts: the menu holds the window's actions with their
// shortcuts, and they act; the text size changes the terminals only, and is kept.
func TestMenuHasTheActionsAndShortcuts(t *testing.T) {
	h := newHarness(t, options{})
	h.ui(func() {
		m := h.w.MainMenu()
		if m == nil {
			t.Fatal("no menu")
		}
		for _, tc := range []struct {
			label string
			key   fyne.KeyName
			mod   fyne.KeyModifier
		}{
			{"Host a session…", fyne.KeyT, fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift},
			{"Join a session…", fyne.KeyJ, fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift},
			{"Quit", fyne.KeyQ, fyne.KeyModifierShortcutDefault},
			{"Bigger text", fyne.KeyEqual, fyne.KeyModifierShortcutDefault},
			{"Smaller text", fyne.KeyMinus, fyne.KeyModifierShortcutDefault},
		} {
			it := menuItemNamed(m, tc.label)
			if it == nil {
				t.Errorf("no menu item %q", tc.label)
				continue
			}
			sc, ok := it.Shortcut.(*desktop.CustomShortcut)
			if !ok || sc.KeyName != tc.key || sc.Modifier != tc.mod {
				t.Errorf("%q has shortcut %v", tc.label, it.Shortcut)
			}
		}
		menuItemNamed(m, "Join a session…").Action()
		if h.u.joinDlg == nil {
			t.Error("the Join item opened no dialog")
		}
		h.u.joinDlg.dlg.Hide()

		e := h.u.selected
		cols, _ := e.term.GridSize()
		menuItemNamed(m, "Bigger text").Action()
		bigger, _ := e.term.GridSize()
		if bigger >= cols {
			t.Errorf("bigger text: %d columns, was %d", bigger, cols)
		}
		if h.u.settings.FontSize == 0 {
			t.Errorf("text size not kept: %v", h.u.settings.FontSize)
		}
		menuItemNamed(m, "Normal text size").Action()
		if again, _ := e.term.GridSize(); again != cols {
			t.Errorf("normal text size: %d columns, want %d", again, cols)
		}
		menuItemNamed(m, "Smaller text").Action()
		if smaller, _ := e.term.GridSize(); smaller <= cols {
			t.Errorf("smaller text: %d columns, was %d", smaller, cols)
		}
	})
	if s := loadSettings(h.store, h.u.log); s.FontSize == 0 {
		t.Error("the text size was not saved")
	}
}

// TestIconButtonsHaveTooltips: resting the pointer on an icon button says what it does.
func TestIconButtonsHaveTooltips(t *testing.T) {
	h := newHarness(t, options{})
	var b *tipButton
	h.ui(func() {
		b = h.u.share.lines[0].copy
		b.MouseIn(&desktop.MouseEvent{})
	})
	h.waitFor("the tooltip", func() bool { return h.u.tips.card.Visible() })
	h.ui(func() {
		if !strings.Contains(h.u.tips.text.Text, "Copy") {
			t.Errorf("tooltip %q", h.u.tips.text.Text)
		}
		b.MouseOut()
		if h.u.tips.card.Visible() {
			t.Error("the tooltip stayed after the pointer left")
		}
		for _, tb := range []*tipButton{h.u.centre.sideBt, h.u.list.host, h.u.list.join} {
			if tb.tip == "" {
				t.Errorf("button %q has no tooltip", tb.Text)
			}
		}
	})
}
