package form

import (
	"net/http"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
)

// Refund is the refund form of a payment.
type Refund struct {
	// Amount is nil for a full refund (the amount field left empty).
	Amount *int64
	Reason string
	// Account is set when the bank, number and holder were filled in.
	Account *payment.RefundAccount
	// IdempotencyKey comes from a hidden field rendered with the form, so a
	// double submit refunds once.
	IdempotencyKey string
}

// ParseRefund reads a posted refund form: amount (optional, positive),
// reason (required), bank/account/holder (all or none), idem.
func ParseRefund(r *http.Request) (Refund, error) {
	f := Refund{Reason: field(r, "reason"), IdempotencyKey: field(r, "idem")}
	if field(r, "amount") != "" {
		n, err := integer(r, "amount", "Refund amount")
		if err != nil {
			return f, err
		}
		if n <= 0 {
			return f, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonRefundAmount, "Refund amount must be positive.")
		}
		f.Amount = &n
	}
	if f.Reason == "" {
		return f, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonRefundReason, "A refund reason is required.")
	}
	bank, number, holder := field(r, "bank"), field(r, "account_number"), field(r, "holder")
	switch filled := bank != "" && number != "" && holder != ""; {
	case filled:
		f.Account = &payment.RefundAccount{Bank: bank, AccountNumber: number, HolderName: holder}
	case number != "" || holder != "":
		return f, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonRefundAccountPart, "Give the refund account's bank, number and holder, or none of them.")
	}
	return f, nil
}

// Input is the payment service's cancel request for f.
func (f Refund) Input() payment.CancelInput {
	return payment.CancelInput{Reason: f.Reason, Amount: f.Amount, RefundAccount: f.Account, IdempotencyKey: f.IdempotencyKey}
}
