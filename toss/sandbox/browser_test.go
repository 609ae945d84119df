package sandbox_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss/sandbox"
)

const chromiumPath = "/usr/bin/chromium"

// browserSlots bounds the Chromium instances running at once, so parallel
// browser tests stay within their time limit on a small machine.
var browserSlots = make(chan struct{}, 2)

// newSandbox starts a sandbox under httptest and returns its base URL.
func newSandbox(t *testing.T) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	sb, err := sandbox.New(sandbox.Options{PublicURL: "http://" + srv.Listener.Addr().String()})
	require.NoError(t, err)
	srv.Config.Handler = sb
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		require.NoError(t, sb.Close())
	})
	return srv.URL
}

// shopPage is the data of a test shop page in testdata/browser/.
type shopPage struct {
	SDK             string
	ClientKey       string
	WidgetClientKey string // promise.html only
	Method          string
	Amount          int64
	OrderID         string
	OrderName       string
}

// newShop serves a test shop: GET /page/{name} renders testdata/browser/{name}.html
// with page; /success and /fail are the landing pages.
func newShop(t *testing.T, page shopPage) string {
	t.Helper()
	pages := template.Must(template.ParseGlob("testdata/browser/*.html"))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /page/{name}", func(w http.ResponseWriter, r *http.Request) {
		if err := pages.ExecuteTemplate(w, r.PathValue("name")+".html", page); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	landing := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, `<!doctype html><title>landed</title><p id="landed">`+template.HTMLEscapeString(r.URL.Path)+`</p>`)
	}
	mux.HandleFunc("GET /success", landing)
	mux.HandleFunc("GET /fail", landing)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// newBrowser starts a headless Chromium for one test. A test takes 2-4 s on
// an idle 2-core machine; the context allows 15 s once the test has a slot, so
// a loaded CI box does not fail it spuriously. It skips when Chromium is
// missing, unless CI=true, where that is a failure.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests need Chromium at %s (CI=true): %v", chromiumPath, err)
		}
		t.Skipf("Chromium not found at %s; browser test skipped (it fails under CI=true)", chromiumPath)
	}
	browserSlots <- struct{}{}
	t.Cleanup(func() { <-browserSlots })
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, allocCancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(allocCancel)
	browserCtx, browserCancel := chromedp.NewContext(allocCtx)
	t.Cleanup(browserCancel)
	return browserCtx
}

// landedQuery waits for a shop landing page and returns its path and query.
func landedQuery(t *testing.T, ctx context.Context) (string, url.Values) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("landed"))))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	u, err := url.Parse(loc)
	require.NoError(t, err)
	return u.Path, u.Query()
}

// api calls the sandbox's Toss API over raw HTTP with a secret key and returns
// the status and the decoded JSON body.
func api(t *testing.T, method, endpoint, secretKey string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, endpoint, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(secretKey+":")))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

// requireAuthenticated checks that the success redirect names a payment that
// is authenticated (IN_PROGRESS) for the order, and confirms it with secretKey.
func requireAuthenticated(t *testing.T, base, secretKey string, q url.Values, orderID string, amount int64) map[string]any {
	t.Helper()
	require.Equal(t, "NORMAL", q.Get("paymentType"))
	require.Equal(t, orderID, q.Get("orderId"))
	require.Equal(t, jsonNumber(amount), q.Get("amount"))
	paymentKey := q.Get("paymentKey")
	require.NotEmpty(t, paymentKey)

	status, p := api(t, http.MethodGet, base+"/v1/payments/"+url.PathEscape(paymentKey), secretKey, nil)
	require.Equal(t, http.StatusOK, status, p)
	require.Equal(t, "IN_PROGRESS", p["status"])
	require.Equal(t, orderID, p["orderId"])
	require.EqualValues(t, amount, p["totalAmount"])

	status, p = api(t, http.MethodPost, base+"/v1/payments/confirm", secretKey,
		map[string]any{"paymentKey": paymentKey, "orderId": orderID, "amount": amount})
	require.Equal(t, http.StatusOK, status, p)
	return p
}

func jsonNumber(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestBrowserPaymentWindowApprove: a page with <script src>, payment().requestPayment
// for a card, the window approves, the browser lands on successUrl
// (docs/toss.md#redirects) and the payment confirms (docs/toss.md#payment-flow steps 3-6).
func TestBrowserPaymentWindowApprove(t *testing.T) {
	t.Parallel()
	base := newSandbox(t)
	page := shopPage{SDK: base + "/v2/standard", ClientKey: sandbox.DocsClientKey, Method: "CARD",
		Amount: 15000, OrderID: "order-browser-card-1", OrderName: "토스 티셔츠 외 2건"}
	shop := newShop(t, page)
	ctx := newBrowser(t)

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(shop+"/page/payment"),
		chromedp.Click(chromedp.ID("pay")),
		chromedp.WaitVisible(chromedp.ID("approve")),
	))
	amount, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("amount")))
	require.NoError(t, err)
	require.Equal(t, "15,000원", amount)
	name, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("order-name")))
	require.NoError(t, err)
	require.Equal(t, page.OrderName, name)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("approve"))))

	path, q := landedQuery(t, ctx)
	require.Equal(t, "/success", path)
	require.Equal(t, "1", q.Get("shop"), "the shop's own query must be kept")
	require.Equal(t, "한글 메모", q.Get("memo"), "a non-ASCII successUrl must survive the trip")
	p := requireAuthenticated(t, base, sandbox.DocsSecretKey, q, page.OrderID, page.Amount)
	require.Equal(t, "DONE", p["status"])
	require.Equal(t, "카드", p["method"])
	// docs/toss.md#payment-window: metadata is echoed, numbers and booleans as strings.
	require.Equal(t, map[string]any{"orderNo": "20250301", "gift": "true", "memo": "선물 포장"}, p["metadata"])
}

