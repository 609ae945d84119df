package toss_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss"
)

func TestParseWebhookPaymentStatusChanged(t *testing.T) {
	t.Parallel()
	body := fmt.Appendf(nil, `{"eventType":"PAYMENT_STATUS_CHANGED","createdAt":"2023-07-20T16:35:47.729718","data":%s}`,
		fixture(t, "payment_card_done.json"))

	ev, err := toss.ParseWebhook(body)
	require.NoError(t, err)
	psc, ok := ev.(*toss.PaymentStatusChanged)
	require.True(t, ok)
	require.Equal(t, toss.EventPaymentStatusChanged, ev.EventType())
	require.Equal(t, time.Date(2023, 7, 20, 16, 35, 47, 729718000, toss.KST), psc.CreatedAt)
	require.Equal(t, "tviva20250301101530Qx7Lm", psc.Data.PaymentKey)
	require.Equal(t, toss.StatusDone, psc.Data.Status)
}

func TestParseWebhookDepositCallback(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"by shape (as Toss sends it)": `{"createdAt":"2022-01-01T00:00:00.000000","secret":"ps_Ab12","status":"DONE",
			"transactionKey":"9FF15E1A29D0E77C218F57262BFA4986","orderId":"ord-va-1"}`,
		"with eventType": `{"eventType":"DEPOSIT_CALLBACK","createdAt":"2022-01-01T00:00:00.000000","secret":"ps_Ab12",
			"status":"DONE","transactionKey":"9FF15E1A29D0E77C218F57262BFA4986","orderId":"ord-va-1"}`,
	} {
		ev, err := toss.ParseWebhook([]byte(body))
		require.NoError(t, err, name)
		cb, ok := ev.(*toss.DepositCallback)
		require.True(t, ok, name)
		require.Equal(t, toss.DepositCallback{
			CreatedAt: time.Date(2022, 1, 1, 0, 0, 0, 0, toss.KST), Secret: "ps_Ab12", Status: toss.StatusDone,
			TransactionKey: "9FF15E1A29D0E77C218F57262BFA4986", OrderID: "ord-va-1",
		}, *cb, name)
		require.True(t, toss.VerifyDepositCallback(cb, "ps_Ab12"))
		require.False(t, toss.VerifyDepositCallback(cb, "ps_Ab13"))
		require.False(t, toss.VerifyDepositCallback(cb, "ps_Ab1"))
		require.False(t, toss.VerifyDepositCallback(cb, ""))
	}
	require.False(t, toss.VerifyDepositCallback(&toss.DepositCallback{}, ""), "empty secrets never match")
	require.False(t, toss.VerifyDepositCallback(nil, "x"))
}

func TestParseWebhookOtherEvents(t *testing.T) {
	t.Parallel()
	cancel := `{"eventType":"CANCEL_STATUS_CHANGED","createdAt":"2024-01-02T03:04:05.000001","data":{"transactionKey":"tk",
		"cancelReason":"r","cancelAmount":12.00,"canceledAt":"2024-01-02T03:04:05+09:00","cancelStatus":"ABORTED"}}`
	ev, err := toss.ParseWebhook([]byte(cancel))
	require.NoError(t, err)
	require.Equal(t, toss.CancelAborted, ev.(*toss.CancelStatusChanged).Data.CancelStatus)
	require.Equal(t, toss.Amount(12), ev.(*toss.CancelStatusChanged).Data.CancelAmount)

	ev, err = toss.ParseWebhook([]byte(`{"eventType":"BILLING_DELETED","createdAt":"2024-12-01T00:00:00.000000",
		"data":{"billingKey":"a+b/c=","reason":"삭제 API 요청"}}`))
	require.NoError(t, err)
	bd := ev.(*toss.BillingDeleted)
	require.Equal(t, toss.BillingKey("a+b/c="), bd.BillingKey)
	require.Equal(t, "삭제 API 요청", *bd.Reason)

	ev, err = toss.ParseWebhook([]byte(`{"eventType":"BILLING_DELETED","createdAt":"2024-12-01T00:00:00.000000",
		"data":{"billingKey":"k","reason":null}}`))
	require.NoError(t, err)
	require.Nil(t, ev.(*toss.BillingDeleted).Reason)

	ev, err = toss.ParseWebhook([]byte(`{"eventType":"METHOD_UPDATED","createdAt":"2024-12-01T00:00:00.000000",
		"data":{"customerKey":"c1","methodKey":"m1","status":"ENABLED"}}`))
	require.NoError(t, err)
	require.Equal(t, &toss.MethodUpdated{CreatedAt: time.Date(2024, 12, 1, 0, 0, 0, 0, toss.KST), CustomerKey: "c1", MethodKey: "m1", Status: "ENABLED"}, ev)

	ev, err = toss.ParseWebhook([]byte(`{"eventType":"CUSTOMER_STATUS_CHANGED","createdAt":"2024-12-01T00:00:00.000000",
		"data":{"customerKey":"c1","status":"REMOVED","changedAt":"2024-12-01T09:00:00+09:00"}}`))
	require.NoError(t, err)
	require.Equal(t, "REMOVED", ev.(*toss.CustomerStatusChanged).Status)
	require.Equal(t, time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC).Unix(), ev.(*toss.CustomerStatusChanged).ChangedAt.Unix())

	ev, err = toss.ParseWebhook([]byte(payoutBody))
	require.NoError(t, err)
	pc := ev.(*toss.PayoutChanged)
	require.Equal(t, "FPA_1", pc.Payout.ID)
	require.Equal(t, "COMPLETED", pc.Payout.Status)
	require.Equal(t, toss.PayoutAmount{Currency: "KRW", Value: 5000}, pc.Payout.Amount)
	require.Equal(t, "evt_1", pc.EventID)

	ev, err = toss.ParseWebhook([]byte(`{"eventType":"seller.changed","createdAt":"2024-08-07T22:00:05+09:00","version":"2022-11-16",
		"eventId":"evt_2","entityType":"seller","entityBody":{"id":"seller-1","status":"KYC_REQUIRED","businessType":"INDIVIDUAL"}}`))
	require.NoError(t, err)
	sc := ev.(*toss.SellerChanged)
	require.Equal(t, "seller-1", sc.SellerID)
	require.Equal(t, "KYC_REQUIRED", sc.Status)
	require.Contains(t, string(sc.Raw), "businessType")
}

