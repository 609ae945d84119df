package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/paydeck/paydeck/account"
)

// Config is paydeck's effective configuration, built by loadConfig.
type Config struct {
	Addr        string // PAYDECK_ADDR: host:port the HTTP server listens on
	DataDir     string // PAYDECK_DATA_DIR: SQLite file, sandbox state, generated secret
	DatabaseURL Secret // PAYDECK_DATABASE_URL: postgres:// URL or SQLite file; may hold a password, so it is shown with the password redacted

	TossClientKey     string        // TOSS_CLIENT_KEY: public, used by browsers
	TossSecretKey     Secret        // TOSS_SECRET_KEY
	TossAPIBaseURL    string        // TOSS_API_BASE_URL; the mounted sandbox in sandbox mode
	TossWebhookSecret Secret        // TOSS_WEBHOOK_SECRET: HMAC key of signed (payout) webhooks
	TossTimeout       time.Duration // TOSS_TIMEOUT: one Toss API call

	PublicURL      string        // PAYDECK_PUBLIC_URL: base of success, fail and webhook URLs, no trailing slash
	MinAmount      int64         // PAYDECK_MIN_AMOUNT: smallest payment, KRW
	MaxAmount      int64         // PAYDECK_MAX_AMOUNT: largest payment, KRW
	PaymentTimeout time.Duration // PAYDECK_PAYMENT_TIMEOUT: how long a pending order waits for payment
	SweepInterval  time.Duration // PAYDECK_SWEEP_INTERVAL: how often the sweep expires orders and finds stuck confirms
	CheckDelay     time.Duration // PAYDECK_CONFIRM_CHECK_DELAY: age at which a confirm or refund still in progress is re-checked
	CORSOrigins    []string      // PAYDECK_CORS_ORIGINS: origins allowed to call the API from browsers
	Secret         Secret        // PAYDECK_SECRET: signing key (sessions, CSRF, tokens)

	LogLevel  slog.Level // PAYDECK_LOG_LEVEL: debug, info, warn, error
	LogFormat string     // PAYDECK_LOG_FORMAT: text or json
	PprofAddr string     // PAYDECK_PPROF_ADDR: host:port of a separate net/http/pprof listener; empty means none

	TrustedProxies []netip.Prefix // PAYDECK_TRUSTED_PROXIES: proxies whose X-Forwarded-For names the client IP
	AdminIdle      time.Duration  // PAYDECK_ADMIN_IDLE_TIMEOUT: an admin session unused this long ends
	AdminMaxAge    time.Duration  // PAYDECK_ADMIN_SESSION_MAX_AGE: an admin session ends this long after sign-in

	ShippingFee      int64 // PAYDECK_SHIPPING_FEE: KRW charged for physical goods
	FreeShippingOver int64 // PAYDECK_FREE_SHIPPING_OVER: order total (KRW) from which shipping is free; 0 never

	WebhookRetention    time.Duration // PAYDECK_WEBHOOK_RETENTION: how long processed webhook deliveries are kept
	ReadHeaderTimeout   time.Duration // PAYDECK_READ_HEADER_TIMEOUT: reading a request's headers
	ReadTimeout         time.Duration // PAYDECK_READ_TIMEOUT: reading a whole request, body included
	WriteTimeout        time.Duration // PAYDECK_WRITE_TIMEOUT: from the end of the headers to the end of the response
	IdleTimeout         time.Duration // PAYDECK_IDLE_TIMEOUT: a keep-alive connection waiting for its next request
	MaxPendingOrders    int64         // PAYDECK_MAX_PENDING_ORDERS: unpaid orders one customer may hold
	MaxPendingQuantity  int64         // PAYDECK_MAX_PENDING_QUANTITY: units of one product one customer may hold in unpaid orders
	WebhookRate         int64         // PAYDECK_WEBHOOK_RATE: Toss webhook deliveries a second one client IP may make (burst: 2.5 seconds' worth)
	MetricsToken        Secret        // PAYDECK_METRICS_TOKEN: bearer token /metrics requires; empty: open
	JobRescueAfter      time.Duration // PAYDECK_JOB_RESCUE_AFTER: a job running this long is taken for dead (its process crashed) and retried
	WebhookAllowPrivate bool          // PAYDECK_WEBHOOK_ALLOW_PRIVATE: outbound events may go to private, loopback and link-local addresses
	SMTPURL             Secret        // PAYDECK_SMTP_URL: smtp://user:pass@host:port (STARTTLS required; ?tls=none for a local relay) or smtps:// (TLS); empty: mail stays in the outbox
	MailFrom            string        // PAYDECK_MAIL_FROM: sender address of mail
	ShopEmail           string        // PAYDECK_SHOP_EMAIL: the shop's address for new paid orders, deposits and low stock; empty: none
	MailLang            string        // PAYDECK_MAIL_LANG: ko or en, the language of mail

	// sources records where each variable's value came from, by variable
	// name: "default", ".env", "env", "file" (a *_FILE variant), "flag",
	// "data dir" (the kept PAYDECK_SECRET) or "sandbox".
	sources map[string]string
}