// TestBrowserWidgetsVirtualAccount: the widget flow (setAmount,
// renderPaymentMethods, renderAgreement, requestPayment) with the widget key
// pair; the shopper picks 가상계좌, confirm gives WAITING_FOR_DEPOSIT, and the
// individual-API secret key cannot confirm a widget payment (docs/toss.md#authentication).
func TestBrowserWidgetsVirtualAccount(t *testing.T) {
	t.Parallel()
	base := newSandbox(t)
	page := shopPage{SDK: base + "/v2/standard", ClientKey: sandbox.WidgetClientKey,
		Amount: 50000, OrderID: "order-browser-widget-va", OrderName: "생수 외 1건"}
	shop := newShop(t, page)
	ctx := newBrowser(t)

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(shop+"/page/widgets"),
		chromedp.WaitEnabled(chromedp.ID("pay")),
		chromedp.Click(chromedp.CSS(`input[name="paydeck-sandbox-method"][value="VIRTUAL_ACCOUNT"]`)),
	))
	selected, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("selected")))
	require.NoError(t, err)
	require.Equal(t, "VIRTUAL_ACCOUNT", selected, "paymentMethodSelect must fire")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("pay")),
		chromedp.WaitVisible(chromedp.ID("approve")),
	))
	amount, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("amount")))
	require.NoError(t, err)
	require.Equal(t, "50,000원", amount)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("approve"))))

	path, q := landedQuery(t, ctx)
	require.Equal(t, "/success", path)
	status, body := api(t, http.MethodPost, base+"/v1/payments/confirm", sandbox.DocsSecretKey,
		map[string]any{"paymentKey": q.Get("paymentKey"), "orderId": page.OrderID, "amount": page.Amount})
	require.GreaterOrEqual(t, status, 400, "a widget payment must not confirm with the individual-API key: %v", body)
	p := requireAuthenticated(t, base, sandbox.WidgetSecretKey, q, page.OrderID, page.Amount)
	require.Equal(t, "WAITING_FOR_DEPOSIT", p["status"])
	require.Equal(t, "가상계좌", p["method"])
}

// TestBrowserWindowClose: the shopper closes the window; the browser lands on
// failUrl with PAY_PROCESS_CANCELED and no orderId (docs/toss.md#redirects).
func TestBrowserWindowClose(t *testing.T) {
	t.Parallel()
	base := newSandbox(t)
	page := shopPage{SDK: base + "/v2/standard", ClientKey: sandbox.DocsClientKey, Method: "TRANSFER",
		Amount: 3000, OrderID: "order-browser-close", OrderName: "양말"}
	shop := newShop(t, page)
	ctx := newBrowser(t)

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(shop+"/page/payment"),
		chromedp.Click(chromedp.ID("pay")),
		chromedp.Click(chromedp.ID("close")),
	))
	path, q := landedQuery(t, ctx)
	require.Equal(t, "/fail", path)
	require.Equal(t, "PAY_PROCESS_CANCELED", q.Get("code"))
	require.NotEmpty(t, q.Get("message"))
	require.False(t, q.Has("orderId"))
}

