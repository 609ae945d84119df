package toss_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss"
	"github.com/paydeck/paydeck/toss/sandbox"
)

// sandboxBundle is the client talking over real HTTP to toss/sandbox, plus
// a webhook receiver the sandbox delivers to.
type sandboxBundle struct {
	client *toss.Client
	url    string

	mu       sync.Mutex
	webhooks [][]byte
}

func setupSandbox(t *testing.T, opts ...toss.Option) *sandboxBundle {
	t.Helper()
	sb := &sandboxBundle{}
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sb.mu.Lock()
		sb.webhooks = append(sb.webhooks, body)
		sb.mu.Unlock()
	}))
	t.Cleanup(receiver.Close)
	srv, err := sandbox.New(sandbox.Options{WebhookURL: receiver.URL})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close()
		require.NoError(t, srv.Close())
	})
	sb.url = ts.URL
	base := []toss.Option{toss.WithBaseURL(ts.URL), toss.WithBackoff(0, 0)}
	sb.client = toss.NewClient(sandbox.DocsSecretKey, append(base, opts...)...)
	return sb
}

// control calls the sandbox control API and decodes its answer into out.
func (sb *sandboxBundle) control(t *testing.T, method, path string, body any, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, sb.url+path, rd)
	require.NoError(t, err)
	req.SetBasicAuth(sandbox.DocsSecretKey, "")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s %s: %s", method, path, data)
	if out != nil {
		require.NoError(t, json.Unmarshal(data, out))
	}
}

// authorize makes an IN_PROGRESS payment, as the payment window would.
func (sb *sandboxBundle) authorize(t *testing.T, orderID string, amount toss.Amount, method string) string {
	t.Helper()
	var out struct {
		PaymentKey string `json:"paymentKey"`
	}
	sb.control(t, http.MethodPost, "/v1/sandbox/authorize",
		map[string]any{"orderId": orderID, "amount": amount, "orderName": "통합 테스트 주문", "method": method}, &out)
	require.NotEmpty(t, out.PaymentKey)
	return out.PaymentKey
}

// advance moves the sandbox clock forward.
func (sb *sandboxBundle) advance(t *testing.T, seconds int64) {
	t.Helper()
	sb.control(t, http.MethodPost, "/v1/sandbox/clock/advance", map[string]int64{"seconds": seconds}, nil)
}

// events flushes the sandbox's webhook queue and parses what was delivered.
func (sb *sandboxBundle) events(t *testing.T) []toss.WebhookEvent {
	t.Helper()
	sb.control(t, http.MethodPost, "/v1/sandbox/webhooks/flush", nil, nil)
	sb.mu.Lock()
	defer sb.mu.Unlock()
	var out []toss.WebhookEvent
	for _, body := range sb.webhooks {
		ev, err := toss.ParseWebhook(body)
		require.NoError(t, err, "%s", body)
		out = append(out, ev)
	}
	return out
}

