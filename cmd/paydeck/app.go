package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"net/http"
	"time"

	"github.com/riverqueue/river"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/account"
	"github.com/paydeck/paydeck/admin"
	"github.com/paydeck/paydeck/api"
	"github.com/paydeck/paydeck/jobs"
	"github.com/paydeck/paydeck/notify"
	"github.com/paydeck/paydeck/outbound"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/toss"
	"github.com/paydeck/paydeck/toss/sandbox"
	"github.com/paydeck/paydeck/web"
)

// registerJobs creates the River workers (unless a test set some) and adds
// the periodic jobs before the store opens; buildApp registers the payment
// workers once the payment service exists.
func (m *Main) registerJobs() {
	if m.workers == nil {
		m.workers = river.NewWorkers()
	}
	m.periodicJobs = append(m.periodicJobs, jobs.PeriodicJobs(m.Now, m.Config.SweepInterval)...)
	m.periodicJobs = append(m.periodicJobs, jobs.RetentionJob(m.Config.WebhookRetention))
	// Renewals are scanned for as often as the sweep runs.
	m.periodicJobs = append(m.periodicJobs, jobs.SubscriptionPeriodicJobs(m.Config.SweepInterval)...)
}

// buildApp creates the Toss client and the payment service on the open
// store and registers the job workers. Call it after the address is
// settled (the sandbox's API URL derives from it) and before StartJobs.
func (m *Main) buildApp() error {
	svc, err := m.newPayments()
	if err != nil {
		return err
	}
	m.payments = svc
	jobs.Register(m.workers, svc)
	m.outbound, err = outbound.New(outbound.Config{Store: m.db, AllowPrivate: m.Config.WebhookAllowPrivate, Now: m.Now,
		Logger: m.logger.With("component", "outbound")})
	if err != nil {
		return err
	}
	jobs.RegisterOutbound(m.workers, m.outbound)
	if m.subscriptions, err = m.newSubscriptions(svc); err != nil {
		return err
	}
	jobs.RegisterSubscriptions(m.workers, m.subscriptions)
	ncfg := notify.Config{Store: m.db, From: m.Config.MailFrom, Now: m.Now, Logger: m.logger.With("component", "notify")}
	if u := m.Config.SMTPURL.Reveal(); u != "" {
		if ncfg.SMTP, err = notify.ParseSMTPURL(u); err != nil {
			return err
		}
	}
	notifier, err := notify.New(ncfg)
	if err != nil {
		return err
	}
	jobs.RegisterNotify(m.workers, notifier)
	return nil
}

// newPayments returns the payment service for the configuration on m.db.
func (m *Main) newPayments() (*payment.Service, error) {
	cfg := m.Config
	svc, err := payment.New(payment.Config{Store: m.db, Toss: m.newTossClient(), Now: m.Now, Rand: m.Rand,
		Logger: m.logger.With("component", "payment"), PaymentTimeout: cfg.PaymentTimeout, ConfirmCheckDelay: cfg.CheckDelay,
		MinAmount: cfg.MinAmount, MaxAmount: cfg.MaxAmount, ShippingFee: cfg.ShippingFee, FreeShippingOver: cfg.FreeShippingOver,
		MaxPendingOrders: int(cfg.MaxPendingOrders), MaxPendingQuantity: cfg.MaxPendingQuantity,
		// The pages' key, as the subscription service's: one customerKey per shopper.
		CustomerKeySecret: subkey(cfg.Secret, "paydeck/pages/cookies")})
	if err != nil {
		return nil, fmt.Errorf("payment service: %w", err)
	}
	return svc, nil
}

