//go:build !windows

package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creack/pty"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/sessions"
)

// recordSession records a real shell session in which a client named alice types a
// command and, at a read -s prompt, a secret; it returns the file.
func recordSession(t *testing.T) (path string, hostFP string) {
	t.Helper()
	s, err := sessions.Start(sessions.Options{
		Command: []string{"/bin/bash", "--norc", "--noprofile"}, Env: []string{"PS1=$ ", "HISTFILE="},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	signer := duettest.Signer(t)
	path = filepath.Join(t.TempDir(), "pair.cast")
	rec, err := Create(path, Options{HostKey: signer, Session: s.Name(), Cols: 80, Rows: 24})
	if err != nil {
		t.Fatal(err)
	}
	s.SetTap(rec)
	c, err := s.Attach(sessions.AttachOptions{Name: "alice", Fingerprint: "SHA256:alice", Cols: 80, Rows: 24})
	if err != nil {
		t.Fatal(err)
	}
	st := sessions.NewStream(c)
	out := &duettest.Output{}
	go io.Copy(out, st)
	st.Write([]byte("echo visible-$((6*7))\r"))
	out.WaitFor(t, "visible-42")
	st.Write([]byte("read -s pw; echo got-${#pw}\r"))
	// Wait until read has turned echo off in line mode, as a person waits for the prompt.
	duettest.Poll(t, "the password prompt", func() bool { return !s.InputRecordable() })
	st.Write([]byte("hunter2secret\r"))
	out.WaitFor(t, "got-13")
	c.Resize(100, 30)
	st.Write([]byte("echo after-$((2+3))\r"))
	out.WaitFor(t, "after-5")
	s.SetTap(nil)
	st.Close()
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	return path, keysFP(signer)
}

func TestRecordingPlaysAndVerifies(t *testing.T) {
	path, fp := recordSession(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Every line parses as asciicast v2: a header object, then [time, type, data].
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	var h map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &h); err != nil || h["version"] != float64(2) {
		t.Fatalf("header %q: %v", lines[0], err)
	}
	for i, l := range lines[1:] {
		var ev []any
		if err := json.Unmarshal([]byte(l), &ev); err != nil || len(ev) != 3 {
			t.Fatalf("line %d %q is not an event: %v", i+2, l, err)
		}
		if _, ok := ev[0].(float64); !ok {
			t.Fatalf("line %d: time %v", i+2, ev[0])
		}
	}
	if strings.Contains(string(data), "hunter2") {
		t.Error("input typed with echo off is in the recording")
	}
	// Input is recorded and attributed.
	rd, err := NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var typed, shown strings.Builder
	resized := false
	for {
		e, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch e.Type {
		case "i":
			if e.By != "alice" || e.FP != "SHA256:alice" {
				t.Errorf("input %q attributed to %q %q", e.Data, e.By, e.FP)
			}
			typed.WriteString(e.Data)
		case "o":
			shown.WriteString(e.Data)
		case "r":
			resized = resized || (e.Cols == 100 && e.Rows == 30)
		}
	}
	if !strings.Contains(typed.String(), "echo visible-$((6*7))") || !strings.Contains(typed.String(), "echo after-") {
		t.Errorf("typed input not recorded: %q", typed.String())
	}
	if !strings.Contains(shown.String(), "visible-42") || !strings.Contains(shown.String(), "got-13") {
		t.Errorf("output not recorded: %q", duettest.Tail([]byte(shown.String()), 300))
	}
	if !resized {
		t.Error("the resize to 100x30 is not recorded")
	}
	res, err := Verify(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if res.Fingerprint != fp || len(res.Typists) != 1 || res.Typists[0] != "alice (SHA256:alice)" {
		t.Errorf("Verify = %+v", res)
	}
}

// TestVerifyFailsAfterAnyChange changes bytes all over a recording (one at a time), cuts
// it, and adds to it: Verify refuses each.
func TestVerifyFailsAfterAnyChange(t *testing.T) {
	path, _ := recordSession(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	step := max(len(data)/3000, 1) // every byte of a small recording
	for i := 0; i < len(data); i += step {
		b := bytes.Clone(data)
		b[i] ^= 0x01
		if b[i] == '\n' || data[i] == '\n' {
			b[i] = data[i] ^ 0x02
		}
		if _, err := Verify(bytes.NewReader(b)); err == nil {
			t.Fatalf("Verify passed with byte %d changed (%q -> %q)", i, data[i], b[i])
		}
	}
	cut := data[:bytes.LastIndexByte(data[:len(data)-1], '\n')+1]
	if _, err := Verify(bytes.NewReader(cut)); err == nil {
		t.Error("Verify passed without the last line")
	}
	if _, err := Verify(bytes.NewReader(append(bytes.Clone(data), "[9.0, \"o\", \"more\"]\n"...))); err == nil {
		t.Error("Verify passed with a line added at the end")
	}
	// Re-signing with another key is possible, but Verify names that key: the host's
	// fingerprint is what a partner compares.
	var ve *VerifyError
	if _, err := Verify(strings.NewReader("")); !errors.As(err, &ve) {
		t.Errorf("empty file: %v", err)
	}
}

// TestAsciinemaPlaysIt: asciinema's own `cat` prints the recorded output.
func TestAsciinemaPlaysIt(t *testing.T) {
	bin, err := exec.LookPath("asciinema")
	if err != nil {
		t.Skip("asciinema not installed (make deps-test installs it)")
	}
	path, _ := recordSession(t)
	cmd := exec.Command(bin, "cat", path)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 100, Rows: 30}) // cat wants a terminal
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	out := &duettest.Output{}
	go io.Copy(out, tty)
	out.WaitFor(t, "after-5")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("asciinema cat: %v; printed %q", err, duettest.Tail(out.Bytes(), 300))
	}
	if !strings.Contains(out.String(), "visible-42") {
		t.Errorf("asciinema cat printed %q", duettest.Tail(out.Bytes(), 300))
	}
}

// TestCreateRefusesAnExistingFile: a recording is never overwritten.
func TestCreateRefusesAnExistingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.cast")
	os.WriteFile(path, []byte("precious"), 0o600)
	if _, err := Create(path, Options{HostKey: duettest.Signer(t)}); !errors.Is(err, ErrExists) {
		t.Fatalf("Create over a file: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "precious" {
		t.Error("the existing file was changed")
	}
}
