package sandbox

import (
	"bufio"
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The documentation key pairs Toss publishes (docs/toss.md#authentication). They are the
// sandbox's built-in merchant: examples written from Toss's docs run unchanged.
const (
	// DocsClientKey is the individual-API (결제창) client key, paired with DocsSecretKey.
	DocsClientKey = "test_ck_D5GePWvyJnrK0W0k6q8gLzN97Eoq"
	// DocsSecretKey is the individual-API secret key, paired with DocsClientKey.
	DocsSecretKey = "test_sk_zXLkKEypNArWmo50nX3lmeaxYG5R"
	// WidgetClientKey is the payment-widget client key, paired with WidgetSecretKey.
	WidgetClientKey = "test_gck_docs_Ovk5rk1EwkEbP0W43n07xlzm"
	// WidgetSecretKey is the payment-widget secret key, paired with WidgetClientKey.
	WidgetSecretKey = "test_gsk_docs_OaPz8L5KdmQXkzRz3y47BMw6"
)

// Options configures a Server. The zero value is usable: memory-only state,
// no webhooks, the real clock and crypto/rand.
type Options struct {
	// PublicURL is the external base URL of this handler, for example
	// "http://127.0.0.1:8080/toss-sandbox". Receipt, checkout and window links
	// are built from it. Default "http://localhost".
	PublicURL string
	// WebhookURL receives PAYMENT_STATUS_CHANGED, DEPOSIT_CALLBACK,
	// CANCEL_STATUS_CHANGED and BILLING_DELETED webhooks. "" sends none.
	WebhookURL string
	// StatePath, when set, is a JSON file loaded by New and rewritten
	// atomically (temp file + rename) at most once a second after a change
	// and on Close. "" keeps state in memory only.
	StatePath string
	// Now is the base of the sandbox clock (default time.Now). The control
	// API adds an offset to it (POST /v1/sandbox/clock/advance).
	Now func() time.Time
	// Logger receives delivery and persistence events (default: discard).
	Logger *slog.Logger
	// HTTPClient delivers webhooks (default: a client with a 10 s timeout;
	// each attempt is also bounded by 10 s).
	HTTPClient *http.Client
	// Rand is the source of every generated ID and key (default crypto/rand).
	// A seeded reader makes IDs deterministic.
	Rand io.Reader
	// ControlToken, when set, must also be sent as the header
	// X-Sandbox-Control-Token on every control API request (/v1/sandbox/…):
	// the documented test keys alone no longer reach it. "" leaves the
	// control API open to anyone with a sandbox key (a standalone sandbox).
	// The core API, payment window and SDK script never need it.
	ControlToken string
}

// Server is the Toss sandbox: an http.Handler serving Toss's core API, the
// control API under /v1/sandbox/, and the browser routes. Routes are relative
// to the handler root, so it can be mounted with http.StripPrefix. All state
// is guarded by one mutex; methods are safe for concurrent use.
type Server struct {
	opts      Options
	publicURL string
	log       *slog.Logger
	client    *http.Client
	mux       *http.ServeMux
	traceSeq  atomic.Uint64
	faultsOn  atomic.Bool // len(faults) > 0, read without s.mu on every request

	mu     sync.Mutex
	offset time.Duration
	rnd    *bufio.Reader
	st     *state
	idem   map[idemKey]*idemEntry
	swept  int64 // sandbox time of the last idempotency sweep
	faults []fault
	hooks  hookQueue
	dirty  bool

	// declines are the billing decline rules (billingdecline.go), under mu.
	declines []*billingDecline

	deliverMu sync.Mutex // serialises flushes of the webhook queue
	wake      chan struct{}
	ctx       context.Context
	cancel    context.CancelFunc
	loopDone  chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// New builds a Server, loading Options.StatePath when it exists, and starts
// its background loop (webhook delivery, expiry, state saving). It returns an
// error only when the state file exists but cannot be read or decoded.
func New(opts Options) (*Server, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: webhookTimeout}
	}
	pub := strings.TrimRight(opts.PublicURL, "/")
	if pub == "" {
		pub = "http://localhost"
	}
	s := &Server{
		opts:      opts,
		publicURL: pub,
		log:       opts.Logger,
		client:    opts.HTTPClient,
		rnd:       bufio.NewReader(opts.Rand),
		st:        newState(),
		idem:      make(map[idemKey]*idemEntry),
		wake:      make(chan struct{}, 1),
		loopDone:  make(chan struct{}),
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if err := s.load(); err != nil {
		s.cancel()
		return nil, err
	}
	s.mux = http.NewServeMux()
	s.registerAPIRoutes(s.mux)
	s.registerControlRoutes(s.mux)
	s.registerReceiptRoutes(s.mux)
	s.registerBrowserRoutes(s.mux)
	s.mux.HandleFunc("/", s.notFound)
	go s.loop()
	return s, nil
}

// ServeHTTP routes a request to the API, control or browser handlers. Unknown
// paths get Toss's 404 {code, message} body. A trailing slash and doubled
// slashes (a base URL ending in "/" joined to "/v1/...") are ignored, in
// place, without the redirect ServeMux would answer (which turns a POST into
// a GET in most clients): docs/toss.md#transport.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p := r.URL.EscapedPath(); len(p) > 1 && (p[len(p)-1] == '/' || strings.Contains(p, "//")) {
		r = withPath(r, cleanSlashes(p))
	}
	s.mux.ServeHTTP(w, r)
}

// cleanSlashes collapses runs of "/" in an escaped path and drops a trailing
// one; the result starts with "/".
func cleanSlashes(p string) string {
	b := make([]byte, 0, len(p))
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && len(b) > 0 && b[len(b)-1] == '/' {
			continue
		}
		b = append(b, p[i])
	}
	if len(b) > 1 && b[len(b)-1] == '/' {
		b = b[:len(b)-1]
	}
	return string(b)
}

// withPath returns a shallow copy of r whose URL has the escaped path p.
func withPath(r *http.Request, escaped string) *http.Request {
	path, err := url.PathUnescape(escaped)
	if err != nil {
		return r
	}
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	u.Path, u.RawPath = path, escaped
	r2.URL = &u
	return r2
}

// Close stops the background loop and webhook delivery (in-flight attempts
// are canceled and stay queued), then saves the state when StatePath is set.
// It is safe to call more than once; later calls return the first result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.cancel()
		<-s.loopDone
		s.deliverMu.Lock() // wait for a flush started by a control call
		s.deliverMu.Unlock()
		s.closeErr = s.save()
	})
	return s.closeErr
}

// nowLocked is the sandbox time in Unix nanoseconds. Callers hold s.mu.
func (s *Server) nowLocked() int64 {
	return s.opts.Now().Add(s.offset).UnixNano()
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.write(w, localize(errResult(newError("NOT_FOUND", "요청한 리소스를 찾을 수 없습니다.")), langOf(r)))
}

// signal wakes the background loop without blocking.
func (s *Server) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// loop delivers webhooks when one is queued; once a second of real time it
// also expires what is due and saves dirty state.
func (s *Server) loop() {
	defer close(s.loopDone)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-s.wake:
			s.flush(s.ctx)
		case <-t.C:
			s.mu.Lock()
			s.sweepLocked(s.nowLocked())
			s.mu.Unlock()
			s.flush(s.ctx)
			if err := s.saveIfDirty(); err != nil {
				s.log.Error("sandbox: save state", slog.String("path", s.opts.StatePath), slog.Any("err", err))
			}
		}
	}
}
