package outbound

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/webhook"
)

// Delivery limits.
const (
	// Timeout bounds one delivery: connect, send, and read the answer.
	Timeout = 10 * time.Second
	// ResponseCap is how much of an answer is read; the rest is dropped.
	ResponseCap = 64 << 10
	// ExcerptLen is how much of the answer the delivery log keeps.
	ExcerptLen = 500
	// RetryWindow is how long a delivery job keeps retrying before it gives
	// up and flags the endpoint.
	RetryWindow = 72 * time.Hour
	// MaxAttempts bounds a delivery job's attempts; RetryWindow ends it
	// first (Backoff reaches 3 days in about 16 attempts).
	MaxAttempts = 100
	// RotationGrace is how long a rotated-out secret still signs.
	RotationGrace = 24 * time.Hour
)

// DeliverArgs is the job that delivers one event to one endpoint.
type DeliverArgs struct {
	EventID    string `json:"eventId"`
	EndpointID string `json:"endpointId"`
}

// Kind implements paydeck.JobArgs.
func (DeliverArgs) Kind() string { return "outbound_deliver" }

// Backoff is the wait before retry number attempt (1 after the first
// failure): 30 s doubling each time, at most 12 h.
func Backoff(attempt int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempt && d < 12*time.Hour; i++ {
		d *= 2
	}
	return min(d, 12*time.Hour)
}

// ErrGaveUp is returned by Deliver when the retry window is over: the job
// must not be retried (the endpoint is flagged).
var ErrGaveUp = errors.New("outbound: delivery failed for the whole retry window")

// ErrForbiddenTarget is the dial error for a refused address (SSRF).
var ErrForbiddenTarget = errors.New("outbound: refusing to connect to a private, loopback or link-local address")

// Config configures New.
type Config struct {
	// Store is paydeck's database (required).
	Store paydeck.Store
	// AllowPrivate lets deliveries reach private, loopback and link-local
	// addresses (PAYDECK_WEBHOOK_ALLOW_PRIVATE; for development and tests).
	AllowPrivate bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives delivery failures; nil discards them.
	Logger *slog.Logger
	// BackoffFunc is the wait before retry number attempt; nil means
	// Backoff. Tests shorten it; the retry window stays RetryWindow.
	BackoffFunc func(attempt int) time.Duration
}

// Service manages endpoints and delivers events.
type Service struct {
	cfg    Config
	client *http.Client
}

// New returns a Service for cfg.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("outbound: Config.Store is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.BackoffFunc == nil {
		cfg.BackoffFunc = Backoff
	}
	return &Service{cfg: cfg, client: NewClient(cfg.AllowPrivate)}, nil
}

// RetryDelay is the wait before retry number attempt of a delivery job.
func (s *Service) RetryDelay(attempt int) time.Duration { return s.cfg.BackoffFunc(attempt) }

// NewClient returns the HTTP client deliveries use: no proxy, no
// redirects, Timeout, and (unless allowPrivate) a dialer that refuses
// non-public addresses after name resolution, so a host name that
// resolves to 127.0.0.1 or 169.254.169.254 is refused too.
func NewClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: Timeout}
	if !allowPrivate {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !PublicAddr(ap.Addr()) {
				return ErrForbiddenTarget
			}
			return nil
		}
	}
	tr := &http.Transport{Proxy: nil, DialContext: dialer.DialContext, TLSHandshakeTimeout: Timeout,
		ResponseHeaderTimeout: Timeout, MaxIdleConnsPerHost: 4, IdleConnTimeout: 90 * time.Second}
	return &http.Client{Transport: tr, Timeout: Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// nonPublic are ranges that are not reachable public hosts besides those
// netip's predicates name.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 can reach private IPv4
	netip.MustParsePrefix("2002::/16"),    // 6to4 likewise
}

// PublicAddr reports whether a is a public unicast address.
func PublicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// Deliver sends the event to the endpoint once and records the attempt. It
// returns an error when the endpoint did not answer 2xx (River retries
// with Backoff), ErrGaveUp once the job is older than RetryWindow (the
// endpoint is then flagged), and nil when delivered or when the endpoint
// is gone or disabled.
func (s *Service) Deliver(ctx context.Context, a DeliverArgs, jobCreated time.Time) error {
	var (
		ev *paydeck.OutboundEvent
		ep *paydeck.WebhookEndpoint
	)
	err := s.cfg.Store.View(ctx, func(tx paydeck.Tx) error {
		var err error
		if ev, err = tx.FindOutboundEventByID(ctx, a.EventID); err != nil {
			return err
		}
		ep, err = tx.FindWebhookEndpointByID(ctx, a.EndpointID)
		return err
	})
	if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
		return nil
	} else if err != nil {
		return err
	}
	if !ep.Enabled {
		return nil
	}
	d := s.post(ctx, ev, ep)
	now := s.cfg.Now()
	gaveUp := !d.OK && now.Sub(jobCreated) >= RetryWindow
	err = s.cfg.Store.Update(ctx, func(tx paydeck.Tx) error {
		d := *d
		if err := tx.CreateWebhookDelivery(ctx, &d); err != nil {
			return err
		}
		cur, err := tx.FindWebhookEndpointByID(ctx, ep.ID)
		if err != nil {
			return err
		}
		switch {
		case d.OK && cur.FailingSince != nil:
			cur.FailingSince = nil
		case gaveUp && cur.FailingSince == nil:
			t := tx.Now()
			cur.FailingSince = &t
		default:
			return nil
		}
		return tx.UpdateWebhookEndpoint(ctx, cur)
	})
	if err != nil {
		return err
	}
	switch {
	case d.OK:
		return nil
	case gaveUp:
		s.cfg.Logger.Warn("outbound: endpoint flagged", "endpointId", ep.ID, "eventId", ev.ID)
		return ErrGaveUp
	}
	return fmt.Errorf("outbound: delivery of %s to endpoint %s failed: %s", ev.ID, ep.ID, excerpt(d.Response, 120))
}

// post sends one signed request and describes the outcome.
func (s *Service) post(ctx context.Context, ev *paydeck.OutboundEvent, ep *paydeck.WebhookEndpoint) *paydeck.WebhookDelivery {
	d := &paydeck.WebhookDelivery{EventID: ev.ID, EndpointID: ep.ID}
	now := s.cfg.Now()
	h, err := webhook.Headers(ev.ID, now, ev.Body, ep.Secrets(now)...)
	if err != nil {
		d.Response = "signing failed: " + err.Error()
		return d
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(ev.Body))
	if err != nil {
		d.Response = "bad endpoint URL"
		return d
	}
	req.Header = h
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "paydeck-webhooks/1")
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		d.Latency = time.Since(start)
		d.Response = describeErr(err)
		return d
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, ResponseCap))
	_ = resp.Body.Close()
	d.Latency = time.Since(start)
	d.StatusCode = resp.StatusCode
	d.OK = resp.StatusCode >= 200 && resp.StatusCode < 300
	d.Response = excerpt(string(body), ExcerptLen)
	return d
}

// describeErr says why a request got no answer, without the URL (it may
// carry a token in its query).
func describeErr(err error) string {
	switch {
	case errors.Is(err, ErrForbiddenTarget):
		return "refused: the endpoint resolves to a private, loopback or link-local address"
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Client.Timeout"):
		return "timeout: no answer within 10 s"
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return "connection failed: " + op.Err.Error()
	}
	return "request failed"
}

// excerpt returns the first n bytes of s as valid UTF-8.
func excerpt(s string, n int) string {
	if len(s) > n {
		s = s[:n]
		for len(s) > 0 && !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return strings.ToValidUTF8(s, "")
}
