package api

import (
	"context"
	"math"
	"net/http"
	"reflect"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
)

type confirmInput struct {
	Body struct {
		PaymentKey string `json:"paymentKey" minLength:"1" maxLength:"200" example:"tgen_20261127ABCDEFGHIJ" doc:"From the success redirect."`
		OrderID    string `json:"orderId" minLength:"6" maxLength:"64" pattern:"^[A-Za-z0-9_-]+$" example:"ORD20261127A1B2C3D4"`
		Amount     int64  `json:"amount" minimum:"0" maximum:"100000000000" example:"16800" doc:"Must equal the order's finalAmount."`
	}
}

type paymentStatusOutput struct {
	Status int
	Body   Payment
}

type paymentKeyInput struct {
	PaymentKey string `path:"paymentKey" minLength:"1" maxLength:"200" example:"tgen_20261127ABCDEFGHIJ"`
}

type paymentOutput struct{ Body Payment }

// RefundReceiveAccount is the bank account a virtual-account refund is paid
// into.
type RefundReceiveAccount struct {
	Bank          string `json:"bank" minLength:"1" maxLength:"20" example:"88" doc:"Toss bank code."`
	AccountNumber string `json:"accountNumber" minLength:"1" maxLength:"20" pattern:"^[0-9-]+$" example:"123456789012"`
	HolderName    string `json:"holderName" minLength:"1" maxLength:"60" example:"김지민"`
}