const payoutBody = `{"eventType":"payout.changed","createdAt":"2024-08-07T22:00:05+09:00","version":"2022-11-16","eventId":"evt_1",
	"entityType":"payout","entityBody":{"id":"FPA_1","refPayoutId":"r1","destination":"seller-1","scheduleType":"SCHEDULED",
	"payoutDate":"2024-08-08","amount":{"currency":"KRW","value":5000.0},"transactionDescription":"정산","requestedAt":"2024-08-07T21:00:00+09:00",
	"status":"COMPLETED","error":null,"metadata":{}}}`

func TestParseWebhookUnknownKeptRaw(t *testing.T) {
	t.Parallel()
	body := `{"eventType":"PAYOUT_STATUS_CHANGED","createdAt":"2024-01-01T00:00:00.000000","data":{"x":1}}`
	ev, err := toss.ParseWebhook([]byte(body))
	require.NoError(t, err)
	u := ev.(*toss.UnknownEvent)
	require.Equal(t, "PAYOUT_STATUS_CHANGED", u.EventType())
	require.JSONEq(t, body, string(u.Raw))
}

func TestParseWebhookInvalid(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		``, `null`, `[]`, `"x"`, `{`, `{"eventType":5}`,
		`{"eventType":"PAYMENT_STATUS_CHANGED","createdAt":"2023-07-20T16:35:47.729718"}`,
		`{"eventType":"PAYMENT_STATUS_CHANGED","data":null}`,
		`{"eventType":"PAYMENT_STATUS_CHANGED","data":{"totalAmount":1.5}}`,
		`{"eventType":"DEPOSIT_CALLBACK","status":"DONE"}`,
		`{"eventType":"BILLING_DELETED","data":"x"}`,
		`{"eventType":"payout.changed"}`,
		`{"eventType":"PAYMENT_STATUS_CHANGED","createdAt":"someday","data":{}}`,
	} {
		_, err := toss.ParseWebhook([]byte(body))
		require.ErrorIs(t, err, toss.ErrInvalidWebhook, body)
	}
}

