// Package terminal is Duet's terminal widget for Fyne: it draws a terminal/vt screen at
// most once per frame, encodes keyboard, mouse, paste and focus input as xterm does, and
// binds to a Stream — an attachment to a hosted session (sessions.Stream) or an SSH
// channel (join.Conn); over a long round trip (SetRoundTrip) it predicts the echo of what
// is typed. Of Duet's packages it imports only terminal/vt, and it must not
// import Fyne's app package or GL driver (only cmd does), so its tests run on Fyne's
// headless test driver.
package terminal
