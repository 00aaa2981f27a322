package sessions_test

import (
	"log"

	"github.com/duetpair/duet/sessions"
)

// Attaching to a session in-process, as the host's own window does: a repaint first, then
// live output, until the client detaches or the session ends.
func ExampleSession_Attach() {
	s, err := sessions.Start(sessions.Options{Command: []string{"top"}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	c, err := s.Attach(sessions.AttachOptions{Name: "window", Cols: 120, Rows: 40})
	if err != nil {
		log.Fatal(err)
	}
	go c.CopyTo(log.Writer()) // the terminal widget would feed its own screen
	c.Write([]byte("q"))      // keystrokes
	<-s.Done()
}
