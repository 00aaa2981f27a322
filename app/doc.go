// Package app is Duet's window: the Fyne user interface, and nothing else. It hosts
// sessions (sessions.Registry, served by a host.Server), joins others (join.Dial),
// shows each in a terminal widget, and asks the host about partners.
//
// Layout: the session list on the left, the selected session's terminal in the centre,
// the share panel (join lines, invite, host key) and the partners of the selected hosted
// session on the right. Over every session's terminal, hosted or joined, the pairing strip
// (who is here, who drives, the call link), under it the chat (pairing.go). Each part is a small unexported screen struct that keeps its
// widgets as fields (tests tap them and read their labels) and has onX handlers.
//
// Threading: only the UI goroutine touches widgets. Core callbacks (approval requests,
// host-key questions, join news, the watcher's snapshots) never touch widgets: they hop
// onto the UI goroutine with fyne.Do and never wait for it, except the questions the core
// asks (approve, trust a host key), which wait for the user's answer or their context.
// Every goroutine the window starts is owned by [UI] and gone when [UI.Close] returns.
//
// Quitting with hosted sessions running asks what becomes of them (background.go): kept
// running, they move to a background duet host (sessions/background) the window starts;
// stopped, they end. Start takes back what a background host runs for the config dir.
//
// Package app uses every package of Duet and Fyne, but never Fyne's app package or its
// GL driver: cmd/duet makes the fyne.App and fyne.Window and hands them in.
package app
