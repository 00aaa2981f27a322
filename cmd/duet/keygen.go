package main

import (
	"errors"
	"fmt"
	"io/fs"
)

// keygenCommand is `duet keygen`: create the identity if missing and print its public key,
// the line a partner pastes to approve it.
func keygenCommand() *command {
	return &command{run: func(c *cli, args []string) error {
		if len(args) > 0 {
			return usageError("keygen takes no arguments")
		}
		store, err := c.store()
		if err != nil {
			return err
		}
		_, err = store.LoadIdentity()
		created := errors.Is(err, fs.ErrNotExist)
		key, err := store.LoadOrCreateIdentity()
		if err != nil {
			return err
		}
		if created {
			fmt.Fprintf(c.stderr, "duet: created %s (%s)\n", key.Path, key.Fingerprint())
		}
		fmt.Fprintln(c.stdout, key.AuthorizedKey())
		return nil
	}}
}
