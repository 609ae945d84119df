package api

import (
	"encoding/json"
	"time"

	"github.com/paydeck/paydeck"
)

// Order is a shopper's order with amounts computed by the server.
type Order struct {
	OrderID         string      `json:"orderId" example:"ORD20261127A1B2C3D4" doc:"Public order ID, also sent to Toss."`
	UserID          string      `json:"userId" format:"uuid" example:"7f0c2a8e-4b1d-4c8e-9a55-2f1e0d3c4b5a"`
	Status          string      `json:"status" enum:"pending,paid,cancelled,refunded,partial_refunded,shipped,delivered,expired" example:"pending"`
	TotalAmount     int64       `json:"totalAmount" example:"13800" doc:"Sum of the items, won."`
	DiscountAmount  int64       `json:"discountAmount" example:"3000" doc:"The coupon's discount on the goods, computed by the server; 0 without a coupon."`
	ShippingFee     int64       `json:"shippingFee" example:"3000"`
	FinalAmount     int64       `json:"finalAmount" example:"16800" doc:"totalAmount − discountAmount + shippingFee: what the shopper pays."`
	TaxFreeAmount   int64       `json:"taxFreeAmount" example:"0" doc:"Tax-free part of finalAmount: the tax-free (면세) lines less their share of the discount; shipping is taxable. Sent to Toss as taxFreeAmount."`
	ShippingName    string      `json:"shippingName" example:"김지민"`
	ShippingPhone   string      `json:"shippingPhone" example:"010-1234-5678"`
	ShippingAddress string      `json:"shippingAddress" example:"서울특별시 중구 세종대로 110"`
	ShippingMemo    string      `json:"shippingMemo" example:"문 앞에 놓아주세요"`
	Items           []OrderItem `json:"items"`
	CreatedAt       time.Time   `json:"createdAt"`
	ExpiresAt       time.Time   `json:"expiresAt" doc:"An unpaid order expires then and releases its stock."`
	PaidAt          *time.Time  `json:"paidAt,omitempty"`
	ShippedAt       *time.Time  `json:"shippedAt,omitempty"`
	DeliveredAt     *time.Time  `json:"deliveredAt,omitempty"`
	CustomerRef     string      `json:"customerRef,omitempty" example:"erp-cust-00042" doc:"Another system's customer, when an API key placed the order."`

	// Shipping with tracking and returns (issue 15; shipping.go).
	ShippingPostcode      string     `json:"shippingPostcode" example:"04524"`
	ShippingAddressDetail string     `json:"shippingAddressDetail" example:"3층 301호"`
	WithdrawalDeadline    *time.Time `json:"withdrawalDeadline,omitempty" doc:"End of the 7-day withdrawal period (청약철회, 전자상거래법 §17), set once delivered."`
	Shipments             []Shipment `json:"shipments,omitempty" doc:"Parcels with courier and tracking link (getOrder, shipOrder and the return operations)."`
	Returns               []Return   `json:"returns,omitempty" doc:"Return requests and their decisions (as shipments)."`
	CouponCode            string     `json:"couponCode" example:"WELCOME3000" doc:"The coupon the order used; empty for none. discountAmount is its discount."`
}

// OrderItem is one line of an order at the price when it was placed.
type OrderItem struct {
	ProductID   string `json:"productId" format:"uuid" example:"3b9f6c1e-8d2a-4f7b-b1c4-5e6d7a8b9c0d"`
	ProductName string `json:"productName" example:"제주 삼다수 2L 6개입"`
	Quantity    int64  `json:"quantity" example:"2"`
	UnitPrice   int64  `json:"unitPrice" example:"6900"`
	TotalPrice  int64  `json:"totalPrice" example:"13800"`
	TaxFree     bool   `json:"taxFree" example:"false" doc:"Tax-free line (면세)."`
}

