package toss

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"
)

// DefaultBaseURL is Toss's API host; test and live keys share it.
const DefaultBaseURL = "https://api.tosspayments.com"

// Defaults used by NewClient when no option overrides them.
const (
	DefaultTimeout    = 30 * time.Second
	DefaultMaxRetries = 3
	DefaultMinBackoff = 500 * time.Millisecond
	DefaultMaxBackoff = 8 * time.Second
)

// Client is a Toss Payments core-API client. Create it with NewClient; call
// the API through its services. A Client is immutable after construction and
// safe for concurrent use by multiple goroutines.
type Client struct {
	Payments        *PaymentService        // confirm, get, cancel, key-in
	VirtualAccounts *VirtualAccountService // server-side virtual account issue
	Billing         *BillingService        // auto-pay: billing keys and charges
	Transactions    *TransactionService    // transaction list
	Settlements     *SettlementService     // settlement list
	CashReceipts    *CashReceiptService    // cash receipts

	b *backend
}

// Option configures a Client in NewClient.
type Option func(*backend)

// WithBaseURL sets the API base URL (scheme and host, optionally a path
// prefix), e.g. a Toss sandbox. An unparsable URL makes every call fail.
func WithBaseURL(u string) Option { return func(b *backend) { b.rawBaseURL = u } }

// WithHTTPClient sets the HTTP client used for requests (default: a new
// client with no overall timeout; per-attempt timeouts come from WithTimeout).
func WithHTTPClient(hc *http.Client) Option { return func(b *backend) { b.http = hc } }

// WithLogger sets the structured logger for retry decisions and request
// outcomes (default: discard). Logs never contain the secret key, card data,
// billing keys or request paths with identifiers.
func WithLogger(l *slog.Logger) Option { return func(b *backend) { b.log = l } }

// WithMaxRetries sets how many times a retryable failure is retried (default
// DefaultMaxRetries; 0 disables retries). Negative values count as 0.
func WithMaxRetries(n int) Option { return func(b *backend) { b.maxRetries = max(n, 0) } }

// WithTimeout sets the per-attempt timeout (default 30 s; 0 disables it, so
// only the caller's context bounds a call). Billing charge and the list
// endpoints, which Toss documents as taking up to 60 s, get twice it.
func WithTimeout(d time.Duration) Option { return func(b *backend) { b.timeout = d } }

// WithBackoff sets the retry backoff: the delay before retry n is drawn from
// [d/2, d] with d = min(maxDelay, minDelay·2ⁿ). A 429 Retry-After header is
// honoured up to maxDelay. WithBackoff(0, 0) retries without waiting (tests).
func WithBackoff(minDelay, maxDelay time.Duration) Option {
	return func(b *backend) { b.minBackoff, b.maxBackoff = minDelay, maxDelay }
}

// WithIdempotencyKeyFunc sets the generator of Idempotency-Key values for
// POST calls whose Params carry none (default: "pd_" + 32 random hex digits).
// It is called once per call; every retry of that call reuses the value.
func WithIdempotencyKeyFunc(f func() string) Option { return func(b *backend) { b.newKey = f } }

// NewClient returns a Client that authenticates with secretKey (a
// test_sk_/live_sk_ or widget test_gsk_/live_gsk_ key). An empty key or bad
// option makes every call return an error instead of sending a request.
func NewClient(secretKey string, opts ...Option) *Client {
	b := &backend{
		rawBaseURL: DefaultBaseURL,
		http:       &http.Client{},
		log:        slog.New(slog.DiscardHandler),
		maxRetries: DefaultMaxRetries,
		timeout:    DefaultTimeout,
		minBackoff: DefaultMinBackoff,
		maxBackoff: DefaultMaxBackoff,
		newKey:     randomKey,
		sleep:      sleepCtx,
	}
	for _, o := range opts {
		o(b)
	}
	b.init(secretKey)
	return &Client{
		Payments:        &PaymentService{b: b},
		VirtualAccounts: &VirtualAccountService{b: b},
		Billing:         &BillingService{b: b},
		Transactions:    &TransactionService{b: b},
		Settlements:     &SettlementService{b: b},
		CashReceipts:    &CashReceiptService{b: b},
		b:               b,
	}
}

// String describes the client (its base URL) without its secret key.
func (c Client) String() string { return "toss.Client{" + c.b.baseURL.String() + "}" }

// GoString is String, so %#v does not print the key either.
func (c Client) GoString() string { return c.String() }

// randomKey returns "pd_" followed by 128 random bits in hex.
func randomKey() string {
	var buf [16]byte
	_, _ = rand.Read(buf[:]) // crypto/rand.Read never fails (Go ≥1.24)
	return "pd_" + hex.EncodeToString(buf[:])
}
