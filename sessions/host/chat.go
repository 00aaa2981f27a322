package host

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/wire"
)

// The chat for a terminal: `ssh -t -p 2222 HOST chat` (or `chat NAME`, or the session
// the user name names) opens the session's chat line by line, for anyone the host let
// into the session, view only too. With a terminal (-t) the host edits the line itself
// (Backspace, Ctrl+U, Enter sends, Ctrl+C or Ctrl+D on an empty line leaves) and prints
// what others say above it; without one, every line read is said, and what others say
// is printed a line at a time (for scripts). Control changing hands, someone asking you
// for it, and the call link are said there too. Commands: /who, /drive (ask for control),
// /give NAME, /take (the host, or the driver handing back), /call URL or /call off,
// /quit.

// chatHistory is how many of the latest lines a chat shows when it opens.
const chatHistory = 20

// maxChatInput bounds the line being typed.
const maxChatInput = sessions.MaxChatBytes

// chat runs the chat of session s on ch until the partner leaves, the connection is
// kicked or the session ends.
func (c *conn) chat(ch ssh.Channel, st *channelState, s *sessions.Session) {
	st.mu.Lock()
	tty := st.pty
	st.mu.Unlock()
	in := make(chan []byte, 16)
	st.mu.Lock()
	st.sink = func(p []byte) {
		if p == nil {
			close(in)
			return
		}
		select {
		case in <- append([]byte(nil), p...):
		default: // typing faster than the chat reads: dropped
		}
	}
	st.mu.Unlock()
	st.markReady()
	st.mu.Lock()
	cw := &chatWriter{ch: ch, tty: tty, cols: st.cols}
	st.mu.Unlock()
	name := c.displayName()
	leave := s.InChat(c.participant(), name, !c.mayType()) // here, in the chat only, unless attached too
	defer leave()
	cw.println(fmt.Sprintf("duet: the chat of %s, as %s. Type a line and Enter; /who, /drive, /give NAME, /take, /call URL, /quit.",
		wire.CleanName(s.Name()), wire.CleanName(name)))
	var last uint64
	lines := s.Pairing().Chat
	if len(lines) > chatHistory {
		lines = lines[len(lines)-chatHistory:]
	}
	for _, l := range lines {
		cw.println(chatLineText(l))
		last = l.Seq
	}
	told := s.Pairing()
	if told.Call != "" {
		cw.println("duet: the call: " + told.Call)
	}
	cw.prompt()
	var line []byte
	for {
		changed := s.Changed()
		select {
		case p, ok := <-in:
			if !ok {
				sendExitStatus(ch, 0)
				return
			}
			var done bool
			line, done = c.chatInput(cw, s, name, line, p)
			if done {
				cw.println("")
				sendExitStatus(ch, 0)
				return
			}
			continue
		case <-changed:
		case <-c.kicked:
			return
		case <-s.Done():
			cw.println("duet: the session ended")
			sendExitStatus(ch, 0)
			return
		}
		p := s.Pairing()
		for _, l := range p.Chat {
			if l.Seq > last {
				last = l.Seq
				cw.above(chatLineText(l))
			}
		}
		// What a terminal's status line would say: control changing hands, someone
		// asking you (the host, or the driver) for it, the call link.
		if n := controlNews(told, p, c.participant()); n != "" {
			cw.above(n)
		}
		if p.Call != told.Call {
			if p.Call == "" {
				cw.above("duet: the call link was removed")
			} else {
				cw.above("duet: the call: " + p.Call)
			}
		}
		told = p
	}
}

// chatInput takes what the partner typed: with a terminal, key by key (lineEditor);
// without one, line by line. done says the partner leaves.
func (c *conn) chatInput(cw *chatWriter, s *sessions.Session, name string, line, p []byte) ([]byte, bool) {
	if !cw.tty {
		line = append(line, p...)
		for {
			i := bytes.IndexByte(line, '\n')
			if i < 0 {
				if len(line) > maxChatInput {
					line = line[:0]
				}
				return line, false
			}
			text := strings.TrimRight(string(line[:i]), "\r")
			line = line[i+1:]
			if c.chatSay(cw, s, name, text) {
				return line, true
			}
		}
	}
	ed := lineEditor{line: line}
	for len(p) > 0 {
		var ev editEvent
		p, ev = ed.key(p)
		switch ev {
		case editSend:
			text := string(ed.line)
			ed.line = ed.line[:0]
			cw.input = ""
			cw.clearLine()
			if c.chatSay(cw, s, name, text) {
				return ed.line, true
			}
			cw.prompt()
		case editQuit:
			return ed.line, true
		case editChanged:
			cw.input = string(ed.line)
			cw.prompt()
		}
	}
	return ed.line, false
}

// lineEditor edits the line a chat partner types in a terminal: printable characters
// (up to maxChatInput bytes), Backspace, Ctrl+U; Enter sends, Ctrl+C (or Ctrl+D on an
// empty line) quits. Escape sequences (arrow keys) and other control characters are
// dropped: the line, echoed to the partner's terminal and said to everyone, holds
// visible text only.
type lineEditor struct{ line []byte }

type editEvent int

const (
	editNone editEvent = iota
	editChanged
	editSend
	editQuit
)

