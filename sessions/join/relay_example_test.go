package join_test

import (
	"context"
	"fmt"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/host"
	"github.com/duetpair/duet/sessions/join"
)

// Hosting through an SSH server, as the share panel does with its relay setting: the
// Host already serves direct partners; the Relay serves it through the server too, and
// its status says where partners join each time the forward is up.
func ExampleRelay() {
	store, err := keys.Open("")
	if err != nil {
		fmt.Println(err)
		return
	}
	h := &host.Server{} // serving its listener, as in ExampleServer
	fp, _ := h.Fingerprint()
	server, err := join.ParseServer("alice@server.example.com")
	if err != nil {
		fmt.Println(err) // one sentence: what is wrong with the address
		return
	}
	r := &join.Relay{
		Host:   h,
		Server: server,
		Store:  store,
		Status: func(st join.RelayStatus) {
			fmt.Println(st) // "relay listening on server.example.com:40123", "relay: connection lost; ..."
			if st.State == join.RelayListening {
				fmt.Println(st.SSHCommand("main")) // "ssh -p 40123 main@server.example.com"
				fmt.Println(st.Invite("main", fp)) // "duet://main@server.example.com:40123/#SHA256:..."
			}
		},
	}
	if err := r.Start(context.Background()); err != nil {
		fmt.Println(err) // the server's key unknown or changed, no key taken, no forwarding there
		return
	}
	defer r.Close()
	// ... until the host stops sharing; Host.Shutdown stops the relay too.
}
