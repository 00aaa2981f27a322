// Package vt is Duet's headless terminal emulator: an xterm-compatible parser, the screen
// model it drives (primary and alternate screens, a scrollback reflowed with the width,
// cursor, margins, modes, palette, title), its answers to the program's queries (see
// AnswersQuery), a repaint that reproduces the screen on another terminal, and updates
// that take another terminal from what it showed to the screen (AppendUpdate), the
// scrollback for a terminal that joins late (AppendHistory) and a smaller terminal's
// view of part of the screen (Viewport, AppendViewport). It draws
// nothing and imports no Fyne; sessions feed it every byte a shared program prints, and
// the terminal widget draws it.
package vt
