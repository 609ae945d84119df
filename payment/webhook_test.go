package payment_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/store/storetest"
)

// post sends a webhook body to paydeck's endpoint as anyone could.
func post(t *testing.T, env *apptest.Env, body string) int {
	t.Helper()
	resp, err := http.Post(env.WebhookURL, "application/json", bytes.NewBufferString(body))
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	return resp.StatusCode
}

// results maps each recorded webhook's result prefix to its count.
func results(t *testing.T, env *apptest.Env) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, w := range env.ReceivedWebhooks(t) {
		kind, _, _ := strings.Cut(w.Result, ":")
		m[kind]++
	}
	return m
}

// logBuffer collects log output from several goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestVirtualAccountFlow(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			logs := &logBuffer{}
			testVirtualAccountFlow(t, apptest.New(t, engine, apptest.WithLogger(slog.New(slog.NewTextHandler(logs, nil)))), logs)
		})
	}
}

func testVirtualAccountFlow(t *testing.T, env *apptest.Env, logs *logBuffer) {
	u := env.Customer(t)
	o, p := confirmed(t, env, u, "VIRTUAL_ACCOUNT")
	require.Equal(t, paydeck.PaymentWaitingForDeposit, p.Status)
	require.Equal(t, paydeck.MethodVirtualAccount, p.Method)
	require.NotNil(t, p.VirtualAccount)
	require.NotEmpty(t, p.VirtualAccount.AccountNumber)
	require.NotEmpty(t, p.VirtualAccount.BankCode)
	require.True(t, p.VirtualAccount.DueDate.After(env.Clock.Now().Add(24*time.Hour)))
	require.NotEmpty(t, p.Secret)
	got := env.OrderByID(t, o.ID)
	require.Equal(t, paydeck.OrderPending, got.Status)
	require.WithinDuration(t, p.VirtualAccount.DueDate, got.ExpiresAt, time.Second, "the order waits until the due date")
	env.WebhooksSettled(t)

	// Spoofed deliveries change nothing: a deposit callback with a wrong
	// secret, and a status change claiming DONE (re-fetched: still waiting).
	require.Equal(t, http.StatusOK, post(t, env, `{"createdAt":"2026-01-01T00:00:00.000000","secret":"ps_forged","status":"DONE","transactionKey":"tx","orderId":"`+o.OrderID+`"}`))
	require.Equal(t, http.StatusOK, post(t, env, `{"eventType":"PAYMENT_STATUS_CHANGED","createdAt":"2026-01-01T00:00:00.000000","data":{"paymentKey":"`+p.PaymentKey+`","orderId":"`+o.OrderID+`","status":"DONE","totalAmount":`+itoa(o.FinalAmount)+`}}`))
	require.Equal(t, http.StatusBadRequest, post(t, env, `not json`))
	env.WebhooksSettled(t)
	require.Equal(t, paydeck.PaymentWaitingForDeposit, env.PaymentByKey(t, p.PaymentKey).Status)
	require.Equal(t, paydeck.OrderPending, env.OrderByID(t, o.ID).Status)
	r := results(t, env)
	require.Equal(t, 2, r["rejected"], "forged secret and non-JSON body: %v", r)
	require.Contains(t, logs.String(), "secret mismatch", "spoofed deliveries are logged")
	require.NotContains(t, logs.String(), p.Secret, "the secret is never logged")

	env.Deposit(t, p.PaymentKey)
	apptest.WaitFor(t, "deposit applied", func() bool { return env.PaymentByKey(t, p.PaymentKey).Status == paydeck.PaymentDone })
	env.WebhooksSettled(t)
	require.Equal(t, paydeck.OrderPaid, env.OrderByID(t, o.ID).Status)
	types := env.EventTypes(t, o.ID)
	require.Equal(t, []string{"created", "confirm_requested", "virtual_account_issued", "deposit_received"}, types)
}

