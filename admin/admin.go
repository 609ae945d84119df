package admin

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/account"
	"github.com/paydeck/paydeck/outbound"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/subscription"
	"github.com/paydeck/paydeck/ui"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the admin pages need.
type Deps struct {
	// Payments runs refunds and delivery changes (required).
	Payments *payment.Service
	// Store serves reads and catalogue edits (required).
	Store paydeck.Store
	// Secret signs the session cookie; it must be the one given to web.
	Secret []byte
	// PublicURL is paydeck's external base URL; https makes cookies Secure.
	PublicURL string
	// JobsUI is River UI (riverqueue.com/riverui) built for the store's
	// River client, with its prefix set to "/admin/jobs"; nil shows a page
	// saying it is not configured. It is served behind admin auth.
	JobsUI http.Handler
	// Outbound manages API keys and webhook endpoints; nil leaves their
	// pages out.
	Outbound *outbound.Service
	// KeyMode is the mode of the API keys this server creates ("" live).
	KeyMode paydeck.APIKeyMode
	// Logger receives page failures; nil discards them.
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Rand is the source of session nonces (default crypto/rand).
	Rand io.Reader
	// Accounts keeps the sessions; share the one given to web and api.
	// nil means one built from Store, Now and Rand.
	Accounts *account.Service
	// Subscriptions runs plans and subscriptions; nil leaves their pages
	// out.
	Subscriptions *subscription.Service
	// Jobs lists the background jobs for the job page (/admin/jobs); nil
	// leaves the page with River UI's link only. Pass the store.DB.
	Jobs JobLister
}

type app struct {
	d        Deps
	sessions *ui.Sessions
	pages    *ui.Renderer
}

// Register mounts the admin pages under /admin/ on mux (the stylesheet and
// the sign-in page are web's). It fails when a required dependency is
// missing or a template does not parse.
func Register(mux *http.ServeMux, d Deps) error {
	if d.Payments == nil || d.Store == nil || len(d.Secret) < 16 {
		return errors.New("admin: Payments, Store and a Secret of at least 16 bytes are required")
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Accounts == nil {
		accounts, err := account.New(account.Config{Store: d.Store, Now: d.Now, Rand: d.Rand})
		if err != nil {
			return err
		}
		d.Accounts = accounts
	}
	pages, err := ui.NewRenderer(templateFS, messages, "admin", d.Logger)
	if err != nil {
		return err
	}
	a := &app{d: d, pages: pages,
		sessions: ui.NewSessions(d.Secret, strings.HasPrefix(d.PublicURL, "https://"), ui.SessionTTL, d.Now, d.Rand)}
	if d.Outbound != nil && a.d.KeyMode == "" {
		a.d.KeyMode = paydeck.APIKeyLive
	}
	routes := a.routes(d.Outbound != nil, d.Subscriptions != nil)
	sameOrigin, err := a.sameOrigin()
	if err != nil {
		return err
	}
	for pattern, h := range routes {
		if uploadRoutes[pattern] {
			// The admin check comes before the (large) body is read.
			mux.Handle(pattern, sameOrigin.Handler(a.sessions.LoadOnly(a.adminOnly(a.withUpload(h)))))
			continue
		}
		mux.Handle(pattern, sameOrigin.Handler(a.sessions.Middleware(a.adminOnly(h), a.rejected)))
	}
	// River UI posts JSON from its own script, without a form token: it gets
	// the session, admin auth and the same-origin check, not the form CSRF
	// check.
	mux.Handle("/admin/jobs/", sameOrigin.Handler(a.sessions.LoadOnly(a.adminOnly(a.jobs))))
	return nil
}

// sameOrigin refuses every state-changing request (any method but GET,
// HEAD and OPTIONS) under /admin/ that a browser marks as cross-origin:
// Sec-Fetch-Site other than same-origin or none, or else an Origin whose
// host is not the request's Host nor PublicURL's. This covers River UI's
// JSON API, which a cross-site text/plain POST could otherwise reach
// (SameSite=Lax does not stop same-site subdomains). Requests with
// neither header come from non-browser clients, which carry no victim's
// cookie. Refused requests get a readable 403 page.
func (a *app) sameOrigin() (*http.CrossOriginProtection, error) {
	p := http.NewCrossOriginProtection()
	if u, err := url.Parse(a.d.PublicURL); err == nil && u.Scheme != "" && u.Host != "" {
		if err := p.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("admin: public URL as trusted origin: %w", err)
		}
	}
	p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.rejected(w, r, http.StatusForbidden)
	}))
	return p, nil
}

