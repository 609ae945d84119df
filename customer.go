package paydeck

import (
	"strings"
	"time"
)

// Customer is a shopper's account with the figures the shop looks at when
// the shopper calls: how many orders, how much paid, when they last ordered.
type Customer struct {
	// User is the account (PasswordHash is left empty).
	User
	// Orders counts the customer's orders, whatever their status.
	Orders int `json:"orders"`
	// PaidAmount sums the customer's approved payments, RefundedAmount what
	// went back of them.
	PaidAmount     int64 `json:"paidAmount"`
	RefundedAmount int64 `json:"refundedAmount"`
	// LastOrderAt is when the customer last ordered; nil if never.
	LastOrderAt *time.Time `json:"lastOrderAt,omitempty"`
	// Phone is the shipping phone of the customer's last order, "" if none.
	Phone string `json:"phone,omitempty"`
}

// CustomerFilter selects customers (users with RoleCustomer); nil fields do
// not filter.
type CustomerFilter struct {
	ID *string
	// Search matches customers whose email or name contains it, or who have
	// an order that Search matches (see OrderFilter.Search).
	Search *string
	Offset int
	Limit  int
}

// SearchDigits returns the digits of a search term that looks like a phone
// number ("010-1234-5678", "+82 10 1234 5678", "5678": digits, spaces,
// '-', '.', '(', ')' and a leading '+', with at least 3 digits), with a
// leading country code 82 turned into 0; "" for any other term. Stores
// compare them with the digits of the orders' shipping phones.
func SearchDigits(term string) string {
	term = strings.TrimSpace(term)
	var b strings.Builder
	for i, r := range term {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		case r == '+' && i == 0:
		default:
			return ""
		}
	}
	d := b.String()
	if strings.HasPrefix(term, "+82") {
		d = "0" + strings.TrimPrefix(d, "82")
	}
	if len(d) < 3 {
		return ""
	}
	return d
}
