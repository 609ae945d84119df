package toss_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/paydeck/paydeck/toss"
)

// exampleServer stands in for api.tosspayments.com: it answers a confirm and
// a cancel the way Toss does.
func exampleServer() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/payments/confirm", func(w http.ResponseWriter, r *http.Request) {
		body, _ := os.ReadFile("testdata/payment_card_done.json")
		w.Write(body)
	})
	mux.HandleFunc("POST /v1/payments/{paymentKey}/cancel", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Idempotency-Key") == "cancel:tviva20250301101530Qx7Lm:refund-2" {
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"code":"NOT_CANCELABLE_AMOUNT","message":"취소 할 수 없는 금액 입니다."}`)
			return
		}
		body, _ := os.ReadFile("testdata/payment_partial_cancel.json")
		w.Write(body)
	})
	return httptest.NewServer(mux)
}

// Confirm a payment after the buyer's success redirect, with an idempotency
// key derived from the order so a retried job can never confirm twice.
func ExampleClient_confirm() {
	srv := exampleServer()
	defer srv.Close()
	c := toss.NewClient("test_sk_zXLkKEypNArWmo50nX3lmeaxYG5R", toss.WithBaseURL(srv.URL))

	p, err := c.Payments.Confirm(context.Background(), &toss.ConfirmParams{
		PaymentKey: "tviva20250301101530Qx7Lm",
		OrderID:    "ord-20250301-7Kq2Zp",
		Amount:     15000, // compare with your stored order amount first
		Params:     toss.Params{IdempotencyKey: "confirm:ord-20250301-7Kq2Zp"},
	})
	if toss.OutcomeUnknown(err) {
		fmt.Println("re-read the payment with GetByOrderID before deciding")
		return
	}
	if err != nil {
		fmt.Println("confirm failed:", err)
		return
	}
	fmt.Println(p.Status, p.Method, p.TotalAmount, p.ApprovedAt.Format("2006-01-02 15:04"))
	// Output: DONE 카드 15000 2025-03-01 10:16
}

// Cancel part of a payment. Each refund has its own idempotency key; Toss
// errors are branched on by code.
func ExampleClient_cancel() {
	srv := exampleServer()
	defer srv.Close()
	c := toss.NewClient("test_sk_zXLkKEypNArWmo50nX3lmeaxYG5R", toss.WithBaseURL(srv.URL))
	ctx := context.Background()

	p, err := c.Payments.Cancel(ctx, "tviva20250301101530Qx7Lm", &toss.CancelParams{
		CancelReason: "고객 변심",
		CancelAmount: toss.Ptr(toss.Amount(5000)),
		Params:       toss.Params{IdempotencyKey: "cancel:tviva20250301101530Qx7Lm:refund-1"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Status, "balance", p.BalanceAmount, "refunds", len(p.Cancels))

	_, err = c.Payments.Cancel(ctx, "tviva20250301101530Qx7Lm", &toss.CancelParams{
		CancelReason: "고객 변심",
		CancelAmount: toss.Ptr(toss.Amount(50000)),
		Params:       toss.Params{IdempotencyKey: "cancel:tviva20250301101530Qx7Lm:refund-2"},
	})
	if e, ok := errors.AsType[*toss.Error](err); ok && e.Code == toss.CodeNotCancelableAmount {
		fmt.Println("refused:", e.HTTPStatus, e.Code, "retryable:", e.Retryable())
	}
	// Output:
	// PARTIAL_CANCELED balance 10000 refunds 1
	// refused: 403 NOT_CANCELABLE_AMOUNT retryable: false
}

// Verify a virtual-account DEPOSIT_CALLBACK against the secret stored from
// the issue response, in a webhook handler.
func ExampleVerifyDepositCallback() {
	storedSecret := "ps_Ab12Cd34Ef56Gh78Ij90Kl12" // Payment.Secret saved at issue time
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ev, err := toss.ParseWebhook(body)
		if err != nil {
			http.Error(w, "bad webhook", http.StatusBadRequest)
			return
		}
		switch ev := ev.(type) {
		case *toss.DepositCallback:
			if !toss.VerifyDepositCallback(ev, storedSecret) {
				fmt.Println("forged callback for", ev.OrderID)
				http.Error(w, "forbidden", http.StatusForbidden)
				return
			}
			fmt.Println("deposit", ev.Status, "for", ev.OrderID)
		default:
			fmt.Println("ignored", ev.EventType()) // answer 200 or Toss retries for days
		}
	})

	for _, secret := range []string{"ps_Ab12Cd34Ef56Gh78Ij90Kl12", "ps_guess"} {
		body := `{"createdAt":"2025-03-02T09:00:00.000000","secret":"` + secret +
			`","status":"DONE","transactionKey":"9FF15E1A29D0E77C218F57262BFA4986","orderId":"ord-20250301-Va9xQ1"}`
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/webhooks/toss", strings.NewReader(body)))
		fmt.Println(rec.Code)
	}
	// Output:
	// deposit DONE for ord-20250301-Va9xQ1
	// 200
	// forged callback for ord-20250301-Va9xQ1
	// 403
}

// Verify a signed payout webhook by its HMAC signature header.
func ExampleVerifyWebhookSignature() {
	securityKey := []byte("payout-security-key")
	body := []byte(`{"eventType":"payout.changed","createdAt":"2024-08-07T22:00:05+09:00","entityBody":{"id":"FPA_1","status":"COMPLETED"}}`)
	h := http.Header{}
	h.Set("tosspayments-webhook-transmission-time", "2024-08-07T22:00:05+09:00")
	h.Set("tosspayments-webhook-signature", toss.SignWebhook(body, "2024-08-07T22:00:05+09:00", securityKey))

	fmt.Println(toss.VerifyWebhookSignature(body, h, securityKey))
	fmt.Println(toss.VerifyWebhookSignature(append(body, ' '), h, securityKey))
	// Output:
	// <nil>
	// toss: invalid webhook signature
}
