package sessions_test

import (
	"context"
	"log"
	"net"
	"time"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
)

// A host sharing the login shell with partners whose keys are approved in the config dir,
// asking about any other key.
func ExampleHost() {
	store, err := keys.Open("") // --config-dir, $DUET_CONFIG_DIR or the OS config dir
	if err != nil {
		log.Fatal(err)
	}
	hostKey, err := store.LoadOrCreateHostKey()
	if err != nil {
		log.Fatal(err)
	}
	reg := &sessions.Registry{}
	if _, err := reg.Start(sessions.Options{}); err != nil { // "main": the login shell
		log.Fatal(err)
	}
	defer reg.Close()
	h := &sessions.Host{
		Sessions: reg,
		HostKey:  hostKey.Signer,
		Approved: store.Approved(),
		Approve: func(ctx context.Context, req sessions.ApprovalRequest) sessions.Decision {
			log.Printf("%s asks to join %s", req.Fingerprint, req.Session)
			return sessions.Decision{Answer: sessions.AllowOnce, Role: keys.RoleView}
		},
	}
	l, err := net.Listen("tcp", ":2222")
	if err != nil {
		log.Fatal(err)
	}
	go h.Serve(l)

	<-reg.Default().Done() // until the shell exits
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h.Shutdown(ctx)
}

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
