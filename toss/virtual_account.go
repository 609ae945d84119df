package toss

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// VirtualAccountService issues virtual accounts without the payment window.
// Get it from Client.VirtualAccounts.
type VirtualAccountService struct{ b *backend }

// VirtualAccountParams is the body of POST /v1/virtual-accounts. Required:
// Amount (the exact sum to deposit), OrderID, OrderName, CustomerName and
// Bank (a bank code such as "20" for 우리, "88" for 신한). ValidHours and
// DueDate are mutually exclusive; with neither, Toss allows 168 hours.
type VirtualAccountParams struct {
	Params              `json:"-"`
	Amount              Amount              `json:"amount"`
	OrderID             string              `json:"orderId"`
	OrderName           string              `json:"orderName"`
	CustomerName        string              `json:"customerName"`
	Bank                string              `json:"bank"`
	ValidHours          *int                `json:"validHours,omitempty"`
	DueDate             *time.Time          `json:"-"` // sent as Korea-time yyyy-MM-ddTHH:mm:ss
	CustomerEmail       string              `json:"customerEmail,omitempty"`
	CustomerMobilePhone string              `json:"customerMobilePhone,omitempty"` // digits only
	TaxFreeAmount       *Amount             `json:"taxFreeAmount,omitempty"`
	UseEscrow           *bool               `json:"useEscrow,omitempty"`
	CashReceipt         *CashReceiptRequest `json:"cashReceipt,omitempty"`
	EscrowProducts      []EscrowProduct     `json:"escrowProducts,omitempty"`
	AccountKey          string              `json:"accountKey,omitempty"` // fixed (reusable) account
}

// MarshalJSON encodes the params, writing DueDate in Toss's request format.
func (p VirtualAccountParams) MarshalJSON() ([]byte, error) {
	type plain VirtualAccountParams
	aux := struct {
		plain
		DueDate string `json:"dueDate,omitempty"`
	}{plain: plain(p)}
	if p.DueDate != nil {
		aux.DueDate = formatLocal(*p.DueDate)
	}
	return json.Marshal(aux)
}

// CashReceiptRequest asks for a cash receipt with a virtual-account payment;
// it is issued after the deposit.
type CashReceiptRequest struct {
	Type               CashReceiptType `json:"type"`
	RegistrationNumber string          `json:"registrationNumber"` // phone, business or receipt-card number
}

// EscrowProduct is one product of an escrow payment.
type EscrowProduct struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Code      string `json:"code"`
	UnitPrice Amount `json:"unitPrice"`
	Quantity  int    `json:"quantity"`
}

// Issue issues a virtual account (POST /v1/virtual-accounts). The returned
// payment has Method MethodVirtualAccount, status WAITING_FOR_DEPOSIT,
// VirtualAccount set and Secret set: store the secret to verify the
// DEPOSIT_CALLBACK that announces the deposit.
func (s *VirtualAccountService) Issue(ctx context.Context, p *VirtualAccountParams) (*Payment, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: nil VirtualAccountParams", ErrInvalidParams)
	}
	return postPayment(ctx, s.b, request{method: http.MethodPost, route: "/v1/virtual-accounts",
		path: "/v1/virtual-accounts", body: p, params: &p.Params})
}

// formatLocal renders t in Korea time without offset, as Toss's request
// dates (dueDate, transaction startDate/endDate) expect.
func formatLocal(t time.Time) string { return t.In(KST).Format("2006-01-02T15:04:05") }

// formatDate renders the Korea-time calendar date of t (yyyy-MM-dd).
func formatDate(t time.Time) string { return t.In(KST).Format("2006-01-02") }
