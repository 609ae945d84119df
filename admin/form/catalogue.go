package form

import (
	"net/http"

	"github.com/paydeck/paydeck"
)

// ParseProduct copies a posted product form (name, description, price,
// image_url, stock, digital, active, category, exempt, taxfree) onto p and validates it.
func ParseProduct(r *http.Request, p *paydeck.Product) error {
	price, err := integer(r, "price", "Price")
	if err != nil {
		return err
	}
	stock, err := integer(r, "stock", "Stock")
	if err != nil {
		return err
	}
	p.Name, p.Description, p.ImageURL = field(r, "name"), field(r, "description"), field(r, "image_url")
	p.Price, p.StockQuantity = price, stock
	p.IsDigital, p.IsActive = checked(r, "digital"), checked(r, "active")
	p.Category = field(r, "category")
	p.WithdrawalExempt = checked(r, "exempt")
	p.TaxFree = checked(r, "taxfree")
	return p.Validate()
}

// ParseMethod copies a posted payment-method form (name, type, active,
// display_order, fee_rate in basis points, fixed_fee in won) onto m and
// validates it. The type is read only when m is new (ID empty).
func ParseMethod(r *http.Request, m *paydeck.PaymentMethod) error {
	order, err := integer(r, "display_order", "Display order")
	if err != nil {
		return err
	}
	rate, err := integer(r, "fee_rate", "Fee rate")
	if err != nil {
		return err
	}
	fixed, err := integer(r, "fixed_fee", "Fixed fee")
	if err != nil {
		return err
	}
	if m.ID == "" {
		m.Type = paydeck.PaymentMethodType(field(r, "type"))
	}
	m.Name, m.IsActive = field(r, "name"), checked(r, "active")
	m.DisplayOrder, m.FeeRate, m.FixedFee = int(order), rate, fixed
	return m.Validate()
}
