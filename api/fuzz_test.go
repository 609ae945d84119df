package api_test

import (
	"bytes"
	"cmp"
	"context"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
	"github.com/paydeck/paydeck/payment"
)

// fuzzTarget is one endpoint that reads a body or a query from outside.
type fuzzTarget struct {
	method, path string
	admin        bool
}

// requireClean4xx fails unless res is a success or a problem+json 4xx: the
// API never answers a hostile input with a 5xx or a bare error.
func requireClean4xx(t *testing.T, res *apitest.Response, what string) {
	t.Helper()
	require.Less(t, res.Status, 500, "%s: %s", what, res.Body)
	if res.Status >= 400 {
		require.Contains(t, res.Header.Get("Content-Type"), "application/problem+json", "%s: %s", what, res.Body)
	}
}

// fuzzAPI is an API with an admin, a customer, a product and a pending
// order for the fuzz targets to point at. It runs on SQLite, or on the
// engine PAYDECK_FUZZ_ENGINE names ("postgres" needs
// PAYDECK_TEST_DATABASE_URL): PostgreSQL refuses some text SQLite stores.
func fuzzAPI(f *testing.F) (a *apitest.API, admin, cust, productID, orderID string) {
	engine := cmp.Or(os.Getenv("PAYDECK_FUZZ_ENGINE"), "sqlite")
	a = apitest.NewAPI(f, apptest.New(f, engine), noWebhookLimit)
	admin = a.NewAdmin(f)
	_, cust = a.SignUp(f, "fuzz")
	var p struct {
		ID string `json:"id"`
	}
	a.MustDo(f, apitest.Request{Method: http.MethodPost, Path: "/api/products", Token: admin,
		Body: map[string]any{"name": "퍼즈 상품", "price": 5000, "stockQuantity": 1_000_000}}, http.StatusCreated, &p)
	var o struct {
		OrderID string `json:"orderId"`
	}
	a.MustDo(f, apitest.Request{Method: http.MethodPost, Path: "/api/orders", Token: cust, Body: map[string]any{
		"items":    []map[string]any{{"productId": p.ID, "quantity": 1}},
		"shipping": map[string]any{"name": "김지민", "phone": "010-1234-5678", "address": "서울"},
	}}, http.StatusCreated, &o)
	return a, admin, cust, p.ID, o.OrderID
}

// FuzzAPIBodies sends arbitrary bodies to every operation that reads one;
// each answer is a success or a clean problem+json 4xx.
func FuzzAPIBodies(f *testing.F) {
	a, admin, cust, productID, orderID := fuzzAPI(f)
	targets := []fuzzTarget{
		{http.MethodPost, "/api/orders", false},
		{http.MethodPost, "/api/payments/confirm", false},
		{http.MethodPost, "/api/payments/tgen_fuzz/cancel", false},
		{http.MethodPost, "/api/orders/" + orderID + "/cancel", false},
		{http.MethodPost, "/api/auth/signup", false},
		{http.MethodPost, "/api/auth/login", false},
		{http.MethodPost, "/api/products", true},
		{http.MethodPatch, "/api/products/" + productID, true},
		{http.MethodPost, "/api/payment-methods", true},
	}
	for i, seed := range []string{
		`{"items":[{"productId":"` + productID + `","quantity":2}],"shipping":{"name":"김","address":"서울"}}`,
		`{"paymentKey":"tgen_x","orderId":"` + orderID + `","amount":8000}`,
		`{"cancelReason":"변심","cancelAmount":100,"refundReceiveAccount":{"bank":"88","accountNumber":"1","holderName":"김"}}`,
		`{}`, `{"email":"a@example.com","password":"long enough pw","name":"a"}`,
		`{"email":"a@example.com","password":"x"}`, `{"name":"물","price":1000,"stockQuantity":5,"isDigital":false}`,
		`{"price":-1}`, `{"name":"카드","type":"card","feeRate":3.2}`, `[`, `null`, `{"items":[{"quantity":1e309}]}`,
	} {
		f.Add(uint8(i), []byte(seed))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		tg := targets[int(which)%len(targets)]
		token := cust
		if tg.admin {
			token = admin
		}
		res := a.Do(t, apitest.Request{Method: tg.method, Path: tg.path, Token: token, Body: body})
		requireClean4xx(t, res, tg.method+" "+tg.path)
	})
}

// FuzzQueryFilters sends arbitrary query strings to every list and report
// operation; each answer is a success or a clean problem+json 4xx.
func FuzzQueryFilters(f *testing.F) {
	a, admin, cust, _, _ := fuzzAPI(f)
	targets := []fuzzTarget{
		{http.MethodGet, "/api/products", false},
		{http.MethodGet, "/api/orders", false},
		{http.MethodGet, "/api/orders", true},
		{http.MethodGet, "/api/payment-methods", false},
		{http.MethodGet, "/api/admin/stats", true},
		{http.MethodGet, "/api/admin/settlements", true},
		{http.MethodGet, "/api/admin/reconciliation", true},
	}
	for i, seed := range []string{
		"offset=0&limit=20", "status=paid&limit=100", "q=%27%20OR%201%3D1--", "from=2026-11-01&to=2026-11-30",
		"status=pending%27%3B%20DROP%20TABLE%20orders%3B--", "limit=-1", "offset=99999999999999999999", "date=2026-13-45",
		"from=2026-12-01&to=2026-11-01", "search=%00%ff", "sort=name&order=desc",
	} {
		f.Add(uint8(i), seed)
	}
	f.Fuzz(func(t *testing.T, which uint8, query string) {
		if strings.ContainsAny(query, " #\x7f") || !validQuery(query) {
			t.Skip("not a query string a client can send")
		}
		tg := targets[int(which)%len(targets)]
		token := cust
		if tg.admin {
			token = admin
		}
		res := a.Do(t, apitest.Request{Method: tg.method, Path: tg.path + "?" + query, Token: token})
		requireClean4xx(t, res, tg.path+"?"+query)
	})
}