func TestSandboxConfirmGetCancel(t *testing.T) {
	t.Parallel()
	sb := setupSandbox(t)
	c, cx := sb.client, t.Context()
	pk := sb.authorize(t, "it-card-000001", 15000, "CARD")

	p, err := c.Payments.Confirm(cx, &toss.ConfirmParams{PaymentKey: pk, OrderID: "it-card-000001", Amount: 15000,
		Params: toss.Params{IdempotencyKey: "confirm:it-card-000001"}})
	require.NoError(t, err)
	require.Equal(t, toss.StatusDone, p.Status)
	require.Equal(t, toss.MethodCard, p.Method)
	require.Equal(t, toss.Amount(15000), p.BalanceAmount)
	require.NotNil(t, p.Card)
	require.NotNil(t, p.ApprovedAt)

	// The same key replays the first answer; a new key is a second confirm.
	replay, err := c.Payments.Confirm(cx, &toss.ConfirmParams{PaymentKey: pk, OrderID: "it-card-000001", Amount: 15000,
		Params: toss.Params{IdempotencyKey: "confirm:it-card-000001"}})
	require.NoError(t, err)
	require.Equal(t, p.LastTransactionKey, replay.LastTransactionKey)
	_, err = c.Payments.Confirm(cx, &toss.ConfirmParams{PaymentKey: pk, OrderID: "it-card-000001", Amount: 15000})
	require.True(t, toss.IsCode(err, toss.CodeAlreadyProcessedPayment), "%v", err)
	require.True(t, toss.OutcomeUnknown(err))

	got, err := c.Payments.Get(cx, pk)
	require.NoError(t, err)
	require.Equal(t, p.PaymentKey, got.PaymentKey)
	byOrder, err := c.Payments.GetByOrderID(cx, "it-card-000001")
	require.NoError(t, err)
	require.Equal(t, pk, byOrder.PaymentKey)

	part, err := c.Payments.Cancel(cx, pk, &toss.CancelParams{CancelReason: "부분 환불", CancelAmount: toss.Ptr(toss.Amount(5000)),
		Params: toss.Params{IdempotencyKey: "cancel:" + pk + ":r1"}})
	require.NoError(t, err)
	require.Equal(t, toss.StatusPartialCanceled, part.Status)
	require.Equal(t, toss.Amount(10000), part.BalanceAmount)
	require.Len(t, part.Cancels, 1)
	require.Equal(t, toss.Amount(5000), part.Cancels[0].CancelAmount)

	// A second cancel within a second is refused as consecutive; it is
	// temporary, so the client retried (here without waiting) and gave up.
	over := &toss.CancelParams{CancelReason: "과다 환불", CancelAmount: toss.Ptr(toss.Amount(20000))}
	_, err = c.Payments.Cancel(cx, pk, over)
	require.True(t, toss.IsCode(err, toss.CodeForbiddenConsecutiveRequest), "%v", err)
	sb.advance(t, 2)
	_, err = c.Payments.Cancel(cx, pk, over)
	e, ok := errors.AsType[*toss.Error](err)
	require.True(t, ok, "%v", err)
	require.False(t, e.Retryable(), "%v", err)
	require.Equal(t, http.StatusForbidden, e.HTTPStatus)
	require.NotEmpty(t, e.TraceID)
	sb.advance(t, 2)

	full, err := c.Payments.Cancel(cx, pk, &toss.CancelParams{CancelReason: "나머지 환불", Params: toss.Params{IdempotencyKey: "cancel:" + pk + ":r2"}})
	require.NoError(t, err)
	require.Equal(t, toss.StatusCanceled, full.Status)
	require.Zero(t, full.BalanceAmount)
	require.Len(t, full.Cancels, 2)

	var statuses []toss.PaymentStatus
	for _, ev := range sb.events(t) {
		if psc, ok := ev.(*toss.PaymentStatusChanged); ok {
			statuses = append(statuses, psc.Data.Status)
			fetched, err := c.Payments.Refetch(cx, psc)
			require.NoError(t, err)
			require.Equal(t, toss.StatusCanceled, fetched.Status)
		}
	}
	require.Contains(t, statuses, toss.StatusDone)
	require.Contains(t, statuses, toss.StatusCanceled)
}

func TestSandboxConfirmSessionExpired(t *testing.T) {
	t.Parallel()
	sb := setupSandbox(t)
	pk := sb.authorize(t, "it-expire-00001", 1000, "CARD")
	sb.advance(t, 11*60)

	_, err := sb.client.Payments.Confirm(t.Context(), &toss.ConfirmParams{PaymentKey: pk, OrderID: "it-expire-00001", Amount: 1000})
	require.True(t, toss.IsCode(err, toss.CodeNotFoundPaymentSession), "%v", err)
}

func TestSandboxRetriesOverHTTP(t *testing.T) {
	t.Parallel()
	// Enough retries for a loaded machine, where the hung first attempt may
	// still hold the key (409 IDEMPOTENT_REQUEST_PROCESSING) for a while.
	sb := setupSandbox(t, toss.WithTimeout(300*time.Millisecond), toss.WithMaxRetries(8))
	pk := sb.authorize(t, "it-retry-000001", 3000, "CARD")
	// The first attempt hangs (nothing processed) until the client's attempt
	// timeout; the second is processed but its answer is lost. The third, with
	// the same key, must get the stored DONE, not ALREADY_PROCESSED_PAYMENT.
	sb.control(t, http.MethodPut, "/v1/sandbox/faults", map[string]any{"faults": []map[string]any{
		{"operation": "confirm", "hang": true, "times": 1},
		{"operation": "confirm", "approveThenDrop": true, "times": 1},
	}}, nil)

	p, err := sb.client.Payments.Confirm(t.Context(), &toss.ConfirmParams{PaymentKey: pk, OrderID: "it-retry-000001", Amount: 3000})
	require.NoError(t, err)
	require.Equal(t, toss.StatusDone, p.Status)
	require.Equal(t, toss.Amount(3000), p.TotalAmount)
}

