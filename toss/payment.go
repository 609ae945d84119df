package toss

import (
	"encoding/json"
	"time"
)

// Payment is Toss's Payment object (API version 2022-11-16), returned by
// confirm, both gets, cancel, key-in, virtual-account issue and billing
// charge, and carried in PAYMENT_STATUS_CHANGED webhooks.
//
// Decoding ignores unknown fields. Nullable objects, timestamps, amounts and
// booleans are pointers (nil when Toss sends null or omits the field).
// Nullable identifiers are *string. Enum fields whose null means "not yet
// known" (Method, Card.InterestPayer) are "" instead of a pointer.
// Timestamps are parsed from Toss's "2006-01-02T15:04:05+09:00" form (values
// without an offset are Korea time, see KST). The default JSON encoding of a
// Payment is again Toss's wire shape, so a Toss emulator may serve it.
type Payment struct {
	Version               string            `json:"version"`
	PaymentKey            string            `json:"paymentKey"`
	Type                  PaymentType       `json:"type"`
	OrderID               string            `json:"orderId"`
	OrderName             string            `json:"orderName"`
	MID                   string            `json:"mId"`
	Currency              string            `json:"currency"`
	Method                Method            `json:"method"` // "" until the buyer has chosen one
	TotalAmount           Amount            `json:"totalAmount"`
	BalanceAmount         Amount            `json:"balanceAmount"`
	Status                PaymentStatus     `json:"status"`
	RequestedAt           time.Time         `json:"requestedAt"`
	ApprovedAt            *time.Time        `json:"approvedAt"`
	UseEscrow             *bool             `json:"useEscrow"`
	LastTransactionKey    *string           `json:"lastTransactionKey"`
	SuppliedAmount        Amount            `json:"suppliedAmount"`
	VAT                   Amount            `json:"vat"`
	CultureExpense        bool              `json:"cultureExpense"`
	TaxFreeAmount         Amount            `json:"taxFreeAmount"`
	TaxExemptionAmount    Amount            `json:"taxExemptionAmount"`
	Cancels               []Cancel          `json:"cancels"`
	IsPartialCancelable   bool              `json:"isPartialCancelable"`
	Card                  *Card             `json:"card"`
	VirtualAccount        *VirtualAccount   `json:"virtualAccount"`
	MobilePhone           *MobilePhone      `json:"mobilePhone"`
	GiftCertificate       *GiftCertificate  `json:"giftCertificate"`
	Transfer              *Transfer         `json:"transfer"`
	Metadata              map[string]string `json:"metadata"`
	Receipt               *Receipt          `json:"receipt"`
	Checkout              *Checkout         `json:"checkout"`
	EasyPay               *EasyPay          `json:"easyPay"`
	EasyPayAmount         *Amount           `json:"easyPayAmount,omitempty"`
	EasyPayDiscountAmount *Amount           `json:"easyPayDiscountAmount,omitempty"`
	Country               string            `json:"country"`
	Failure               *Failure          `json:"failure"`
	CashReceipt           *CashReceipt      `json:"cashReceipt"`
	CashReceipts          []CashReceipt     `json:"cashReceipts"`
	Discount              *Discount         `json:"discount"`
	// Secret is the per-payment webhook verification value (ps_…): set for
	// virtual accounts (and some other methods), nil for some card payments.
	// Compare it with VerifyDepositCallback; do not log it.
	Secret *string `json:"secret"`
	// ForeignEasyPay is kept raw: its shape is not documented.
	ForeignEasyPay json.RawMessage `json:"foreignEasyPay,omitempty"`
}

