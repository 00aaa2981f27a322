package host

import (
	"fmt"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/wire"
)

// tellView tells the partner on ch when its terminal starts or stops showing a part of
// the session (sessions.SizeHost and a smaller terminal): a Duet partner by a View
// status (its window then pans with keys), every partner by a notice on its bottom row.
// It returns when stop is closed.
func tellView(ch ssh.Channel, cl *sessions.Client, stop <-chan struct{}) {
	viewing := false
	for {
		_, _, _, _, ok := cl.View()
		if ok != viewing {
			viewing = ok
			st := wire.Status{State: wire.View}
			if ok {
				cols, rows := cl.Session().Size()
				st.Text = fmt.Sprintf("%dx%d", cols, rows)
			}
			send(ch, st)
			cl.Notice(noticeText(st.Message()))
		}
		select {
		case <-cl.ViewNews():
		case <-stop:
			return
		}
	}
}

// noticeText is a status's sentence as a notice: without the brackets, after "duet:".
func noticeText(msg string) string {
	if len(msg) > 2 && msg[0] == '[' && msg[len(msg)-1] == ']' {
		msg = msg[1 : len(msg)-1]
	}
	return msg
}
