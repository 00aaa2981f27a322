package record

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// chainSeed starts the hash chain: it binds the chain to the header.
const chainSeed = "duet recording v1\n"

// sigPrefix is what a checkpoint's signature covers, before the chain hash, so that a
// signature over a recording can never be taken for another kind of signature.
const sigPrefix = "duet recording checkpoint v1\n"

// Header is the first line of a recording: asciicast v2's header with Duet's own object.
type Header struct {
	Version   int               `json:"version"`
	Width     int               `json:"width"`
	Height    int               `json:"height"`
	Timestamp int64             `json:"timestamp"`
	Title     string            `json:"title,omitempty"`
	Env       map[string]string `json:"env,omitempty"`
	Duet      *DuetHeader       `json:"duet,omitempty"`
}

// DuetHeader is what Duet adds to the header: the host key that signs the recording.
type DuetHeader struct {
	Format      int    `json:"format"`      // 1
	HostKey     string `json:"host_key"`    // authorized_keys form
	Fingerprint string `json:"fingerprint"` // SHA256:...
	Session     string `json:"session"`
}

// extra is the data of Duet's "x" events.
type extra struct {
	InputBy string `json:"input_by,omitempty"`
	FP      string `json:"fp,omitempty"`
	Lines   int    `json:"lines,omitempty"`
	Chain   string `json:"chain,omitempty"`
	Sig     string `json:"sig,omitempty"`
	End     bool   `json:"end,omitempty"`
}

// chain is the running hash of the lines written.
type chain struct {
	h     [sha256.Size]byte
	lines int
}

func newChain(header []byte) chain {
	return chain{h: sha256.Sum256(append([]byte(chainSeed), header...))}
}

// add chains one line (without its newline).
func (c *chain) add(line []byte) {
	d := sha256.New()
	d.Write(c.h[:])
	d.Write(line)
	copy(c.h[:], d.Sum(nil))
	c.lines++
}

func (c *chain) text() string { return base64.StdEncoding.EncodeToString(c.h[:]) }

// signed is what a checkpoint's signature covers: the chain of the lines before it, and
// the checkpoint's own time, line count and end flag.
func signed(chainText, time string, lines int, end bool) []byte {
	return []byte(fmt.Sprintf("%s%s\n%s\n%d\n%t", sigPrefix, chainText, time, lines, end))
}

// timeText is how event times are written: seconds with six decimals.
func timeText(t float64) string { return fmt.Sprintf("%.6f", t) }

// eventLine encodes one event: [t, type, data].
func eventLine(t float64, typ string, data any) ([]byte, error) {
	b, err := json.Marshal([]any{json.Number(timeText(t)), typ, data})
	if err != nil {
		return nil, fmt.Errorf("encode %s event: %w", typ, err)
	}
	return b, nil
}

// size is asciicast's "COLSxROWS".
func size(cols, rows int) string { return fmt.Sprintf("%dx%d", cols, rows) }

// parseSize reads "COLSxROWS".
func parseSize(s string) (cols, rows int, ok bool) {
	c, r, found := strings.Cut(s, "x")
	if !found {
		return 0, 0, false
	}
	if _, err := fmt.Sscanf(c+" "+r, "%d %d", &cols, &rows); err != nil || cols <= 0 || rows <= 0 || cols > 10000 || rows > 10000 {
		return 0, 0, false
	}
	return cols, rows, true
}
