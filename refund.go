package paydeck

import (
	"strings"
	"time"
)

// Refund is one full or partial cancel of a payment through Toss.
type Refund struct {
	// ID is a UUID assigned by the store on create.
	ID string `json:"id"`
	// PaymentID is the refunded Payment.ID.
	PaymentID string `json:"paymentId"`
	// IdempotencyKey is unique per payment: creating a second refund with the
	// same key fails with conflict. The store generates one when empty.
	// The Toss cancel call's Idempotency-Key derives from the refund, so a
	// retried refund is never applied twice.
	IdempotencyKey string `json:"-"`
	// RequestHash identifies the request that created the refund (set by
	// the payment service); a repeat with the same IdempotencyKey must
	// carry the same request. "" for refunds recorded before it existed.
	RequestHash string `json:"-"`
	Amount      int64  `json:"amount"`
	// TaxFreeAmount is the tax-free part of Amount, sent to Toss's cancel
	// as taxFreeAmount (RefundTaxFree unless the caller named it).
	TaxFreeAmount int64        `json:"taxFreeAmount"`
	Reason        string       `json:"reason"`
	Status        RefundStatus `json:"status"`
	// TransactionKey is Toss's transactionKey of the cancel.
	TransactionKey string `json:"transactionKey,omitempty"`
	ErrorCode      string `json:"errorCode,omitempty"`
	ErrorMessage   string `json:"errorMessage,omitempty"`
	// Account receives the money for virtual-account refunds; nil otherwise.
	Account     *RefundAccount `json:"-"`
	CreatedAt   time.Time      `json:"createdAt"`
	UpdatedAt   time.Time      `json:"updatedAt"`
	CompletedAt *time.Time     `json:"completedAt,omitempty"`
}

// RefundAccount is the bank account a virtual-account refund is paid into.
type RefundAccount struct {
	BankCode      string `json:"bankCode"`
	AccountNumber string `json:"accountNumber"`
	HolderName    string `json:"holderName"`
}

// Validate returns an invalid *Error naming the first broken rule: a
// payment, a positive amount, a reason, a known status.
func (r *Refund) Validate() error {
	switch {
	case r.PaymentID == "":
		return Errorf(CodeInvalid, "Refund payment is required.")
	case r.Amount <= 0:
		return Reasonf(CodeInvalid, ReasonRefundAmount, "Refund amount must be positive.")
	case r.TaxFreeAmount < 0 || r.TaxFreeAmount > r.Amount:
		return Reasonf(CodeInvalid, ReasonRefundTaxFree, "Refund tax-free amount must be between 0 and the refund amount.")
	case strings.TrimSpace(r.Reason) == "":
		return Reasonf(CodeInvalid, ReasonRefundReason, "Refund reason is required.")
	case !r.Status.Valid():
		return Errorf(CodeInvalid, "Refund status %q is not valid.", r.Status)
	}
	return nil
}

// Transition changes r's status to to when the refund state machine allows
// it (see RefundStatus.CanTransition) and sets CompletedAt to now when
// entering completed. A forbidden change returns a *TransitionError and
// leaves r unchanged.
func (r *Refund) Transition(to RefundStatus, now time.Time) error {
	if err := r.Status.CanTransition(to); err != nil {
		return err
	}
	r.Status = to
	if to == RefundCompleted {
		r.CompletedAt = &now
	}
	return nil
}
