package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/duetpair/duet/sessions/record"
)

// verifyCommand is `duet verify [--host FINGERPRINT] FILE`: whether a recording is intact
// and which host key signed it.
func verifyCommand() *command {
	var hostFP string
	return &command{
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&hostFP, "host", "", "also require this host key fingerprint (SHA256:...)")
		},
		run: func(c *cli, args []string) error {
			if len(args) != 1 {
				return usageError("verify takes one recording file")
			}
			return c.verify(args[0], hostFP)
		},
	}
}

func (c *cli) verify(path, hostFP string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot open the recording: %w", errors.Unwrap(err))
	}
	defer f.Close()
	res, err := record.Verify(f)
	if err != nil {
		return err
	}
	if hostFP != "" && res.Fingerprint != hostFP {
		return fmt.Errorf("the recording is intact, but it was signed by host key %s, not %s", res.Fingerprint, hostFP)
	}
	typed := "nobody typed"
	if len(res.Typists) > 0 {
		typed = "typed by " + strings.Join(res.Typists, ", ")
	}
	fmt.Fprintf(c.stdout, "intact: signed by host key %s (session %s, %.1f s, %d events, %s)\n",
		res.Fingerprint, res.Session, res.Duration, res.Lines, typed)
	return nil
}
