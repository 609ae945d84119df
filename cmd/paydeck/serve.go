package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/paydeck/paydeck/internal/httpx"
	"github.com/paydeck/paydeck/toss/sandbox"
)

// readyTimeout bounds the database ping behind /readyz.
const readyTimeout = 2 * time.Second

// defaultMemoryLimit is serve's soft memory limit when GOMEMLIMIT is unset
// and Toss is real. paydeck's live heap is small (tens of MB) but bursty:
// each password hash takes 19 MiB for a moment. Without a limit the
// collector lets the heap grow to twice its peak and the pages linger; with
// it, it collects sooner as the limit nears (a soft limit: the heap may
// still exceed it). In sandbox mode the mounted sandbox keeps every payment
// in memory, so the live heap grows with use and a fixed limit would make
// the collector run without pause once it is reached: no default there.
const defaultMemoryLimit = 96 << 20

// tossOrigins are the hosts of the real Toss SDK script, payment window and
// API that pages may load from (docs/toss.md#payment-flow).
var tossOrigins = []string{"https://*.tosspayments.com"}

// serve runs the server until ctx is done: secret, store, migrations,
// listener, payment service and jobs, routes; then graceful shutdown (stop accepting, finish
// in-flight requests, stop jobs). Close releases the sandbox and the store.
func (m *Main) serve(ctx context.Context) error {
	cfg, log := m.Config, m.logger
	if cfg.SandboxMode() && !isLoopbackAddr(cfg.Addr) && !m.flags.allowPublicSandbox {
		return fmt.Errorf("sandbox mode (no Toss keys) on %s, which other machines can reach: its test keys are public. "+
			"Listen on 127.0.0.1, set Toss keys, or pass --allow-public-sandbox", cfg.Addr)
	}
	if os.Getenv("GOMEMLIMIT") == "" && !cfg.SandboxMode() {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	if err := cfg.ensureSecret(m.Rand); err != nil {
		return err
	}
	m.registerJobs()
	if err := m.openStore(ctx); err != nil {
		return err
	}
	m.db = newMeteredDB(m.db, &m.stmts)
	if cfg.SandboxMode() {
		if err := m.setUpDemoShop(ctx); err != nil {
			return err
		}
	}
	if cfg.PprofAddr != "" {
		addr, err := m.startPprof(ctx, cfg.PprofAddr)
		if err != nil {
			return err
		}
		m.pprofAddr = addr
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	ln = httpx.ProblemListener(ln)
	m.settleAddress(ln.Addr().String())
	if err := m.buildApp(); err != nil {
		ln.Close()
		return err
	}
	// Jobs run on a context the shutdown signal does not cancel: River would
	// abort running jobs; stopJobs lets them finish instead.
	if err := m.db.StartJobs(context.WithoutCancel(ctx)); err != nil {
		ln.Close()
		return fmt.Errorf("start jobs: %w", err)
	}
	handler, err := m.handler(ctx)
	if err != nil {
		ln.Close()
		m.stopJobs()
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// Start-up (migrations, the OpenAPI model, templates, the demo shop's
	// password hash) leaves garbage the idle server would otherwise keep
	// mapped for minutes: collect it and hand the pages back now.
	debug.FreeOSMemory()
	log.Info("paydeck serving", "addr", m.addr, "public_url", cfg.PublicURL, "engine", m.db.Engine(), "sandbox", cfg.SandboxMode())
	close(m.ready)
	err = httpx.Serve(ctx, srv, ln, m.shutdownTimeout)
	log.Info("http server stopped; stopping jobs")
	m.stopJobs()
	return err
}

// settleAddress records the address actually listened on and, when the
// public URL (and in sandbox mode the Toss API URL) were left to their
// defaults, derives them from it, so that port 0 works.
func (m *Main) settleAddress(addr string) {
	m.addr = addr
	cfg := m.Config
	if cfg.Source("PAYDECK_PUBLIC_URL") == "default" {
		cfg.PublicURL = "http://" + addr
	}
	if cfg.SandboxMode() && cfg.Source("TOSS_API_BASE_URL") == "default" {
		cfg.TossAPIBaseURL = cfg.PublicURL + sandboxPath
	}
}

// stopJobs waits up to the shutdown timeout for running jobs to finish and
// stops working jobs.
func (m *Main) stopJobs() {
	if m.workers == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), m.shutdownTimeout)
	defer cancel()
	if err := m.db.StopJobs(ctx); err != nil {
		m.logger.Error("stop jobs", "err", err)
	}
}

// handler builds the one ServeMux with its middleware.
func (m *Main) handler(ctx context.Context) (http.Handler, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics, err := httpx.NewMetrics(reg, m.Now)
	if err != nil {
		return nil, err
	}
	if db, ok := m.db.(*meteredDB); ok {
		reg.MustRegister(db.collectors()...)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeStatus(w, http.StatusOK, "ok")
	})
	mux.HandleFunc("GET /readyz", m.readyz)
	mux.Handle("GET /metrics", httpx.RequireBearer(m.Config.MetricsToken.Reveal())(
		promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})))
	if m.Config.SandboxMode() {
		if err := m.mountSandbox(mux); err != nil {
			return nil, err
		}
	}
	if err := m.mountApp(ctx, mux); err != nil {
		return nil, err
	}
	return httpx.Chain(mux,
		httpx.RequestID(m.Rand),
		httpx.AccessLog(m.logger, m.Now),
		metrics.Middleware,
		httpx.Recover(m.logger),
		httpx.BodyErrors,
		httpx.PlainErrors,
		httpx.SecurityHeaders(httpx.ContentSecurityPolicy(false, tossOrigins...)),
		httpx.StrictTransportSecurity(strings.HasPrefix(m.Config.PublicURL, "https://")),
		httpx.CORS(m.Config.CORSOrigins),
	), nil
}

