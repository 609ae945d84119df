package sitetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/account"
	"github.com/paydeck/paydeck/admin"
	"github.com/paydeck/paydeck/api"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/httpx"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/toss"
	"github.com/paydeck/paydeck/toss/sandbox"
	"github.com/paydeck/paydeck/web"
)

// SitePassword is the password of the users Site.User creates.
const SitePassword = "correct horse battery"

// Site is the whole shop on one real HTTP server on top of an Env: the
// REST API, the shopper pages, the admin pages, and the Env's sandbox
// mounted under /toss-sandbox/ (its SDK script, payment window and API), so
// the pages load the sandbox's script from their own origin. Responses carry
// paydeck serve's security headers and Content-Security-Policy.
//
// The pages check out with the payment widget, and Toss (like the sandbox)
// confirms widget payments only with the widget key pair. So the Site has
// its own Payments service, on the Env's store and clock, whose Toss client
// uses sandbox.WidgetSecretKey; it shadows Env.Payments. Jobs and webhooks
// still run on Env.Payments (the sandbox accepts either key for reads and
// cancels).
type Site struct {
	*apptest.Env
	// URL is the site's base URL.
	URL string
	// Payments is the service behind the site's pages and API.
	Payments *payment.Service
	// Accounts is the account service the API, the shop and the admin
	// pages share.
	Accounts *account.Service

	confirms atomic.Int64
}

// SiteOption adjusts a Site.
type SiteOption func(*siteOptions)

type siteOptions struct {
	accounts []func(*account.Config)
	jobsUI   bool
}

// WithAccounts adjusts the configuration of the account service the Site's
// API, shop and admin pages share (trusted proxies, limits, lifetimes).
func WithAccounts(f func(*account.Config)) SiteOption {
	return func(o *siteOptions) { o.accounts = append(o.accounts, f) }
}

// WithJobsUI serves River UI for the Env's store under /admin/jobs/.
func WithJobsUI() SiteOption { return func(o *siteOptions) { o.jobsUI = true } }

// NewSite serves api, web and admin for env with the sandbox's widget key
// pair, closed at t's cleanup.
func NewSite(t testing.TB, env *apptest.Env, opts ...SiteOption) *Site {
	t.Helper()
	s := &Site{Env: env}
	client := toss.NewClient(sandbox.WidgetSecretKey, toss.WithBaseURL(env.SandboxURL),
		toss.WithHTTPClient(&http.Client{Transport: countConfirms{&s.confirms, http.DefaultTransport}}),
		toss.WithBackoff(5*time.Millisecond, 50*time.Millisecond))
	var err error
	s.Payments, err = payment.New(payment.Config{Store: env.DB, Toss: client, Now: env.Clock.Now,
		CustomerKeySecret: apptest.SiteSecret})
	require.NoError(t, err)
	s.serve(t, sandbox.WidgetClientKey, opts...)
	return s
}

// NewWindowSite is NewSite with the sandbox's API individual key pair (the
// Env's own): the checkout page offers the methods itself and opens the
// payment window instead of the widget. Confirms are not counted.
func NewWindowSite(t testing.TB, env *apptest.Env) *Site {
	t.Helper()
	s := &Site{Env: env, Payments: env.Payments}
	s.serve(t, sandbox.DocsClientKey)
	return s
}

