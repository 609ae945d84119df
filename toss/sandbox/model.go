package sandbox

import "errors"

// This file holds the compact in-memory records. Their exported fields are
// only for the JSON state file; nothing outside the package sees them.

// family is a key family: individual-API (ck/sk) or widget (gck/gsk).
type family uint8

const (
	familyAPI family = iota
	familyWidget
)

// keyPair is one built-in client/secret key pair.
type keyPair struct {
	client, secret string
	fam            family
}

// mid is the merchant id Toss reports for its documentation keys; both
// built-in pairs belong to it, so they share payments and orderIds.
const mid = "tvivarepublica"

var keyPairs = [...]keyPair{
	{DocsClientKey, DocsSecretKey, familyAPI},
	{WidgetClientKey, WidgetSecretKey, familyWidget},
}

type status uint8

const (
	statusReady status = iota
	statusInProgress
	statusWaitingForDeposit
	statusDone
	statusCanceled
	statusPartialCanceled
	statusAborted
	statusExpired
)

var statusNames = [...]string{"READY", "IN_PROGRESS", "WAITING_FOR_DEPOSIT", "DONE", "CANCELED", "PARTIAL_CANCELED", "ABORTED", "EXPIRED"}

func (st status) String() string { return statusNames[st] }

type method uint8

const (
	methodNone method = iota
	methodCard
	methodVirtualAccount
	methodEasyPay
	methodMobilePhone
	methodTransfer
	methodCultureGift
	methodBookGift
	methodGameGift
)

// methodNames are the Korean response values (docs/toss.md#accept-language) and the
// SDK v2 English request values, indexed by method.
var methodNames = [...]struct{ ko, en string }{
	{"", ""},
	{"카드", "CARD"},
	{"가상계좌", "VIRTUAL_ACCOUNT"},
	{"간편결제", "EASY_PAY"},
	{"휴대폰", "MOBILE_PHONE"},
	{"계좌이체", "TRANSFER"},
	{"문화상품권", "CULTURE_GIFT_CERTIFICATE"},
	{"도서문화상품권", "BOOK_GIFT_CERTIFICATE"},
	{"게임문화상품권", "GAME_GIFT_CERTIFICATE"},
}

// accountBased reports whether the method has the 200 KRW minimum (docs/toss.md#amounts).
func (m method) accountBased() bool { return m == methodVirtualAccount || m == methodTransfer }

const (
	typeNormal  uint8 = 0
	typeBilling uint8 = 1
)

// code2 is a two-character institution code ("61", "3K"), stored without a
// string header.
type code2 [2]byte

func (c code2) String() string { return string(c[:]) }

// MarshalText and UnmarshalText store codes as strings in the state file.
func (c code2) MarshalText() ([]byte, error) { return c[:], nil }

func (c *code2) UnmarshalText(b []byte) error {
	if len(b) != 2 {
		return errors.New("sandbox: institution code must have 2 characters")
	}
	copy(c[:], b)
	return nil
}

// txKey is a transaction key, rendered as 32 upper-case hex digits.
type txKey [16]byte

// payment is one stored payment. Sub-objects (Card, VA, Cancels elements,
// Failure) are never mutated in place: a change replaces the pointer, so a
// shallow copy of a payment is a consistent snapshot (used for idempotent
// replays).
type payment struct {
	Key         string `json:"key"`
	OrderID     string `json:"orderId"`
	OrderName   string `json:"orderName"`
	CustomerKey string `json:"customerKey,omitempty"`
	Secret      string `json:"secret,omitempty"`
	// Detail is method-specific: easy-pay provider, mobile phone number or
	// transfer bank code.
	Detail      string   `json:"detail,omitempty"`
	Amount      int64    `json:"amount"`
	Balance     int64    `json:"balance"`
	TaxFree     int64    `json:"taxFree,omitempty"`
	TaxExempt   int64    `json:"taxExempt,omitempty"`
	RequestedAt int64    `json:"requestedAt"`
	ApprovedAt  int64    `json:"approvedAt,omitempty"`
	ApproveTx   txKey    `json:"approveTx"`
	Pair        uint8    `json:"pair"`
	Type        uint8    `json:"type"`
	Method      method   `json:"method"`
	Status      status   `json:"status"`
	Card        *card    `json:"card,omitempty"`
	VA          *va      `json:"va,omitempty"`
	Cancels     []cancel `json:"cancels,omitempty"`
	Failure     *failure `json:"failure,omitempty"`
	// Metadata is requestPayment's metadata, echoed in Payment.metadata.
	Metadata map[string]string `json:"metadata,omitempty"`
	// ReceiptType and ReceiptID are the cash receipt asked for with a
	// virtual account or transfer (소득공제 / 지출증빙 and the number it goes
	// to); Receipt is the key of the receipt issued with the payment.
	ReceiptType string `json:"receiptType,omitempty"`
	ReceiptID   string `json:"receiptId,omitempty"`
	Receipt     string `json:"receipt,omitempty"`

	// refs are the idempotency entries whose stored response is this
	// payment as it is now; freezeLocked gives them a copy before a change.
	refs *[]*idemEntry
}

