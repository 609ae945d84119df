package main

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/paydeck/paydeck/notify"
	"github.com/paydeck/paydeck/store"
)

// Bounds checked by validate.
const (
	tossMinAmount     = 100 // Toss's card minimum (docs/toss.md#amounts)
	maxPaymentTimeout = 7 * 24 * time.Hour
	maxTossTimeout    = 10 * time.Minute
)

// validate checks every value and returns one specific message per bad
// value, joined. Messages name the variable and never contain a secret.
func (c *Config) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if !checkHostPort(c.Addr) {
		bad("PAYDECK_ADDR %q must be host:port, e.g. 127.0.0.1:8080", c.Addr)
	}
	if c.PprofAddr != "" && !checkHostPort(c.PprofAddr) {
		bad("PAYDECK_PPROF_ADDR %q must be host:port, e.g. 127.0.0.1:6060, or empty", c.PprofAddr)
	}
	if c.AdminIdle <= 0 || c.AdminMaxAge <= 0 || c.AdminIdle > c.AdminMaxAge {
		bad("PAYDECK_ADMIN_IDLE_TIMEOUT (%s) and PAYDECK_ADMIN_SESSION_MAX_AGE (%s) must be positive, the idle timeout not above the maximum age",
			c.AdminIdle, c.AdminMaxAge)
	}
	if strings.TrimSpace(c.DataDir) == "" {
		bad("PAYDECK_DATA_DIR must not be empty")
	}
	if dsn := c.DatabaseURL.Reveal(); !isPostgresURL(dsn) {
		if _, ok := store.SQLitePath(dsn); !ok {
			bad("PAYDECK_DATABASE_URL must be a postgres:// URL or a SQLite file path, not %s", redactURL(dsn))
		}
	}
	errs = append(errs, c.validateTossKeys())
	// A defaulted TOSS_API_BASE_URL is the Toss constant or derived from
	// PAYDECK_PUBLIC_URL, which is checked itself.
	if c.Source("TOSS_API_BASE_URL") != "default" && !isBaseURL(c.TossAPIBaseURL) {
		bad("TOSS_API_BASE_URL %q must be an absolute http:// or https:// URL without query or fragment", c.TossAPIBaseURL)
	}
	if !isBaseURL(c.PublicURL) {
		bad("PAYDECK_PUBLIC_URL %q must be an absolute http:// or https:// URL without query or fragment", c.PublicURL)
	}
	if c.MinAmount < tossMinAmount {
		bad("PAYDECK_MIN_AMOUNT (%d) must be at least %d won, the smallest payment Toss accepts", c.MinAmount, tossMinAmount)
	}
	if c.MaxAmount < c.MinAmount {
		bad("PAYDECK_MAX_AMOUNT (%d) must not be below PAYDECK_MIN_AMOUNT (%d)", c.MaxAmount, c.MinAmount)
	}
	if c.PaymentTimeout < time.Minute || c.PaymentTimeout > maxPaymentTimeout {
		bad("PAYDECK_PAYMENT_TIMEOUT (%s) must be between 1m and %s", c.PaymentTimeout, maxPaymentTimeout)
	}
	if c.TossTimeout < time.Second || c.TossTimeout > maxTossTimeout {
		bad("TOSS_TIMEOUT (%s) must be between 1s and %s", c.TossTimeout, maxTossTimeout)
	}
	if c.SweepInterval < time.Second || c.SweepInterval > time.Hour {
		bad("PAYDECK_SWEEP_INTERVAL (%s) must be between 1s and 1h", c.SweepInterval)
	}
	if c.JobRescueAfter < time.Minute || c.JobRescueAfter > 24*time.Hour {
		bad("PAYDECK_JOB_RESCUE_AFTER (%s) must be between 1m (the job timeout) and 24h", c.JobRescueAfter)
	}
	if c.CheckDelay <= c.TossTimeout || c.CheckDelay > 24*time.Hour {
		bad("PAYDECK_CONFIRM_CHECK_DELAY (%s) must be above TOSS_TIMEOUT (%s) and at most 24h: a confirm still waiting for Toss is not re-checked",
			c.CheckDelay, c.TossTimeout)
	}
	for _, o := range c.CORSOrigins {
		if o != "*" && !isOrigin(o) {
			bad("PAYDECK_CORS_ORIGINS entry %q must be * or an origin such as https://shop.example.com", o)
		}
	}
	if c.Secret.IsSet() && len(c.Secret.Reveal()) < minSecretLen {
		bad("PAYDECK_SECRET must be at least %d bytes long", minSecretLen)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("PAYDECK_LOG_FORMAT %q must be text or json", c.LogFormat)
	}
	if c.ShippingFee < 0 {
		bad("PAYDECK_SHIPPING_FEE (%d) must not be negative", c.ShippingFee)
	}
	if c.FreeShippingOver < 0 {
		bad("PAYDECK_FREE_SHIPPING_OVER (%d) must not be negative", c.FreeShippingOver)
	}
	if c.WebhookRetention < 24*time.Hour {
		bad("PAYDECK_WEBHOOK_RETENTION (%s) must be at least 1d", showDays(c.WebhookRetention))
	}
	for _, t := range []struct {
		env string
		d   time.Duration
	}{{"PAYDECK_READ_HEADER_TIMEOUT", c.ReadHeaderTimeout}, {"PAYDECK_READ_TIMEOUT", c.ReadTimeout},
		{"PAYDECK_WRITE_TIMEOUT", c.WriteTimeout}, {"PAYDECK_IDLE_TIMEOUT", c.IdleTimeout}} {
		if t.d < time.Second || t.d > time.Hour && t.env != "PAYDECK_WRITE_TIMEOUT" {
			bad("%s (%s) must be between 1s and 1h", t.env, t.d)
		}
	}
	if c.ReadTimeout >= time.Second && c.ReadHeaderTimeout > c.ReadTimeout {
		bad("PAYDECK_READ_HEADER_TIMEOUT (%s) must not be above PAYDECK_READ_TIMEOUT (%s)", c.ReadHeaderTimeout, c.ReadTimeout)
	}
	if c.Source("PAYDECK_WRITE_TIMEOUT") != "default" && c.WriteTimeout <= c.TossTimeout {
		bad("PAYDECK_WRITE_TIMEOUT (%s) must be above TOSS_TIMEOUT (%s): a confirm waits for Toss within its request",
			c.WriteTimeout, c.TossTimeout)
	}
	if c.WebhookRate < 1 || c.WebhookRate > 10_000 {
		bad("PAYDECK_WEBHOOK_RATE (%d) must be between 1 and 10000", c.WebhookRate)
	}
	if c.MaxPendingOrders < 1 {
		bad("PAYDECK_MAX_PENDING_ORDERS (%d) must be at least 1", c.MaxPendingOrders)
	}
	if c.MaxPendingQuantity < 1 {
		bad("PAYDECK_MAX_PENDING_QUANTITY (%d) must be at least 1", c.MaxPendingQuantity)
	}
	if u := c.SMTPURL.Reveal(); u != "" {
		if _, err := notify.ParseSMTPURL(u); err != nil { // its errors never hold the password
			errs = append(errs, err)
		}
		if c.MailFrom == "" {
			bad("PAYDECK_MAIL_FROM is required with PAYDECK_SMTP_URL")
		}
	}
	return errors.Join(errs...)
}

