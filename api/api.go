package api

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/account"
	"github.com/paydeck/paydeck/auth"
	"github.com/paydeck/paydeck/internal/httpx"
	"github.com/paydeck/paydeck/outbound"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/subscription"
)

// Defaults of Deps' zero fields.
const (
	// DefaultTokenTTL is how long a bearer token is valid.
	DefaultTokenTTL = time.Hour
	// DefaultMaxBodyBytes bounds JSON request bodies.
	DefaultMaxBodyBytes = 64 << 10
	// WebhookMaxBodyBytes bounds Toss webhook bodies: a payment object
	// with its cancels is a few KiB.
	WebhookMaxBodyBytes = 64 << 10
	// TossSDKURL is the Toss payment SDK v2 script.
	TossSDKURL = "https://js.tosspayments.com/v2/standard"
)

// Default login limits: see account.DefaultPairLimit and
// account.DefaultIPLimit.
var (
	DefaultLoginAccountLimit = account.DefaultPairLimit
	DefaultLoginIPLimit      = account.DefaultIPLimit
	// DefaultWebhookIPLimit bounds webhook deliveries per client IP: 50
	// at once, then 20 a second (Toss sends from four addresses).
	DefaultWebhookIPLimit = RateLimit{Burst: 50, Every: 50 * time.Millisecond}
)

// Deps are what the API needs. Payments, Store and Secret are required; the
// other zero fields take the defaults documented on each.
type Deps struct {
	// Payments runs every money flow (orders, confirm, refunds, webhooks).
	Payments *payment.Service
	// Store serves catalogue CRUD, users and admin reports.
	Store paydeck.Store
	// Subscriptions runs plans and subscriptions; nil leaves their
	// operations out.
	Subscriptions *subscription.Service
	// BillingClientKey is the Toss client key of the billing window (the
	// API individual key pair: Toss sells billing only under it).
	BillingClientKey string
	// Secret signs bearer tokens (HS256); at least auth.MinTokenKeyLen bytes.
	Secret []byte
	// TokenTTL is the lifetime of a bearer token; 0 means DefaultTokenTTL.
	TokenTTL time.Duration
	// Logger receives internal errors; nil discards them.
	Logger *slog.Logger
	// Now is the clock (token expiry, rate limits, report ranges); nil
	// means time.Now.
	Now func() time.Time
	// Rand is the randomness for password salts; nil means crypto/rand.
	Rand io.Reader
	// Hasher hashes passwords; nil means auth.DefaultParams with Rand.
	Hasher *auth.Hasher
	// ClientKey is the Toss client key the checkout page uses (public).
	ClientKey string
	// PublicURL is paydeck's external base URL (no trailing slash); the
	// checkout's success and fail URLs derive from it.
	PublicURL string
	// SDKURL is the Toss SDK script checkout pages load; "" means TossSDKURL.
	SDKURL string
	// Accounts signs users up and in and resolves bearer tokens; share
	// one with web and admin so that all three count attempts in one
	// limiter. nil means one built from Store, Secret, TokenTTL, Hasher,
	// Now, Rand and the limits below.
	Accounts *account.Service
	// LoginAccountLimit and LoginIPLimit bound login attempts per
	// (account, client IP) pair and per client IP when Accounts is nil;
	// zero values mean the Default* limits.
	LoginAccountLimit RateLimit
	LoginIPLimit      RateLimit
	// WebhookIPLimit bounds webhook deliveries per client IP; zero means
	// DefaultWebhookIPLimit.
	WebhookIPLimit RateLimit
	// Outbound manages API keys, webhook endpoints and outbound events;
	// nil leaves their operations out.
	Outbound *outbound.Service
	// KeyMode is the mode of the API keys this server creates and accepts;
	// "" means live.
	KeyMode paydeck.APIKeyMode
}

// server holds the dependencies the handlers use.
type server struct {
	Deps
	api huma.API
	// hooksByIP limits webhook deliveries per client IP.
	hooksByIP *account.Limiter
}

// Register mounts the API on mux: every /api/ operation (other /api/ paths,
// and known paths with another method, answer a 404 problem),
// /openapi.json (and .yaml) and the /docs page. It returns the huma API (for the OpenAPI
// document) or an error for missing or invalid dependencies.
func Register(mux *http.ServeMux, d Deps) (huma.API, error) {
	s, err := newServer(d)
	if err != nil {
		return nil, err
	}
	s.api = humago.New(mux, config())
	s.api.UseMiddleware(s.authenticate)
	s.registerAuth()
	s.registerCatalogue()
	s.registerOrders()
	s.registerShipping()
	s.registerPayments()
	s.registerAdmin()
	s.registerAPIKeys()
	s.registerOutbound()
	s.registerSubscriptions()
	s.registerOutbox()
	s.registerCoupons()
	mountDocs(mux)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, _ *http.Request) {
		httpx.WriteProblem(w, http.StatusNotFound, "No such API operation; see /openapi.json.")
	})
	return s.api, nil
}