func TestSandboxIdempotentRequestProcessing(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	sb := setupSandbox(t, toss.WithBackoff(100*time.Millisecond, 200*time.Millisecond),
		toss.WithLogger(slog.New(slog.NewJSONHandler(logs, nil))))
	pk := sb.authorize(t, "it-busy-0000001", 3000, "CARD")
	// Whichever request arrives first takes 150 ms; the other, sent with the
	// same key meanwhile, gets 409 IDEMPOTENT_REQUEST_PROCESSING, waits, and
	// then receives the stored result.
	sb.control(t, http.MethodPut, "/v1/sandbox/faults", map[string]any{"faults": []map[string]any{
		{"operation": "confirm", "latencyMs": 150, "times": 1},
	}}, nil)

	params := &toss.ConfirmParams{PaymentKey: pk, OrderID: "it-busy-0000001", Amount: 3000,
		Params: toss.Params{IdempotencyKey: "confirm:it-busy-0000001"}}
	results := make(chan *toss.Payment, 2)
	for range 2 {
		go func() {
			p, err := sb.client.Payments.Confirm(t.Context(), params)
			if err != nil {
				t.Error(err)
			}
			results <- p
		}()
	}
	a, b := <-results, <-results
	require.NotNil(t, a)
	require.NotNil(t, b)
	require.Equal(t, toss.StatusDone, a.Status)
	require.Equal(t, *a.LastTransactionKey, *b.LastTransactionKey, "one approval, answered twice")
	require.Contains(t, logs.String(), "temporary error 409 IDEMPOTENT_REQUEST_PROCESSING")
}

func TestSandboxTestCodeHeader(t *testing.T) {
	t.Parallel()
	sb := setupSandbox(t)
	pk := sb.authorize(t, "it-testcode-001", 3000, "CARD")

	_, err := sb.client.Payments.Confirm(t.Context(), &toss.ConfirmParams{PaymentKey: pk, OrderID: "it-testcode-001", Amount: 3000,
		Params: toss.Params{TestCode: toss.CodeRejectCardCompany}})
	require.True(t, toss.IsCode(err, toss.CodeRejectCardCompany), "%v", err)
}

func TestSandboxVirtualAccount(t *testing.T) {
	t.Parallel()
	sb := setupSandbox(t)
	c, cx := sb.client, t.Context()

	p, err := c.VirtualAccounts.Issue(cx, &toss.VirtualAccountParams{Amount: 30000, OrderID: "it-va-0000001", OrderName: "캠핑 의자",
		CustomerName: "박토스", Bank: "20", ValidHours: toss.Ptr(24)})
	require.NoError(t, err)
	require.Equal(t, toss.StatusWaitingForDeposit, p.Status)
	require.Equal(t, toss.MethodVirtualAccount, p.Method)
	require.NotNil(t, p.VirtualAccount)
	require.Equal(t, "20", p.VirtualAccount.BankCode)
	require.NotNil(t, p.Secret)
	require.WithinDuration(t, p.RequestedAt.Add(24*time.Hour), p.VirtualAccount.DueDate, time.Minute)

	_, err = c.Payments.Cancel(cx, p.PaymentKey, &toss.CancelParams{CancelReason: "부분", CancelAmount: toss.Ptr(toss.Amount(1000))})
	require.True(t, toss.IsCode(err, toss.CodeNotAllowedPartialRefundWaiting), "%v", err)

	sb.control(t, http.MethodPost, "/v1/sandbox/virtual-accounts/"+p.PaymentKey+"/deposit", map[string]string{"depositorName": "박토스"}, nil)
	var deposit *toss.DepositCallback
	for _, ev := range sb.events(t) {
		if cb, ok := ev.(*toss.DepositCallback); ok && cb.Status == toss.StatusDone {
			deposit = cb
		}
	}
	require.NotNil(t, deposit, "the sandbox sent a DONE deposit callback")
	require.True(t, toss.VerifyDepositCallback(deposit, *p.Secret))
	paid, err := c.Payments.RefetchDeposit(cx, deposit)
	require.NoError(t, err)
	require.Equal(t, toss.StatusDone, paid.Status)

	refunded, err := c.Payments.Cancel(cx, p.PaymentKey, &toss.CancelParams{CancelReason: "환불", CancelAmount: toss.Ptr(toss.Amount(10000)),
		RefundReceiveAccount: &toss.RefundReceiveAccount{Bank: "88", AccountNumber: "110123456789", HolderName: "박토스"}})
	require.NoError(t, err)
	require.Equal(t, toss.StatusPartialCanceled, refunded.Status)
	require.Equal(t, toss.Amount(20000), refunded.BalanceAmount)
}