func orderView(o *paydeck.Order) Order {
	v := Order{OrderID: o.OrderID, UserID: o.UserID, Status: string(o.Status), TotalAmount: o.TotalAmount,
		DiscountAmount: o.DiscountAmount, ShippingFee: o.ShippingFee, FinalAmount: o.FinalAmount,
		ShippingName: o.ShippingName, ShippingPhone: o.ShippingPhone, ShippingAddress: o.ShippingAddress,
		ShippingMemo: o.ShippingMemo, Items: make([]OrderItem, 0, len(o.Items)), CreatedAt: o.CreatedAt,
		ExpiresAt: o.ExpiresAt, PaidAt: o.PaidAt, ShippedAt: o.ShippedAt, DeliveredAt: o.DeliveredAt,
		CustomerRef: o.CustomerRef, TaxFreeAmount: o.TaxFreeAmount, CouponCode: o.CouponCode}
	v.ShippingPostcode, v.ShippingAddressDetail = o.ShippingPostcode, o.ShippingAddressDetail
	v.WithdrawalDeadline = o.WithdrawalDeadline()
	for _, it := range o.Items {
		v.Items = append(v.Items, OrderItem{ProductID: it.ProductID, ProductName: it.ProductName,
			Quantity: it.Quantity, UnitPrice: it.UnitPrice, TotalPrice: it.TotalPrice, TaxFree: it.TaxFree})
	}
	return v
}

// Payment is one Toss payment of an order. Its webhook secret is never shown.
type Payment struct {
	PaymentKey         string          `json:"paymentKey" example:"tgen_20261127ABCDEFGHIJ"`
	OrderID            string          `json:"orderId,omitempty" example:"ORD20261127A1B2C3D4"`
	Method             string          `json:"method,omitempty" enum:"card,transfer,virtual_account,mobile_phone,gift_certificate,easy_pay" example:"card"`
	Status             string          `json:"status" enum:"ready,in_progress,waiting_for_deposit,done,canceled,partial_canceled,aborted,expired" example:"done"`
	Amount             int64           `json:"amount" example:"16800"`
	BalanceAmount      int64           `json:"balanceAmount" example:"16800" doc:"What can still be refunded."`
	SuppliedAmount     int64           `json:"suppliedAmount" example:"15273" doc:"Taxable part of the balance without its VAT."`
	VAT                int64           `json:"vat" example:"1527" doc:"round(taxable part of the balance / 11)."`
	TaxFreeAmount      int64           `json:"taxFreeAmount" example:"0" doc:"Tax-free part of the balance; shrinks with refunds."`
	CashReceipt        *CashReceipt    `json:"cashReceipt,omitempty" doc:"The cash receipt (현금영수증) of a virtual-account or transfer payment."`
	LastTransactionKey string          `json:"lastTransactionKey,omitempty" example:"txrd_a01jxyz"`
	FailureCode        string          `json:"failureCode,omitempty" example:"REJECT_CARD_PAYMENT"`
	FailureMessage     string          `json:"failureMessage,omitempty" example:"한도초과 혹은 잔액부족으로 결제에 실패했습니다."`
	VirtualAccount     *VirtualAccount `json:"virtualAccount,omitempty"`
	ApprovedAt         *time.Time      `json:"approvedAt,omitempty"`
	CreatedAt          time.Time       `json:"createdAt"`
	// Events is the audit trail, shown to admins only.
	Events []Event `json:"events,omitempty" doc:"The audit trail (admins only)."`
}

// VirtualAccount is where the shopper deposits for a virtual-account payment.
type VirtualAccount struct {
	BankCode      string    `json:"bankCode" example:"88"`
	AccountNumber string    `json:"accountNumber" example:"X6516381000001"`
	CustomerName  string    `json:"customerName" example:"김지민"`
	DueDate       time.Time `json:"dueDate"`
}

func paymentView(p *paydeck.Payment, orderID string, events []*paydeck.PaymentEvent) Payment {
	v := Payment{PaymentKey: p.PaymentKey, OrderID: orderID, Method: string(p.Method), Status: string(p.Status),
		Amount: p.Amount, BalanceAmount: p.BalanceAmount, SuppliedAmount: p.SuppliedAmount, VAT: p.VAT,
		TaxFreeAmount: p.TaxFreeAmount, LastTransactionKey: p.TransactionKey, FailureCode: p.FailureCode,
		FailureMessage: p.FailureMessage, ApprovedAt: p.ApprovedAt, CreatedAt: p.CreatedAt}
	if c := p.CashReceipt; c != nil {
		v.CashReceipt = &CashReceipt{Type: string(c.Type), RegistrationNumber: c.Number, SelfIssued: c.SelfIssued,
			ReceiptKey: c.ReceiptKey, IssueNumber: c.IssueNumber, ReceiptURL: c.ReceiptURL, Amount: c.Amount,
			TaxFreeAmount: c.TaxFreeAmount, CanceledAmount: c.CanceledAmount, Status: string(c.Status), IssuedAt: c.IssuedAt}
	}
	if va := p.VirtualAccount; va != nil {
		v.VirtualAccount = &VirtualAccount{BankCode: va.BankCode, AccountNumber: va.AccountNumber,
			CustomerName: va.CustomerName, DueDate: va.DueDate}
	}
	for _, e := range events {
		v.Events = append(v.Events, eventView(e))
	}
	return v
}