// routes is the admin route table (without River UI's /admin/jobs/);
// withOutbound adds the API key and webhook endpoint pages,
// withSubscriptions the plan and subscription pages.
func (a *app) routes(withOutbound, withSubscriptions bool) map[string]func(http.ResponseWriter, *http.Request, *request) {
	routes := map[string]func(http.ResponseWriter, *http.Request, *request){
		"GET /admin/{$}":                                        a.dashboard,
		"GET /admin/orders":                                     a.orders,
		"GET /admin/orders.csv":                                 a.ordersCSV,
		"GET /admin/customers":                                  a.customers,
		"GET /admin/customers/{id}":                             a.customer,
		"GET /admin/orders/{orderId}":                           a.order,
		"POST /admin/orders/{orderId}/ship":                     a.ship,
		"POST /admin/orders/{orderId}/deliver":                  a.deliver,
		"POST /admin/payments/{paymentKey}/refund":              a.refund,
		"POST /admin/payments/{paymentKey}/cash-receipt":        a.issueCashReceipt,
		"POST /admin/payments/{paymentKey}/cash-receipt/cancel": a.cancelCashReceipt,
		"GET /admin/payments":                                   a.payments,
		"GET /admin/payments/failed":                            a.failedPayments,
		"GET /admin/products":                                   a.products,
		"GET /admin/products/new":                               a.productNew,
		"POST /admin/products":                                  a.productCreate,
		"GET /admin/products/{id}":                              a.productEdit,
		"POST /admin/products/{id}":                             a.productSave,
		"POST /admin/products/{id}/stock":                       a.productStock,
		"POST /admin/products/{id}/image":                       a.productImageUpload,
		"POST /admin/products/{id}/image/delete":                a.productImageDelete,
		"GET /admin/methods":                                    a.methods,
		"POST /admin/methods":                                   a.methodCreate,
		"POST /admin/methods/{id}":                              a.methodSave,
		"GET /admin/settlements":                                a.settlements,
		"GET /admin/settlements.csv":                            a.settlementsCSV,
		"GET /admin/reconciliation":                             a.reconciliation,
		"GET /admin/outbox":                                     a.outbox,
		"GET /admin/jobs":                                       a.jobQueue,
		"GET /admin/coupons":                                    a.coupons,
		"GET /admin/coupons/new":                                a.couponNew,
		"POST /admin/coupons":                                   a.couponCreate,
		"GET /admin/coupons/{code}":                             a.couponEdit,
		"POST /admin/coupons/{code}":                            a.couponSave,
		"POST /admin/coupons/{code}/delete":                     a.couponDelete,
		"/admin/":                                               a.notFound,
	}
	// Shipping with tracking and returns (issue 15).
	routes["POST /admin/orders/{orderId}/returns/{returnId}/approve"] = a.returnApprove
	routes["POST /admin/orders/{orderId}/returns/{returnId}/refuse"] = a.returnRefuse
	routes["GET /admin/shipments/upload"] = a.shipmentsUploadForm
	routes["POST /admin/shipments/upload"] = a.shipmentsUpload
	if withOutbound {
		routes["GET /admin/api-keys"] = a.apiKeys
		routes["POST /admin/api-keys"] = a.apiKeyCreate
		routes["POST /admin/api-keys/{id}/revoke"] = a.apiKeyRevoke
		routes["GET /admin/webhooks"] = a.webhooks
		routes["POST /admin/webhooks"] = a.webhookCreate
		routes["GET /admin/webhooks/{id}"] = a.webhook
		routes["POST /admin/webhooks/{id}"] = a.webhookSave
		routes["POST /admin/webhooks/{id}/rotate"] = a.webhookRotate
		routes["POST /admin/webhooks/{id}/test"] = a.webhookTest
		routes["POST /admin/webhooks/{id}/resend"] = a.webhookResend
	}
	if withSubscriptions {
		for pattern, h := range a.subscriptionRoutes() {
			routes[pattern] = h
		}
	}
	return routes
}

// Patterns lists the ServeMux patterns Register mounts, sorted, so that
// access tests walk every admin route, later ones included.
func Patterns() []string {
	var a *app // method values only: nothing is called
	out := []string{"/admin/jobs/"}
	for p := range a.routes(true, true) {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// request is one admin page request.
type request struct {
	user  *paydeck.User
	view  *ui.View
	actor payment.Actor
}

// adminOnly loads the signed-in user (ui.SessionUser: the current role,
// and admin sessions end after 30 idle minutes or 12 hours): visitors go
// to the sign-in page (and come back), non-admins get 403.
func (a *app) adminOnly(h func(http.ResponseWriter, *http.Request, *request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := ui.FromContext(r.Context())
		user := ui.SessionUser(r, a.d.Accounts, a.d.Logger)
		if user == nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		rq := &request{user: user, view: a.pages.NewView(w, r, user, a.sessions.CSRFToken(sess))}
		if user.Role != paydeck.RoleAdmin {
			a.pages.ErrorStatus(w, rq.view, http.StatusForbidden)
			return
		}
		rq.actor = payment.Actor{UserID: user.ID, Admin: true, IP: a.d.Accounts.ClientIP(r), UserAgent: r.UserAgent()}
		h(w, r, rq)
	})
}

// rejected answers a form post refused by the session middleware.
func (a *app) rejected(w http.ResponseWriter, r *http.Request, status int) {
	v := a.pages.NewView(w, r, nil, "")
	a.pages.ErrorStatus(w, v, status)
}

func (a *app) notFound(w http.ResponseWriter, _ *http.Request, rq *request) {
	a.pages.ErrorStatus(w, rq.view, http.StatusNotFound)
}

func (a *app) error(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	a.pages.Error(w, r, rq.view, err)
}

// render writes page name with data under the title key.
func (a *app) render(w http.ResponseWriter, rq *request, name, title string, data any) {
	rq.view.Title, rq.view.Data = title, data
	rq.view.Flash = flashFrom(rq.view)
	a.pages.Render(w, http.StatusOK, name, rq.view)
}

// flashFrom returns the ?flash= message key of a redirect after a post, if
// it is a known key.
func flashFrom(v *ui.View) string {
	if v.URL == nil {
		return ""
	}
	k := v.URL.Query().Get("flash")
	if _, ok := messages[k]; ok {
		return k
	}
	return ""
}

// back redirects to target with a flash message key.
func back(w http.ResponseWriter, r *http.Request, target, flash string) {
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
	}
	http.Redirect(w, r, target+sep+"flash="+url.QueryEscape(flash), http.StatusSeeOther)
}
