package toss

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// BillingKey is a Toss auto-pay billing key. It is a secret that charges the
// buyer's card: its String, GoString and Format-driven output is redacted, so
// it never shows in logs or error text. Use string(key) to store it.
type BillingKey string

// String returns a redacted placeholder, never the key.
func (BillingKey) String() string { return "[redacted billing key]" }

// GoString returns a redacted placeholder, never the key.
func (k BillingKey) GoString() string { return k.String() }

// BillingService manages auto-pay (자동결제): billing keys and charges.
// Get it from Client.Billing.
type BillingService struct{ b *backend }

// Billing is Toss's Billing object, returned when a billing key is issued.
type Billing struct {
	MID             string       `json:"mId"`
	CustomerKey     string       `json:"customerKey"`
	AuthenticatedAt time.Time    `json:"authenticatedAt"`
	Method          Method       `json:"method"`
	BillingKey      BillingKey   `json:"billingKey"`
	Card            *BillingCard `json:"card"`
	// Transfers is kept raw: the account auto-pay shape is not documented.
	Transfers json.RawMessage `json:"transfers,omitempty"`
}

// UnmarshalJSON decodes a Billing, parsing Toss timestamps tolerantly.
func (b *Billing) UnmarshalJSON(data []byte) error {
	type plain Billing
	aux := struct {
		*plain
		AuthenticatedAt jsonTime `json:"authenticatedAt"`
	}{plain: (*plain)(b)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	b.AuthenticatedAt = aux.AuthenticatedAt.t
	return nil
}

// BillingCard is Billing.Card.
type BillingCard struct {
	IssuerCode   string    `json:"issuerCode"`
	AcquirerCode string    `json:"acquirerCode"`
	Number       string    `json:"number"` // masked by Toss
	CardType     CardType  `json:"cardType"`
	OwnerType    OwnerType `json:"ownerType"`
}

// BillingAuthKeyParams is the body of POST /v1/billing/authorizations/issue:
// the authKey and customerKey the browser's billing-auth success redirect got.
type BillingAuthKeyParams struct {
	Params      `json:"-"`
	AuthKey     string `json:"authKey"`
	CustomerKey string `json:"customerKey"`
}

// IssueByAuthKey exchanges a one-time authKey for a billing key
// (POST /v1/billing/authorizations/issue).
func (s *BillingService) IssueByAuthKey(ctx context.Context, p *BillingAuthKeyParams) (*Billing, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: nil BillingAuthKeyParams", ErrInvalidParams)
	}
	return s.issue(ctx, "/v1/billing/authorizations/issue", p, &p.Params)
}

// BillingCardParams is the body of POST /v1/billing/authorizations/card.
// Required: CustomerKey, CardNumber, CardExpirationYear, CardExpirationMonth,
// CustomerIdentityNumber. Its String and GoString mask the card data.
type BillingCardParams struct {
	Params                 `json:"-"`
	CustomerKey            string `json:"customerKey"`
	CardNumber             string `json:"cardNumber"`
	CardExpirationYear     string `json:"cardExpirationYear"`
	CardExpirationMonth    string `json:"cardExpirationMonth"`
	CustomerIdentityNumber string `json:"customerIdentityNumber"`
	CardPassword           string `json:"cardPassword,omitempty"`
	CustomerName           string `json:"customerName,omitempty"`
	CustomerEmail          string `json:"customerEmail,omitempty"`
}

// String describes the params with the card data masked.
func (p BillingCardParams) String() string {
	return fmt.Sprintf("BillingCardParams{CustomerKey:%s Card:%s}", p.CustomerKey, maskTail(p.CardNumber))
}

// GoString is String, so %#v masks too.
func (p BillingCardParams) GoString() string { return p.String() }

// IssueByCard issues a billing key from card data the merchant collected
// (POST /v1/billing/authorizations/card; needs a separate Toss contract).
func (s *BillingService) IssueByCard(ctx context.Context, p *BillingCardParams) (*Billing, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: nil BillingCardParams", ErrInvalidParams)
	}
	return s.issue(ctx, "/v1/billing/authorizations/card", p, &p.Params, p.CardNumber)
}

func (s *BillingService) issue(ctx context.Context, path string, body any, params *Params, secrets ...string) (*Billing, error) {
	var out Billing
	req := request{method: http.MethodPost, route: path, path: path, body: body, params: params, secrets: secrets}
	if err := s.b.call(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// BillingChargeParams is the body of POST /v1/billing/{billingKey}.
// Required: Amount, CustomerKey (the one bound at issue), OrderID (new for
// every charge) and OrderName.
type BillingChargeParams struct {
	Params              `json:"-"`
	Amount              Amount  `json:"amount"`
	CustomerKey         string  `json:"customerKey"`
	OrderID             string  `json:"orderId"`
	OrderName           string  `json:"orderName"`
	CustomerEmail       string  `json:"customerEmail,omitempty"`
	CustomerName        string  `json:"customerName,omitempty"`
	CustomerIP          string  `json:"customerIp,omitempty"`
	TaxFreeAmount       *Amount `json:"taxFreeAmount,omitempty"`
	TaxExemptionAmount  *Amount `json:"taxExemptionAmount,omitempty"`
	CardInstallmentPlan *int    `json:"cardInstallmentPlan,omitempty"`
}

// Charge charges a billing key (POST /v1/billing/{billingKey}); the answer is
// a DONE payment of type BILLING. Toss documents it as taking up to 60 s, so
// the attempt timeout is doubled. No webhook follows a successful charge.
// Typical codes: CodeNotMatchesCustomerKey, CodeDuplicatedOrderID,
// CodeNotFoundBilling, CodeRejectCardPayment.
func (s *BillingService) Charge(ctx context.Context, billingKey BillingKey, p *BillingChargeParams) (*Payment, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: nil BillingChargeParams", ErrInvalidParams)
	}
	path, err := pathWithID("/v1/billing/", string(billingKey), "")
	if err != nil {
		return nil, err
	}
	return postPayment(ctx, s.b, request{method: http.MethodPost, route: "/v1/billing/{billingKey}",
		path: path, body: p, params: &p.Params, slow: true, secrets: billingKeySecrets(billingKey)})
}

// Delete deletes a billing key (DELETE /v1/billing/{billingKey}); Toss
// answers 200 with an empty body and emits a BILLING_DELETED webhook.
// Unknown key: *Error with CodeNotFoundBilling — which is also what a
// retried delete whose first attempt succeeded gets, so callers may treat it
// as "already deleted".
func (s *BillingService) Delete(ctx context.Context, billingKey BillingKey) error {
	path, err := pathWithID("/v1/billing/", string(billingKey), "")
	if err != nil {
		return err
	}
	return s.b.call(ctx, request{method: http.MethodDelete, route: "/v1/billing/{billingKey}", path: path,
		secrets: billingKeySecrets(billingKey)}, nil)
}

// billingKeySecrets lists the forms of a billing key a server could echo.
func billingKeySecrets(k BillingKey) []string { return []string{string(k), escapeSegment(string(k))} }