// serve starts the site's server for clientKey.
func (s *Site) serve(t testing.TB, clientKey string, opts ...SiteOption) {
	t.Helper()
	env := s.Env
	// The same Content-Security-Policy as paydeck serve: browser tests fail
	// when a page needs an inline script or a foreign origin.
	mux := http.NewServeMux()
	ts := httptest.NewUnstartedServer(httpx.SecurityHeaders(httpx.ContentSecurityPolicy(false, "https://*.tosspayments.com"))(mux))
	s.URL = "http://" + ts.Listener.Addr().String()
	sdk := s.URL + "/toss-sandbox/v2/standard"
	sandboxCSP := httpx.SecurityHeaders(httpx.ContentSecurityPolicy(true))
	mux.Handle("/toss-sandbox/", sandboxCSP(http.StripPrefix("/toss-sandbox", env.Sandbox)))
	// One account service for the three, as in paydeck serve.
	var o siteOptions
	for _, opt := range opts {
		opt(&o)
	}
	cfg := account.Config{Store: env.DB, TokenKey: apptest.APISecret, Hasher: apptest.CheapHasher, Now: env.Clock.Now}
	for _, c := range o.accounts {
		c(&cfg)
	}
	var jobsUI http.Handler
	if o.jobsUI {
		var err error
		jobsUI, err = env.DB.JobsUI(context.Background(), "/admin/jobs")
		require.NoError(t, err)
	}
	accounts, err := account.New(cfg)
	require.NoError(t, err)
	s.Accounts = accounts
	_, err = api.Register(mux, api.Deps{Payments: s.Payments, Store: env.DB, Secret: apptest.APISecret, Now: env.Clock.Now,
		Hasher: apptest.CheapHasher, ClientKey: clientKey, PublicURL: s.URL, SDKURL: sdk, Accounts: accounts,
		Subscriptions: env.Subscriptions, BillingClientKey: sandbox.DocsClientKey})
	require.NoError(t, err)
	require.NoError(t, web.Register(mux, web.Deps{Payments: s.Payments, Store: env.DB, Secret: apptest.SiteSecret,
		ClientKey: clientKey, SDKScriptURL: sdk, PublicURL: s.URL, Now: env.Clock.Now, Accounts: accounts,
		Subscriptions: env.Subscriptions, BillingClientKey: sandbox.DocsClientKey}))
	require.NoError(t, admin.Register(mux, admin.Deps{Payments: s.Payments, Store: env.DB, Secret: apptest.SiteSecret,
		PublicURL: s.URL, Now: env.Clock.Now, Accounts: accounts, JobsUI: jobsUI, Jobs: env.DB, Outbound: env.Outbound,
		Subscriptions: env.Subscriptions}))
	ts.Start()
	t.Cleanup(ts.Close)
}

// countConfirms counts the confirm requests sent to Toss.
type countConfirms struct {
	n    *atomic.Int64
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (c countConfirms) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && req.URL.Path == "/v1/payments/confirm" {
		c.n.Add(1)
	}
	return c.next.RoundTrip(req)
}

// Confirms is the number of confirm requests the site's service sent.
func (s *Site) Confirms() int64 { return s.confirms.Load() }

// Authorize is Env.Authorize for the site's key pair: what the shopper does
// in the payment window. It returns the paymentKey.
func (s *Site) Authorize(t testing.TB, o *paydeck.Order, method string) string {
	t.Helper()
	if s.Payments == s.Env.Payments {
		return s.Env.Authorize(t, o, method)
	}
	return s.authorize(t, apptest.AuthorizeRequest(o.OrderID, o.FinalAmount, o.TaxFreeAmount, method))
}

// AuthorizeAttempt is Authorize under the Toss orderId of one attempt
// (payment.Checkout's TossOrderID) for amount, with nothing tax-free.
func (s *Site) AuthorizeAttempt(t testing.TB, tossOrderID string, amount int64, method string) string {
	t.Helper()
	if s.Payments == s.Env.Payments {
		return s.Env.AuthorizeAttempt(t, tossOrderID, amount, method)
	}
	return s.authorize(t, apptest.AuthorizeRequest(tossOrderID, amount, 0, method))
}

// authorize approves in the sandbox with the widget key pair.
func (s *Site) authorize(t testing.TB, in map[string]any) string {
	t.Helper()
	body, err := json.Marshal(in)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, s.SandboxURL+"/v1/sandbox/authorize", bytes.NewReader(body))
	require.NoError(t, err)
	req.SetBasicAuth(sandbox.WidgetSecretKey, "")
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var out struct {
		PaymentKey string `json:"paymentKey"`
	}
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	require.NotEmpty(t, out.PaymentKey)
	return out.PaymentKey
}

// User creates a user with role and SitePassword and returns it.
func (s *Site) User(t testing.TB, role paydeck.Role) *paydeck.User {
	t.Helper()
	hash, err := apptest.CheapHasher.Hash(SitePassword)
	require.NoError(t, err)
	u := &paydeck.User{Role: role, PasswordHash: hash}
	return s.userWith(t, u)
}

func (s *Site) userWith(t testing.TB, u *paydeck.User) *paydeck.User {
	t.Helper()
	u.Email = fmt.Sprintf("site-%d@example.com", time.Now().UnixNano())
	require.NoError(t, s.DB.Update(context.Background(), func(tx paydeck.Tx) error { return tx.CreateUser(context.Background(), u) }))
	return u
}

// Visitor is one browser session against a Site without JavaScript: a
// cookie jar, no automatic redirects, and the CSRF token of the last page
// that had a form.
type Visitor struct {
	site   *Site
	client *http.Client
	// CSRF is the token of the last page seen with a form.
	CSRF string
}

