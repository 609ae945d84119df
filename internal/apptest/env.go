package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/api"
	"github.com/paydeck/paydeck/jobs"
	"github.com/paydeck/paydeck/notify"
	"github.com/paydeck/paydeck/outbound"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/store"
	"github.com/paydeck/paydeck/store/storetest"
	"github.com/paydeck/paydeck/subscription"
	"github.com/paydeck/paydeck/toss"
	"github.com/paydeck/paydeck/toss/sandbox"
)

// Env is one isolated paydeck for a test: store with running jobs, sandbox,
// toss client, payment service and clock. Its fields are stable: other test
// harnesses (the HTTP API's) build on them.
type Env struct {
	// Engine is "sqlite" or "postgres".
	Engine string
	// DB is the fresh, migrated store; its River jobs are running.
	DB store.DB
	// Sandbox is the Toss sandbox, served at SandboxURL over real HTTP with
	// the documentation key pair (sandbox.DocsSecretKey).
	Sandbox    *sandbox.Server
	SandboxURL string
	// WebhookURL is where the sandbox posts webhooks; its handler calls
	// Payments.ReceiveWebhook (200, or 400 for a body that is not JSON).
	WebhookURL string
	// Toss is the real client against the sandbox (short backoff).
	Toss *toss.Client
	// Payments is the service under test, wired to DB, Toss and Clock.
	Payments *payment.Service
	// Clock is the one clock of the store, the service and the sandbox
	// (Clock.AdvanceLocal sets paydeck's ahead of the sandbox's).
	Clock *Clock
	// Outbound manages webhook endpoints and delivers outbound events (to
	// loopback addresses too); the store publishes events through
	// outbound.Hook.
	Outbound *outbound.Service
	// Subscriptions is the subscription service on DB, Payments, Toss (the
	// documentation key pair: billing's) and Clock; its jobs run with the
	// others. Its customerKeys are those of the pages (SiteSecret).
	Subscriptions *subscription.Service
	// Notify sends the mail the store's hook writes to the outbox.
	Notify *notify.Service

	rec *recorder
}

// BillingSecret seals the Env's billing keys.
var BillingSecret = []byte("apptest billing key secret, 32+ bytes long")

// Option changes how New builds an Env.
type Option func(*options)

type options struct {
	payment     func(*payment.Config)
	sub         func(*subscription.Config)
	tossTimeout time.Duration
	tossRetries int
	logger      *slog.Logger
	outbound    func(*outbound.Config)
	smtp        *notify.SMTP
	count       func(statements, roundTrips int)
}

// WithStatementCounter tells f of every SQL statement the store's
// transactions send (store.Options.CountStatements).
func WithStatementCounter(f func(statements, roundTrips int)) Option {
	return func(o *options) { o.count = f }
}

// ShopEmail is the shop's address in every Env: it gets the shop's mail.
const ShopEmail = "owner@shop.test"

// WithSMTP makes the Env send mail through s instead of keeping it in the
// outbox.
func WithSMTP(s *notify.SMTP) Option { return func(o *options) { o.smtp = s } }

// WithPaymentConfig lets the test change the payment.Config before New.
func WithPaymentConfig(f func(*payment.Config)) Option { return func(o *options) { o.payment = f } }

// WithSubscriptionConfig lets the test change the subscription.Config
// before New.
func WithSubscriptionConfig(f func(*subscription.Config)) Option {
	return func(o *options) { o.sub = f }
}

// WithTossRetries sets the toss client's per-attempt timeout and retry
// count (defaults 5 s and 2): fault tests use short timeouts and no retries.
func WithTossRetries(timeout time.Duration, retries int) Option {
	return func(o *options) { o.tossTimeout, o.tossRetries = timeout, retries }
}

// WithOutboundConfig lets f change the outbound service's configuration
// (a short backoff, say) before it is built.
func WithOutboundConfig(f func(*outbound.Config)) Option { return func(o *options) { o.outbound = f } }