// Defaults for a fresh machine.
const (
	defaultAddr           = "127.0.0.1:8080"
	defaultDataDir        = "./data"
	defaultTossAPIBaseURL = "https://api.tosspayments.com"
	defaultMinAmount      = 100
	defaultMaxAmount      = 10_000_000
	defaultPaymentTimeout = 30 * time.Minute
	defaultTossTimeout    = 30 * time.Second
	defaultSweepInterval  = time.Minute
	// defaultJobRescueAfter bounds how late a job whose process was killed
	// runs again (River's own default is an hour); jobs are idempotent.
	defaultJobRescueAfter = 5 * time.Minute
	defaultCheckDelay     = time.Minute
	defaultShippingFee    = 3000
	defaultFreeShipping   = 50_000

	defaultWebhookRetention   = 90 * 24 * time.Hour
	defaultReadHeaderTimeout  = 10 * time.Second
	defaultReadTimeout        = 30 * time.Second
	defaultWriteTimeout       = 2 * time.Minute
	defaultIdleTimeout        = 2 * time.Minute
	defaultMaxPendingOrders   = 5
	defaultWebhookRate        = 20
	defaultMaxPendingQuantity = 10

	// sqliteFile is the database file in the data dir when no URL is set.
	sqliteFile = "paydeck.db"
	// secretFile keeps the generated PAYDECK_SECRET in the data dir.
	secretFile = "secret.key"
	// sandboxPath is where serve mounts the Toss sandbox in sandbox mode.
	sandboxPath = "/toss-sandbox"
	// minSecretLen is the shortest PAYDECK_SECRET accepted, in bytes.
	minSecretLen = 32
)

// option describes one configuration variable: its environment name, its
// flag (none for secrets, which must not appear in process listings), how it
// is parsed into a Config and shown back.
type option struct {
	env    string
	flag   string
	usage  string
	secret bool // value redacted when shown; *_FILE variant accepted
	file   bool // *_FILE variant accepted
	// def returns the default text, given the options parsed before it.
	def   func(c *Config) string
	parse func(c *Config, v string) error
	show  func(c *Config) string
}

