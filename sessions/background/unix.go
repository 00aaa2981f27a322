//go:build !windows

package background

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"syscall"
	"time"
)

// Supported reports whether sessions can outlive the window on this system.
const Supported = true

// controlTimeout bounds a client's exchange with the background host, but for a take
// (which waits for the sessions to move).
const controlTimeout = 10 * time.Second

// maxManifest bounds the manifest a take receives (screens of 64 sessions or so).
const maxManifest = 64 << 20

// dial connects to the background host of dir; ErrNone if there is none (a socket left
// by one that died is removed).
func dial(dir string) (*net.UnixConn, error) {
	path := socketPath(dir)
	c, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	if err == nil {
		return c, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNone
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		os.Remove(path) // nobody listens: a background host that died
		return nil, ErrNone
	}
	return nil, fmt.Errorf("reach the background duet host: %w", err)
}

// ask sends r and reads the reply line.
func ask(dir string, r request) (*reply, error) {
	c, err := dial(dir)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(controlTimeout))
	if _, err := c.Write(marshalLine(r)); err != nil {
		return nil, fmt.Errorf("ask the background duet host: %w", err)
	}
	var rep reply
	if err := json.NewDecoder(io.LimitReader(c, maxManifest)).Decode(&rep); err != nil {
		return nil, fmt.Errorf("ask the background duet host: %w", err)
	}
	if rep.Error != "" {
		return nil, errors.New(rep.Error)
	}
	return &rep, nil
}

// List returns what the background host of the config dir serves; ErrNone if none runs.
func List(dir string) (*Listing, error) {
	rep, err := ask(dir, request{Op: "ls"})
	if err != nil {
		return nil, err
	}
	if rep.Listing == nil {
		return nil, errors.New("the background duet host sent no listing")
	}
	return rep.Listing, nil
}

// Stop ends the session called name in the background host of the config dir, or, with
// name "", every session and the background host itself; ErrNone if none runs.
func Stop(dir, name string) error {
	_, err := ask(dir, request{Op: "stop", Session: name})
	return err
}

// Taken is a Handoff taken from a background host, which waits for Done.
type Taken struct {
	*Handoff
	c *net.UnixConn
}

// Done tells the background host whether the sessions were adopted: with nil it ends
// (its copies closed), with an error it serves them again itself. Call it once.
func (t *Taken) Done(err error) {
	msg := "ok\n"
	if err != nil {
		msg = "fail\n"
	}
	t.c.SetWriteDeadline(time.Now().Add(controlTimeout))
	t.c.Write([]byte(msg))
	if err == nil {
		// Wait until it let go of the listener: the caller serves it alone from now on.
		t.c.SetReadDeadline(time.Now().Add(controlTimeout))
		io.Copy(io.Discard, t.c)
	}
	t.c.Close()
}

// Take takes the sessions of the background host of dir: it tells its partners that the
// sessions move and hands over its listener, sessions and grants; ErrNone if none runs.
// Adopt the sessions, serve the listener, then call Done.
func Take(dir string) (*Taken, error) {
	c, err := dial(dir)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(controlTimeout))
	if _, err := c.Write(marshalLine(request{Op: "take"})); err != nil {
		c.Close()
		return nil, fmt.Errorf("take the background sessions: %w", err)
	}
	ho, err := receive(c)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("take the background sessions: %w", err)
	}
	c.SetDeadline(time.Time{})
	return &Taken{Handoff: ho, c: c}, nil
}

// send writes ho on c: the manifest's length (8 bytes) and the manifest, then one byte
// that carries the files.
func send(c *net.UnixConn, ho *Handoff) error {
	b, err := json.Marshal(ho)
	if err != nil {
		return err
	}
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	if _, err := c.Write(append(n[:], b...)); err != nil {
		return err
	}
	fds := make([]int, 0, 1+len(ho.Sessions))
	for _, f := range ho.files() {
		fds = append(fds, int(f.Fd()))
	}
	_, _, err = c.WriteMsgUnix([]byte{'F'}, syscall.UnixRights(fds...), nil)
	return err
}

// receive reads a Handoff that send wrote.
func receive(c *net.UnixConn) (*Handoff, error) {
	var n [8]byte
	if _, err := io.ReadFull(c, n[:]); err != nil {
		return nil, err
	}
	size := binary.BigEndian.Uint64(n[:])
	if size > maxManifest {
		return nil, fmt.Errorf("a manifest of %d bytes", size)
	}
	b := make([]byte, size)
	if _, err := io.ReadFull(c, b); err != nil {
		return nil, err
	}
	var ho Handoff
	if err := json.Unmarshal(b, &ho); err != nil {
		return nil, err
	}
	oob := make([]byte, syscall.CmsgSpace(4*(1+len(ho.Sessions))))
	one := make([]byte, 1)
	_, oobn, _, _, err := c.ReadMsgUnix(one, oob)
	if err != nil {
		return nil, err
	}
	msgs, err := syscall.ParseSocketControlMessage(oob[:oobn])
	if err != nil {
		return nil, err
	}
	var files []*os.File
	for _, m := range msgs {
		fds, err := syscall.ParseUnixRights(&m)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			syscall.CloseOnExec(fd)
			files = append(files, os.NewFile(uintptr(fd), "handoff"))
		}
	}
	if err := ho.setFiles(files); err != nil {
		return nil, err
	}
	return &ho, nil
}

// listenControl listens on the socket of dir, mode 0600; a socket nobody answers on is
// replaced, one a live background host answers on is an error.
func listenControl(dir string) (*net.UnixListener, error) {
	path := socketPath(dir)
	if c, err := dial(dir); err == nil {
		c.Close()
		return nil, errors.New("another background duet host runs for this config dir (duet ls shows it, duet stop ends it)")
	}
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// readRequest reads one request line from c.
func readRequest(c net.Conn) (request, error) {
	c.SetReadDeadline(time.Now().Add(controlTimeout))
	var r request
	line, err := bufio.NewReaderSize(io.LimitReader(c, maxRequest), 512).ReadBytes('\n')
	if err != nil {
		return r, err
	}
	err = json.Unmarshal(line, &r)
	c.SetReadDeadline(time.Time{})
	return r, err
}