func TestVirtualAccountExpires(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o, p := confirmed(t, env, u, "VIRTUAL_ACCOUNT")
		stock := env.ProductByID(t, o.Items[0].ProductID).StockQuantity
		require.NoError(t, env.Payments.ExpireVirtualAccount(ctx, p.ID))
		require.NoError(t, env.Payments.ExpireOrder(ctx, o.ID))
		require.Equal(t, paydeck.PaymentWaitingForDeposit, env.PaymentByKey(t, p.PaymentKey).Status, "not yet due")

		env.Clock.Advance(8 * 24 * time.Hour) // past the 7-day due date
		require.NoError(t, env.Payments.Sweep(ctx))
		require.Equal(t, paydeck.PaymentExpired, env.PaymentByKey(t, p.PaymentKey).Status)
		require.Equal(t, paydeck.OrderExpired, env.OrderByID(t, o.ID).Status)
		require.Equal(t, stock+1, env.ProductByID(t, o.Items[0].ProductID).StockQuantity)
		require.NoError(t, env.Payments.Sweep(ctx))
		require.Equal(t, []string{"created", "confirm_requested", "virtual_account_issued", "expired", "expired"}, env.EventTypes(t, o.ID))
	})
}

// TestWebhooksDuplicatedAndOutOfOrder: every webhook of the order is sent
// twice and held back until the next one: the end state is still right and
// no event is recorded twice.
func TestWebhooksDuplicatedAndOutOfOrder(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 1))
		key := env.Authorize(t, o, "VIRTUAL_ACCOUNT")
		env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","duplicateWebhook":true},{"orderId":"`+o.OrderID+`","outOfOrderWebhook":true}]`)
		p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.NoError(t, err)
		env.Deposit(t, key)
		env.Clock.Advance(2 * time.Minute) // releases held deliveries
		env.WebhooksSettled(t)
		apptest.WaitFor(t, "paid", func() bool { return env.PaymentByKey(t, key).Status == paydeck.PaymentDone })
		env.Clock.Advance(2 * time.Second)
		_, _, err = env.Payments.Cancel(ctx, apptest.As(u), key, payment.CancelInput{Reason: "r", Amount: ptr(int64(3000)),
			RefundAccount: &payment.RefundAccount{Bank: "20", AccountNumber: "1002003004005", HolderName: "홍길동"}})
		require.NoError(t, err)
		env.Clock.Advance(2 * time.Minute)
		env.WebhooksSettled(t)

		ids := map[string]int{}
		for _, a := range env.Webhooks(t) {
			ids[a.TransmissionID]++
		}
		dup := 0
		for _, n := range ids {
			if n > 1 {
				dup++
			}
		}
		require.Positive(t, dup, "the sandbox delivered duplicates")
		require.GreaterOrEqual(t, len(env.ReceivedWebhooks(t)), 8)

		got := env.PaymentByKey(t, p.PaymentKey)
		require.Equal(t, paydeck.PaymentPartialCanceled, got.Status)
		require.Equal(t, o.FinalAmount-3000, got.BalanceAmount)
		require.Equal(t, paydeck.OrderPartialRefunded, env.OrderByID(t, o.ID).Status)
		require.Equal(t, []string{"created", "confirm_requested", "virtual_account_issued", "deposit_received",
			"refund_requested", "refund_completed"}, env.EventTypes(t, o.ID))
		require.Zero(t, results(t, env)["rejected"])
	})
}