func TestSandboxBilling(t *testing.T) {
	t.Parallel()
	sb := setupSandbox(t)
	c, cx := sb.client, t.Context()
	var auth struct {
		AuthKey string `json:"authKey"`
	}
	sb.control(t, http.MethodPost, "/v1/sandbox/billing/auth-keys", map[string]string{"customerKey": "cust-it-0001"}, &auth)

	b, err := c.Billing.IssueByAuthKey(cx, &toss.BillingAuthKeyParams{AuthKey: auth.AuthKey, CustomerKey: "cust-it-0001"})
	require.NoError(t, err)
	require.NotEmpty(t, b.BillingKey)
	require.Equal(t, "cust-it-0001", b.CustomerKey)

	p, err := c.Billing.Charge(cx, b.BillingKey, &toss.BillingChargeParams{Amount: 9900, CustomerKey: "cust-it-0001",
		OrderID: "it-sub-0000001", OrderName: "월 구독"})
	require.NoError(t, err)
	require.Equal(t, toss.StatusDone, p.Status)
	require.Equal(t, toss.PaymentTypeBilling, p.Type)

	_, err = c.Billing.Charge(cx, b.BillingKey, &toss.BillingChargeParams{Amount: 9900, CustomerKey: "someone-else",
		OrderID: "it-sub-0000002", OrderName: "월 구독"})
	require.True(t, toss.IsCode(err, toss.CodeNotMatchesCustomerKey), "%v", err)

	require.NoError(t, c.Billing.Delete(cx, b.BillingKey))
	_, err = c.Billing.Charge(cx, b.BillingKey, &toss.BillingChargeParams{Amount: 9900, CustomerKey: "cust-it-0001",
		OrderID: "it-sub-0000003", OrderName: "월 구독"})
	require.Error(t, err)
	require.NotContains(t, err.Error(), string(b.BillingKey))

	card, err := c.Billing.IssueByCard(cx, &toss.BillingCardParams{CustomerKey: "cust-it-0002", CardNumber: "4330123412345678",
		CardExpirationYear: "29", CardExpirationMonth: "08", CustomerIdentityNumber: "881212"})
	require.NoError(t, err)
	require.NotEmpty(t, card.BillingKey)
}

func TestSandboxKeyInAndLists(t *testing.T) {
	t.Parallel()
	sb := setupSandbox(t)
	c, cx := sb.client, t.Context()

	p, err := c.Payments.KeyIn(cx, &toss.KeyInParams{Amount: 12000, OrderID: "it-keyin-000001", OrderName: "키인 결제",
		CardNumber: "4330123412345678", CardExpirationYear: "29", CardExpirationMonth: "08", CustomerIdentityNumber: "881212"})
	require.NoError(t, err)
	require.Equal(t, toss.StatusDone, p.Status)

	start := p.RequestedAt.Add(-time.Hour)
	txs, err := collect(c.Transactions.List(cx, &toss.TransactionListParams{StartDate: start, EndDate: start.Add(2 * time.Hour), Limit: 1}))
	require.NoError(t, err)
	require.NotEmpty(t, txs)
	require.Equal(t, p.PaymentKey, txs[0].PaymentKey)

	_, err = collect(c.Settlements.List(cx, &toss.SettlementListParams{StartDate: start, EndDate: start}))
	require.NoError(t, err)

	cr, err := c.CashReceipts.Issue(cx, &toss.CashReceiptParams{Amount: 10000, OrderID: "it-cr-00000001", OrderName: "책",
		Type: toss.CashReceiptIncomeDeduction, CustomerIdentityNumber: "01012345678"})
	require.NoError(t, err)
	canceled, err := c.CashReceipts.Cancel(cx, cr.ReceiptKey, nil)
	require.NoError(t, err)
	require.Equal(t, toss.CashReceiptCancel, canceled.TransactionType)
	receipts, err := collect(c.CashReceipts.List(cx, &toss.CashReceiptListParams{RequestDate: time.Now(), Limit: 1}))
	require.NoError(t, err)
	require.NotEmpty(t, receipts)
}
