package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/duetpair/duet/internal/safetext"
	"github.com/duetpair/duet/keys"
)

// approveCommand is `duet approve [--read-only] FILE|-`: add partners' public keys to the
// approved keys, so they join without being asked.
func approveCommand() *command {
	var readOnly bool
	return &command{
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&readOnly, "read-only", false, "the partners join view only")
		},
		run: func(c *cli, args []string) error {
			if len(args) != 1 {
				return usageError("approve takes one FILE, or - for standard input")
			}
			name := args[0]
			var text []byte
			var err error
			if name == "-" {
				text, err = io.ReadAll(io.LimitReader(c.stdin, 1<<20))
			} else {
				text, err = os.ReadFile(name)
			}
			if err != nil {
				return fmt.Errorf("read keys: %w", err)
			}
			store, err := c.store()
			if err != nil {
				return err
			}
			role := keys.RoleDefault // the host's default: can type unless it hosts --read-only
			if readOnly {
				role = keys.RoleView
			}
			entries, problems := keys.ParsePublicKeys(name, text)
			for _, e := range entries {
				if err := store.Approved().Add(e.Key, role, e.Comment); err != nil {
					return err
				}
				what := "the host's default role"
				if readOnly {
					what = "view only"
				}
				fmt.Fprintf(c.stdout, "approved %s %s (%s)\n", e.Fingerprint(), safetext.Line(e.Comment, safetext.MaxName), what)
			}
			if len(problems) > 0 {
				for _, p := range problems[:len(problems)-1] {
					fmt.Fprintf(c.stderr, "duet approve: %s\n", safetext.Line(p.Error(), safetext.MaxLine))
				}
				return problems[len(problems)-1]
			}
			return nil
		},
	}
}