// options lists every variable, in the order they are parsed and shown:
// an option's default may depend on options listed above it.
var options = []option{
	{env: "PAYDECK_ADDR", flag: "addr", usage: "`host:port` to listen on",
		def:   constant(defaultAddr),
		parse: func(c *Config, v string) error { c.Addr = v; return nil },
		show:  func(c *Config) string { return c.Addr }},
	{env: "PAYDECK_DATA_DIR", flag: "data-dir", usage: "`directory` for the SQLite database, sandbox state and generated secret",
		def:   constant(defaultDataDir),
		parse: func(c *Config, v string) error { c.DataDir = v; return nil },
		show:  func(c *Config) string { return c.DataDir }},
	{env: "PAYDECK_DATABASE_URL", flag: "database-url", file: true, usage: "postgres:// `URL`, or a SQLite file path (default: paydeck.db in the data dir)",
		def:   func(c *Config) string { return filepath.Join(c.DataDir, sqliteFile) },
		parse: func(c *Config, v string) error { c.DatabaseURL = NewSecret(v); return nil },
		show:  func(c *Config) string { return redactURL(c.DatabaseURL.Reveal()) }},
	{env: "TOSS_CLIENT_KEY", flag: "toss-client-key", usage: "Toss client `key` (test_ck_/live_ck_/test_gck_/live_gck_); empty with TOSS_SECRET_KEY for sandbox mode",
		def:   constant(""),
		parse: func(c *Config, v string) error { c.TossClientKey = v; return nil },
		show:  func(c *Config) string { return c.TossClientKey }},
	{env: "TOSS_SECRET_KEY", secret: true, usage: "Toss secret key (env or TOSS_SECRET_KEY_FILE only)",
		def:   constant(""),
		parse: func(c *Config, v string) error { c.TossSecretKey = NewSecret(v); return nil },
		show:  func(c *Config) string { return c.TossSecretKey.String() }},
	{env: "PAYDECK_PUBLIC_URL", flag: "public-url", usage: "public base `URL` of this server (default http://{addr})",
		def:   func(c *Config) string { return "http://" + c.Addr },
		parse: func(c *Config, v string) error { c.PublicURL = strings.TrimRight(v, "/"); return nil },
		show:  func(c *Config) string { return c.PublicURL }},
	{env: "TOSS_API_BASE_URL", flag: "toss-api-base-url", usage: "Toss API base `URL` (default https://api.tosspayments.com; the mounted sandbox in sandbox mode)",
		def: func(c *Config) string {
			if c.SandboxMode() {
				return c.PublicURL + sandboxPath
			}
			return defaultTossAPIBaseURL
		},
		parse: func(c *Config, v string) error { c.TossAPIBaseURL = strings.TrimRight(v, "/"); return nil },
		show:  func(c *Config) string { return c.TossAPIBaseURL }},
	{env: "TOSS_WEBHOOK_SECRET", secret: true, usage: "key that verifies signed Toss webhooks (env or TOSS_WEBHOOK_SECRET_FILE only)",
		def:   constant(""),
		parse: func(c *Config, v string) error { c.TossWebhookSecret = NewSecret(v); return nil },
		show:  func(c *Config) string { return c.TossWebhookSecret.String() }},
	{env: "TOSS_TIMEOUT", flag: "toss-timeout", usage: "timeout of one Toss API call (`duration`)",
		def:   constant(defaultTossTimeout.String()),
		parse: func(c *Config, v string) error { return parseDuration(&c.TossTimeout, v) },
		show:  func(c *Config) string { return c.TossTimeout.String() }},
	{env: "PAYDECK_MIN_AMOUNT", flag: "min-amount", usage: "smallest payment in `won`",
		def:   constant(strconv.Itoa(defaultMinAmount)),
		parse: func(c *Config, v string) error { return parseWon(&c.MinAmount, v) },
		show:  func(c *Config) string { return strconv.FormatInt(c.MinAmount, 10) }},
	{env: "PAYDECK_MAX_AMOUNT", flag: "max-amount", usage: "largest payment in `won`",
		def:   constant(strconv.Itoa(defaultMaxAmount)),
		parse: func(c *Config, v string) error { return parseWon(&c.MaxAmount, v) },
		show:  func(c *Config) string { return strconv.FormatInt(c.MaxAmount, 10) }},
	{env: "PAYDECK_PAYMENT_TIMEOUT", flag: "payment-timeout", usage: "how long a pending order waits for payment (`duration`)",
		def:   constant(defaultPaymentTimeout.String()),
		parse: func(c *Config, v string) error { return parseDuration(&c.PaymentTimeout, v) },
		show:  func(c *Config) string { return c.PaymentTimeout.String() }},
	{env: "PAYDECK_SWEEP_INTERVAL", flag: "sweep-interval", usage: "how often the sweep expires unpaid orders and looks for confirms and refunds left in progress (`duration`)",
		def:   constant(defaultSweepInterval.String()),
		parse: func(c *Config, v string) error { return parseDuration(&c.SweepInterval, v) },
		show:  func(c *Config) string { return c.SweepInterval.String() }},
	{env: "PAYDECK_CONFIRM_CHECK_DELAY", flag: "confirm-check-delay", usage: "age at which the sweep re-checks with Toss a confirm or refund still in progress (`duration`, above TOSS_TIMEOUT)",
		def:   constant(defaultCheckDelay.String()),
		parse: func(c *Config, v string) error { return parseDuration(&c.CheckDelay, v) },
		show:  func(c *Config) string { return c.CheckDelay.String() }},
	{env: "PAYDECK_CORS_ORIGINS", flag: "cors-origins", usage: "comma-separated `origins` allowed to call the API from browsers, or *",
		def:   constant(""),
		parse: func(c *Config, v string) error { c.CORSOrigins = splitList(v); return nil },
		show:  func(c *Config) string { return strings.Join(c.CORSOrigins, ",") }},
	{env: "PAYDECK_SECRET", secret: true, usage: "signing key, at least 32 bytes (env or PAYDECK_SECRET_FILE only; generated in the data dir when absent)",
		def:   constant(""),
		parse: func(c *Config, v string) error { c.Secret = NewSecret(v); return nil },
		show:  func(c *Config) string { return c.Secret.String() }},
	{env: "PAYDECK_LOG_LEVEL", flag: "log-level", usage: "`level`: debug, info, warn or error",
		def:   constant("info"),
		parse: parseLogLevel,
		show:  func(c *Config) string { return strings.ToLower(c.LogLevel.String()) }},
	{env: "PAYDECK_LOG_FORMAT", flag: "log-format", usage: "`format`: text or json",
		def:   constant("text"),
		parse: func(c *Config, v string) error { c.LogFormat = strings.ToLower(v); return nil },
		show:  func(c *Config) string { return c.LogFormat }},
	{env: "PAYDECK_PPROF_ADDR", flag: "pprof-addr", usage: "`host:port` of a separate profiling listener (net/http/pprof); empty: none. Keep it on loopback",
		def:   constant(""),
		parse: func(c *Config, v string) error { c.PprofAddr = v; return nil },
		show:  func(c *Config) string { return c.PprofAddr }},
	{env: "PAYDECK_TRUSTED_PROXIES", flag: "trusted-proxies", usage: "comma-separated `CIDRs` of reverse proxies whose X-Forwarded-For names the client IP (sign-in limits, audit); empty: the connection's address",
		def: constant(""),
		parse: func(c *Config, v string) (err error) {
			c.TrustedProxies, err = account.ParseProxies(v)
			return err
		},
		show: func(c *Config) string {
			var out []string
			for _, p := range c.TrustedProxies {
				out = append(out, p.String())
			}
			return strings.Join(out, ",")
		}},
	{env: "PAYDECK_ADMIN_IDLE_TIMEOUT", flag: "admin-idle-timeout", usage: "an admin's session ends after this `duration` without use",
		def:   constant(account.DefaultAdminIdle.String()),
		parse: func(c *Config, v string) error { return parseDuration(&c.AdminIdle, v) },
		show:  func(c *Config) string { return c.AdminIdle.String() }},
	{env: "PAYDECK_ADMIN_SESSION_MAX_AGE", flag: "admin-session-max-age", usage: "an admin's session ends this `duration` after sign-in",
		def:   constant(account.DefaultAdminMaxAge.String()),
		parse: func(c *Config, v string) error { return parseDuration(&c.AdminMaxAge, v) },
		show:  func(c *Config) string { return c.AdminMaxAge.String() }},
	{env: "PAYDECK_SHIPPING_FEE", flag: "shipping-fee", usage: "shipping fee for physical goods in `won`",
		def:   constant(strconv.Itoa(defaultShippingFee)),
		parse: func(c *Config, v string) error { return parseWon(&c.ShippingFee, v) },
		show:  func(c *Config) string { return strconv.FormatInt(c.ShippingFee, 10) }},
	{env: "PAYDECK_FREE_SHIPPING_OVER", flag: "free-shipping-over", usage: "order total in `won` from which shipping is free (0: never)",
		def:   constant(strconv.Itoa(defaultFreeShipping)),
		parse: func(c *Config, v string) error { return parseWon(&c.FreeShippingOver, v) },
		show:  func(c *Config) string { return strconv.FormatInt(c.FreeShippingOver, 10) }},
	{env: "PAYDECK_WEBHOOK_RETENTION", flag: "webhook-retention", usage: "how long processed webhook deliveries are kept (`duration`, e.g. 90d or 720h)",
		def:   constant("90d"),
		parse: func(c *Config, v string) error { return parseDays(&c.WebhookRetention, v) },
		show:  func(c *Config) string { return showDays(c.WebhookRetention) }},
	{env: "PAYDECK_READ_TIMEOUT", flag: "read-timeout", usage: "time to read a whole request, body included (`duration`)",
		def:   constant(defaultReadTimeout.String()),
		parse: func(c *Config, v string) error { return parseDuration(&c.ReadTimeout, v) },
		show:  func(c *Config) string { return c.ReadTimeout.String() }},
	{env: "PAYDECK_READ_HEADER_TIMEOUT", flag: "read-header-timeout", usage: "time to read a request's headers (`duration`; default 10s or PAYDECK_READ_TIMEOUT)",
		def: func(c *Config) string {
			if c.ReadTimeout < time.Second { // invalid: reported once, on PAYDECK_READ_TIMEOUT
				return defaultReadHeaderTimeout.String()
			}
			return min(defaultReadHeaderTimeout, c.ReadTimeout).String()
		},
		parse: func(c *Config, v string) error { return parseDuration(&c.ReadHeaderTimeout, v) },
		show:  func(c *Config) string { return c.ReadHeaderTimeout.String() }},
	{env: "PAYDECK_WRITE_TIMEOUT", flag: "write-timeout", usage: "time from a request's headers to the end of its response, Toss calls included (`duration`, above TOSS_TIMEOUT; default 2m or TOSS_TIMEOUT+30s)",
		def:   func(c *Config) string { return max(defaultWriteTimeout, c.TossTimeout+30*time.Second).String() },
		parse: func(c *Config, v string) error { return parseDuration(&c.WriteTimeout, v) },
		show:  func(c *Config) string { return c.WriteTimeout.String() }},
	{env: "PAYDECK_IDLE_TIMEOUT", flag: "idle-timeout", usage: "how long a keep-alive connection may wait for its next request (`duration`)",
		def:   constant(defaultIdleTimeout.String()),
		parse: func(c *Config, v string) error { return parseDuration(&c.IdleTimeout, v) },
		show:  func(c *Config) string { return c.IdleTimeout.String() }},
	{env: "PAYDECK_MAX_PENDING_ORDERS", flag: "max-pending-orders", usage: "unpaid orders one customer may hold at once (`count`)",
		def:   constant(strconv.Itoa(defaultMaxPendingOrders)),
		parse: func(c *Config, v string) error { return parseCount(&c.MaxPendingOrders, v) },
		show:  func(c *Config) string { return strconv.FormatInt(c.MaxPendingOrders, 10) }},
	{env: "PAYDECK_MAX_PENDING_QUANTITY", flag: "max-pending-quantity", usage: "units of one product one customer may hold in unpaid orders (`count`)",
		def:   constant(strconv.Itoa(defaultMaxPendingQuantity)),
		parse: func(c *Config, v string) error { return parseCount(&c.MaxPendingQuantity, v) },
		show:  func(c *Config) string { return strconv.FormatInt(c.MaxPendingQuantity, 10) }},
	{env: "PAYDECK_WEBHOOK_RATE", flag: "webhook-rate", usage: "Toss webhook deliveries a second one client IP may make, with a burst of 2.5 seconds' worth (`count`; Toss sends from four addresses)",
		def:   constant(strconv.Itoa(defaultWebhookRate)),
		parse: func(c *Config, v string) error { return parseCount(&c.WebhookRate, v) },
		show:  func(c *Config) string { return strconv.FormatInt(c.WebhookRate, 10) }},
	{env: "PAYDECK_METRICS_TOKEN", secret: true, usage: "bearer token that /metrics requires (env or PAYDECK_METRICS_TOKEN_FILE only; empty: /metrics is open)",
		def:   constant(""),
		parse: func(c *Config, v string) error { c.MetricsToken = NewSecret(v); return nil },
		show:  func(c *Config) string { return c.MetricsToken.String() }},
	{env: "PAYDECK_JOB_RESCUE_AFTER", flag: "job-rescue-after", usage: "how long a job may run before it is taken for dead (its process crashed) and retried (`duration`, at least 1m)",
		def:   constant(defaultJobRescueAfter.String()),
		parse: func(c *Config, v string) error { return parseDuration(&c.JobRescueAfter, v) },
		show:  func(c *Config) string { return c.JobRescueAfter.String() }},
	{env: "PAYDECK_WEBHOOK_ALLOW_PRIVATE", flag: "webhook-allow-private", usage: "`bool`: let outbound events reach private, loopback and link-local addresses (development only)",
		def: constant("false"),
		parse: func(c *Config, v string) (err error) {
			c.WebhookAllowPrivate, err = strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("PAYDECK_WEBHOOK_ALLOW_PRIVATE %q must be true or false", v)
			}
			return nil
		},
		show: func(c *Config) string { return strconv.FormatBool(c.WebhookAllowPrivate) }},
	{env: "PAYDECK_SMTP_URL", flag: "smtp-url", file: true, usage: "mail server `URL` smtp://user:pass@host:port (STARTTLS; ?tls=none for a local relay) or smtps:// (TLS); empty: mail stays in the outbox",
		def:   constant(""),
		parse: func(c *Config, v string) error { c.SMTPURL = NewSecret(v); return nil },
		show:  func(c *Config) string { return redactURL(c.SMTPURL.Reveal()) }},
	{env: "PAYDECK_MAIL_FROM", flag: "mail-from", usage: "sender `address` of mail (required with PAYDECK_SMTP_URL)",
		def:   constant(""),
		parse: func(c *Config, v string) error { c.MailFrom = v; return nil },
		show:  func(c *Config) string { return c.MailFrom }},
	{env: "PAYDECK_SHOP_EMAIL", flag: "shop-email", usage: "the shop's `address` for mail about new paid orders, deposits and low stock; empty: none",
		def:   constant(""),
		parse: func(c *Config, v string) error { c.ShopEmail = v; return nil },
		show:  func(c *Config) string { return c.ShopEmail }},
	{env: "PAYDECK_MAIL_LANG", flag: "mail-lang", usage: "language of mail: ko or en",
		def: constant("ko"),
		parse: func(c *Config, v string) error {
			if v != "ko" && v != "en" {
				return fmt.Errorf("PAYDECK_MAIL_LANG %q must be ko or en", v)
			}
			c.MailLang = v
			return nil
		},
		show: func(c *Config) string { return c.MailLang }},
}