// mountSandbox serves the offline Toss sandbox under /toss-sandbox/, keeping
// its state in the data dir and sending its webhooks to paydeck's own
// webhook endpoint.
func (m *Main) mountSandbox(mux *http.ServeMux) error {
	cfg := m.Config
	token, err := cfg.ensureSandboxToken(m.Rand)
	if err != nil {
		return err
	}
	sb, err := sandbox.New(sandbox.Options{
		ControlToken: token,
		PublicURL:    cfg.PublicURL + sandboxPath,
		WebhookURL:   cfg.PublicURL + "/api/payments/webhook",
		StatePath:    filepath.Join(cfg.DataDir, "toss-sandbox.json"),
		Now:          m.Now,
		Logger:       m.logger.With("component", "toss-sandbox"),
		Rand:         m.Rand,
	})
	if err != nil {
		return fmt.Errorf("start toss sandbox: %w", err)
	}
	m.sandbox = sb
	// The sandbox's payment window styles itself with inline <style>.
	sandboxCSP := httpx.SecurityHeaders(httpx.ContentSecurityPolicy(true))
	mux.Handle(sandboxPath+"/", sandboxCSP(http.StripPrefix(sandboxPath, sb)))
	m.logger.Warn("sandbox mode: no Toss keys configured; payments go to the offline Toss sandbox",
		"sandbox_url", cfg.PublicURL+sandboxPath,
		"client_key", sandbox.WidgetClientKey,
		"api_client_key", sandbox.DocsClientKey,
		"control_token_file", cfg.sandboxTokenPath())
	return nil
}

// readyz answers 200 when the database responds within readyTimeout and 503
// (problem+json) otherwise.
func (m *Main) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := m.db.Ping(ctx); err != nil {
		m.logger.WarnContext(r.Context(), "readiness check failed", "err", err)
		httpx.WriteProblem(w, http.StatusServiceUnavailable, "The database is not reachable.")
		return
	}
	writeStatus(w, http.StatusOK, "ok")
}

func writeStatus(w http.ResponseWriter, code int, status string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"status": status})
}