// key takes the first key of p and returns the rest and what it did.
func (e *lineEditor) key(p []byte) ([]byte, editEvent) {
	r, size := utf8.DecodeRune(p)
	p = p[size:]
	switch {
	case r == '\r' || r == '\n':
		return p, editSend
	case r == 0x03 || (r == 0x04 && len(e.line) == 0):
		return p, editQuit
	case r == 0x7f || r == 0x08:
		if len(e.line) == 0 {
			return p, editNone
		}
		_, n := utf8.DecodeLastRune(e.line)
		e.line = e.line[:len(e.line)-n]
		return p, editChanged
	case r == 0x15: // Ctrl+U
		e.line = e.line[:0]
		return p, editChanged
	case r == 0x1b: // an escape sequence (arrow keys): not edited, the rest of what came dropped
		return nil, editNone
	case r == utf8.RuneError || unicode.IsControl(r) || !unicode.IsPrint(r) && !unicode.IsSpace(r):
		return p, editNone
	case len(e.line)+size > maxChatInput:
		return p, editNone
	}
	e.line = utf8.AppendRune(e.line, r)
	return p, editChanged
}

// chatSay says text, or carries out a command; true for /quit.
func (c *conn) chatSay(cw *chatWriter, s *sessions.Session, name, text string) bool {
	text = strings.TrimSpace(text)
	if text == "" {
		return false
	}
	cmd, arg, _ := strings.Cut(text, " ")
	arg = strings.TrimSpace(arg)
	var err error
	switch cmd {
	case "/quit", "/exit":
		return true
	case "/who":
		var b strings.Builder
		writeWho(&b, []wire.Presence{PresenceOf(s.Pairing(), c.participant())}, false)
		for l := range strings.SplitSeq(strings.TrimRight(b.String(), "\n"), "\n") {
			cw.above(l)
		}
		return false
	case "/drive":
		err = c.pairAction(s, name, wire.Message{Kind: wire.KindDrive, Drive: &wire.Drive{Action: wire.DriveAsk}})
		if on, _ := s.OneDriver(); !on {
			err = errors.New("one driver at a time is off: everyone who may type types")
		}
	case "/give":
		to, ok := participantNamed(s, arg)
		if !ok {
			err = fmt.Errorf("nobody called %q here; /who lists who is", arg)
			break
		}
		err = c.pairAction(s, name, wire.Message{Kind: wire.KindDrive, Drive: &wire.Drive{Action: wire.DriveGive, To: to}})
	case "/take":
		err = c.pairAction(s, name, wire.Message{Kind: wire.KindDrive, Drive: &wire.Drive{Action: wire.DriveTake}})
	case "/call":
		link := arg
		if link == "off" {
			link = ""
		} else if err = wire.CheckCall(link); err != nil {
			break
		}
		err = c.pairAction(s, name, wire.Message{Kind: wire.KindCall, Call: link})
	default:
		err = c.pairAction(s, name, wire.Message{Kind: wire.KindSay, Text: text})
	}
	if err != nil {
		cw.above("duet: " + chatError(err))
	}
	return false
}

// chatError is the sentence for a refused chat line or command.
func chatError(err error) string {
	switch {
	case errors.Is(err, sessions.ErrTooFast):
		return "too many messages; wait a moment"
	case errors.Is(err, errViewOnly):
		return "you are view only: the host has not let you do that"
	case errors.Is(err, sessions.ErrNotAllowed):
		return "not allowed: only the host, or whoever drives, hands over control (to someone who may type), and only with one driver at a time"
	}
	return err.Error()
}

// participantNamed finds the participant of s called name (as shown, any case).
func participantNamed(s *sessions.Session, name string) (string, bool) {
	for _, pt := range s.Participants() {
		if strings.EqualFold(wire.CleanName(pt.Name), name) || pt.ID == name {
			return pt.ID, true
		}
	}
	return "", false
}

// chatLineText is one chat line as a terminal shows it: "[15:04] Alice: text".
func chatLineText(l sessions.ChatLine) string {
	return fmt.Sprintf("[%s] %s: %s", l.At.Format("15:04"), wire.CleanName(l.Name), wire.CleanText(l.Text))
}

// chatWriter writes the chat to the partner: with a terminal, lines above the line being
// typed, which is drawn again after them.
type chatWriter struct {
	ch    io.Writer
	tty   bool
	cols  int    // the terminal's width (0: unknown)
	input string // the line being typed (tty)
}

func (w *chatWriter) println(s string) { fmt.Fprintf(w.ch, "%s\r\n", s) }

// above prints s as a line above the line being typed.
func (w *chatWriter) above(s string) {
	if !w.tty {
		w.println(s)
		return
	}
	w.clearLine()
	w.println(s)
	w.prompt()
}

func (w *chatWriter) clearLine() {
	if w.tty {
		io.WriteString(w.ch, "\r\x1b[K")
	}
}

// prompt draws the line being typed (tty only).
func (w *chatWriter) prompt() {
	if !w.tty {
		return
	}
	shown := []rune(w.input)
	if room := max(w.cols-3, 10); w.cols > 0 && len(shown) > room {
		shown = shown[len(shown)-room:] // the end of a long line, on one row
	}
	fmt.Fprintf(w.ch, "\r\x1b[K> %s", string(shown))
}