// WithLogger sends the service's and store's logs to l (default: discard).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// New builds an Env on the engine ("sqlite" or "postgres"; PostgreSQL needs
// PAYDECK_TEST_DATABASE_URL, see storetest). Everything is torn down at t's
// cleanup.
func New(t testing.TB, engine string, opts ...Option) *Env {
	t.Helper()
	o := options{tossTimeout: 5 * time.Second, tossRetries: 2, logger: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	e := &Env{Engine: engine, Clock: &Clock{}}
	workers := river.NewWorkers()
	e.DB = newStore(t, engine, store.Options{Now: e.Clock.Now, Workers: workers,
		JobFetchPoll: 5 * time.Millisecond, Logger: o.logger, CountStatements: o.count, EventHook: paydeck.ChainHooks(outbound.Hook(api.Views{}),
			notify.Hook(notify.Options{ShopEmail: ShopEmail, LowStock: 5, Keep: o.smtp == nil}))})

	hook := httptest.NewUnstartedServer(http.HandlerFunc(e.receiveWebhook))
	e.WebhookURL = "http://" + hook.Listener.Addr().String() + "/api/payments/webhook"
	sbx, err := sandbox.New(sandbox.Options{WebhookURL: e.WebhookURL, Now: e.Clock.SandboxNow})
	require.NoError(t, err)
	t.Cleanup(hook.Close)
	t.Cleanup(func() { require.NoError(t, sbx.Close()) })
	ts := httptest.NewServer(sbx)
	t.Cleanup(ts.Close)
	e.Sandbox, e.SandboxURL = sbx, ts.URL

	// No keep-alive: net/http silently retries a POST carrying an
	// Idempotency-Key on a reused connection that drops, which would hide
	// the sandbox's dropped-connection faults from the client's own policy.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DisableKeepAlives = true
	e.rec = &recorder{next: tr}
	e.Toss = toss.NewClient(sandbox.DocsSecretKey, toss.WithBaseURL(ts.URL),
		toss.WithHTTPClient(&http.Client{Transport: e.rec}), toss.WithBackoff(5*time.Millisecond, 50*time.Millisecond),
		toss.WithMaxRetries(o.tossRetries), toss.WithTimeout(o.tossTimeout))
	cfg := payment.Config{Store: e.DB, Toss: e.Toss, Now: e.Clock.Now, Logger: o.logger, CustomerKeySecret: SiteSecret}
	if o.payment != nil {
		o.payment(&cfg)
	}
	e.Payments, err = payment.New(cfg)
	require.NoError(t, err)
	scfg := subscription.Config{Store: e.DB, Payments: e.Payments, Toss: e.Toss, KeySecret: BillingSecret,
		CustomerKeySecret: SiteSecret, Now: e.Clock.Now, Logger: o.logger, OnChange: outbound.SubscriptionHook(api.Views{})}
	if o.sub != nil {
		o.sub(&scfg)
	}
	e.Subscriptions, err = subscription.New(scfg)
	require.NoError(t, err)
	hook.Start() // only now: the handler reads e.Payments
	jobs.Register(workers, e.Payments)
	ocfg := outbound.Config{Store: e.DB, AllowPrivate: true, Now: e.Clock.Now, Logger: o.logger}
	if o.outbound != nil {
		o.outbound(&ocfg)
	}
	e.Outbound, err = outbound.New(ocfg)
	require.NoError(t, err)
	jobs.RegisterOutbound(workers, e.Outbound)
	jobs.RegisterSubscriptions(workers, e.Subscriptions)
	ncfg := notify.Config{Store: e.DB, Now: e.Clock.Now, Logger: o.logger, From: "shop@paydeck.test"}
	if o.smtp != nil {
		ncfg.SMTP = o.smtp
	}
	e.Notify, err = notify.New(ncfg)
	require.NoError(t, err)
	jobs.RegisterNotify(workers, e.Notify)
	require.NoError(t, e.DB.StartJobs(context.Background()))
	return e
}

// EachEngine runs fn in parallel subtests "sqlite" and "postgres", each with
// its own Env built with opts.
func EachEngine(t *testing.T, fn func(t *testing.T, env *Env), opts ...Option) {
	t.Helper()
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, New(t, engine, opts...))
		})
	}
}

// receiveWebhook is the webhook endpoint the sandbox posts to.
func (e *Env) receiveWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	switch err := e.Payments.ReceiveWebhook(r.Context(), body, r.Header); paydeck.ErrorCode(err) {
	case "":
		w.WriteHeader(http.StatusOK)
	case paydeck.CodeInvalid:
		w.WriteHeader(http.StatusBadRequest)
	default:
		w.WriteHeader(http.StatusInternalServerError)
	}
}
