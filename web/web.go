package web

import (
	"context"
	"embed"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/account"
	"github.com/paydeck/paydeck/auth"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/subscription"
	"github.com/paydeck/paydeck/ui"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/checkout.js
var checkoutJS []byte

// Deps are what the shopper pages need.
type Deps struct {
	// Payments runs orders and payments (required).
	Payments *payment.Service
	// Store serves the catalogue and user accounts (required).
	Store paydeck.Store
	// Secret signs session cookies and CSRF tokens (required, ≥ 16 bytes).
	Secret []byte
	// ClientKey is the Toss widget client key (test_gck_…/live_gck_…).
	ClientKey string
	// SDKScriptURL is the Toss SDK v2 script; "" means TossSDKURL. In sandbox
	// mode it is the sandbox's {PublicURL}/toss-sandbox/v2/standard.
	SDKScriptURL string
	// PublicURL is paydeck's external base URL (no trailing slash); the
	// success and fail URLs sent to Toss are built from it, and the session
	// cookie is Secure when it is https.
	PublicURL string
	// Logger receives page failures; nil discards them.
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Rand is the source of session nonces (default crypto/rand).
	Rand io.Reader
	// Hasher hashes new passwords when Accounts is nil; nil means
	// auth.DefaultParams.
	Hasher *auth.Hasher
	// Accounts signs shoppers up and in and keeps their sessions; share
	// the one given to api and admin. nil means one built from Store,
	// Hasher, Now and Rand (with its own limiter).
	Accounts *account.Service
	// Subscriptions runs plans and subscriptions; nil leaves their pages
	// out.
	Subscriptions *subscription.Service
	// BillingClientKey is the client key of Toss's billing window (the API
	// individual key pair).
	BillingClientKey string
}

// TossSDKURL is Toss Payments' SDK v2 script (docs/toss.md#sdk).
const TossSDKURL = "https://js.tosspayments.com/v2/standard"

// app is the shopper UI with its parsed templates.
type app struct {
	d        Deps
	sessions *ui.Sessions
	pages    *ui.Renderer
}

// Register mounts the shopper pages, the stylesheet and the checkout script
// on mux. It fails when a required dependency is missing or a template does
// not parse.
func Register(mux *http.ServeMux, d Deps) error {
	if d.Payments == nil || d.Store == nil || len(d.Secret) < 16 || d.PublicURL == "" || d.ClientKey == "" {
		return errors.New("web: Payments, Store, PublicURL, ClientKey and a Secret of at least 16 bytes are required")
	}
	if d.SDKScriptURL == "" {
		d.SDKScriptURL = TossSDKURL
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Accounts == nil {
		accounts, err := account.New(account.Config{Store: d.Store, Hasher: d.Hasher, Now: d.Now, Rand: d.Rand})
		if err != nil {
			return err
		}
		d.Accounts = accounts
	}
	d.PublicURL = strings.TrimRight(d.PublicURL, "/")
	pages, err := ui.NewRenderer(templateFS, messages, "shop", d.Logger)
	if err != nil {
		return err
	}
	a := &app{d: d, pages: pages,
		sessions: ui.NewSessions(d.Secret, strings.HasPrefix(d.PublicURL, "https://"), ui.SessionTTL, d.Now, d.Rand)}
	mux.HandleFunc("GET "+ui.CSSPath, ui.ServeCSS)
	mux.HandleFunc("GET /static/checkout.js", serveCheckoutJS)
	mux.HandleFunc("GET "+PlaceholderPath, servePlaceholder)
	mux.HandleFunc("GET "+paydeck.ProductImagePathPrefix+"{id}/{file}", a.productImage)
	if d.Subscriptions != nil {
		a.registerSubscriptions(mux)
	}
	for pattern, h := range a.routes(d.Subscriptions != nil) {
		mux.Handle(pattern, a.withClientIP(a.sessions.Middleware(h, a.rejected)))
	}
	return nil
}

// routes is the shop's route table; withSubscriptions adds the
// subscription pages.
func (a *app) routes(withSubscriptions bool) map[string]http.HandlerFunc {
	routes := map[string]http.HandlerFunc{
		"GET /{$}":                             a.home,
		"GET /login":                           a.loginForm,
		"POST /login":                          a.login,
		"GET /signup":                          a.signupForm,
		"POST /signup":                         a.signup,
		"POST /logout":                         a.logout,
		"GET /cart":                            a.cart,
		"POST /cart/add":                       a.cartAdd,
		"POST /cart/update":                    a.cartUpdate,
		"POST /cart/coupon":                    a.cartCoupon,
		"POST /orders":                         a.createOrder,
		"GET /orders":                          a.orders,
		"GET /orders/{orderId}":                a.order,
		"POST /orders/{orderId}/cancel":        a.cancelOrder,
		"POST /orders/{orderId}/switch-method": a.switchMethod,
		"GET /orders/{orderId}/receipt":        a.receipt,
		"GET /checkout/{orderId}":              a.checkout,
		"GET /payments/success":                a.success,
		"GET /payments/fail":                   a.fail,
		"/":                                    a.notFound,
	}
	// Returns (issue 15).
	routes["POST /orders/{orderId}/returns"] = a.requestReturn
	if withSubscriptions {
		for pattern, h := range a.subscriptionRoutes() {
			routes[pattern] = h
		}
	}
	return routes
}

// Patterns lists the ServeMux patterns of the shop's pages (not the static
// files), sorted, so that access tests walk every route, later ones
// included.
func Patterns() []string {
	var a *app // method values only: nothing is called
	var out []string
	for p := range a.routes(true) {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

func serveCheckoutJS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(checkoutJS)
}

// request is one page request with its session and signed-in user.
type request struct {
	sess ui.Session
	user *paydeck.User // nil for a visitor
	view *ui.View
}

// begin loads the signed-in user (ui.SessionUser: a session that ended, or
// whose user no longer exists, is a visitor's) and prepares the page view.
func (a *app) begin(w http.ResponseWriter, r *http.Request) *request {
	sess := ui.FromContext(r.Context())
	user := ui.SessionUser(r, a.d.Accounts, a.d.Logger)
	v := a.pages.NewView(w, r, user, a.sessions.CSRFToken(sess))
	for _, l := range sess.Cart {
		v.CartCount += l.Quantity
	}
	return &request{sess: sess, user: user, view: v}
}

type clientIPKey struct{}

// withClientIP stores the request's client IP (account.Service.ClientIP)
// in its context for clientIP.
func (a *app) withClientIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := a.d.Accounts.ClientIP(r)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientIPKey{}, ip)))
	})
}

// clientIP is the client IP withClientIP stored.
func clientIP(r *http.Request) string {
	ip, _ := r.Context().Value(clientIPKey{}).(string)
	return ip
}

// actor is the signed-in shopper as the payment service sees them. Shop
// pages act as the customer even for admins: admins act in admin/.
func actor(r *http.Request, u *paydeck.User) payment.Actor {
	return payment.Actor{UserID: u.ID, IP: clientIP(r), UserAgent: r.UserAgent()}
}

// requireUser returns the signed-in user, or redirects to the sign-in page
// (coming back to this URL afterwards) and returns nil.
func (a *app) requireUser(w http.ResponseWriter, r *http.Request, rq *request) *paydeck.User {
	if rq.user == nil {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	}
	return rq.user
}

func (a *app) notFound(w http.ResponseWriter, r *http.Request) {
	a.pages.ErrorStatus(w, a.begin(w, r).view, http.StatusNotFound)
}

// rejected answers a form post refused by the session middleware.
func (a *app) rejected(w http.ResponseWriter, r *http.Request, status int) {
	a.pages.ErrorStatus(w, a.begin(w, r).view, status)
}

// error renders the error page for err.
func (a *app) error(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	a.pages.Error(w, r, rq.view, err)
}
