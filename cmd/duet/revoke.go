package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/duetpair/duet/internal/safetext"
	"github.com/duetpair/duet/keys"
)

// revokeCommand is `duet revoke KEY|FINGERPRINT|FILE|-`: take keys out of the approved
// keys. A running duet host notices within a second and disconnects them.
func revokeCommand() *command {
	return &command{
		run: func(c *cli, args []string) error {
			if len(args) != 1 {
				return usageError("revoke takes one fingerprint (SHA256:...), public key, FILE, or - for standard input")
			}
			fps, err := c.revokeTargets(args[0])
			if err != nil {
				return err
			}
			store, err := c.store()
			if err != nil {
				return err
			}
			var missing []string
			for _, fp := range fps {
				removed, err := store.Approved().Remove(fp)
				if err != nil {
					return err
				}
				if removed {
					fmt.Fprintf(c.stdout, "revoked %s\n", fp)
				} else {
					missing = append(missing, fp)
				}
			}
			if len(missing) > 0 {
				return fmt.Errorf("%s not in %s", strings.Join(missing, ", "), store.Path(keys.ApprovedFile))
			}
			return nil
		},
	}
}

// revokeTargets reads the fingerprints arg names: a fingerprint, a public key line, a
// file of public keys, or "-" for keys on standard input.
func (c *cli) revokeTargets(arg string) ([]string, error) {
	if fp, ok := fingerprintArg(arg); ok {
		return []string{fp}, nil
	}
	var text []byte
	var err error
	switch {
	case arg == "-":
		text, err = io.ReadAll(io.LimitReader(c.stdin, 1<<20))
	case strings.HasPrefix(arg, "ssh-") || strings.HasPrefix(arg, "ecdsa-") || strings.HasPrefix(arg, "sk-"):
		text = []byte(arg)
	default:
		text, err = os.ReadFile(arg)
	}
	if err != nil {
		return nil, fmt.Errorf("read keys: %w", err)
	}
	entries, problems := keys.ParsePublicKeys(safetext.Line(arg, safetext.MaxName), text)
	if len(entries) == 0 {
		return nil, errors.Join(problems...)
	}
	fps := make([]string, len(entries))
	for i, e := range entries {
		fps[i] = e.Fingerprint()
	}
	return fps, nil
}

// fingerprintArg reads "SHA256:base64" (or the base64 alone, as ssh-keygen -l prints it
// after the prefix).
func fingerprintArg(s string) (string, bool) {
	b64 := strings.TrimPrefix(s, "SHA256:")
	if len(b64) != 43 || strings.Trim(b64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") != "" {
		return "", false
	}
	return "SHA256:" + b64, true
}
