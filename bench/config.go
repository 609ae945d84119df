package bench

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/paydeck/paydeck/toss/sandbox"
)

// Config is one bench run.
type Config struct {
	// Target is the paydeck base URL, e.g. http://127.0.0.1:8080, or a
	// comma-separated list of instances sharing one database: shoppers are
	// spread across them; admin calls and the check use the first.
	Target  string
	targets []string
	// Sandbox is the Toss sandbox base URL; "" means Target + "/toss-sandbox".
	Sandbox string
	// SandboxSecretKey authenticates against the sandbox; it must be of the
	// key family paydeck confirms with. "" means the widget key pair, the
	// one paydeck uses in sandbox mode.
	SandboxSecretKey string
	// SandboxControlToken is sent as sandbox.ControlTokenHeader on control
	// API calls: the token "paydeck serve" keeps in its data dir
	// (sandbox-control.token). "" sends none (a standalone sandbox).
	SandboxControlToken string
	// AdminEmail and AdminPassword log in an admin (see "paydeck
	// createadmin") who creates the products and reads every order.
	AdminEmail, AdminPassword string
	// Concurrency is the number of simulated shoppers (default 8).
	Concurrency int
	// Duration bounds the run by time; Count by number of checkouts. With
	// neither, 10 s.
	Duration time.Duration
	Count    int
	// Rate caps the checkouts started per second over all shoppers (the
	// n-th starts no earlier than n/Rate seconds into the load), to measure
	// latency below the peak; 0 means as fast as the shoppers go.
	Rate float64
	// RefundShare is the share of paid orders refunded right away, 0..1
	// (MixCheckout only; the shop mix has its own shares).
	RefundShare float64
	// Mix is what each shopper's turn does: MixCheckout (default) or
	// MixShop.
	Mix string
	// ShoppersFile keeps the shoppers' accounts and bearer tokens between
	// runs (JSON): a run takes its shoppers from it and adds the missing
	// ones (sign-up and login, which the server's login limiter paces),
	// so that later runs log no one in. "" signs up new shoppers.
	ShoppersFile string
	// ExpireWait is how long after the last abandoned order (MixShop) the
	// consistency check starts, so that the sweep has expired them: the
	// server's payment timeout plus its sweep interval (default 75 s, for
	// PAYDECK_PAYMENT_TIMEOUT=1m and a sweep interval of at most 15 s).
	ExpireWait time.Duration
	// SandboxSampleEvery makes one shopper in that many checkouts also time a
	// confirm directly at the sandbox (an order unknown to paydeck, under the
	// "bench-direct-" prefix); 0 means 10, negative disables it.
	SandboxSampleEvery int
	// CommitProbe is a database URL (PAYDECK_DATABASE_URL's value) whose
	// single-row commit rate is measured before the load; "" skips it.
	CommitProbe string
	// ProbeDuration is how long the commit probe runs (default 3 s).
	ProbeDuration time.Duration
	// Settle bounds how long the consistency check waits for payments left
	// in progress (by faults or crashes) to settle (default 30 s).
	Settle time.Duration
	// Progress is the interval of progress lines (default 1 s; negative:
	// none). Out receives progress and nothing else (default io.Discard).
	Progress time.Duration
	Out      io.Writer
	// Seed seeds the shoppers' choices (products, quantities, refunds).
	Seed uint64
	// HTTPClient sends every request (default: a client with a 30 s timeout
	// and enough idle connections for Concurrency).
	HTTPClient *http.Client
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// withDefaults validates c and fills in its defaults.
func (c Config) withDefaults() (Config, error) {
	c.targets = nil
	for t := range strings.SplitSeq(c.Target, ",") {
		if t = strings.TrimRight(strings.TrimSpace(t), "/"); t != "" {
			c.targets = append(c.targets, t)
		}
	}
	if len(c.targets) == 0 {
		return c, errors.New("bench: --target is required")
	}
	if c.AdminEmail == "" || c.AdminPassword == "" {
		return c, errors.New("bench: admin credentials are required (--admin-email, --admin-password; create one with \"paydeck createadmin\")")
	}
	if c.RefundShare < 0 || c.RefundShare > 1 {
		return c, errors.New("bench: --refund-share must be between 0 and 1")
	}
	if c.Concurrency < 0 || c.Count < 0 || c.Duration < 0 || c.Rate < 0 {
		return c, errors.New("bench: --concurrency, --count, --duration and --rate must not be negative")
	}
	switch c.Mix {
	case "":
		c.Mix = MixCheckout
	case MixCheckout, MixShop:
	default:
		return c, errors.New("bench: --mix must be checkout or shop")
	}
	if c.ExpireWait == 0 {
		c.ExpireWait = 75 * time.Second
	}
	if c.Sandbox == "" {
		c.Sandbox = c.targets[0] + "/toss-sandbox"
	}
	c.Sandbox = strings.TrimRight(c.Sandbox, "/")
	if c.SandboxSecretKey == "" {
		c.SandboxSecretKey = sandbox.WidgetSecretKey
	}
	if c.Concurrency == 0 {
		c.Concurrency = 8
	}
	if c.Duration == 0 && c.Count == 0 {
		c.Duration = 10 * time.Second
	}
	if c.SandboxSampleEvery == 0 {
		c.SandboxSampleEvery = 10
	}
	if c.ProbeDuration == 0 {
		c.ProbeDuration = 3 * time.Second
	}
	if c.Settle == 0 {
		c.Settle = 30 * time.Second
	}
	if c.Progress == 0 {
		c.Progress = time.Second
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.HTTPClient == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 2*c.Concurrency + 4
		c.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: tr}
	}
	return c, nil
}