func TestVerifyWebhookSignature(t *testing.T) {
	t.Parallel()
	key, oldKey := []byte("payout-security-key"), []byte("rotated-out-key")
	body := []byte(payoutBody)
	ts := "2024-08-07T22:00:05+09:00"
	header := func(sig string) http.Header {
		h := http.Header{}
		h.Set("tosspayments-webhook-signature", sig)
		h.Set("tosspayments-webhook-transmission-time", ts)
		return h
	}
	good := toss.SignWebhook(body, ts, key)
	stale := toss.SignWebhook(body, ts, oldKey)

	require.NoError(t, toss.VerifyWebhookSignature(body, header(stale+","+good), key), "either value may match")
	require.NoError(t, toss.VerifyWebhookSignature(body, header(good), key))
	require.ErrorIs(t, toss.VerifyWebhookSignature(body, header(stale), key), toss.ErrInvalidSignature)
	tampered := []byte(strings.Replace(payoutBody, "5000.0", "50000.0", 1))
	require.ErrorIs(t, toss.VerifyWebhookSignature(tampered, header(good), key), toss.ErrInvalidSignature)
	require.ErrorIs(t, toss.VerifyWebhookSignature(body, header("v1:%%%"), key), toss.ErrInvalidSignature)
	require.ErrorIs(t, toss.VerifyWebhookSignature(body, header(strings.TrimPrefix(good, "v1:")), key), toss.ErrInvalidSignature)
	require.ErrorIs(t, toss.VerifyWebhookSignature(body, http.Header{}, key), toss.ErrInvalidSignature)
	require.ErrorIs(t, toss.VerifyWebhookSignature(body, header(good), nil), toss.ErrInvalidSignature)
	h := header(good)
	h.Set("tosspayments-webhook-transmission-time", "2024-08-07T22:00:06+09:00")
	require.ErrorIs(t, toss.VerifyWebhookSignature(body, h, key), toss.ErrInvalidSignature, "the time is signed too")
}

func TestReadWebhookDelivery(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h.Set("tosspayments-webhook-transmission-id", "whtrans_a01j70335nkqqeg0zwzz2r4py9z")
	h.Set("tosspayments-webhook-transmission-time", "2024-09-05T12:19:21+09:00")
	h.Set("tosspayments-webhook-transmission-retried-count", "2")
	d := toss.ReadWebhookDelivery(h)
	require.Equal(t, "whtrans_a01j70335nkqqeg0zwzz2r4py9z", d.TransmissionID)
	require.Equal(t, 2, d.RetriedCount)
	require.Equal(t, time.Date(2024, 9, 5, 3, 19, 21, 0, time.UTC).Unix(), d.TransmissionTime.Unix())
	require.Equal(t, toss.WebhookDelivery{}, toss.ReadWebhookDelivery(http.Header{}))
}

func TestRefetch(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusOK, fixture(t, "payment_card_done.json")))
	ev := &toss.PaymentStatusChanged{Data: toss.Payment{PaymentKey: "tviva20250301101530Qx7Lm", OrderID: "ord-20250301-7Kq2Zp", Status: toss.StatusCanceled}}

	p, err := tb.client.Payments.Refetch(t.Context(), ev)
	require.NoError(t, err)
	require.Equal(t, toss.StatusDone, p.Status, "the fetched status wins over the event's")
	require.Equal(t, "/v1/payments/tviva20250301101530Qx7Lm", tb.requests()[0].RequestURI)

	forged := &toss.PaymentStatusChanged{Data: toss.Payment{PaymentKey: "tviva20250301101530Qx7Lm", OrderID: "someone-elses-order"}}
	_, err = tb.client.Payments.Refetch(t.Context(), forged)
	require.ErrorIs(t, err, toss.ErrWebhookMismatch)
}

func TestRefetchDeposit(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusOK, fixture(t, "payment_va_waiting.json")))

	p, err := tb.client.Payments.RefetchDeposit(t.Context(), &toss.DepositCallback{OrderID: "ord-20250301-Va9xQ1", Secret: "ps_Ab12Cd34Ef56Gh78Ij90Kl12"})
	require.NoError(t, err)
	require.Equal(t, "/v1/payments/orders/ord-20250301-Va9xQ1", tb.requests()[0].RequestURI)
	require.Equal(t, toss.StatusWaitingForDeposit, p.Status)

	_, err = tb.client.Payments.RefetchDeposit(t.Context(), &toss.DepositCallback{OrderID: "ord-20250301-Va9xQ1", Secret: "ps_forged"})
	require.ErrorIs(t, err, toss.ErrWebhookMismatch)
	require.NotContains(t, err.Error(), "ps_")
}

func TestWebhookEventsEncodeWithoutSecrets(t *testing.T) {
	t.Parallel()
	cb := toss.DepositCallback{Secret: "ps_Ab12Cd34", OrderID: "o1", Status: toss.StatusDone}
	for _, s := range []string{fmt.Sprint(cb), fmt.Sprintf("%v %+v %#v %s", cb, cb, cb, cb), fmt.Sprintf("%+v", &cb)} {
		require.NotContains(t, s, "ps_Ab12Cd34")
	}
	b, err := json.Marshal(toss.BillingDeleted{BillingKey: "a+b"})
	require.NoError(t, err)
	require.Contains(t, string(b), `"a+b"`, "JSON (for storage) keeps the real key")
}
