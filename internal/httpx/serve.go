package httpx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Serve runs srv on ln until ctx is done, then shuts it down gracefully: it
// stops accepting connections and waits up to timeout for in-flight requests
// to finish, after which remaining connections are closed. It returns nil
// after a clean shutdown, the serve error if the server failed on its own,
// and an error naming the timeout if requests were still running when it
// expired.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, timeout time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("http server: %w", serr)
	}
	if err != nil {
		_ = srv.Close()
		return fmt.Errorf("http shutdown after %s: %w", timeout, err)
	}
	return nil
}