// validQuery reports whether q survives as the raw query of a URL.
func validQuery(q string) bool {
	for _, r := range q {
		if r < 0x21 || r > 0x7e {
			return false
		}
	}
	u, err := url.Parse("http://x/p?" + q)
	return err == nil && u.RawQuery == q
}

// FuzzWebhookBodies posts arbitrary bodies to the webhook endpoint (answered
// 200, or 400 for a body that is not JSON, and recorded either way), then
// processes the recorded webhook: no input crashes the processing or
// changes the pending order, and (security finding 1) a delivery recorded
// as needing no processing keeps at most an excerpt of its body, one left
// for processing keeps it whole.
//
// The store's River workers are stopped first, so the test's own
// ProcessWebhook call is the one that processes each delivery (with them
// running, a worker raced it, and whenever the worker won the call was a
// no-op) and the coverage of one input does not depend on what the workers
// and their 5 ms poller did meanwhile. That noise made the fuzzer take most
// inputs for new ones and spend its time minimizing them.
func FuzzWebhookBodies(f *testing.F) {
	a, _, _, _, orderID := fuzzAPI(f)
	require.NoError(f, a.DB.StopJobs(context.Background()))
	for _, seed := range []string{
		`{"eventType":"PAYMENT_STATUS_CHANGED","createdAt":"2026-11-27T10:00:00.000000","data":{"paymentKey":"tgen_x","orderId":"` + orderID + `","status":"DONE"}}`,
		`{"createdAt":"2026-11-27T10:00:00.000","secret":"ps_x","orderId":"` + orderID + `","status":"DONE","transactionKey":"t"}`,
		`{"eventType":"DEPOSIT_CALLBACK","data":null}`, `{"eventType":"BILLING_DELETED","data":{"billingKey":"b"}}`,
		`not json`, `{}`, `{"eventType":1}`,
	} {
		f.Add([]byte(seed))
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body []byte) {
		res := a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/payments/webhook", Body: body})
		require.Contains(t, []int{http.StatusOK, http.StatusBadRequest}, res.Status, "%s", res.Body)
		if res.Status == http.StatusBadRequest {
			requireClean4xx(t, res, "webhook")
		}
		id := latestWebhook(t, a)
		var kept *paydeck.Webhook
		require.NoError(t, a.DB.View(ctx, func(tx paydeck.Tx) (err error) {
			kept, err = tx.FindWebhookByID(ctx, id)
			return err
		}))
		if kept.ProcessedAt != nil {
			require.LessOrEqual(t, len(kept.Body), payment.WebhookExcerptBytes)
			require.True(t, bytes.HasPrefix(body, kept.Body), "the excerpt is the start of the body")
		} else {
			require.Equal(t, body, kept.Body)
		}
		processErr := a.Payments.ProcessWebhook(ctx, id) // an error only asks River to retry; a panic fails
		var o *paydeck.Order
		var w *paydeck.Webhook
		require.NoError(t, a.DB.View(ctx, func(tx paydeck.Tx) (err error) {
			if w, err = tx.FindWebhookByID(ctx, id); err != nil {
				return err
			}
			o, err = tx.FindOrderByOrderID(ctx, orderID)
			return err
		}))
		if processErr == nil {
			require.NotNil(t, w.ProcessedAt, "a delivery processed without error is marked processed")
			require.NotEmpty(t, w.Result)
		}
		require.Equal(t, paydeck.OrderPending, o.Status, "a webhook alone never pays an order")
	})
}

// latestWebhook returns the ID of the most recently recorded webhook
// (whichever end of the store's listing holds it).
func latestWebhook(t *testing.T, a *apitest.API) int64 {
	t.Helper()
	ctx := context.Background()
	var latest int64
	require.NoError(t, a.DB.View(ctx, func(tx paydeck.Tx) error {
		_, total, err := tx.FindWebhooks(ctx, paydeck.WebhookFilter{Limit: 1})
		if err != nil {
			return err
		}
		for _, offset := range []int{0, total - 1} {
			hooks, _, err := tx.FindWebhooks(ctx, paydeck.WebhookFilter{Offset: max(offset, 0), Limit: 1})
			if err != nil {
				return err
			}
			for _, h := range hooks {
				latest = max(latest, h.ID)
			}
		}
		return nil
	}))
	require.Positive(t, latest, "every webhook is recorded")
	return latest
}
