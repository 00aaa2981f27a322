package record

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzVerify: a recording is a file anyone may hand over; reading and verifying it never
// panics, and the reader's events are bounded by the input.
func FuzzVerify(f *testing.F) {
	f.Add([]byte(`{"version":2,"width":80,"height":24,"timestamp":1,"duet":{"format":1,"host_key":"x","fingerprint":"y","session":"main"}}` + "\n" + `[0.1,"o","hi"]` + "\n"))
	f.Add([]byte(`{"version":2,"width":80,"height":24}` + "\n" + `[0.1,"r","100x30"]` + "\n" + `[0.2,"x",{"input_by":"a","fp":"b"}]` + "\n" + `[0.3,"i","ls"]` + "\n"))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		Verify(bytes.NewReader(data))
		rd, err := NewReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		for n := 0; ; n++ {
			e, err := rd.Next()
			if errors.Is(err, io.EOF) || err != nil {
				return
			}
			if n > len(data) || len(e.Data) > len(data) {
				t.Fatalf("more events or data than input: %d, %+v", n, e)
			}
		}
	})
}
