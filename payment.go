package paydeck

import (
	"encoding/json"
	"time"
)

// Payment is one Toss payment of an order, mirroring the Toss Payment object.
type Payment struct {
	// ID is the internal UUID, assigned by the store on create.
	ID string `json:"id"`
	// PaymentKey is Toss's paymentKey; unique among payments when not empty
	// (the store keeps "" as NULL).
	PaymentKey string `json:"paymentKey"`
	// OrderID is the paid Order.ID (the internal UUID, not the public orderId).
	OrderID string `json:"-"`
	// TossOrderID is the orderId this payment attempt was made with at
	// Toss: the order's public OrderID, or for a later attempt after a
	// virtual account was cancelled "{OrderID}-{n}" (docs/toss.md#attempts).
	// "" (payments recorded before attempts existed) means the OrderID.
	// Set on create, never changed.
	TossOrderID string `json:"tossOrderId,omitempty"`
	// Method is the kind of payment method; empty until Toss reports it.
	Method PaymentMethodType `json:"method,omitempty"`
	Status PaymentStatus     `json:"status"`
	// Amount is the approved total in won.
	Amount int64 `json:"amount"`
	// BalanceAmount is what can still be refunded: 0 ≤ BalanceAmount ≤ Amount.
	BalanceAmount  int64 `json:"balanceAmount"`
	SuppliedAmount int64 `json:"suppliedAmount"`
	VAT            int64 `json:"vat"`
	TaxFreeAmount  int64 `json:"taxFreeAmount"`
	// TransactionKey is Toss's lastTransactionKey.
	TransactionKey string `json:"lastTransactionKey,omitempty"`
	// MethodDetails holds Toss's method-specific object (card, easyPay, ...)
	// as JSON; nil when absent.
	MethodDetails  json.RawMessage `json:"methodDetails,omitempty"`
	FailureCode    string          `json:"failureCode,omitempty"`
	FailureMessage string          `json:"failureMessage,omitempty"`
	// VirtualAccount is set for virtual-account payments.
	VirtualAccount *VirtualAccount `json:"virtualAccount,omitempty"`
	// ReceiptURL is Toss's receipt page (receipt.url of the Toss Payment
	// object): the card slip or statement a shopper can print; "" until
	// Toss gives one.
	ReceiptURL string `json:"receiptUrl,omitempty"`
	// CashReceipt is the payment's cash receipt (현금영수증), nil when none
	// was issued.
	CashReceipt *CashReceipt `json:"cashReceipt,omitempty"`
	// Secret is Toss's per-payment webhook secret, compared (in constant time)
	// with the secret in DEPOSIT_CALLBACK bodies. Never serialised.
	Secret     string     `json:"-"`
	ApprovedAt *time.Time `json:"approvedAt,omitempty"`
	// ExpiresAt is when a payment not yet done stops being payable (for a
	// virtual account this is usually its due date).
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
	CreatedAt time.Time  `json:"createdAt"`
	UpdatedAt time.Time  `json:"updatedAt"`
}

// VirtualAccount is the account a shopper deposits into for a
// virtual-account payment.
type VirtualAccount struct {
	// BankCode is Toss's two-character bank code.
	BankCode      string `json:"bankCode"`
	AccountNumber string `json:"accountNumber"`
	CustomerName  string `json:"customerName"`
	// DueDate is the deposit deadline.
	DueDate time.Time `json:"dueDate"`
}

// Validate returns an invalid *Error naming the first broken rule: an order,
// a known status, a known method when set, non-negative amounts with
// BalanceAmount ≤ Amount, valid JSON in MethodDetails when set.
func (p *Payment) Validate() error {
	switch {
	case p.OrderID == "":
		return Errorf(CodeInvalid, "Payment order is required.")
	case !p.Status.Valid():
		return Errorf(CodeInvalid, "Payment status %q is not valid.", p.Status)
	case p.Method != "" && !p.Method.Valid():
		return Errorf(CodeInvalid, "Payment method %q is not supported.", p.Method)
	case p.Amount < 0 || p.BalanceAmount < 0 || p.BalanceAmount > p.Amount ||
		p.SuppliedAmount < 0 || p.VAT < 0 || p.TaxFreeAmount < 0:
		return Errorf(CodeInvalid, "Payment amounts are inconsistent.")
	case p.TaxFreeAmount > p.BalanceAmount && p.Status != PaymentAborted && p.Status != PaymentExpired:
		return Errorf(CodeInvalid, "Payment tax-free amount exceeds its balance.")
	case len(p.MethodDetails) > 0 && !json.Valid(p.MethodDetails):
		return Errorf(CodeInvalid, "Payment method details are not valid JSON.")
	}
	return nil
}

// Transition changes p's status to to when the payment state machine allows
// it (see PaymentStatus.CanTransition). A forbidden change returns a
// *TransitionError and leaves p unchanged. Refunds use ApplyRefund instead.
func (p *Payment) Transition(to PaymentStatus) error {
	if err := p.Status.CanTransition(to); err != nil {
		return err
	}
	p.Status = to
	return nil
}

// CanRefund returns nil when amount won can be refunded now: the payment is
// done or partially canceled, and 0 < amount ≤ BalanceAmount. Otherwise it
// returns a conflict *Error (wrong status) or an invalid *Error (amount).
// Callers with refunds still in flight subtract them from the balance first.
func (p *Payment) CanRefund(amount int64) error {
	switch {
	case p.Status != PaymentDone && p.Status != PaymentPartialCanceled:
		return Reasonf(CodeConflict, ReasonNotRefundable, "A %s payment cannot be refunded.", p.Status)
	case amount <= 0:
		return Reasonf(CodeInvalid, ReasonRefundAmount, "Refund amount must be positive.")
	case amount > p.BalanceAmount:
		return Reasonf(CodeInvalid, ReasonRefundExceeds, "Refund amount %d exceeds the refundable balance %d.", amount, p.BalanceAmount)
	}
	return nil
}

// ApplyRefund records a completed refund of amount won: BalanceAmount drops
// by amount and the status becomes canceled (balance 0) or partial_canceled.
// It returns CanRefund's error and leaves p unchanged when the refund is not
// allowed, so the balance can never go negative.
func (p *Payment) ApplyRefund(amount int64) error {
	if err := p.CanRefund(amount); err != nil {
		return err
	}
	p.BalanceAmount -= amount
	if p.BalanceAmount == 0 {
		p.Status = PaymentCanceled
	} else {
		p.Status = PaymentPartialCanceled
	}
	return nil
}