type card struct {
	Number      string `json:"number"` // masked
	Issuer      code2  `json:"issuer"`
	Acquirer    code2  `json:"acquirer"`
	Installment uint8  `json:"installment,omitempty"`
	Corporate   bool   `json:"corporate,omitempty"`
}

type va struct {
	AccountNumber string         `json:"accountNumber"`
	Bank          string         `json:"bank"`
	CustomerName  string         `json:"customerName"`
	DepositorName string         `json:"depositorName,omitempty"`
	Fixed         bool           `json:"fixed,omitempty"`
	DueAt         int64          `json:"dueAt"`
	IssuedAt      int64          `json:"issuedAt"`
	IssueTx       txKey          `json:"issueTx"`
	Expired       bool           `json:"expired,omitempty"`
	RefundAt      int64          `json:"refundAt,omitempty"` // refund completes at this time
	Refund        *refundAccount `json:"refund,omitempty"`
}

type refundAccount struct {
	Bank          string `json:"bank"`
	AccountNumber string `json:"accountNumber"`
	HolderName    string `json:"holderName"`
}

type cancel struct {
	// RequestID is set for an asynchronous cancel (asyncCancelSeconds
	// fault): cancelStatus is IN_PROGRESS until DoneAt, then DONE with a
	// CANCEL_STATUS_CHANGED webhook (Notified).
	RequestID  string `json:"requestId,omitempty"`
	DoneAt     int64  `json:"doneAt,omitempty"`
	Notified   bool   `json:"notified,omitempty"`
	Reason     string `json:"reason"`
	Amount     int64  `json:"amount"`
	TaxFree    int64  `json:"taxFree,omitempty"`
	TaxExempt  int64  `json:"taxExempt,omitempty"`
	Refundable int64  `json:"refundable"`
	At         int64  `json:"at"`
	Tx         txKey  `json:"tx"`
}

type failure struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// txRef points at one transaction of a payment, in the order they happened:
// idx -2 is the virtual-account issue, -1 the approval (or deposit), i >= 0
// the i-th cancel.
type txRef struct {
	p   *payment
	idx int32
}

// billing is an issued billing key.
type billing struct {
	Key          string `json:"key"`
	CustomerKey  string `json:"customerKey"`
	Card         card   `json:"card"`
	AuthorizedAt int64  `json:"authorizedAt"`
}

// authKey is a one-time key from a billing authorisation in the browser (or
// the control API), exchanged for a billing key.
type authKey struct {
	Key         string `json:"key"`
	CustomerKey string `json:"customerKey"`
	Pair        uint8  `json:"pair"`
}

// receipt is an issued or canceled cash receipt.
type receipt struct {
	Seq         int64  `json:"seq"`
	Key         string `json:"key"`
	IssueNumber string `json:"issueNumber"`
	OrderID     string `json:"orderId"`
	OrderName   string `json:"orderName"`
	Type        string `json:"type"`
	Identity    string `json:"identity"`
	Amount      int64  `json:"amount"`
	TaxFree     int64  `json:"taxFree,omitempty"`
	Cancel      bool   `json:"cancel,omitempty"`
	Canceled    bool   `json:"canceled,omitempty"`
	// CanceledAmount is how much of an issued receipt was cancelled
	// (Canceled once it reaches Amount).
	CanceledAmount int64 `json:"canceledAmount,omitempty"`
	// PaymentKey links a receipt issued with a payment (and its cancels)
	// to it: it shows in the payment's cashReceipt(s). Receipts issued
	// with POST /v1/cash-receipts have none.
	PaymentKey     string `json:"paymentKey,omitempty"`
	RequestedAt    int64  `json:"requestedAt"`
	CompletesAfter int64  `json:"completesAfter"`
}

// state is everything reset by POST /v1/sandbox/reset.
type state struct {
	payments map[string]*payment
	orders   map[string]*payment // latest payment per orderId
	pending  map[*payment]struct{}
	txs      []txRef
	billings map[string]*billing
	authKeys map[string]*authKey
	receipts []*receipt
	rcptSeq  int64
}

func newState() *state {
	return &state{
		payments: make(map[string]*payment),
		orders:   make(map[string]*payment),
		pending:  make(map[*payment]struct{}),
		billings: make(map[string]*billing),
		authKeys: make(map[string]*authKey),
	}
}
