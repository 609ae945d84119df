package paydeck

import (
	"slices"
	"strings"
	"time"
)

// PaymentMethodType is the kind of a payment method, in paydeck's lower-case
// words (Toss names them CARD, TRANSFER, VIRTUAL_ACCOUNT, MOBILE_PHONE,
// GIFT_CERTIFICATE, EASY_PAY).
type PaymentMethodType string

// Payment method types.
const (
	MethodCard            PaymentMethodType = "card"
	MethodTransfer        PaymentMethodType = "transfer"
	MethodVirtualAccount  PaymentMethodType = "virtual_account"
	MethodMobilePhone     PaymentMethodType = "mobile_phone"
	MethodGiftCertificate PaymentMethodType = "gift_certificate"
	MethodEasyPay         PaymentMethodType = "easy_pay"
)

// PaymentMethodTypes lists every payment method type.
var PaymentMethodTypes = []PaymentMethodType{MethodCard, MethodTransfer, MethodVirtualAccount,
	MethodMobilePhone, MethodGiftCertificate, MethodEasyPay}

// Valid reports whether t is one of the payment method types.
func (t PaymentMethodType) Valid() bool { return slices.Contains(PaymentMethodTypes, t) }

// BasisPoints is the unit of fee rates: 1 bp = 0.01 %, 10000 bp = 100 %.
const BasisPoints = 10000

// PaymentMethod is a way to pay offered to shoppers, with the fee the shop
// pays for it. Type is unique among payment methods.
type PaymentMethod struct {
	// ID is a UUID assigned by the store on create.
	ID   string            `json:"id"`
	Name string            `json:"name"`
	Type PaymentMethodType `json:"type"`
	// IsActive marks methods offered to shoppers.
	IsActive bool `json:"isActive"`
	// DisplayOrder sorts methods for display, lowest first.
	DisplayOrder int `json:"displayOrder"`
	// FeeRate is the proportional fee in basis points (0..10000).
	FeeRate int64 `json:"feeRate"`
	// FixedFee is a fee in won added to every payment (≥ 0).
	FixedFee  int64     `json:"fixedFee"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Validate returns an invalid *Error naming the first broken rule: a
// non-empty name, a known type, a fee rate within 0..10000 bp, a fixed fee ≥ 0.
func (m *PaymentMethod) Validate() error {
	switch {
	case strings.TrimSpace(m.Name) == "":
		return Reasonf(CodeInvalid, ReasonMethodName, "Payment method name is required.")
	case !m.Type.Valid():
		return Reasonf(CodeInvalid, ReasonMethodType, "Payment method type %q is not supported.", m.Type)
	case m.FeeRate < 0 || m.FeeRate > BasisPoints:
		return Reasonf(CodeInvalid, ReasonFeeRate, "Fee rate must be between 0 and %d basis points.", BasisPoints)
	case m.FixedFee < 0:
		return Reasonf(CodeInvalid, ReasonFixedFee, "Fixed fee must not be negative.")
	}
	return nil
}

// maxFeeAmount bounds amounts in Fee so that amount × FeeRate cannot
// overflow int64 (10^14 won is far above any payment).
const maxFeeAmount = 100_000_000_000_000

// Fee returns the fee the shop pays on a payment of amount won and the net
// amount it keeps, with fee + net == amount always.
//
// Rounding rule: the proportional part amount × FeeRate / 10000 is rounded to
// the nearest won, halves rounded up (15.5 → 16). FixedFee is then added. The
// fee never exceeds the amount, so net is never negative.
// An amount below 0 or above 10^14 returns an invalid *Error.
func (m *PaymentMethod) Fee(amount int64) (fee, net int64, err error) {
	if amount < 0 || amount > maxFeeAmount {
		return 0, 0, Errorf(CodeInvalid, "Amount %d is out of range.", amount)
	}
	fee = (amount*m.FeeRate+BasisPoints/2)/BasisPoints + m.FixedFee
	fee = min(fee, amount)
	return fee, amount - fee, nil
}
