package paydeck

import (
	"strings"
	"time"
	"unicode/utf8"
)

// MinPrice is the lowest price of a product in won.
const MinPrice = 100

// Product is an item of the catalogue.
type Product struct {
	// ID is a UUID assigned by the store on create.
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// Price is the unit price in won, at least MinPrice.
	Price    int64  `json:"price"`
	ImageURL string `json:"imageUrl"`
	// StockQuantity is the number of units left; ignored for digital goods.
	// The store never lets it go below zero.
	StockQuantity int64 `json:"stockQuantity"`
	// IsDigital marks goods with no stock limit.
	IsDigital bool `json:"isDigital"`
	// WithdrawalExempt marks goods the shopper cannot withdraw from for
	// change of mind (전자상거래법 §17(2): opened or used goods, digital
	// content once supplied, made to order). Defects may still be returned.
	WithdrawalExempt bool `json:"withdrawalExempt"`
	// TaxFree marks goods exempt from VAT (면세, e.g. unprocessed farm
	// produce); the rest are taxable (과세). See tax.go.
	TaxFree bool `json:"taxFree"`
	// IsActive marks products that can be ordered and are listed to shoppers.
	IsActive  bool      `json:"isActive"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// Category groups products on the home page ("" for none); at most
	// MaxCategoryLength characters, trimmed.
	Category string `json:"category"`
}

// MaxCategoryLength bounds Product.Category, in characters.
const MaxCategoryLength = 50

// Validate returns an invalid *Error naming the first broken rule: a
// non-empty name, a price of at least MinPrice, a stock quantity ≥ 0, a
// trimmed category of at most MaxCategoryLength characters.
func (p *Product) Validate() error {
	switch {
	case strings.TrimSpace(p.Name) == "":
		return Reasonf(CodeInvalid, ReasonProductName, "Product name is required.")
	case p.Price < MinPrice:
		return Reasonf(CodeInvalid, ReasonPriceTooLow, "Product price must be at least %d won.", MinPrice)
	case p.StockQuantity < 0:
		return Reasonf(CodeInvalid, ReasonStockNegative, "Product stock quantity must not be negative.")
	case utf8.RuneCountInString(p.Category) > MaxCategoryLength || p.Category != strings.TrimSpace(p.Category):
		return Reasonf(CodeInvalid, ReasonProductCategory, "Product category must be at most %d characters, without leading or trailing spaces.", MaxCategoryLength)
	}
	return nil
}

// Available reports whether qty units (qty > 0) can be ordered now: the
// product is active and either digital or has at least qty in stock.
// The authoritative check is the store's ReserveStock; this one is for display.
func (p *Product) Available(qty int64) bool {
	return p.IsActive && qty > 0 && (p.IsDigital || p.StockQuantity >= qty)
}

// StockAdjustment is one change of a product's stock made by the shop (a
// delivery in, a count corrected), recorded with its reason. Orders move
// stock through ReserveStock/ReleaseStock instead.
type StockAdjustment struct {
	ID        string `json:"id"`
	ProductID string `json:"productId"`
	// Delta is added to the stock (negative takes units out); never 0.
	Delta int64 `json:"delta"`
	// Reason says why, 1 to 200 characters.
	Reason string `json:"reason"`
	// StockAfter is the product's stock once Delta was applied.
	StockAfter int64 `json:"stockAfter"`
	// UserID is the admin who made it ("" for the system).
	UserID    string    `json:"userId,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}
