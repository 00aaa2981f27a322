package join_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/join"
)

// Joining a session from an invite, as the window does: the invite pins the host key, so
// nobody is asked about it; output goes to a terminal widget (here standard output).
func ExampleDial() {
	addr, err := join.ParseAddress("duet://main@192.168.1.5:2222/#SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU")
	if err != nil {
		fmt.Println(err) // one sentence: what is wrong with the address
		return
	}
	store, err := keys.Open("")
	if err != nil {
		fmt.Println(err)
		return
	}
	conn, err := join.Dial(context.Background(), addr, join.Config{
		Store: store,
		Term:  "xterm-256color", Cols: 80, Rows: 24,
		ConfirmHost: func(host string, key ssh.PublicKey) error {
			return errors.New("ask the user here") // not asked: the invite pins the key
		},
		Status: func(s join.Status) { fmt.Println(s) }, // "connection lost; reconnecting"
	})
	var changed *keys.HostKeyError
	switch {
	case errors.As(err, &changed):
		fmt.Println(changed.Warning())
		return
	case err != nil:
		fmt.Println(err)
		return
	}
	defer conn.Close()
	go io.Copy(conn, os.Stdin) // keystrokes; the widget calls conn.Resize as it changes size
	io.Copy(os.Stdout, conn)   // until the session ends for good
	status, err := conn.Wait()
	fmt.Println("exit status", status, err)
}
