package app

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/wire"
)

// chatShown is how many chat lines the panel keeps; chatHeight its height.
const (
	chatShown  = 100
	chatHeight = 120
)

// chatPanel is a session's chat, under its terminal: the latest lines (names and texts
// cleaned: a hostile line shows escaped), a line to type and Send. Hidden, it counts
// what came meanwhile on the strip's Chat button.
type chatPanel struct {
	v      *pairView
	box    *fyne.Container
	lines  *fyne.Container // a label per line
	scroll *container.Scroll
	entry  *widget.Entry
	send   *widget.Button
	unread int
}

func newChatPanel(v *pairView) *chatPanel {
	c := &chatPanel{v: v, lines: container.NewVBox()}
	c.scroll = container.NewVScroll(c.lines)
	c.scroll.SetMinSize(fyne.NewSize(0, chatHeight))
	c.entry = widget.NewEntry()
	c.entry.SetPlaceHolder("Say something to everyone in the session")
	c.entry.OnSubmitted = func(string) { c.onSend() }
	c.send = widget.NewButtonWithIcon("Send", theme.MailSendIcon(), c.onSend)
	c.box = container.NewVBox(widget.NewSeparator(), c.scroll, container.NewBorder(nil, nil, nil, c.send, c.entry))
	c.box.Hide()
	return c
}

// toggle shows or hides the chat.
func (c *chatPanel) toggle() {
	if c.box.Visible() {
		c.box.Hide()
		c.v.e.u.w.Canvas().Focus(c.v.e.term)
	} else {
		c.box.Show()
		c.unread = 0
		c.scroll.ScrollToBottom()
		c.v.e.u.w.Canvas().Focus(c.entry)
	}
	c.updateButton()
}

func (c *chatPanel) updateButton() {
	text := "Chat"
	if c.unread > 0 {
		text = fmt.Sprintf("Chat (%d)", c.unread)
		c.v.chatBt.Importance = widget.HighImportance
	} else {
		c.v.chatBt.Importance = widget.LowImportance
	}
	c.v.chatBt.SetText(text)
}

// onSend says what was typed, bounded as the session bounds it.
func (c *chatPanel) onSend() {
	text := strings.TrimSpace(c.entry.Text)
	if text == "" {
		return
	}
	if len(text) > sessions.MaxChatBytes {
		c.note(fmt.Sprintf("Too long: a message holds at most %d bytes.", sessions.MaxChatBytes))
		return
	}
	c.entry.SetText("")
	c.v.act.say(text)
}

// add shows new lines (cleaned by whoever made them: see pairView.fromSession and
// wire.ParseMessage).
func (v *pairView) addChat(lines []wire.ChatLine) {
	c := v.chat
	for _, l := range lines {
		if l.Seq <= v.lastChat {
			continue
		}
		v.lastChat = l.Seq
		at := time.UnixMilli(l.At).Format("15:04")
		c.addLine(fmt.Sprintf("[%s] %s: %s", at, l.Name, l.Text), widget.MediumImportance)
		if !c.box.Visible() && l.From != v.pr.You {
			c.unread++
		}
	}
	c.updateButton()
}

// note shows a line of the window's own (why something was refused).
func (c *chatPanel) note(text string) {
	c.addLine(text, widget.DangerImportance)
	if !c.box.Visible() {
		c.box.Show()
		c.unread = 0
		c.updateButton()
	}
}

func (c *chatPanel) addLine(text string, imp widget.Importance) {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = imp
	c.lines.Add(l)
	if n := len(c.lines.Objects); n > chatShown {
		c.lines.Objects = c.lines.Objects[n-chatShown:]
		c.lines.Refresh()
	}
	c.scroll.ScrollToBottom()
}

// texts returns the lines shown, for tests.
func (c *chatPanel) texts() []string {
	var out []string
	for _, o := range c.lines.Objects {
		out = append(out, o.(*widget.Label).Text)
	}
	return out
}