// newTossClient returns the Toss client: the configured secret key, or in
// sandbox mode the sandbox's widget key pair (the pair the shop's checkout
// widget uses), against cfg.TossAPIBaseURL.
func (m *Main) newTossClient() *toss.Client {
	cfg := m.Config
	secret := cfg.TossSecretKey.Reveal()
	if cfg.SandboxMode() {
		secret = sandbox.WidgetSecretKey
	}
	return toss.NewClient(secret, toss.WithBaseURL(cfg.TossAPIBaseURL), toss.WithTimeout(cfg.TossTimeout),
		toss.WithLogger(m.logger.With("component", "toss")))
}

// mountApp mounts the JSON API (api.Register: /api/..., /openapi.json,
// /docs), the shop's pages (web.Register: /, /cart, /checkout/..., /static/)
// and the admin pages (admin.Register: /admin/) on mux.
func (m *Main) mountApp(ctx context.Context, mux *http.ServeMux) error {
	cfg := m.Config
	// One account service for the API, the shop and the admin pages: one
	// limiter, one set of sessions.
	accounts, err := account.New(account.Config{Store: m.db, TokenKey: subkey(cfg.Secret, "paydeck/api/jwt"),
		AdminIdle: cfg.AdminIdle, AdminMaxAge: cfg.AdminMaxAge, TrustedProxies: cfg.TrustedProxies, Now: m.Now, Rand: m.Rand})
	if err != nil {
		return fmt.Errorf("account service: %w", err)
	}
	d := api.Deps{Payments: m.payments, Store: m.db, Secret: subkey(cfg.Secret, "paydeck/api/jwt"), Logger: m.logger,
		Now: m.Now, Rand: m.Rand, ClientKey: cfg.TossClientKey, PublicURL: cfg.PublicURL, Accounts: accounts, Outbound: m.outbound,
		Subscriptions: m.subscriptions, BillingClientKey: m.billingClientKey(),
		WebhookIPLimit: api.RateLimit{Burst: int(cfg.WebhookRate * 5 / 2), Every: time.Second / time.Duration(cfg.WebhookRate)}}
	if cfg.SandboxMode() {
		d.KeyMode = paydeck.APIKeyTest
		d.ClientKey = sandbox.WidgetClientKey
		d.SDKURL = cfg.PublicURL + sandboxPath + "/v2/standard"
	}
	if _, err := api.Register(mux, d); err != nil {
		return fmt.Errorf("mount api: %w", err)
	}
	pages := subkey(cfg.Secret, "paydeck/pages/cookies") // web and admin share the session cookie
	if err := web.Register(mux, web.Deps{Payments: m.payments, Store: m.db, Secret: pages, ClientKey: d.ClientKey,
		SDKScriptURL: d.SDKURL, PublicURL: cfg.PublicURL, Logger: m.logger.With("component", "web"), Now: m.Now, Rand: m.Rand,
		Accounts:      accounts,
		Subscriptions: m.subscriptions, BillingClientKey: d.BillingClientKey}); err != nil {
		return fmt.Errorf("mount shop pages: %w", err)
	}
	jobsUI, err := m.db.JobsUI(ctx, "/admin/jobs")
	if err != nil {
		return fmt.Errorf("mount job queue pages: %w", err)
	}
	if err := admin.Register(mux, admin.Deps{Payments: m.payments, Store: m.db, Secret: pages, PublicURL: cfg.PublicURL,
		JobsUI: jobsUI, Jobs: m.db, Logger: m.logger.With("component", "admin"), Now: m.Now, Rand: m.Rand, Accounts: accounts,
		Outbound: m.outbound, KeyMode: d.KeyMode,
		Subscriptions: m.subscriptions}); err != nil {
		return fmt.Errorf("mount admin pages: %w", err)
	}
	return nil
}

// subkey derives the key for one purpose from PAYDECK_SECRET
// (HMAC-SHA256(secret, purpose)), so a key leaked from one use (say, token
// signing) reveals nothing about the others.
func subkey(secret Secret, purpose string) []byte {
	mac := hmac.New(sha256.New, []byte(secret.Reveal()))
	mac.Write([]byte(purpose))
	return mac.Sum(nil)
}
