package record

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
)

// maxLine bounds one line of a recording as read back.
const maxLine = 64 << 20

// Result is what [Verify] found out about an intact recording.
type Result struct {
	Fingerprint string        // of the host key that signed it
	HostKey     ssh.PublicKey // that key
	Session     string
	Lines       int      // events, Duet's included
	Duration    float64  // seconds, to the last event
	Typists     []string // who typed, "NAME (SHA256:...)", in the order they first did
}

// VerifyError says why a recording is not intact, in one sentence.
type VerifyError struct {
	Line    int // 1 is the header; 0 if about the whole file
	Problem string
}

func (e *VerifyError) Error() string {
	if e.Line == 0 {
		return "the recording is not intact: " + e.Problem
	}
	return fmt.Sprintf("the recording is not intact at line %d: %s", e.Line, e.Problem)
}

// Verify reads a recording and checks it: its header names a host key, every line is
// chained to the one before, every checkpoint's signature by that key holds, and the file
// ends with the end checkpoint. Anything else is a *VerifyError.
func Verify(r io.Reader) (Result, error) {
	var res Result
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return res, fmt.Errorf("read the recording: %w", err)
		}
		return res, &VerifyError{Problem: "the file is empty"}
	}
	header := bytes.Clone(sc.Bytes())
	var h Header
	if err := json.Unmarshal(header, &h); err != nil || h.Version != 2 {
		return res, &VerifyError{Line: 1, Problem: "the first line is not an asciicast v2 header"}
	}
	if h.Duet == nil || h.Duet.Format != 1 {
		return res, &VerifyError{Line: 1, Problem: "the header has no Duet signature information (not recorded by Duet)"}
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(h.Duet.HostKey))
	if err != nil {
		return res, &VerifyError{Line: 1, Problem: "the header's host key cannot be read"}
	}
	if keys.Fingerprint(pub) != h.Duet.Fingerprint {
		return res, &VerifyError{Line: 1, Problem: "the header's fingerprint is not its host key's"}
	}
	res.HostKey, res.Fingerprint, res.Session = pub, h.Duet.Fingerprint, h.Duet.Session

	c := newChain(header)
	ended := false
	seen := make(map[string]bool)
	for n := 2; sc.Scan(); n++ {
		line := sc.Bytes()
		if ended {
			return res, &VerifyError{Line: n, Problem: "there is more after the end"}
		}
		var ev []json.RawMessage
		if err := json.Unmarshal(line, &ev); err != nil || len(ev) != 3 {
			return res, &VerifyError{Line: n, Problem: "it is not an event"}
		}
		var t float64
		var typ string
		if json.Unmarshal(ev[0], &t) != nil || json.Unmarshal(ev[1], &typ) != nil || t < res.Duration-1e-6 {
			return res, &VerifyError{Line: n, Problem: "its time or type cannot be read, or time went back"}
		}
		res.Duration = t
		if typ == "x" {
			var x extra
			if json.Unmarshal(ev[2], &x) != nil {
				return res, &VerifyError{Line: n, Problem: "Duet's event cannot be read"}
			}
			if x.Chain != "" || x.Sig != "" {
				if err := checkpoint(pub, c, t, x, line); err != nil {
					return res, &VerifyError{Line: n, Problem: err.Error()}
				}
				ended = x.End
			} else if x.InputBy != "" || x.FP != "" {
				who := x.InputBy + " (" + x.FP + ")"
				if !seen[who] {
					seen[who] = true
					res.Typists = append(res.Typists, who)
				}
			}
		}
		c.add(line)
		res.Lines++
	}
	if err := sc.Err(); err != nil {
		return res, fmt.Errorf("read the recording: %w", err)
	}
	if !ended {
		return res, &VerifyError{Problem: "it does not end with Duet's signed end (cut short, or the host stopped before closing it)"}
	}
	return res, nil
}

// checkpoint checks one checkpoint (line, read as t and x) against the chain of the
// lines before it. Its own bytes must be exactly as Duet writes them, since nothing after
// the last checkpoint covers it.
func checkpoint(pub ssh.PublicKey, c chain, t float64, x extra, line []byte) error {
	if x.Chain != c.text() || x.Lines != c.lines {
		return errors.New("the lines before it were changed, removed or added")
	}
	if canon, err := eventLine(t, "x", extra{Lines: x.Lines, Chain: x.Chain, Sig: x.Sig, End: x.End}); err != nil || !bytes.Equal(canon, line) {
		return errors.New("the checkpoint was changed")
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(x.Sig) // strict: unused bits must be zero, so no two texts read the same
	if err != nil {
		return errors.New("its signature cannot be read")
	}
	var sig ssh.Signature
	if err := ssh.Unmarshal(raw, &sig); err != nil {
		return errors.New("its signature cannot be read")
	}
	if err := pub.Verify(signed(x.Chain, timeText(t), x.Lines, x.End), &sig); err != nil {
		return errors.New("its signature is not the host key's")
	}
	return nil
}