func constant(v string) func(*Config) string { return func(*Config) string { return v } }

// acceptsFile reports whether o has a *_FILE variant.
func (o option) acceptsFile() bool { return o.secret || o.file }

// SandboxMode reports whether no Toss keys are configured, in which case
// serve mounts the offline Toss sandbox and talks to it.
func (c *Config) SandboxMode() bool { return c.TossClientKey == "" && !c.TossSecretKey.IsSet() }

// Source returns where the value of the variable env came from.
func (c *Config) Source(env string) string { return c.sources[env] }

// configSources are the places configuration comes from, lowest precedence
// first: dotenv (the .env file), env (the process environment; a nil lookup
// means none), flags (set on the command line, by variable name).
type configSources struct {
	dotenv map[string]string
	env    func(string) (string, bool)
	flags  map[string]string
}

// loadConfig builds and validates the configuration. For each variable the
// value comes from the first of: a flag; the environment (X or X_FILE, not
// both); the .env file (likewise); the default. A PAYDECK_SECRET left unset
// is read from secret.key in the data dir when that file exists. All
// problems are reported together, one specific message each; no message
// contains a secret value.
func loadConfig(src configSources) (*Config, error) {
	if src.env == nil {
		src.env = func(string) (string, bool) { return "", false }
	}
	c := &Config{sources: map[string]string{}}
	var errs []error
	if err := checkDotenvKeys(src.dotenv); err != nil {
		errs = append(errs, err)
	}
	for _, o := range options {
		v, source, err := src.lookup(o)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if source == "" {
			v, source = o.def(c), "default"
		}
		c.sources[o.env] = source
		if err := o.parse(c, v); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", o.env, err))
		}
	}
	if len(errs) == 0 {
		if err := c.loadKeptSecret(); err != nil {
			return nil, err
		}
		errs = append(errs, c.validate())
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// lookup returns o's value and its source, or source "" when it is not set
// anywhere.
func (src configSources) lookup(o option) (value, source string, err error) {
	if v, ok := src.flags[o.env]; ok {
		return v, "flag", nil
	}
	fileKey := o.env + "_FILE"
	levels := []struct {
		name   string
		lookup func(string) (string, bool)
	}{
		{"env", src.env},
		{".env", func(k string) (string, bool) { v, ok := src.dotenv[k]; return v, ok }},
	}
	for _, l := range levels {
		v, ok := l.lookup(o.env)
		path, fileOK := l.lookup(fileKey)
		fileOK = fileOK && o.acceptsFile()
		switch {
		case ok && fileOK:
			return "", "", fmt.Errorf("%s and %s are both set in %s; set one", o.env, fileKey, l.name)
		case ok:
			return v, l.name, nil
		case fileOK:
			b, err := os.ReadFile(path)
			if err != nil {
				return "", "", fmt.Errorf("%s: %w", fileKey, err)
			}
			return strings.TrimRight(string(b), "\r\n"), "file", nil
		}
	}
	return "", "", nil
}

// checkDotenvKeys rejects PAYDECK_ and TOSS_ variables in .env that paydeck
// does not know, so that a misspelt name is not silently ignored.
func checkDotenvKeys(dotenv map[string]string) error {
	known := map[string]bool{}
	for _, o := range options {
		known[o.env] = true
		if o.acceptsFile() {
			known[o.env+"_FILE"] = true
		}
	}
	var errs []error
	for k := range dotenv {
		ours := strings.HasPrefix(k, "PAYDECK_") || strings.HasPrefix(k, "TOSS_")
		if ours && !known[k] && !strings.HasPrefix(k, "PAYDECK_TEST_") {
			errs = append(errs, fmt.Errorf(".env: unknown variable %s", k))
		}
	}
	return errors.Join(errs...)
}

// registerConfigFlags registers one flag per non-secret variable on fs; each flag given
// on the command line is stored in overrides under its variable name.
func registerConfigFlags(fs *flag.FlagSet, overrides map[string]string) {
	for _, o := range options {
		if o.flag == "" {
			continue
		}
		fs.Func(o.flag, o.usage+" (env "+o.env+")", func(v string) error {
			overrides[o.env] = v
			return nil
		})
	}
}

func parseWon(dst *int64, v string) error {
	n, err := strconv.ParseInt(strings.ReplaceAll(v, "_", ""), 10, 64)
	if err != nil {
		return fmt.Errorf("%q is not a whole number of won", v)
	}
	*dst = n
	return nil
}

func parseDuration(dst *time.Duration, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q is not a duration such as 30s or 30m", v)
	}
	*dst = d
	return nil
}