// TestWebhookThatChangesNothing: Toss's PAYMENT_STATUS_CHANGED for an
// approval reaches paydeck while the confirm that caused it is still being
// recorded. The delivery waits for that confirm, then is recorded as
// processed at once ("unchanged"): no job, no Toss look-up. A claim that
// would change nothing even if true (a forged ABORTED for a done payment)
// is handled the same way; one that would change something (DONE for a
// payment still in progress) is processed and re-fetched as before.
func TestWebhookThatChangesNothing(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o, p := confirmed(t, env, u, "CARD")
		require.Equal(t, paydeck.PaymentDone, p.Status)
		env.FlushWebhooks(t)
		env.WebhooksSettled(t)
		hooks := env.ReceivedWebhooks(t)
		require.Len(t, hooks, 1)
		require.Equal(t, "PAYMENT_STATUS_CHANGED", hooks[0].EventType)
		require.Equal(t, "unchanged: Toss DONE claimed, local done already", hooks[0].Result)
		require.NotNil(t, hooks[0].ProcessedAt)
		require.Empty(t, env.TossCalls("GET", "/v1/payments/"+p.PaymentKey), "no look-up at Toss")

		forged := `{"eventType":"PAYMENT_STATUS_CHANGED","createdAt":"2026-11-27T10:00:00.000000","data":{"paymentKey":"` +
			p.PaymentKey + `","orderId":"` + o.OrderID + `","status":"ABORTED","totalAmount":` + strconv.FormatInt(o.FinalAmount, 10) + `}}`
		require.Equal(t, http.StatusOK, post(t, env, forged))
		env.WebhooksSettled(t)
		hooks = env.ReceivedWebhooks(t)
		require.Len(t, hooks, 2)
		require.Equal(t, 2, results(t, env)["unchanged"], "%v", results(t, env))
		require.Empty(t, env.TossCalls("GET", "/v1/payments/"+p.PaymentKey))
		require.Equal(t, paydeck.PaymentDone, env.PaymentByKey(t, p.PaymentKey).Status)

		// A paymentKey paydeck never recorded: not one of its payments.
		stranger := `{"eventType":"PAYMENT_STATUS_CHANGED","createdAt":"2026-11-27T10:00:00.000000","data":{"paymentKey":"tviva-not-ours","orderId":"` +
			o.OrderID + `","status":"DONE","totalAmount":1000}}`
		require.Equal(t, http.StatusOK, post(t, env, stranger))
		env.WebhooksSettled(t)
		require.Equal(t, 1, results(t, env)["ignored"], "%v", results(t, env))
		require.Empty(t, env.TossCalls("GET", "/v1/payments/tviva-not-ours"))

		// A claim that would change the payment is checked with Toss.
		o2 := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 1))
		key2 := env.Authorize(t, o2, "CARD")
		require.NoError(t, env.DB.Update(ctx, func(tx paydeck.Tx) error {
			return tx.CreatePayment(ctx, &paydeck.Payment{PaymentKey: key2, OrderID: o2.ID, Status: paydeck.PaymentInProgress,
				Amount: o2.FinalAmount, ExpiresAt: &o2.ExpiresAt})
		}))
		claim := `{"eventType":"PAYMENT_STATUS_CHANGED","createdAt":"2026-11-27T10:00:00.000000","data":{"paymentKey":"` +
			key2 + `","orderId":"` + o2.OrderID + `","status":"DONE","totalAmount":` + strconv.FormatInt(o2.FinalAmount, 10) + `}}`
		require.Equal(t, http.StatusOK, post(t, env, claim))
		env.WebhooksSettled(t)
		require.Len(t, env.TossCalls("GET", "/v1/payments/"+key2), 1, "re-fetched")
		require.Equal(t, paydeck.PaymentInProgress, env.PaymentByKey(t, key2).Status, "Toss has not approved it")
		hooks = env.ReceivedWebhooks(t)
		require.Len(t, hooks, 4)
		require.Contains(t, []string{hooks[0].Result, hooks[3].Result}, "applied: Toss IN_PROGRESS, local in_progress")
	})
}

// TestWebhookWithNULCharacters: JSON may escape U+0000, which text columns
// refuse (PostgreSQL) or truncate at. Such deliveries are still recorded
// (answer 200, so Toss does not retry them for days) and rejected, with no
// job left retrying them.
func TestWebhookWithNULCharacters(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		for _, body := range []string{
			`{"eventType":"PAYMENT_STATUS\u0000_CHANGED","createdAt":"2026-11-27T10:00:00.000000","data":{"paymentKey":"k1","status":"DONE"}}`,
			`{"eventType":"PAYMENT_STATUS_CHANGED","createdAt":"2026-11-27T10:00:00.000000","data":{"paymentKey":"k\u00002","orderId":"o","status":"DONE"}}`,
			`{"createdAt":"2026-11-27T10:00:00.000000","secret":"s","status":"DONE","transactionKey":"t","orderId":"ORD\u0000X"}`,
		} {
			require.Equal(t, http.StatusOK, post(t, env, body), body)
		}
		env.WebhooksSettled(t)
		hooks := env.ReceivedWebhooks(t)
		require.Len(t, hooks, 3)
		for _, w := range hooks {
			require.NotNil(t, w.ProcessedAt, "%s", w.Body)
			require.NotContains(t, w.EventType, "\x00")
		}
		r := results(t, env)
		require.Equal(t, 3, r["rejected"]+r["ignored"], "%v", r)
		require.Positive(t, r["rejected"], "%v", r)
	})
}