// TestBrowserOfficialLoaderContract: a page that loads the script the way the
// official loadTossPayments(clientKey, {src}) does (inject <script src> into
// <head>, then call window.TossPayments(clientKey)) pays through the window.
func TestBrowserOfficialLoaderContract(t *testing.T) {
	t.Parallel()
	base := newSandbox(t)
	page := shopPage{SDK: base + "/v2/standard", ClientKey: sandbox.DocsClientKey, Method: "CARD",
		Amount: 1000, OrderID: "order-browser-loader", OrderName: "머그컵"}
	shop := newShop(t, page)
	ctx := newBrowser(t)

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(shop+"/page/loader")))
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.TossPayments !== "undefined"`))
	require.NoError(t, err)
	require.False(t, loaded, "the page must not have the SDK before the loader injects it")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("pay")),
		chromedp.Click(chromedp.ID("approve")),
	))
	path, q := landedQuery(t, ctx)
	require.Equal(t, "/success", path)
	p := requireAuthenticated(t, base, sandbox.DocsSecretKey, q, page.OrderID, page.Amount)
	require.Equal(t, "DONE", p["status"])
}

// TestBrowserSDKValidation: the script rejects what the official SDK rejects,
// with its error codes (docs/toss.md#browser-errors), and does not leave the page.
func TestBrowserSDKValidation(t *testing.T) {
	t.Parallel()
	base := newSandbox(t)
	page := shopPage{SDK: base + "/v2/standard", ClientKey: sandbox.DocsClientKey, Method: "CARD",
		Amount: 1000, OrderID: "order-browser-valid", OrderName: "검증"}
	shop := newShop(t, page)
	ctx := newBrowser(t)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(shop+"/page/payment")))

	script := `(async () => {
  const ck = ` + jsString(sandbox.DocsClientKey) + `, gck = ` + jsString(sandbox.WidgetClientKey) + `;
  const code = async (fn) => { try { await fn(); return "ok"; } catch (e) { return e.code || String(e); } };
  const order = { method: "CARD", amount: { currency: "KRW", value: 1000 }, orderId: "order-abc-1",
    orderName: "검증", successUrl: location.origin + "/success", failUrl: location.origin + "/fail" };
  const p = TossPayments(ck).payment({ customerKey: TossPayments.ANONYMOUS });
  const w = TossPayments(gck).widgets({ customerKey: "shopper-42" });
  return [
    TossPayments.ANONYMOUS,
    await code(() => TossPayments(` + jsString(sandbox.DocsSecretKey) + `)),
    await code(() => TossPayments("pk_test_123")),
    await code(() => TossPayments(gck).payment({ customerKey: "shopper-42" })),
    await code(() => TossPayments(ck).widgets({ customerKey: "shopper-42" })),
    await code(() => TossPayments(ck).payment({ customerKey: "test_gsk_docs_x" })),
    await code(() => TossPayments(ck).payment({ customerKey: "a" })),
    await code(() => p.requestPayment({ ...order, successUrl: undefined })),
    await code(() => p.requestPayment({ ...order, successUrl: "/relative" })),
    await code(() => p.requestPayment({ ...order, failUrl: "javascript:alert(1)" })),
    await code(() => p.requestPayment({ ...order, amount: { currency: "USD", value: 10 } })),
    await code(() => p.requestPayment({ ...order, amount: { currency: "KRW", value: -1 } })),
    await code(() => p.requestPayment({ ...order, amount: { currency: "KRW", value: 10.5 } })),
    await code(() => p.requestPayment({ ...order, method: "BITCOIN" })),
    await code(() => p.requestPayment({ ...order, orderId: "abc" })),
    await code(() => p.requestPayment({ ...order, orderId: "order=abc" })),
    await code(() => p.requestPayment({ ...order, metadata: { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 } })),
    await code(() => w.renderPaymentMethods({ selector: "body" })),
    await code(() => w.requestPayment(order)),
    await code(() => w.setAmount({ currency: "KRW", value: 1000 })),
    await code(() => w.requestPayment(order)),
    await code(() => w.renderPaymentMethods({ selector: "#no-such-element" })),
    await code(async () => {
      await w.renderPaymentMethods({ selector: "body" });
      const agreement = await w.renderAgreement({ selector: "body" });
      let agreed = null;
      agreement.on("agreementStatusChange", (st) => { agreed = st.agreedRequiredTerms; });
      document.querySelector('input[name="paydeck-sandbox-agreement"]').click();
      if (agreed !== false) { throw new Error("agreementStatusChange did not fire"); }
      await w.requestPayment(order);
    }),
    await code(() => w.renderPaymentMethods({ selector: "body" })),
    await code(() => w.renderAgreement({ selector: "body" })),
    await code(() => TossPayments(gck).widgets({ customerKey: "shopper-43" }).renderAgreement({ selector: "body" })
      .then((a) => a.on("bogus", () => {}))),
    await code(() => p.requestBillingAuth({ method: "CARD", successUrl: order.successUrl, failUrl: order.failUrl })),
    await code(() => TossPayments(ck).payment({ customerKey: "shopper-42" }).requestBillingAuth({ method: "TRANSFER",
      successUrl: order.successUrl, failUrl: order.failUrl })),
    await code(() => TossPayments(ck).payment({ customerKey: "shopper-42" }).requestBillingAuth({ method: "CARD",
      successUrl: "relative", failUrl: order.failUrl })),
    location.pathname,
  ];
})()`
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](script, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	require.Equal(t, []string{
		"@@ANONYMOUS",
		"INSECURE_KEY_USAGE",
		"INVALID_CLIENT_KEY",
		"NOT_SUPPORTED_WIDGET_KEY",
		"NOT_SUPPORTED_API_INDIVIDUAL_KEY",
		"INSECURE_KEY_USAGE",
		"INVALID_CUSTOMER_KEY",
		"INCORRECT_SUCCESS_URL_FORMAT",
		"INCORRECT_SUCCESS_URL_FORMAT",
		"INCORRECT_FAIL_URL_FORMAT",
		"INVALID_AMOUNT_CURRENCY",
		"BELOW_ZERO_AMOUNT",
		"INVALID_AMOUNT_VALUE",
		"NOT_SUPPORTED_METHOD",
		"INVALID_PARAMETERS",
		"INVALID_PARAMETERS",
		"INVALID_METADATA",
		"NOT_SETUP_AMOUNT",
		"NOT_SETUP_AMOUNT",
		"ok",
		"NOT_SELECTED_PAYMENT_METHOD",
		"INVALID_SELECTOR",
		"NEED_AGREEMENT_WITH_REQUIRED_TERMS",
		"PAYMENT_METHODS_WIDGET_ALREADY_RENDERED",
		"AGREEMENT_WIDGET_ALREADY_RENDERED",
		"INVALID_EVENT_PARAMETER",
		"INVALID_CUSTOMER_KEY",
		"NOT_SUPPORTED_METHOD",
		"INCORRECT_SUCCESS_URL_FORMAT",
		"/page/payment",
	}, got)
}

// TestBrowserPromiseMode: without successUrl and failUrl the window opens in
// an iframe over the page and the promise settles with {paymentKey, orderId,
// amount: {currency, value}} (widgets add paymentType), or rejects with
// USER_CANCEL when the shopper closes it (docs/toss.md#payment-window, docs/toss.md#browser-errors).
func TestBrowserPromiseMode(t *testing.T) {
	t.Parallel()
	base := newSandbox(t)
	page := shopPage{SDK: base + "/v2/standard", ClientKey: sandbox.DocsClientKey, WidgetClientKey: sandbox.WidgetClientKey,
		Method: "CARD", Amount: 2500, OrderID: "order-browser-promise", OrderName: "스티커"}
	shop := newShop(t, page)
	ctx := newBrowser(t)

	// clickInFrame clicks a button of the payment window inside the iframe,
	// once the iframe holds the window's document (not its first about:blank).
	clickInFrame := func(id string) {
		t.Helper()
		for {
			frames, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("iframe.paydeck-sandbox-frame")))
			require.NoError(t, err)
			require.Len(t, frames, 1)
			if doc := frames[0].ContentDocument; doc != nil && strings.Contains(doc.DocumentURL, "/window?") {
				require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#"+id), chromedp.FromNode(frames[0]))))
				return
			}
			require.NoError(t, chromedp.Do(ctx, chromedp.Sleep(20*time.Millisecond)))
		}
	}
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(shop+"/page/promise"), chromedp.Click(chromedp.ID("pay"))))
	clickInFrame("approve")
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("result"))))
	raw, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("result")))
	require.NoError(t, err)
	var result map[string]any
	require.NoError(t, json.Unmarshal([]byte(raw), &result))
	require.Equal(t, page.OrderID, result["orderId"])
	require.Equal(t, map[string]any{"currency": "KRW", "value": float64(page.Amount)}, result["amount"])
	require.NotContains(t, result, "paymentType", "payment() results carry no paymentType")
	q := url.Values{"paymentType": {"NORMAL"}, "orderId": {page.OrderID}, "amount": {"2500"}, "paymentKey": {result["paymentKey"].(string)}}
	p := requireAuthenticated(t, base, sandbox.DocsSecretKey, q, page.OrderID, page.Amount)
	require.Equal(t, "DONE", p["status"])

	frames, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("iframe"), chromedp.AtLeast(0)))
	require.NoError(t, err)
	require.Empty(t, frames, "the window's iframe is removed once the promise settles")

	// The widget flow in promise mode; the shopper closes the window.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("pay-widget"))))
	clickInFrame("close")
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("error"))))
	code, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("error")))
	require.NoError(t, err)
	require.Equal(t, "USER_CANCEL", code)
}

// TestBrowserBillingAuth: payment().requestBillingAuth registers a card in the
// billing window; the browser lands on successUrl?customerKey=…&authKey=… and
// the authKey issues a billing key (docs/toss.md#billing-auth, docs/toss.md#billing).
func TestBrowserBillingAuth(t *testing.T) {
	t.Parallel()
	base := newSandbox(t)
	shop := newShop(t, shopPage{SDK: base + "/v2/standard", ClientKey: sandbox.DocsClientKey})
	ctx := newBrowser(t)

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(shop+"/page/billing"),
		chromedp.Click(chromedp.ID("register")),
		chromedp.Click(chromedp.ID("approve")),
	))
	path, q := landedQuery(t, ctx)
	require.Equal(t, "/success", path)
	require.Equal(t, "shopper-42", q.Get("customerKey"))
	require.NotEmpty(t, q.Get("authKey"))

	status, b := api(t, http.MethodPost, base+"/v1/billing/authorizations/issue", sandbox.DocsSecretKey,
		map[string]any{"authKey": q.Get("authKey"), "customerKey": "shopper-42"})
	require.Equal(t, http.StatusOK, status, b)
	require.Equal(t, "shopper-42", b["customerKey"])
	require.NotEmpty(t, b["billingKey"])
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// noRedirect is a client that returns redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}}

// windowValues are valid window parameters, as the SDK script sends them,
// with overrides applied ("" deletes a key).
func windowValues(overrides map[string]string) url.Values {
	v := url.Values{
		"clientKey":   {sandbox.DocsClientKey},
		"customerKey": {"shopper-42"},
		"method":      {"CARD"},
		"amount":      {"1000"},
		"orderId":     {"order-window-1"},
		"orderName":   {"토스 티셔츠"},
		"successUrl":  {"http://shop.example/success"},
		"failUrl":     {"http://shop.example/fail"},
	}
	for k, val := range overrides {
		if val == "" {
			v.Del(k)
		} else {
			v.Set(k, val)
		}
	}
	return v
}

func getWindow(t *testing.T, base string, v url.Values) (int, string) {
	t.Helper()
	resp, err := http.Get(base + "/window?" + v.Encode())
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	return resp.StatusCode, string(body)
}

// postWindow submits the window form and returns the status, the redirect
// target and the body.
func postWindow(t *testing.T, base string, v url.Values) (int, string, string) {
	t.Helper()
	resp, err := noRedirect.PostForm(base+"/window", v)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

func TestBrowserScriptHandler(t *testing.T) {
	t.Parallel()
	base := newSandbox(t)
	resp, err := http.Get(base + "/v2/standard")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "application/javascript; charset=utf-8", resp.Header.Get("Content-Type"))
	// The official loader resolves with window.TossPayments after the load event.
	require.Contains(t, string(body), "window.TossPayments = TossPayments;")
	require.Contains(t, string(body), `new URL("../window", self.src)`)
}

func TestBrowserWindowPage(t *testing.T) {
	t.Parallel()
	base := newSandbox(t)

	t.Run("Card", func(t *testing.T) {
		t.Parallel()
		status, body := getWindow(t, base, windowValues(map[string]string{
			"amount": "1234567", "orderName": "<b>셔츠</b> 외 1건"}))
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, body, `<dd id="amount">1,234,567원</dd>`)
		require.Contains(t, body, `&lt;b&gt;셔츠&lt;/b&gt; 외 1건`)
		require.NotContains(t, body, `<b>셔츠</b>`)
		require.Contains(t, body, `value="CARD" checked>`)
		require.Contains(t, body, `value="EASY_PAY">`)
		require.Contains(t, body, `<select name="easyPay">`)
		require.NotContains(t, body, `value="VIRTUAL_ACCOUNT"`)
		for _, l := range []string{"승인", "창 닫기", "카드사 거절", "주문명", "결제 금액"} {
			require.Contains(t, body, l)
		}
	})
	t.Run("AmountFormat", func(t *testing.T) {
		t.Parallel()
		for amount, want := range map[string]string{"100": "100원", "1000": "1,000원", "123456": "123,456원", "10000000": "10,000,000원"} {
			status, body := getWindow(t, base, windowValues(map[string]string{"amount": amount}))
			require.Equal(t, http.StatusOK, status)
			require.Contains(t, body, `<dd id="amount">`+want+`</dd>`)
		}
	})
	t.Run("VirtualAccountOnly", func(t *testing.T) {
		t.Parallel()
		status, body := getWindow(t, base, windowValues(map[string]string{"method": "VIRTUAL_ACCOUNT"}))
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, body, `value="VIRTUAL_ACCOUNT" checked>`)
		require.NotContains(t, body, `value="CARD"`)
		require.NotContains(t, body, `name="easyPay"`)
	})
	t.Run("DirectEasyPay", func(t *testing.T) {
		t.Parallel()
		status, body := getWindow(t, base, windowValues(map[string]string{"method": "EASY_PAY", "easyPay": "카카오페이"}))
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, body, `value="EASY_PAY" checked>`)
		require.Contains(t, body, `<option value="KAKAOPAY" selected>카카오페이</option>`)
	})
	t.Run("AnyMethod", func(t *testing.T) {
		t.Parallel()
		status, body := getWindow(t, base, windowValues(map[string]string{"method": ""}))
		require.Equal(t, http.StatusOK, status)
		for _, m := range []string{"CARD", "EASY_PAY", "VIRTUAL_ACCOUNT", "TRANSFER", "MOBILE_PHONE"} {
			require.Contains(t, body, `value="`+m+`"`)
		}
	})
}

func TestBrowserWindowBadInput(t *testing.T) {
	t.Parallel()
	base := newSandbox(t)
	cases := []struct {
		name      string
		overrides map[string]string
		status    int
		code      string
	}{
		{"UnknownClientKey", map[string]string{"clientKey": "test_ck_unknown0000000000"}, http.StatusUnauthorized, "INVALID_CLIENT_KEY"},
		{"SecretKeyAsClientKey", map[string]string{"clientKey": sandbox.DocsSecretKey}, http.StatusUnauthorized, "INVALID_CLIENT_KEY"},
		{"MissingClientKey", map[string]string{"clientKey": ""}, http.StatusUnauthorized, "INVALID_CLIENT_KEY"},
		{"UnknownMethod", map[string]string{"method": "BITCOIN"}, http.StatusBadRequest, "NOT_SUPPORTED_METHOD"},
		{"UnknownEasyPay", map[string]string{"easyPay": "MYPAY"}, http.StatusBadRequest, "INVALID_PARAMETERS"},
		{"AmountText", map[string]string{"amount": "1,000"}, http.StatusBadRequest, "INVALID_AMOUNT_VALUE"},
		{"AmountZero", map[string]string{"amount": "0"}, http.StatusBadRequest, "INVALID_AMOUNT_VALUE"},
		{"AmountNegative", map[string]string{"amount": "-100"}, http.StatusBadRequest, "INVALID_AMOUNT_VALUE"},
		{"OrderIDShort", map[string]string{"orderId": "abc"}, http.StatusBadRequest, "INVALID_ORDER_ID"},
		{"OrderIDBadChar", map[string]string{"orderId": "order/123"}, http.StatusBadRequest, "INVALID_ORDER_ID"},
		{"OrderIDLong", map[string]string{"orderId": strings.Repeat("a", 65)}, http.StatusBadRequest, "INVALID_ORDER_ID"},
		{"OrderNameMissing", map[string]string{"orderName": ""}, http.StatusBadRequest, "INVALID_ORDER_NAME"},
		{"OrderNameLong", map[string]string{"orderName": strings.Repeat("가", 101)}, http.StatusBadRequest, "INVALID_ORDER_NAME"},
		{"SuccessURLRelative", map[string]string{"successUrl": "/success"}, http.StatusBadRequest, "INCORRECT_SUCCESS_URL_FORMAT"},
		{"FailURLScript", map[string]string{"failUrl": "javascript:alert(1)"}, http.StatusBadRequest, "INCORRECT_FAIL_URL_FORMAT"},
		{"SuccessURLNotASCII", map[string]string{"successUrl": "http://shop.example/결제"}, http.StatusBadRequest, "INCORRECT_SUCCESS_URL_FORMAT"},
		{"CustomerKeyBad", map[string]string{"customerKey": "a b"}, http.StatusBadRequest, "INVALID_CUSTOMER_KEY"},
		{"PromiseWithoutOrigin", map[string]string{"successUrl": "", "failUrl": ""}, http.StatusBadRequest, "INVALID_PARAMETERS"},
		{"PromiseOriginWithPath", map[string]string{"successUrl": "", "failUrl": "", "origin": "http://shop.example/pay"}, http.StatusBadRequest, "INVALID_PARAMETERS"},
		{"PromiseOriginNull", map[string]string{"successUrl": "", "failUrl": "", "origin": "null"}, http.StatusBadRequest, "INVALID_PARAMETERS"},
		{"PhoneWithDashes", map[string]string{"customerMobilePhone": "010-1234-5678"}, http.StatusBadRequest, "INVALID_REQUEST"},
		{"EmailBad", map[string]string{"customerEmail": "not-an-email"}, http.StatusBadRequest, "INVALID_EMAIL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := windowValues(tc.overrides)
			status, body := getWindow(t, base, v)
			require.Equal(t, tc.status, status)
			require.Contains(t, body, `<code id="error-code">`+tc.code+`</code>`)
			require.Contains(t, body, "결제창을 열 수 없습니다")

			v.Set("choice", v.Get("method"))
			v.Set("outcome", "approve")
			status, location, body := postWindow(t, base, v)
			require.Equal(t, tc.status, status, "POST must check the form as GET checks the query")
			require.Empty(t, location, "a bad request must not redirect")
			require.Contains(t, body, `<code id="error-code">`+tc.code+`</code>`)
		})
	}
}

func TestBrowserWindowOutcomes(t *testing.T) {
	t.Parallel()
	base := newSandbox(t)

	t.Run("ApproveKeepsShopQueryAndFragment", func(t *testing.T) {
		t.Parallel()
		v := windowValues(map[string]string{"orderId": "order-outcome-ok", "successUrl": "http://shop.example/ok?cart=7#top"})
		v.Set("choice", "CARD")
		v.Set("outcome", "approve")
		status, location, _ := postWindow(t, base, v)
		require.Equal(t, http.StatusSeeOther, status)
		prefix := "http://shop.example/ok?cart=7&paymentType=NORMAL&orderId=order-outcome-ok&paymentKey="
		require.True(t, strings.HasPrefix(location, prefix), location)
		require.True(t, strings.HasSuffix(location, "&amount=1000#top"), location)
		u, err := url.Parse(location)
		require.NoError(t, err)
		requireAuthenticated(t, base, sandbox.DocsSecretKey, u.Query(), "order-outcome-ok", 1000)

		// The order is paid now: the window sends a second attempt to failUrl
		// with the API's code and the orderId (docs/toss.md#redirects).
		status, location, _ = postWindow(t, base, v)
		require.Equal(t, http.StatusSeeOther, status)
		u, err = url.Parse(location)
		require.NoError(t, err)
		require.Equal(t, "/fail", u.Path)
		require.Equal(t, "DUPLICATED_ORDER_ID", u.Query().Get("code"))
		require.NotEmpty(t, u.Query().Get("message"))
		require.Equal(t, "order-outcome-ok", u.Query().Get("orderId"))
	})
	t.Run("ApproveBelowMethodMinimum", func(t *testing.T) {
		t.Parallel()
		v := windowValues(map[string]string{"orderId": "order-outcome-min", "method": "VIRTUAL_ACCOUNT", "amount": "150"})
		v.Set("choice", "VIRTUAL_ACCOUNT")
		v.Set("outcome", "approve")
		status, location, _ := postWindow(t, base, v)
		require.Equal(t, http.StatusSeeOther, status)
		u, err := url.Parse(location)
		require.NoError(t, err)
		require.Equal(t, "/fail", u.Path)
		require.Equal(t, "BELOW_MINIMUM_AMOUNT", u.Query().Get("code"))
		require.Equal(t, "order-outcome-min", u.Query().Get("orderId"))
	})
	t.Run("ApproveEasyPay", func(t *testing.T) {
		t.Parallel()
		v := windowValues(map[string]string{"orderId": "order-outcome-easy"})
		v.Set("choice", "EASY_PAY")
		v.Set("easyPay", "TOSSPAY")
		v.Set("outcome", "approve")
		status, location, _ := postWindow(t, base, v)
		require.Equal(t, http.StatusSeeOther, status)
		u, err := url.Parse(location)
		require.NoError(t, err)
		require.Equal(t, "/success", u.Path)
		st, p := api(t, http.MethodGet, base+"/v1/payments/"+url.PathEscape(u.Query().Get("paymentKey")), sandbox.DocsSecretKey, nil)
		require.Equal(t, http.StatusOK, st, p)
		require.Equal(t, "간편결제", p["method"])
		require.Equal(t, map[string]any{"provider": "토스페이"}, pick(p["easyPay"], "provider"))
	})
	t.Run("Close", func(t *testing.T) {
		t.Parallel()
		v := windowValues(map[string]string{"failUrl": "http://shop.example/fail?step=pay"})
		v.Set("choice", "CARD")
		v.Set("outcome", "close")
		status, location, _ := postWindow(t, base, v)
		require.Equal(t, http.StatusSeeOther, status)
		u, err := url.Parse(location)
		require.NoError(t, err)
		require.Equal(t, "/fail", u.Path)
		require.Equal(t, url.Values{
			"step":    {"pay"},
			"code":    {"PAY_PROCESS_CANCELED"},
			"message": {"사용자에 의해 결제가 취소되었습니다."},
		}, u.Query())
	})
	t.Run("CardRejected", func(t *testing.T) {
		t.Parallel()
		v := windowValues(map[string]string{"orderId": "order-outcome-reject"})
		v.Set("choice", "CARD")
		v.Set("outcome", "reject")
		status, location, _ := postWindow(t, base, v)
		require.Equal(t, http.StatusSeeOther, status)
		require.True(t, strings.HasPrefix(location, "http://shop.example/fail?code=REJECT_CARD_COMPANY&message="), location)
		require.True(t, strings.HasSuffix(location, "&orderId=order-outcome-reject"), location)
		st, body := api(t, http.MethodGet, base+"/v1/payments/orders/order-outcome-reject", sandbox.DocsSecretKey, nil)
		require.Equal(t, http.StatusNotFound, st, "a rejected window authenticates nothing: %v", body)
	})
	t.Run("PromiseApprove", func(t *testing.T) {
		t.Parallel()
		v := windowValues(map[string]string{"orderId": "order-outcome-promise", "successUrl": "", "failUrl": "", "origin": "http://shop.example:8080"})
		v.Set("choice", "CARD")
		v.Set("outcome", "approve")
		status, location, body := postWindow(t, base, v)
		require.Equal(t, http.StatusOK, status)
		require.Empty(t, location, "promise mode posts the result instead of redirecting")
		m := regexp.MustCompile(`window\.parent\.postMessage\((\{.*\}), "http://shop\.example:8080"\);`).FindStringSubmatch(body)
		require.NotNil(t, m, body)
		var msg struct {
			Type    string            `json:"type"`
			Success bool              `json:"success"`
			Fields  map[string]string `json:"fields"`
		}
		require.NoError(t, json.Unmarshal([]byte(m[1]), &msg))
		require.Equal(t, "paydeck-sandbox-result", msg.Type)
		require.True(t, msg.Success)
		q := url.Values{}
		for k, val := range msg.Fields {
			q.Set(k, val)
		}
		requireAuthenticated(t, base, sandbox.DocsSecretKey, q, "order-outcome-promise", 1000)
	})
	t.Run("PromiseReject", func(t *testing.T) {
		t.Parallel()
		v := windowValues(map[string]string{"orderId": "order-outcome-promise-r", "successUrl": "", "failUrl": "", "origin": "https://shop.example"})
		v.Set("choice", "CARD")
		v.Set("outcome", "reject")
		status, _, body := postWindow(t, base, v)
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, body, `window.parent.postMessage({"type":"paydeck-sandbox-result","success":false,"fields":{"code":"REJECT_CARD_COMPANY","message":"카드사에서 결제를 거절했습니다.","orderId":"order-outcome-promise-r"}}, "https://shop.example");`)
	})
	t.Run("ChoiceOutsideRequestedMethod", func(t *testing.T) {
		t.Parallel()
		v := windowValues(map[string]string{"method": "VIRTUAL_ACCOUNT"})
		v.Set("choice", "CARD")
		v.Set("outcome", "approve")
		status, location, body := postWindow(t, base, v)
		require.Equal(t, http.StatusBadRequest, status)
		require.Empty(t, location)
		require.Contains(t, body, `<code id="error-code">NOT_SUPPORTED_METHOD</code>`)
	})
	t.Run("UnknownOutcome", func(t *testing.T) {
		t.Parallel()
		v := windowValues(nil)
		v.Set("choice", "CARD")
		v.Set("outcome", "maybe")
		status, location, body := postWindow(t, base, v)
		require.Equal(t, http.StatusBadRequest, status)
		require.Empty(t, location)
		require.Contains(t, body, `<code id="error-code">INVALID_PARAMETERS</code>`)
	})
}

// pick returns the named members of a JSON object.
func pick(v any, keys ...string) map[string]any {
	m, _ := v.(map[string]any)
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		out[k] = m[k]
	}
	return out
}

// billingValues are valid billing auth window parameters, with overrides
// applied as in windowValues.
func billingValues(overrides map[string]string) url.Values {
	v := url.Values{
		"clientKey":   {sandbox.DocsClientKey},
		"customerKey": {"shopper-42"},
		"method":      {"CARD"},
		"successUrl":  {"http://shop.example/billing/success?plan=monthly"},
		"failUrl":     {"http://shop.example/billing/fail"},
	}
	for k, val := range overrides {
		if val == "" {
			v.Del(k)
		} else {
			v.Set(k, val)
		}
	}
	return v
}

func TestBrowserBillingAuthWindow(t *testing.T) {
	t.Parallel()
	base := newSandbox(t)

	t.Run("Page", func(t *testing.T) {
		t.Parallel()
		resp, err := http.Get(base + "/billing-auth?" + billingValues(map[string]string{"customerName": "김토스"}).Encode())
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, string(body), `<dd id="customer-key">shopper-42</dd>`)
		require.Contains(t, string(body), `<dd id="customer-name">김토스</dd>`)
		require.Contains(t, string(body), `action="billing-auth"`)
	})
	bad := []struct {
		name      string
		overrides map[string]string
		status    int
		code      string
	}{
		{"UnknownClientKey", map[string]string{"clientKey": "test_ck_nope"}, http.StatusUnauthorized, "INVALID_CLIENT_KEY"},
		{"Transfer", map[string]string{"method": "TRANSFER"}, http.StatusBadRequest, "NOT_SUPPORTED_METHOD"},
		{"NoCustomerKey", map[string]string{"customerKey": ""}, http.StatusBadRequest, "INVALID_CUSTOMER_KEY"},
		{"AnonymousCustomerKey", map[string]string{"customerKey": "@@ANONYMOUS"}, http.StatusBadRequest, "INVALID_CUSTOMER_KEY"},
		{"SuccessURLRelative", map[string]string{"successUrl": "ok.html"}, http.StatusBadRequest, "INCORRECT_SUCCESS_URL_FORMAT"},
		{"FailURLMissing", map[string]string{"failUrl": ""}, http.StatusBadRequest, "INCORRECT_FAIL_URL_FORMAT"},
		{"EmailBad", map[string]string{"customerEmail": "nope"}, http.StatusBadRequest, "INVALID_EMAIL"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := billingValues(tc.overrides)
			resp, err := http.Get(base + "/billing-auth?" + v.Encode())
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			require.Equal(t, tc.status, resp.StatusCode)
			require.Contains(t, string(body), `<code id="error-code">`+tc.code+`</code>`)

			v.Set("outcome", "approve")
			resp, err = noRedirect.PostForm(base+"/billing-auth", v)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			require.Equal(t, tc.status, resp.StatusCode)
			require.Empty(t, resp.Header.Get("Location"))
		})
	}
	outcomes := []struct {
		name      string
		overrides map[string]string
		outcome   string
		want      url.Values
	}{
		{"Close", nil, "close", url.Values{"code": {"PAY_PROCESS_CANCELED"}, "message": {"사용자에 의해 결제가 취소되었습니다."}}},
		{"Reject", nil, "reject", url.Values{"code": {"REJECT_CARD_COMPANY"}, "message": {"카드사에서 결제를 거절했습니다."}}},
		{"WidgetKey", map[string]string{"clientKey": sandbox.WidgetClientKey}, "approve", nil},
	}
	for _, tc := range outcomes {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := billingValues(tc.overrides)
			v.Set("outcome", tc.outcome)
			resp, err := noRedirect.PostForm(base+"/billing-auth", v)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			require.Equal(t, http.StatusSeeOther, resp.StatusCode)
			u, err := url.Parse(resp.Header.Get("Location"))
			require.NoError(t, err)
			require.Equal(t, "/billing/fail", u.Path)
			if tc.want != nil {
				require.Equal(t, tc.want, u.Query())
				return
			}
			// Billing needs the individual-API key pair (docs/toss.md#billing).
			require.Equal(t, "INVALID_API_KEY", u.Query().Get("code"))
			require.False(t, u.Query().Has("orderId"))
		})
	}
	t.Run("ApproveKeepsShopQuery", func(t *testing.T) {
		t.Parallel()
		v := billingValues(nil)
		v.Set("outcome", "approve")
		resp, err := noRedirect.PostForm(base+"/billing-auth", v)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		loc := resp.Header.Get("Location")
		require.True(t, strings.HasPrefix(loc, "http://shop.example/billing/success?plan=monthly&customerKey=shopper-42&authKey="), loc)
	})
}

// FuzzBrowserWindowForm posts arbitrary forms to the window: it never fails
// with a 5xx, and every redirect goes to the posted successUrl or failUrl.
func FuzzBrowserWindowForm(f *testing.F) {
	valid := windowValues(nil)
	valid.Set("choice", "CARD")
	for _, outcome := range []string{"approve", "close", "reject", "x"} {
		valid.Set("outcome", outcome)
		f.Add(valid.Encode())
	}
	f.Add("amount=abc&clientKey=" + sandbox.DocsClientKey)
	f.Add("amount=100&choice=CARD&clientKey=" + sandbox.DocsClientKey +
		"&failUrl=http%3A%2F%2F0&orderId=000000&orderName=0&outcome=approve&successUrl=http%3A%2F%2F1\x84")
	f.Add("successUrl=http://a/%3F&failUrl=http://b/%23x&outcome=close&choice=CARD&method=CARD&amount=1&orderId=aaaaaa&orderName=x&clientKey=" + sandbox.DocsClientKey)
	sb, err := sandbox.New(sandbox.Options{})
	require.NoError(f, err)
	f.Cleanup(func() { require.NoError(f, sb.Close()) })
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			t.Skip()
		}
		req := httptest.NewRequest(http.MethodPost, "/window", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)
		require.Contains(t, []int{http.StatusSeeOther, http.StatusBadRequest, http.StatusUnauthorized}, rec.Code)
		if rec.Code == http.StatusSeeOther {
			loc := rec.Header().Get("Location")
			require.True(t, strings.HasPrefix(loc, strings.Split(v.Get("successUrl"), "#")[0]) ||
				strings.HasPrefix(loc, strings.Split(v.Get("failUrl"), "#")[0]), "redirect %q leaves the merchant's URLs", loc)
		}
	})
}
