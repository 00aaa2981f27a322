package record

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// Event is one event of a recording, as [Reader.Next] returns it.
type Event struct {
	Time       float64 // seconds since the start
	Type       string  // "o" output, "i" input, "r" resize, "m" marker
	Data       string  // output, input, "COLSxROWS" or the marker's label
	Cols, Rows int     // for "r"
	By, FP     string  // for "i": who typed it, if the recording says
}

// Reader reads the events of an asciicast v2 recording (Duet's or any other).
type Reader struct {
	Header Header
	sc     *bufio.Scanner
	line   int
	by, fp string // from the "x" event before an "i"
}

// NewReader reads the header of a recording.
func NewReader(r io.Reader) (*Reader, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	rd := &Reader{sc: sc, line: 1}
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read the recording: %w", err)
		}
		return nil, fmt.Errorf("the recording is empty")
	}
	if err := json.Unmarshal(sc.Bytes(), &rd.Header); err != nil || rd.Header.Version != 2 {
		return nil, fmt.Errorf("the recording's first line is not an asciicast v2 header")
	}
	return rd, nil
}

// Next returns the next event players show (output, input, resize, marker), skipping
// Duet's own; io.EOF at the end.
func (rd *Reader) Next() (Event, error) {
	for rd.sc.Scan() {
		rd.line++
		var ev []json.RawMessage
		if err := json.Unmarshal(rd.sc.Bytes(), &ev); err != nil || len(ev) != 3 {
			return Event{}, fmt.Errorf("line %d of the recording is not an event", rd.line)
		}
		var e Event
		if json.Unmarshal(ev[0], &e.Time) != nil || json.Unmarshal(ev[1], &e.Type) != nil {
			return Event{}, fmt.Errorf("line %d of the recording is not an event", rd.line)
		}
		if e.Type == "x" {
			var x extra
			if json.Unmarshal(ev[2], &x) == nil && (x.InputBy != "" || x.FP != "") {
				rd.by, rd.fp = x.InputBy, x.FP
			}
			continue
		}
		if json.Unmarshal(ev[2], &e.Data) != nil {
			continue // an event type we do not know, with data we do not read
		}
		switch e.Type {
		case "i":
			e.By, e.FP, rd.by, rd.fp = rd.by, rd.fp, "", ""
		case "r":
			var ok bool
			if e.Cols, e.Rows, ok = parseSize(e.Data); !ok {
				continue
			}
		}
		return e, nil
	}
	if err := rd.sc.Err(); err != nil {
		return Event{}, fmt.Errorf("read the recording: %w", err)
	}
	return Event{}, io.EOF
}
