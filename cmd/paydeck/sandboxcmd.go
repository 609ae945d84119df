package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/paydeck/paydeck/internal/httpx"
	"github.com/paydeck/paydeck/toss/sandbox"
)

// runSandbox serves the Toss sandbox alone until ctx is done, after printing
// its test keys.
func (m *Main) runSandbox(ctx context.Context) error {
	ln, err := net.Listen("tcp", m.flags.sandboxAddr)
	if err != nil {
		return fmt.Errorf("sandbox: listen on %s: %w", m.flags.sandboxAddr, err)
	}
	m.addr = ln.Addr().String()
	base := "http://" + m.addr
	sb, err := sandbox.New(sandbox.Options{
		PublicURL:  base,
		WebhookURL: m.flags.webhookURL,
		StatePath:  m.flags.statePath,
		Now:        m.Now,
		Logger:     m.logger,
		Rand:       m.Rand,
	})
	if err != nil {
		ln.Close()
		return fmt.Errorf("sandbox: %w", err)
	}
	m.sandbox = sb
	fmt.Fprintf(m.Stdout, "Toss sandbox at %s\n", base)
	fmt.Fprintf(m.Stdout, "  API (결제창) keys:   client %s  secret %s\n", sandbox.DocsClientKey, sandbox.DocsSecretKey)
	fmt.Fprintf(m.Stdout, "  widget (위젯) keys:  client %s  secret %s\n", sandbox.WidgetClientKey, sandbox.WidgetSecretKey)
	if m.flags.webhookURL != "" {
		fmt.Fprintf(m.Stdout, "  webhooks to %s\n", m.flags.webhookURL)
	}
	close(m.ready)
	srv := &http.Server{Handler: httpx.Chain(sb, httpx.AccessLog(m.logger, m.Now)), ReadHeaderTimeout: 10 * time.Second}
	return httpx.Serve(ctx, srv, ln, m.shutdownTimeout)
}