type cancelPaymentInput struct {
	PaymentKey     string `path:"paymentKey" minLength:"1" maxLength:"200" example:"tgen_20261127ABCDEFGHIJ"`
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"100" example:"refund-7c1e" doc:"Repeating a request with the same key and body returns the first refund; the same key with a different body answers 422."`
	Body           struct {
		CancelReason         string                `json:"cancelReason" minLength:"1" maxLength:"200" example:"고객 변심"`
		CancelAmount         *int64                `json:"cancelAmount,omitempty" minimum:"1" maximum:"100000000000" example:"6900" doc:"Omit for the whole remaining balance."`
		RefundReceiveAccount *RefundReceiveAccount `json:"refundReceiveAccount,omitempty" doc:"Required for deposited virtual-account payments."`
		TaxFreeAmount        *int64                `json:"taxFreeAmount,omitempty" minimum:"0" maximum:"100000000000" example:"0" doc:"Tax-free part of the refund when you know it (say, the refunded lines); omit for paydeck's rule: the balance's tax-free share, round(amount × taxFree ÷ balance), and all of it for the whole balance."`
	}
}

type issueCashReceiptInput struct {
	PaymentKey string `path:"paymentKey" minLength:"1" maxLength:"200" example:"tgen_20261127ABCDEFGHIJ"`
	Body       struct {
		Type               string `json:"type" enum:"소득공제,지출증빙" example:"지출증빙"`
		RegistrationNumber string `json:"registrationNumber" minLength:"1" maxLength:"30" example:"123-45-67890" doc:"소득공제: mobile phone or cash-receipt card number; 지출증빙: business registration number."`
	}
}

// CancelResult is a refund and the payment after it.
type CancelResult struct {
	Refund  Refund  `json:"refund"`
	Payment Payment `json:"payment"`
}

type cancelOutput struct {
	Status int
	Body   CancelResult
}

type webhookInput struct {
	TransmissionID   string `header:"Tosspayments-Webhook-Transmission-Id"`
	TransmissionTime string `header:"Tosspayments-Webhook-Transmission-Time"`
	RetriedCount     string `header:"Tosspayments-Webhook-Transmission-Retried-Count"`
	Signature        string `header:"Tosspayments-Webhook-Signature"`
	RawBody          []byte
}

// WebhookAck acknowledges a recorded webhook delivery.
type WebhookAck struct {
	Status string `json:"status" example:"received"`
}

type webhookOutput struct{ Body WebhookAck }

func (s *server) registerPayments() {
	tags := []string{"Payments"}
	register(s, signedIn, huma.Operation{
		OperationID: "confirmPayment", Method: http.MethodPost, Path: "/api/payments/confirm", Tags: tags,
		Summary: "Confirm an authorized payment",
		Description: "Approves with Toss the payment the shopper authorized for an order. The amount must equal the " +
			"order's finalAmount and the order must be payable, else Toss is not called and the attempt is recorded. " +
			"200 with the done (or waiting_for_deposit) payment; 202 while the outcome is being resolved " +
			"(in_progress; poll GET /api/payments/{paymentKey}). Repeating a finished confirm returns the same payment.",
		Errors:    []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
		Responses: s.accepted(reflect.TypeFor[Payment](), "The outcome is not known yet: the payment is in_progress and a job settles it."),
	}, s.confirm)
	register(s, signedIn, huma.Operation{
		OperationID: "getPayment", Method: http.MethodGet, Path: "/api/payments/{paymentKey}", Tags: tags,
		Summary: "Get a payment", Description: "The payment; admins also get its event trail. Other users' payments answer 404.",
		Errors: []int{http.StatusNotFound},
	}, s.getPayment)
	register(s, signedIn, huma.Operation{
		OperationID: "cancelPayment", Method: http.MethodPost, Path: "/api/payments/{paymentKey}/cancel", Tags: tags,
		Summary: "Refund a payment in full or in part",
		Description: "Cancels cancelAmount (default: the remaining balance) through Toss. Customers may refund their own " +
			"payments before shipping; admins any. Refunds of one payment run one at a time (409 while another is under " +
			"way) and never exceed the balance. 200 with the completed or failed refund; 202 while it is in progress.",
		Errors:    []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
		Responses: s.accepted(reflect.TypeFor[CancelResult](), "The refund is in_progress at Toss; a job settles it."),
	}, s.cancelPayment)
	register(s, adminOnly, huma.Operation{
		OperationID: "issueCashReceipt", Method: http.MethodPost, Path: "/api/payments/{paymentKey}/cash-receipt", Tags: tags,
		Summary: "Issue a cash receipt afterwards",
		Description: "Admins issue a cash receipt (현금영수증) for a paid virtual-account or transfer payment that has none " +
			"standing, for its remaining balance (POST /v1/cash-receipts at Toss). 409 when one stands or Toss refuses.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
	}, s.issueCashReceipt)
	register(s, adminOnly, huma.Operation{
		OperationID: "cancelCashReceipt", Method: http.MethodPost, Path: "/api/payments/{paymentKey}/cash-receipt/cancel", Tags: tags,
		Summary:     "Cancel a cash receipt",
		Description: "Admins cancel what stands of the payment's cash receipt at Toss. 409 when none stands or Toss refuses.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable},
	}, s.cancelCashReceipt)
	register(s, public, huma.Operation{
		OperationID: "receiveWebhook", Method: http.MethodPost, Path: "/api/payments/webhook", Tags: []string{"Webhooks"},
		Summary: "Receive a Toss webhook",
		Description: "Toss posts payment events here. The delivery is recorded and answered 200 at once; a job processes " +
			"one about a payment or order paydeck knows (deposit callbacks are checked against the payment's secret, " +
			"status changes are re-fetched from Toss) and only then is the whole body kept; of any other delivery a " +
			"short excerpt is kept. 400 for a body that is not a JSON object (its excerpt is still recorded); 413 over " +
			"64 KiB; 429 with Retry-After when one client IP sends too many.",
		MaxBodyBytes: WebhookMaxBodyBytes, Errors: []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusTooManyRequests},
	}, s.webhook)
}

// accepted documents the 202 answer of an operation whose body is of type t.
func (s *server) accepted(t reflect.Type, description string) map[string]*huma.Response {
	schema := s.api.OpenAPI().Components.Schemas.Schema(t, true, "")
	return map[string]*huma.Response{"202": {Description: description,
		Content: map[string]*huma.MediaType{"application/json": {Schema: schema}}}}
}

func (s *server) confirm(ctx context.Context, in *confirmInput) (*paymentStatusOutput, error) {
	p, err := s.Payments.Confirm(ctx, actor(ctx), payment.ConfirmInput{PaymentKey: in.Body.PaymentKey,
		OrderID: in.Body.OrderID, Amount: in.Body.Amount})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	orderID := in.Body.OrderID
	if _, n := payment.ParseAttemptOrderID(orderID); n > 1 {
		orderID = s.publicOrderID(ctx, p) // a later attempt's Toss orderId: answer with the order's own
	}
	return &paymentStatusOutput{Status: paymentStatus(p), Body: paymentView(p, orderID, nil)}, nil
}

// paymentStatus is 202 while a payment's outcome is unknown, else 200.
func paymentStatus(p *paydeck.Payment) int {
	if p.Status == paydeck.PaymentInProgress {
		return http.StatusAccepted
	}
	return http.StatusOK
}

func (s *server) getPayment(ctx context.Context, in *paymentKeyInput) (*paymentOutput, error) {
	p, events, err := s.Payments.Payment(ctx, actor(ctx), in.PaymentKey)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &paymentOutput{Body: paymentView(p, s.publicOrderID(ctx, p), events)}, nil
}

func (s *server) cancelPayment(ctx context.Context, in *cancelPaymentInput) (*cancelOutput, error) {
	ci := payment.CancelInput{Reason: in.Body.CancelReason, Amount: in.Body.CancelAmount, IdempotencyKey: in.IdempotencyKey,
		TaxFreeAmount: in.Body.TaxFreeAmount}
	if a := in.Body.RefundReceiveAccount; a != nil {
		ci.RefundAccount = &payment.RefundAccount{Bank: a.Bank, AccountNumber: a.AccountNumber, HolderName: a.HolderName}
	}
	r, p, err := s.Payments.Cancel(ctx, actor(ctx), in.PaymentKey, ci)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	status := http.StatusOK
	if r.Status == paydeck.RefundInProgress || r.Status == paydeck.RefundPending {
		status = http.StatusAccepted
	}
	return &cancelOutput{Status: status, Body: CancelResult{Refund: refundView(r),
		Payment: paymentView(p, s.publicOrderID(ctx, p), nil)}}, nil
}

func (s *server) issueCashReceipt(ctx context.Context, in *issueCashReceiptInput) (*paymentOutput, error) {
	p, err := s.Payments.IssueCashReceipt(ctx, actor(ctx), in.PaymentKey, payment.IssueCashReceiptInput{
		Type: paydeck.CashReceiptType(in.Body.Type), Number: in.Body.RegistrationNumber})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &paymentOutput{Body: paymentView(p, s.publicOrderID(ctx, p), nil)}, nil
}

func (s *server) cancelCashReceipt(ctx context.Context, in *paymentKeyInput) (*paymentOutput, error) {
	p, err := s.Payments.CancelCashReceipt(ctx, actor(ctx), in.PaymentKey)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &paymentOutput{Body: paymentView(p, s.publicOrderID(ctx, p), nil)}, nil
}

// publicOrderID returns the public orderId of p's order, "" if it cannot
// be read (the payment itself was already authorized and read).
// A payment made under its order's own orderId (the first attempt, which
// carries no "-n" suffix) names it without a read.
func (s *server) publicOrderID(ctx context.Context, p *paydeck.Payment) string {
	if p.TossOrderID != "" {
		if _, n := payment.ParseAttemptOrderID(p.TossOrderID); n == 1 {
			return p.TossOrderID
		}
	}
	var id string
	err := s.Store.View(ctx, func(tx paydeck.Tx) error {
		o, err := tx.FindOrderByID(ctx, p.OrderID)
		if err == nil {
			id = o.OrderID
		}
		return err
	})
	if err != nil {
		s.Logger.WarnContext(ctx, "read order of payment", "err", err)
	}
	return id
}

func (s *server) webhook(ctx context.Context, in *webhookInput) (*webhookOutput, error) {
	if ok, wait := s.hooksByIP.Allow(callerFrom(ctx).ip); !ok {
		secs := strconv.Itoa(int(math.Ceil(wait.Seconds())))
		return nil, huma.ErrorWithHeaders(huma.Error429TooManyRequests("Too many webhook deliveries from this address; retry in "+secs+" s."),
			http.Header{"Retry-After": {secs}})
	}
	h := http.Header{}
	for name, v := range map[string]string{"Tosspayments-Webhook-Transmission-Id": in.TransmissionID,
		"Tosspayments-Webhook-Transmission-Time":          in.TransmissionTime,
		"Tosspayments-Webhook-Transmission-Retried-Count": in.RetriedCount,
		"Tosspayments-Webhook-Signature":                  in.Signature} {
		if v != "" {
			h.Set(name, v)
		}
	}
	err := s.Payments.ReceiveWebhook(ctx, in.RawBody, h)
	if paydeck.ErrorCode(err) == paydeck.CodeInvalid { // recorded, but not JSON
		return nil, huma.Error400BadRequest(paydeck.ErrorMessage(err))
	} else if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &webhookOutput{Body: WebhookAck{Status: "received"}}, nil
}