// UnmarshalJSON decodes a Payment, parsing Toss timestamps tolerantly.
func (p *Payment) UnmarshalJSON(b []byte) error {
	type plain Payment
	aux := struct {
		*plain
		RequestedAt jsonTime `json:"requestedAt"`
		ApprovedAt  jsonTime `json:"approvedAt"`
	}{plain: (*plain)(p)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	p.RequestedAt, p.ApprovedAt = aux.RequestedAt.t, aux.ApprovedAt.ptr()
	return nil
}

// Cancel is one cancel transaction (Payment.Cancels; also Settlement.Cancel
// and the data of a CANCEL_STATUS_CHANGED webhook).
type Cancel struct {
	TransactionKey         string       `json:"transactionKey"`
	CancelReason           string       `json:"cancelReason"`
	CancelAmount           Amount       `json:"cancelAmount"`
	TaxFreeAmount          Amount       `json:"taxFreeAmount"`
	TaxExemptionAmount     Amount       `json:"taxExemptionAmount"`
	RefundableAmount       Amount       `json:"refundableAmount"` // balance left after this cancel
	CardDiscountAmount     Amount       `json:"cardDiscountAmount"`
	TransferDiscountAmount Amount       `json:"transferDiscountAmount"`
	EasyPayDiscountAmount  Amount       `json:"easyPayDiscountAmount"`
	CanceledAt             time.Time    `json:"canceledAt"`
	ReceiptKey             *string      `json:"receiptKey"`
	CancelStatus           CancelStatus `json:"cancelStatus"`
	CancelRequestID        *string      `json:"cancelRequestId"`
}

// UnmarshalJSON decodes a Cancel, parsing Toss timestamps tolerantly.
func (c *Cancel) UnmarshalJSON(b []byte) error {
	type plain Cancel
	aux := struct {
		*plain
		CanceledAt jsonTime `json:"canceledAt"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	c.CanceledAt = aux.CanceledAt.t
	return nil
}

// Card is Payment.Card: card payments and easy pay funded by a registered card.
type Card struct {
	Amount                Amount        `json:"amount"` // requested from the card company, includes Discount
	IssuerCode            string        `json:"issuerCode"`
	AcquirerCode          *string       `json:"acquirerCode"`
	Number                string        `json:"number"` // masked by Toss, e.g. 43301234****123*
	InstallmentPlanMonths int           `json:"installmentPlanMonths"`
	ApproveNo             string        `json:"approveNo"`
	UseCardPoint          bool          `json:"useCardPoint"`
	CardType              CardType      `json:"cardType"`
	OwnerType             OwnerType     `json:"ownerType"`
	AcquireStatus         AcquireStatus `json:"acquireStatus"`
	IsInterestFree        bool          `json:"isInterestFree"`
	InterestPayer         InterestPayer `json:"interestPayer"`
}

// VirtualAccount is Payment.VirtualAccount.
type VirtualAccount struct {
	AccountType          AccountType        `json:"accountType"`
	AccountNumber        string             `json:"accountNumber"`
	BankCode             string             `json:"bankCode"`
	CustomerName         string             `json:"customerName"`
	DepositorName        *string            `json:"depositorName"`
	DueDate              time.Time          `json:"dueDate"` // with or without offset on the wire
	RefundStatus         RefundStatus       `json:"refundStatus"`
	Expired              bool               `json:"expired"`
	SettlementStatus     SettlementStatus   `json:"settlementStatus"`
	RefundReceiveAccount *RefundAccountInfo `json:"refundReceiveAccount"`
}

// UnmarshalJSON decodes a VirtualAccount, parsing dueDate with or without offset.
func (v *VirtualAccount) UnmarshalJSON(b []byte) error {
	type plain VirtualAccount
	aux := struct {
		*plain
		DueDate jsonTime `json:"dueDate"`
	}{plain: (*plain)(v)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	v.DueDate = aux.DueDate.t
	return nil
}

// RefundAccountInfo is the refund account captured by the payment widget
// (VirtualAccount.RefundReceiveAccount). Requests use RefundReceiveAccount.
type RefundAccountInfo struct {
	BankCode      string `json:"bankCode"`
	AccountNumber string `json:"accountNumber"`
	HolderName    string `json:"holderName"`
}

// Transfer is Payment.Transfer (계좌이체).
type Transfer struct {
	BankCode         string           `json:"bankCode"`
	SettlementStatus SettlementStatus `json:"settlementStatus"`
}

// MobilePhone is Payment.MobilePhone (휴대폰).
type MobilePhone struct {
	CustomerMobilePhone string           `json:"customerMobilePhone"`
	SettlementStatus    SettlementStatus `json:"settlementStatus"`
	ReceiptURL          string           `json:"receiptUrl"`
}

// GiftCertificate is Payment.GiftCertificate (상품권).
type GiftCertificate struct {
	ApproveNo        string           `json:"approveNo"`
	SettlementStatus SettlementStatus `json:"settlementStatus"`
}

// EasyPay is Payment.EasyPay (간편결제). Paid with a registered card: the card
// carries the amount and Amount is 0. Paid from the easy-pay balance: Amount
// is the total. Points and coupons appear in DiscountAmount.
type EasyPay struct {
	Provider       EasyPayProvider `json:"provider"`
	Amount         Amount          `json:"amount"`
	DiscountAmount Amount          `json:"discountAmount"`
}

// Failure is the reason a payment failed (Payment.Failure) or a cash receipt
// failed (CashReceipt.Failure).
type Failure struct {
	Code    ErrorCode `json:"code"`
	Message string    `json:"message"`
}

// Receipt is Payment.Receipt: the sales slip / statement page.
type Receipt struct {
	URL string `json:"url"`
}

// Checkout is Payment.Checkout: the payment-window page.
type Checkout struct {
	URL string `json:"url"`
}

// Discount is Payment.Discount: an instant card or transfer discount.
type Discount struct {
	Amount Amount `json:"amount"`
}

// CashReceipt is a cash receipt (현금영수증, API version 2022-07-27 and later):
// the object returned by the cash-receipt endpoints, an element of
// Payment.CashReceipts, and (with fewer fields set) Payment.CashReceipt.
type CashReceipt struct {
	ReceiptKey             string                     `json:"receiptKey"` // cancels: "c_" + original key
	IssueNumber            string                     `json:"issueNumber"`
	IssueStatus            CashReceiptIssueStatus     `json:"issueStatus,omitempty"`
	Amount                 Amount                     `json:"amount"`
	TaxFreeAmount          Amount                     `json:"taxFreeAmount"`
	OrderID                string                     `json:"orderId,omitempty"`
	OrderName              string                     `json:"orderName,omitempty"`
	Type                   CashReceiptType            `json:"type"`
	TransactionType        CashReceiptTransactionType `json:"transactionType,omitempty"`
	BusinessNumber         string                     `json:"businessNumber,omitempty"`
	CustomerIdentityNumber string                     `json:"customerIdentityNumber,omitempty"`
	Failure                *Failure                   `json:"failure,omitempty"`
	RequestedAt            *time.Time                 `json:"requestedAt,omitempty"`
	ReceiptURL             string                     `json:"receiptUrl"`
}

// UnmarshalJSON decodes a CashReceipt, parsing Toss timestamps tolerantly.
func (c *CashReceipt) UnmarshalJSON(b []byte) error {
	type plain CashReceipt
	aux := struct {
		*plain
		RequestedAt jsonTime `json:"requestedAt"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	c.RequestedAt = aux.RequestedAt.ptr()
	return nil
}
