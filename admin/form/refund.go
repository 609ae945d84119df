package form

import (
	"net/http"
	"slices"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
)

// RefundScope is what a refund form asks for: all that is left, or an
// amount. There is no default: an empty amount is never read as
// "everything".
type RefundScope string

// Refund scopes.
const (
	RefundFull    RefundScope = "full"
	RefundPartial RefundScope = "partial"
)

// RefundPreset is a reason the refund form offers; Text is what is
// recorded and sent to Toss as cancelReason, Key names its label.
type RefundPreset struct{ Key, Text string }

// RefundPresets are the offered reasons, "기타" (other) last: it needs the
// free text.
var RefundPresets = []RefundPreset{
	{"change_of_mind", "단순 변심"}, {"sold_out", "품절"}, {"late_delivery", "배송 지연"},
	{"defective", "상품 불량"}, {"other", "기타"},
}

// Refund is the refund form of a payment.
type Refund struct {
	Scope RefundScope
	// Amount is nil for a full refund.
	Amount *int64
	// Preset is the chosen preset's Text ("" when none), Note the free
	// text; Reason is what is recorded: "preset: note", the preset or the
	// note alone.
	Preset, Note, Reason string
	// Account is set when the bank, number and holder were filled in.
	Account *payment.RefundAccount
	// IdempotencyKey comes from a hidden field rendered with the form, so a
	// double submit refunds once.
	IdempotencyKey string
	// Confirmed is set by the confirmation step's button: only then is the
	// refund made.
	Confirmed bool
}

// ParseRefund reads a posted refund form: scope (full, or partial with a
// positive amount; without a scope an amount means partial and no amount
// is refused), preset and reason (the free text; one of them is required,
// and "기타" needs the text), bank/account/holder (all or none), idem,
// confirm ("yes" from the confirmation step).
func ParseRefund(r *http.Request) (Refund, error) {
	f := Refund{Scope: RefundScope(field(r, "scope")), Preset: field(r, "preset"), Note: field(r, "reason"),
		IdempotencyKey: field(r, "idem"), Confirmed: field(r, "confirm") == "yes"}
	var amount *int64
	if field(r, "amount") != "" {
		n, err := integer(r, "amount", "Refund amount")
		if err != nil {
			return f, err
		}
		amount = &n
	}
	switch f.Scope {
	case RefundFull:
	case RefundPartial, "":
		if amount == nil {
			return f, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonRefundScope, "Choose a full refund or enter the amount to refund.")
		}
		if *amount <= 0 {
			return f, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonRefundAmount, "Refund amount must be positive.")
		}
		f.Scope, f.Amount = RefundPartial, amount
	default:
		return f, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonRefundScope, "Choose a full refund or enter the amount to refund.")
	}
	switch {
	case f.Preset != "" && !slices.ContainsFunc(RefundPresets, func(p RefundPreset) bool { return p.Text == f.Preset }):
		return f, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonRefundPreset, "Choose one of the offered refund reasons.")
	case f.Preset == RefundPresets[len(RefundPresets)-1].Text && f.Note == "":
		return f, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonRefundOther, "Say why in the reason field when the reason is other.")
	case f.Preset != "" && f.Note != "":
		f.Reason = f.Preset + ": " + f.Note
	case f.Preset != "":
		f.Reason = f.Preset
	default:
		f.Reason = f.Note
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
