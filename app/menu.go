package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
)

// The window's shortcuts (Cmd in place of Ctrl on macOS). They work with the terminal
// focused: the menu's shortcuts come before the focused widget's keys, so none of them is
// a key a terminal program commonly wants (Ctrl+Shift+P, pause sharing, is the hosted
// terminal's own: see recordShortcuts).
var (
	shortcutHost    = &desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	shortcutJoin    = &desktop.CustomShortcut{KeyName: fyne.KeyJ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	shortcutQuit    = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutBigger  = &desktop.CustomShortcut{KeyName: fyne.KeyEqual, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutSmaller = &desktop.CustomShortcut{KeyName: fyne.KeyMinus, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutReset   = &desktop.CustomShortcut{KeyName: fyne.Key0, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutPanel   = &desktop.CustomShortcut{KeyName: fyne.KeyB, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
)

// menuItem is a menu item with its shortcut.
func menuItem(label string, icon fyne.Resource, sc fyne.Shortcut, action func()) *fyne.MenuItem {
	it := fyne.NewMenuItem(label, action)
	it.Icon, it.Shortcut = icon, sc
	return it
}

// newMainMenu is the window's menu: every action with its shortcut.
func (u *UI) newMainMenu() *fyne.MainMenu {
	quit := menuItem("Quit", nil, shortcutQuit, u.onCloseWindow)
	quit.IsQuit = true // Fyne keeps our action, which asks while partners are attached
	return fyne.NewMainMenu(
		fyne.NewMenu("Duet",
			menuItem("Host a session…", theme.ContentAddIcon(), shortcutHost, u.list.onHost),
			menuItem("Join a session…", theme.LoginIcon(), shortcutJoin, u.list.onJoin),
			menuItem("Record the session", theme.MediaRecordIcon(), nil, func() { u.onHosted(u.toggleRecording) }),
			menuItem("Pause or resume sharing (Ctrl+Shift+P in its terminal)", theme.VisibilityOffIcon(), nil, func() { u.onHosted(u.togglePause) }),
			fyne.NewMenuItemSeparator(),
			menuItem("Keys…", theme.AccountIcon(), nil, func() { u.keys.show() }),
			menuItem("Settings…", theme.SettingsIcon(), nil, u.showSettings),
			fyne.NewMenuItemSeparator(),
			quit,
		),
		fyne.NewMenu("View",
			menuItem("Bigger text", theme.ZoomInIcon(), shortcutBigger, func() { u.font.step(1) }),
			menuItem("Smaller text", theme.ZoomOutIcon(), shortcutSmaller, func() { u.font.step(-1) }),
			menuItem("Normal text size", nil, shortcutReset, func() { u.font.step(0) }),
			fyne.NewMenuItemSeparator(),
			menuItem("Share and partners panel", theme.MenuIcon(), shortcutPanel, u.toggleSide),
		),
	)
}

// onHosted runs action on the selected session if it is hosted here.
func (u *UI) onHosted(action func(*entry)) {
	if e := u.selected; e != nil && e.hosted() && !e.ended {
		action(e)
	}
}

// fontSizes are the terminal's text sizes, in Fyne's units; 0 is the theme's.
var fontSizes = []float32{9, 10, 11, 12, 13, 14, 16, 18, 20, 24, 28, 32}

// fontSize is the terminals' text size: a theme override under every terminal, so that
// the rest of the window keeps its size.
type fontSize struct {
	u    *UI
	size float32 // 0: the theme's
}

// termTheme is the app's theme with the terminals' text size.
type termTheme struct {
	fyne.Theme
	f *fontSize
}

func (t termTheme) Size(name fyne.ThemeSizeName) float32 {
	if name == theme.SizeNameText && t.f.size > 0 {
		return t.f.size
	}
	return t.Theme.Size(name)
}

// wrap puts o (a terminal and what floats on it) under the terminals' text size.
func (f *fontSize) wrap(o fyne.CanvasObject) *container.ThemeOverride {
	return container.NewThemeOverride(o, termTheme{Theme: fyne.CurrentApp().Settings().Theme(), f: f})
}

// step makes the text bigger (1), smaller (-1) or the theme's (0), saves it, and redraws
// every terminal at the new size.
func (f *fontSize) step(dir int) {
	cur := f.size
	if cur == 0 {
		cur = fyne.CurrentApp().Settings().Theme().Size(theme.SizeNameText)
	}
	switch {
	case dir == 0:
		f.size = 0
	case dir > 0:
		f.size = fontSizes[len(fontSizes)-1]
		for _, s := range fontSizes {
			if s > cur {
				f.size = s
				break
			}
		}
	default:
		f.size = fontSizes[0]
		for i := len(fontSizes) - 1; i >= 0; i-- {
			if fontSizes[i] < cur {
				f.size = fontSizes[i]
				break
			}
		}
	}
	u := f.u
	u.settings.FontSize = f.size
	if err := u.settings.save(u.cfg.Store); err != nil {
		u.log.Warn("save settings", "err", err)
	}
	for _, e := range u.entries {
		e.font.Refresh()
		e.term.Resize(e.term.Size()) // the grid follows the new cell size
	}
}
