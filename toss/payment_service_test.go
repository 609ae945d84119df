package toss_test

import (
	"encoding/base64"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss"
)

func TestConfirm(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusOK, fixture(t, "payment_card_done.json")))

	p, err := tb.client.Payments.Confirm(t.Context(), &toss.ConfirmParams{
		PaymentKey: "tviva20250301101530Qx7Lm", OrderID: "ord-20250301-7Kq2Zp", Amount: 15000,
		Params: toss.Params{IdempotencyKey: "confirm:ord-20250301-7Kq2Zp"},
	})
	require.NoError(t, err)

	reqs := tb.requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	require.Equal(t, http.MethodPost, r.Method)
	require.Equal(t, "/v1/payments/confirm", r.RequestURI)
	require.Equal(t, "Basic "+base64.StdEncoding.EncodeToString([]byte(testSecretKey+":")), r.Header.Get("Authorization"))
	require.Equal(t, "confirm:ord-20250301-7Kq2Zp", r.Header.Get("Idempotency-Key"))
	require.Equal(t, "application/json", r.Header.Get("Content-Type"))
	require.Empty(t, r.Header.Get("TossPayments-Test-Code"))
	requireJSONEqual(t, `{"paymentKey":"tviva20250301101530Qx7Lm","orderId":"ord-20250301-7Kq2Zp","amount":15000}`, r.Body)

	require.Equal(t, toss.StatusDone, p.Status)
	require.Equal(t, toss.MethodCard, p.Method)
	require.Equal(t, toss.Amount(15000), p.TotalAmount)
	require.NotNil(t, p.Card)
	require.Equal(t, toss.CardTypeCredit, p.Card.CardType)
}

func TestConfirmTestCodeHeader(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusForbidden, tossError(toss.CodeRejectCardCompany, "카드사 거절")))

	_, err := tb.client.Payments.Confirm(t.Context(), &toss.ConfirmParams{
		PaymentKey: "pk", OrderID: "order-1", Amount: 1000,
		Params: toss.Params{TestCode: toss.CodeRejectCardCompany},
	})
	require.True(t, toss.IsCode(err, toss.CodeRejectCardCompany))
	require.Equal(t, "REJECT_CARD_COMPANY", tb.requests()[0].Header.Get("TossPayments-Test-Code"))
}

func TestGet(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusOK, fixture(t, "payment_va_waiting.json")))

	p, err := tb.client.Payments.Get(t.Context(), "tviva20250301102011Vb3Nc")
	require.NoError(t, err)
	r := tb.requests()[0]
	require.Equal(t, http.MethodGet, r.Method)
	require.Equal(t, "/v1/payments/tviva20250301102011Vb3Nc", r.RequestURI)
	require.Empty(t, r.Header.Get("Idempotency-Key"), "GET carries no idempotency key")
	require.Empty(t, r.Body)
	require.Equal(t, toss.StatusWaitingForDeposit, p.Status)
}

func TestGetByOrderID(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusOK, fixture(t, "payment_card_done.json")))

	p, err := tb.client.Payments.GetByOrderID(t.Context(), "ord-20250301-7Kq2Zp")
	require.NoError(t, err)
	require.Equal(t, "/v1/payments/orders/ord-20250301-7Kq2Zp", tb.requests()[0].RequestURI)
	require.Equal(t, "ord-20250301-7Kq2Zp", p.OrderID)
}

func TestGetNotFound(t *testing.T) {
	t.Parallel()
	tb := setup(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-TossPayments-Trace-Id", "trace-123")
		writeJSON(w, http.StatusNotFound, tossError(toss.CodeNotFoundPayment, "존재하지 않는 결제 정보 입니다."))
	})

	_, err := tb.client.Payments.Get(t.Context(), "nope")
	e, ok := errors.AsType[*toss.Error](err)
	require.True(t, ok)
	require.Equal(t, http.StatusNotFound, e.HTTPStatus)
	require.Equal(t, toss.CodeNotFoundPayment, e.Code)
	require.Equal(t, "trace-123", e.TraceID)
	require.Equal(t, "/v1/payments/{paymentKey}", e.Route)
	require.False(t, e.Retryable())
	require.Len(t, tb.requests(), 1, "a permanent error is not retried")
	require.Equal(t, "toss: GET /v1/payments/{paymentKey}: 404 NOT_FOUND_PAYMENT: 존재하지 않는 결제 정보 입니다. (trace trace-123)", e.Error())
}