func newServer(d Deps) (*server, error) {
	switch {
	case d.Payments == nil:
		return nil, errors.New("api: Deps.Payments is required")
	case d.Store == nil:
		return nil, errors.New("api: Deps.Store is required")
	}
	if d.TokenTTL == 0 {
		d.TokenTTL = DefaultTokenTTL
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Rand == nil {
		d.Rand = rand.Reader
	}
	if d.Hasher == nil {
		d.Hasher = auth.NewHasher(auth.DefaultParams, d.Rand)
	}
	if d.KeyMode == "" {
		d.KeyMode = paydeck.APIKeyLive
	}
	if d.SDKURL == "" {
		d.SDKURL = TossSDKURL
	}
	d.PublicURL = strings.TrimRight(d.PublicURL, "/")
	if d.Accounts == nil {
		if len(d.Secret) < auth.MinTokenKeyLen {
			return nil, fmt.Errorf("api: token signing key must be at least %d bytes", auth.MinTokenKeyLen)
		}
		accounts, err := account.New(account.Config{Store: d.Store, TokenKey: d.Secret, TokenTTL: d.TokenTTL,
			Hasher: d.Hasher, Now: d.Now, Rand: d.Rand, PairLimit: d.LoginAccountLimit, IPLimit: d.LoginIPLimit})
		if err != nil {
			return nil, errors.New("api: " + err.Error())
		}
		d.Accounts = accounts
	}
	if d.WebhookIPLimit == (RateLimit{}) {
		d.WebhookIPLimit = DefaultWebhookIPLimit
	}
	return &server{Deps: d, hooksByIP: account.NewLimiter(d.WebhookIPLimit, d.Now)}, nil
}

// config is the huma configuration: OpenAPI 3.1 at /openapi.json and
// .yaml, no built-in docs page (it needs a CDN; mountDocs serves one), no
// $schema links in responses, a bearer security scheme.
func config() huma.Config {
	cfg := huma.DefaultConfig("paydeck API", "1.0.0")
	cfg.CreateHooks = nil // no SchemaLinkTransformer: responses stay plain JSON
	cfg.Transformers = append(cfg.Transformers, scrubErrorValues)
	cfg.DocsPath = ""
	cfg.SchemasPath = ""
	cfg.Info.Description = "paydeck: a payment backend for Korean shops on Toss Payments. " +
		"Errors are RFC 9457 problem+json. Money is integer won (KRW). " +
		"Sign in with POST /api/auth/login and send the token as `Authorization: Bearer <token>`."
	cfg.Tags = []*huma.Tag{
		{Name: "Auth", Description: "Sign up, sign in (bearer tokens) and the signed-in user."},
		{Name: "Catalogue", Description: "Products and payment methods; admins manage them."},
		{Name: "Orders", Description: "Orders with server-computed amounts, checkout data, cancel, shipping."},
		{Name: "Payments", Description: "Confirm, read and refund Toss payments."},
		{Name: "Webhooks", Description: "Deliveries from Toss."},
		{Name: "Admin", Description: "Reports for admins: stats, settlements, reconciliation."},
		{Name: "Subscriptions", Description: "Plans and subscriptions charged on Toss billing keys."},
	}
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		bearerScheme: {Type: "http", Scheme: "bearer", BearerFormat: "JWT",
			Description: "Token from POST /api/auth/login."},
	}
	return cfg
}

// access says who may call an operation.
type access int

const (
	public    access = iota // anyone; a token, if sent, must be valid
	signedIn                // any signed-in user
	adminOnly               // admins only
)

const (
	bearerScheme = "bearer"
	accessKey    = "paydeck-access"
)

// register adds one operation with its access rule, tags, body limit,
// documented error statuses and security requirement.
func register[I, O any](s *server, acc access, op huma.Operation, h func(context.Context, *I) (*O, error)) {
	if op.MaxBodyBytes == 0 {
		op.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[accessKey] = acc
	if acc != public {
		op.Security = []map[string][]string{{bearerScheme: {}}}
		op.Errors = append(op.Errors, http.StatusUnauthorized)
	}
	if acc == adminOnly {
		op.Errors = append(op.Errors, http.StatusForbidden)
	}
	declareScope(&op, acc)
	huma.Register(s.api, op, h)
}