// Toss key prefixes (docs/toss.md#keys): test or live, and the
// API-individual family (ck/sk) or the widget family (gck/gsk).
var (
	clientKeyPrefixes = []string{"test_ck_", "live_ck_", "test_gck_", "live_gck_"}
	secretKeyPrefixes = []string{"test_sk_", "live_sk_", "test_gsk_", "live_gsk_"}
)

// validateTossKeys checks that the keys are both absent (sandbox mode) or
// both present, well-formed and from one pair: same mode (test or live) and
// same family (widget or not). Toss rejects a mixed pair at confirm time.
func (c *Config) validateTossKeys() error {
	ck, sk := c.TossClientKey, c.TossSecretKey.Reveal()
	switch {
	case ck == "" && sk == "":
		return nil
	case ck == "" || sk == "":
		return errors.New("TOSS_CLIENT_KEY and TOSS_SECRET_KEY must be set together (leave both empty for sandbox mode)")
	}
	var errs []error
	if !hasAnyPrefix(ck, clientKeyPrefixes) {
		errs = append(errs, fmt.Errorf("TOSS_CLIENT_KEY must start with one of %s", strings.Join(clientKeyPrefixes, ", ")))
	}
	if !hasAnyPrefix(sk, secretKeyPrefixes) {
		errs = append(errs, fmt.Errorf("TOSS_SECRET_KEY must start with one of %s", strings.Join(secretKeyPrefixes, ", ")))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if strings.HasPrefix(ck, "test_") != strings.HasPrefix(sk, "test_") {
		return errors.New("TOSS_CLIENT_KEY and TOSS_SECRET_KEY mix a test key with a live key")
	}
	if strings.Contains(ck, "_gck_") != strings.Contains(sk, "_gsk_") {
		return errors.New("TOSS_CLIENT_KEY and TOSS_SECRET_KEY mix a widget key (gck/gsk) with an API key (ck/sk)")
	}
	return nil
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) && len(s) > len(p) {
			return true
		}
	}
	return false
}

// isBaseURL reports whether v is an absolute http(s) URL with a host and no
// query or fragment.
func isBaseURL(v string) bool {
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.RawQuery == "" && u.Fragment == "" && u.User == nil
}

// isOrigin reports whether v is scheme://host[:port] with nothing after.
func isOrigin(v string) bool {
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.Path == "" && u.RawQuery == "" && u.Fragment == "" && u.User == nil
}