func TestCancelFull(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusOK, fixture(t, "payment_card_done.json")))

	_, err := tb.client.Payments.Cancel(t.Context(), "tviva20250301101530Qx7Lm", &toss.CancelParams{
		CancelReason: "고객 변심", Params: toss.Params{IdempotencyKey: "cancel:tviva:r1"},
	})
	require.NoError(t, err)
	r := tb.requests()[0]
	require.Equal(t, http.MethodPost, r.Method)
	require.Equal(t, "/v1/payments/tviva20250301101530Qx7Lm/cancel", r.RequestURI)
	require.Equal(t, "cancel:tviva:r1", r.Header.Get("Idempotency-Key"))
	requireJSONEqual(t, `{"cancelReason":"고객 변심"}`, r.Body)
}

func TestCancelPartial(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusOK, fixture(t, "payment_partial_cancel.json")))

	p, err := tb.client.Payments.Cancel(t.Context(), "tviva20250301101530Qx7Lm", &toss.CancelParams{
		CancelReason: "고객 변심", CancelAmount: toss.Ptr(toss.Amount(5000)), TaxFreeAmount: toss.Ptr(toss.Amount(0)),
	})
	require.NoError(t, err)
	requireJSONEqual(t, `{"cancelReason":"고객 변심","cancelAmount":5000,"taxFreeAmount":0}`, tb.requests()[0].Body)

	require.Equal(t, toss.StatusPartialCanceled, p.Status)
	require.Equal(t, toss.Amount(10000), p.BalanceAmount)
	require.Len(t, p.Cancels, 1)
	c := p.Cancels[0]
	require.Equal(t, toss.Amount(5000), c.CancelAmount)
	require.Equal(t, toss.Amount(10000), c.RefundableAmount)
	require.Equal(t, toss.CancelDone, c.CancelStatus)
	require.Nil(t, c.ReceiptKey)
	require.True(t, c.CanceledAt.Equal(time.Date(2025, 3, 2, 0, 0, 11, 0, time.UTC)))
	require.Equal(t, "txrd_a01jn5w8c3v6b9n2m4q7w1e5r8t", *p.LastTransactionKey)
}

func TestCancelVirtualAccountRefund(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusOK, fixture(t, "payment_va_waiting.json")))

	_, err := tb.client.Payments.Cancel(t.Context(), "tviva20250301102011Vb3Nc", &toss.CancelParams{
		CancelReason: "품절", CancelAmount: toss.Ptr(toss.Amount(10000)),
		RefundReceiveAccount: &toss.RefundReceiveAccount{Bank: "20", AccountNumber: "1002123456789", HolderName: "박토스"},
	})
	require.NoError(t, err)
	requireJSONEqual(t, `{"cancelReason":"품절","cancelAmount":10000,
		"refundReceiveAccount":{"bank":"20","accountNumber":"1002123456789","holderName":"박토스"}}`, tb.requests()[0].Body)
}

func TestKeyIn(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusOK, fixture(t, "payment_card_done.json")))

	p, err := tb.client.Payments.KeyIn(t.Context(), &toss.KeyInParams{
		Amount: 15000, OrderID: "ord-keyin-1", OrderName: "티셔츠",
		CardNumber: "4330123412341234", CardExpirationYear: "29", CardExpirationMonth: "08",
		CustomerIdentityNumber: "881212", CardInstallmentPlan: toss.Ptr(0),
	})
	require.NoError(t, err)
	r := tb.requests()[0]
	require.Equal(t, "/v1/payments/key-in", r.RequestURI)
	require.NotEmpty(t, r.Header.Get("Idempotency-Key"))
	requireJSONEqual(t, `{"amount":15000,"orderId":"ord-keyin-1","orderName":"티셔츠",
		"cardNumber":"4330123412341234","cardExpirationYear":"29","cardExpirationMonth":"08",
		"customerIdentityNumber":"881212","cardInstallmentPlan":0}`, r.Body)
	require.Equal(t, toss.StatusDone, p.Status)
}

