package duettest

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
)

// Server is what [Serve] runs: a server shaped like net/http's.
type Server interface {
	Serve(l net.Listener) error
	Shutdown(ctx context.Context) error
}

// Serve runs srv on a loopback port until the test ends, then shuts it down and checks
// that Serve returned closed (the server's ErrServerClosed). It returns the address.
func Serve(tb testing.TB, srv Server, closed error) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), Timeout)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			tb.Errorf("Shutdown: %v", err)
		}
		if err := <-served; !errors.Is(err, closed) {
			tb.Errorf("Serve = %v, want %v", err, closed)
		}
	})
	return l.Addr().String()
}

// ServeConns accepts connections on a loopback port until the test ends and hands each to
// handle on a goroutine of its own; at the end it closes the listener and waits for the
// accept loop (handle must return once its connection is closed, which the test's own
// cleanup or handle does). It returns the address.
func ServeConns(tb testing.TB, handle func(net.Conn)) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() { handle(c) })
		}
	})
	tb.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return l.Addr().String()
}
