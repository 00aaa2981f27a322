package host_test

import (
	"context"
	"log"
	"net"
	"time"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/host"
)

// A host sharing the login shell with partners whose keys are approved in the config dir,
// asking about any other key.
func ExampleServer() {
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
	h := &host.Server{
		Sessions: reg,
		HostKey:  hostKey.Signer,
		Approved: store.Approved(),
		Approve: func(ctx context.Context, req host.ApprovalRequest) host.Decision {
			log.Printf("%s asks to join %s", req.Fingerprint, req.Session)
			return host.Decision{Answer: host.AllowOnce, Role: keys.RoleView}
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