// CashReceipt is a payment's cash receipt (현금영수증) as Toss issued it.
type CashReceipt struct {
	Type               string    `json:"type" enum:"소득공제,지출증빙" example:"소득공제"`
	RegistrationNumber string    `json:"registrationNumber" example:"010****5678" doc:"The number it was issued to, masked."`
	SelfIssued         bool      `json:"selfIssued" example:"false" doc:"Self-issued (자진발급) to 010-000-1234: a cash payment of 100,000 won or more with no receipt asked for."`
	ReceiptKey         string    `json:"receiptKey" example:"rcpt_20261127ABCDEF"`
	IssueNumber        string    `json:"issueNumber" example:"123456789"`
	ReceiptURL         string    `json:"receiptUrl" example:"https://dashboard.tosspayments.com/receipt/cash-receipt?receiptKey=rcpt_20261127ABCDEF"`
	Amount             int64     `json:"amount" example:"42900"`
	TaxFreeAmount      int64     `json:"taxFreeAmount" example:"29900"`
	CanceledAmount     int64     `json:"canceledAmount" example:"0" doc:"Cancelled by refunds or by the shop."`
	Status             string    `json:"status" enum:"issued,canceled" example:"issued"`
	IssuedAt           time.Time `json:"issuedAt"`
}

// Event is one entry of the append-only audit trail.
type Event struct {
	ID        int64          `json:"id" example:"42"`
	Type      string         `json:"type" example:"approved"`
	Message   string         `json:"message" example:"payment approved by Toss"`
	Metadata  map[string]any `json:"metadata,omitempty" doc:"Details: amounts, Toss codes."`
	IP        string         `json:"ip,omitempty" example:"203.0.113.7"`
	UserAgent string         `json:"userAgent,omitempty" example:"curl/8.5.0"`
	CreatedAt time.Time      `json:"createdAt"`
}

func eventView(e *paydeck.PaymentEvent) Event {
	return Event{ID: e.ID, Type: string(e.Type), Message: e.Message, Metadata: decodeObject(e.Metadata),
		IP: e.IP, UserAgent: e.UserAgent, CreatedAt: e.CreatedAt}
}

// Refund is one full or partial cancel of a payment.
type Refund struct {
	ID             string     `json:"id" format:"uuid" example:"5d6e7f80-91a2-4b3c-8d4e-5f60718293a4"`
	Amount         int64      `json:"amount" example:"6900"`
	TaxFreeAmount  int64      `json:"taxFreeAmount" example:"0" doc:"Tax-free part of amount, sent to Toss's cancel."`
	Reason         string     `json:"reason" example:"고객 변심"`
	Status         string     `json:"status" enum:"pending,in_progress,completed,failed" example:"completed"`
	TransactionKey string     `json:"transactionKey,omitempty" example:"txrd_a01jcancel"`
	ErrorCode      string     `json:"errorCode,omitempty" example:"NOT_CANCELABLE_AMOUNT"`
	ErrorMessage   string     `json:"errorMessage,omitempty" example:"취소 할 수 없는 금액 입니다."`
	CreatedAt      time.Time  `json:"createdAt"`
	CompletedAt    *time.Time `json:"completedAt,omitempty"`
}

func refundView(r *paydeck.Refund) Refund {
	return Refund{ID: r.ID, Amount: r.Amount, TaxFreeAmount: r.TaxFreeAmount, Reason: r.Reason, Status: string(r.Status), TransactionKey: r.TransactionKey,
		ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMessage, CreatedAt: r.CreatedAt, CompletedAt: r.CompletedAt}
}

// decodeObject returns the JSON object in raw as a map; nil when raw is
// empty or not an object.
func decodeObject(raw []byte) map[string]any {
	var m map[string]any
	if len(raw) == 0 || json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}