func TestInvalidParamsSendNothing(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusOK, []byte(`{}`)))
	c := tb.client
	cx := t.Context()

	calls := map[string]func() error{
		"confirm nil":        func() error { _, err := c.Payments.Confirm(cx, nil); return err },
		"get empty":          func() error { _, err := c.Payments.Get(cx, ""); return err },
		"get by order empty": func() error { _, err := c.Payments.GetByOrderID(cx, ""); return err },
		"cancel empty key": func() error {
			_, err := c.Payments.Cancel(cx, "", &toss.CancelParams{CancelReason: "x"})
			return err
		},
		"cancel nil":      func() error { _, err := c.Payments.Cancel(cx, "pk", nil); return err },
		"key-in nil":      func() error { _, err := c.Payments.KeyIn(cx, nil); return err },
		"va nil":          func() error { _, err := c.VirtualAccounts.Issue(cx, nil); return err },
		"billing auth":    func() error { _, err := c.Billing.IssueByAuthKey(cx, nil); return err },
		"billing card":    func() error { _, err := c.Billing.IssueByCard(cx, nil); return err },
		"charge nil":      func() error { _, err := c.Billing.Charge(cx, "bk", nil); return err },
		"charge empty":    func() error { _, err := c.Billing.Charge(cx, "", &toss.BillingChargeParams{}); return err },
		"delete empty":    func() error { return c.Billing.Delete(cx, "") },
		"receipt nil":     func() error { _, err := c.CashReceipts.Issue(cx, nil); return err },
		"receipt cancel":  func() error { _, err := c.CashReceipts.Cancel(cx, "", nil); return err },
		"refetch nil":     func() error { _, err := c.Payments.Refetch(cx, nil); return err },
		"refetch dep nil": func() error { _, err := c.Payments.RefetchDeposit(cx, nil); return err },
		"long idempotency key": func() error {
			long := make([]byte, toss.MaxIdempotencyKeyLen+1)
			for i := range long {
				long[i] = 'k'
			}
			_, err := c.Payments.Confirm(cx, &toss.ConfirmParams{Params: toss.Params{IdempotencyKey: string(long)}})
			return err
		},
	}
	for name, call := range calls {
		require.ErrorIs(t, call(), toss.ErrInvalidParams, name)
	}
	for _, seq := range []func() error{
		func() error { _, err := first(c.Transactions.List(cx, nil)); return err },
		func() error { _, err := first(c.Settlements.List(cx, nil)); return err },
		func() error { _, err := first(c.CashReceipts.List(cx, nil)); return err },
		func() error {
			_, err := first(c.Transactions.List(cx, &toss.TransactionListParams{Limit: 5}))
			return err
		},
		func() error {
			_, err := first(c.Settlements.List(cx, &toss.SettlementListParams{EndDate: time.Now()}))
			return err
		},
		func() error { _, err := first(c.CashReceipts.List(cx, &toss.CashReceiptListParams{})); return err },
	} {
		require.ErrorIs(t, seq(), toss.ErrInvalidParams)
	}
	require.Empty(t, tb.requests())
}

func TestClientMisconfigured(t *testing.T) {
	t.Parallel()
	_, err := toss.NewClient("").Payments.Get(t.Context(), "pk")
	require.ErrorContains(t, err, "empty secret key")
	_, err = toss.NewClient("test_sk_x", toss.WithBaseURL("not a url")).Payments.Get(t.Context(), "pk")
	require.ErrorContains(t, err, "not an absolute URL")
}

func TestBaseURLWithPathPrefix(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusOK, fixture(t, "payment_card_done.json")))
	c := toss.NewClient(testSecretKey, toss.WithBaseURL(tb.server.URL+"/toss/"))
	_, err := c.Payments.Get(t.Context(), "a/b")
	require.NoError(t, err)
	require.Equal(t, "/toss/v1/payments/a%2Fb", tb.requests()[0].RequestURI)
}

// countingTransport counts the requests that go through it.
type countingTransport struct{ n atomic.Int32 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func TestWithHTTPClient(t *testing.T) {
	t.Parallel()
	rt := &countingTransport{}
	tb := setup(t, replyJSON(http.StatusOK, fixture(t, "payment_card_done.json")), toss.WithHTTPClient(&http.Client{Transport: rt}))

	_, err := tb.client.Payments.Get(t.Context(), "pk")
	require.NoError(t, err)
	require.Equal(t, int32(1), rt.n.Load())
	require.Equal(t, "paydeck-toss-go", tb.requests()[0].Header.Get("User-Agent"))
	require.Equal(t, "application/json", tb.requests()[0].Header.Get("Accept"))
}
