package duettest

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

// echoServer echoes every connection until the test ends.
func echoServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	return l.Addr().String()
}

// TestWANDelaysAndLimits checks the shaped proxy's model, not anyone's speed: a byte
// cannot come back before both delays passed, a bulk transfer cannot beat the rate, and
// everything arrives, in order, and is counted.
func TestWANDelaysAndLimits(t *testing.T) {
	const delay = 40 * time.Millisecond
	const rate = 4 << 20 // bits/s: 512 KiB/s
	p := NewWAN(t, echoServer(t), Link{Delay: delay, Rate: rate}, Link{Delay: delay, Rate: rate})
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	t0 := time.Now()
	c.Write([]byte("x"))
	one := make([]byte, 1)
	if _, err := io.ReadFull(c, one); err != nil {
		t.Fatal(err)
	}
	if rtt := time.Since(t0); rtt < 2*delay {
		t.Errorf("a byte came back after %v, before the round trip of %v", rtt, 2*delay)
	}

	const size = 256 << 10 // half a second at the rate, each way
	data := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	t0 = time.Now()
	go c.Write(data)
	got := make([]byte, size)
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatal("the bytes that came back differ from those sent")
	}
	if took, least := time.Since(t0), time.Duration(size*8*int64(time.Second)/rate); took < least {
		t.Errorf("%d bytes took %v, faster than the rate allows (%v)", size, took, least)
	}
	// Counted once written on: the last piece may be read before it is counted.
	if !PollWithin(Timeout, func() bool { down, up := p.Carried(); return down == size+1 && up == size+1 }) {
		down, up := p.Carried()
		t.Errorf("carried %d down and %d up, want %d each", down, up, size+1)
	}
}

// TestWANHoldsTheSender checks that the bottleneck makes a sender wait once its buffer
// is full, while a far end is not reading: the bytes taken stay bounded.
func TestWANHoldsTheSender(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	link := Link{Delay: 10 * time.Millisecond, Rate: 1 << 20}
	p := NewWAN(t, l.Addr().String(), link, link)
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	srv := <-accepted
	defer srv.Close()
	// The server writes 64 MiB to a client that never reads; the writes must stall.
	wrote := make(chan int64, 1)
	srv.SetWriteDeadline(time.Now().Add(2 * time.Second))
	go func() {
		n, _ := srv.Write(make([]byte, 64<<20))
		wrote <- int64(n)
	}()
	if n := <-wrote; n >= 64<<20 {
		t.Fatalf("the sender wrote all %d bytes to a client that does not read", n)
	}
}