// Visitor returns a new visitor with an empty cookie jar.
func (s *Site) Visitor(t testing.TB) *Visitor {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &Visitor{site: s, client: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Page is one response of the site.
type Page struct {
	Status int
	Header http.Header
	Body   string
}

// Location is the redirect target of the page, "" when it has none.
func (p *Page) Location() string { return p.Header.Get("Location") }

var csrfPattern = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// Do sends a request with the visitor's cookies and remembers the page's
// CSRF token. header may be nil.
func (v *Visitor) Do(t testing.TB, method, path string, body io.Reader, header http.Header) *Page {
	t.Helper()
	req, err := http.NewRequest(method, v.site.URL+path, body)
	require.NoError(t, err)
	for k, vs := range header {
		req.Header[k] = vs
	}
	res, err := v.client.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	if m := csrfPattern.FindStringSubmatch(string(b)); m != nil {
		v.CSRF = m[1]
	}
	return &Page{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

// Get fetches path.
func (v *Visitor) Get(t testing.TB, path string) *Page {
	t.Helper()
	return v.Do(t, http.MethodGet, path, nil, nil)
}

// Post posts form to path with the visitor's CSRF token unless form sets
// one (to test refusals).
func (v *Visitor) Post(t testing.TB, path string, form url.Values) *Page {
	t.Helper()
	if _, ok := form["csrf"]; !ok {
		if v.CSRF == "" {
			v.Get(t, "/login")
		}
		form.Set("csrf", v.CSRF)
	}
	return v.Do(t, http.MethodPost, path, strings.NewReader(form.Encode()),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
}

// SignIn signs the visitor in as u (created by Site.User) and fails t
// unless the site redirects.
func (v *Visitor) SignIn(t testing.TB, u *paydeck.User) {
	t.Helper()
	v.Get(t, "/login")
	p := v.Post(t, "/login", url.Values{"email": {u.Email}, "password": {SitePassword}, "next": {"/"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	v.Get(t, "/") // the session's CSRF token changed
}

// ChromiumPath is where Debian's chromium lives.
const ChromiumPath = "/usr/bin/chromium"

// browserSlots lets one Chromium run at a time per test binary: the
// machine is small and several browsers only slow each other down.
var browserSlots = make(chan struct{}, 1)

// Browser starts headless Chromium for a TestBrowser… test and returns its
// context (cancelled at cleanup, at most 60 s). Without Chromium the test is
// skipped, or fails when CI=true.
func Browser(t testing.TB) context.Context {
	t.Helper()
	return BrowserFor(t, 60*time.Second)
}

// BrowserFor is Browser with the context cancelled after d instead of 60 s,
// for tests that visit many pages.
func BrowserFor(t testing.TB, d time.Duration) context.Context {
	t.Helper()
	if _, err := exec.LookPath(ChromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium is required under CI: %v (install it with apt-get install chromium)", err)
		}
		t.Skipf("chromium not found at %s; install it to run browser tests", ChromiumPath)
	}
	browserSlots <- struct{}{}
	t.Cleanup(func() { <-browserSlots })
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1000, 900),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("lang", "ko-KR"), chromedp.Flag("accept-lang", "ko-KR,ko"))
	ctx, cancelTimeout := context.WithTimeout(context.Background(), d)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc(); cancelTimeout() })
	require.NoError(t, chromedp.Do(bctx), "start chromium")
	return bctx
}

// ScreenshotsEnv names the variable that makes browser tests save page
// screenshots: set to a directory (PAYDECK_SCREENSHOTS=$PWD/docs/screenshots)
// they are written there; set to 1, into the dir each test names (the
// repository's docs/screenshots seen from its package).
const ScreenshotsEnv = "PAYDECK_SCREENSHOTS"

// Screenshots reports whether browser tests take screenshots.
func Screenshots() bool { return os.Getenv(ScreenshotsEnv) != "" }

// Screenshot saves a full-page PNG of the current page as name.png in the
// directory ScreenshotsEnv names (or in dir, when it is 1); without the
// variable it does nothing.
func Screenshot(t testing.TB, ctx context.Context, dir, name string) {
	t.Helper()
	switch v := os.Getenv(ScreenshotsEnv); v {
	case "":
		return
	case "1":
	default:
		dir = v
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 gives PNG, below JPEG
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(dir+"/"+name+".png", png, 0o644))
}

// Clone returns a new visitor holding copies of v's cookies and CSRF token:
// what someone who copied the browser's cookie has.
func (v *Visitor) Clone(t testing.TB) *Visitor {
	t.Helper()
	c := v.site.Visitor(t)
	u, err := url.Parse(v.site.URL)
	require.NoError(t, err)
	c.client.Jar.SetCookies(u, v.client.Jar.Cookies(u))
	c.CSRF = v.CSRF
	return c
}
