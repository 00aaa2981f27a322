package duettest

import (
	"context"
	"errors"
	"net"
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
