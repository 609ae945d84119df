package admin

import (
	"embed"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/subscription"
	"github.com/paydeck/paydeck/web/page"
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
	// Logger receives page failures; nil discards them.
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Rand is the source of session nonces (default crypto/rand).
	Rand io.Reader
	// Subscriptions runs plans and subscriptions; nil leaves their pages
	// out.
	Subscriptions *subscription.Service
}

type app struct {
	d        Deps
	sessions *page.Sessions
	pages    *page.Renderer
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
	pages, err := page.NewRenderer(templateFS, messages, "admin", d.Logger)
	if err != nil {
		return err
	}
	a := &app{d: d, pages: pages,
		sessions: page.NewSessions(d.Secret, strings.HasPrefix(d.PublicURL, "https://"), page.SessionTTL, d.Now, d.Rand)}
	routes := map[string]func(http.ResponseWriter, *http.Request, *request){
		"GET /admin/{$}":                           a.dashboard,
		"GET /admin/orders":                        a.orders,
		"GET /admin/orders/{orderId}":              a.order,
		"POST /admin/orders/{orderId}/ship":        a.ship,
		"POST /admin/orders/{orderId}/deliver":     a.deliver,
		"POST /admin/payments/{paymentKey}/refund": a.refund,
		"GET /admin/payments":                      a.payments,
		"GET /admin/products":                      a.products,
		"GET /admin/products/new":                  a.productNew,
		"POST /admin/products":                     a.productCreate,
		"GET /admin/products/{id}":                 a.productEdit,
		"POST /admin/products/{id}":                a.productSave,
		"GET /admin/methods":                       a.methods,
		"POST /admin/methods":                      a.methodCreate,
		"POST /admin/methods/{id}":                 a.methodSave,
		"GET /admin/settlements":                   a.settlements,
		"GET /admin/settlements.csv":               a.settlementsCSV,
		"GET /admin/reconciliation":                a.reconciliation,
		"/admin/":                                  a.notFound,
	}
	for pattern, h := range a.subscriptionRoutes() {
		routes[pattern] = h
	}
	for pattern, h := range routes {
		mux.Handle(pattern, a.sessions.Middleware(a.adminOnly(h), a.rejected))
	}
	// River UI posts JSON from its own script, without a form token: it gets
	// the session (SameSite=Lax keeps other sites' requests out) and admin
	// auth, not the form CSRF check.
	mux.Handle("/admin/jobs/", a.sessions.LoadOnly(a.adminOnly(a.jobs)))
	return nil
}

// request is one admin page request.
type request struct {
	user  *paydeck.User
	view  *page.View
	actor payment.Actor
}

// adminOnly loads the signed-in user: visitors go to the sign-in page (and
// come back), non-admins get 403.
func (a *app) adminOnly(h func(http.ResponseWriter, *http.Request, *request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := page.FromContext(r.Context())
		var user *paydeck.User
		if sess.UserID != "" {
			_ = a.d.Store.View(r.Context(), func(tx paydeck.Tx) error {
				u, err := tx.FindUserByID(r.Context(), sess.UserID)
				user = u
				return err
			})
		}
		if user == nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		rq := &request{user: user, view: a.pages.NewView(w, r, user, a.sessions.CSRFToken(sess))}
		if user.Role != paydeck.RoleAdmin {
			a.pages.ErrorStatus(w, rq.view, http.StatusForbidden)
			return
		}
		ip, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			ip = r.RemoteAddr
		}
		rq.actor = payment.Actor{UserID: user.ID, Admin: true, IP: ip, UserAgent: r.UserAgent()}
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
func flashFrom(v *page.View) string {
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

// jobs serves River UI behind admin auth, or explains that it is missing.
func (a *app) jobs(w http.ResponseWriter, r *http.Request, rq *request) {
	if a.d.JobsUI != nil {
		a.d.JobsUI.ServeHTTP(w, r)
		return
	}
	a.render(w, rq, "jobs.html", "jobs.title", nil)
}