// parseDays parses a Go duration or a whole number of days such as 90d.
func parseDays(dst *time.Duration, v string) error {
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 {
			return fmt.Errorf("%q is not a duration such as 90d or 720h", v)
		}
		*dst = time.Duration(days) * 24 * time.Hour
		return nil
	}
	return parseDuration(dst, v)
}

// showDays shows whole days as "Nd", other durations as Go does.
func showDays(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return d.String()
}

func parseCount(dst *int64, v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return fmt.Errorf("%q is not a whole number", v)
	}
	*dst = n
	return nil
}

func parseLogLevel(c *Config, v string) error {
	levels := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}
	l, ok := levels[strings.ToLower(v)]
	if !ok {
		return fmt.Errorf("%q must be debug, info, warn or error", v)
	}
	c.LogLevel = l
	return nil
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// redactURL hides the password of a URL such as
// postgres://user:pw@host/db; other values are returned unchanged.
func redactURL(v string) string {
	u, err := url.Parse(v)
	if err != nil || u.User == nil {
		return v
	}
	if _, ok := u.User.Password(); !ok {
		return v
	}
	u.User = url.UserPassword(u.User.Username(), "xxxxx")
	return strings.Replace(u.String(), "xxxxx", redacted, 1)
}

// isPostgresURL reports whether v selects the PostgreSQL engine.
func isPostgresURL(v string) bool {
	return strings.HasPrefix(v, "postgres://") || strings.HasPrefix(v, "postgresql://")
}

// checkHostPort reports whether v is host:port with a numeric port.
func checkHostPort(v string) bool {
	_, port, err := net.SplitHostPort(v)
	if err != nil {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 0 && n <= 65535
}
