package paydeck

import (
	"slices"
	"time"
	"unicode/utf8"
)

// WithdrawalPeriod is how long after delivery a shopper may withdraw from
// a purchase for any reason (청약철회, 전자상거래법 §17(1): 7 days from
// receiving the goods).
const WithdrawalPeriod = 7 * 24 * time.Hour

// ReturnStatus is the state of a ReturnRequest: requested, then approved or
// refused (both final).
type ReturnStatus string

// Return statuses.
const (
	ReturnRequested ReturnStatus = "requested"
	ReturnApproved  ReturnStatus = "approved"
	ReturnRefused   ReturnStatus = "refused"
)

// ReturnReason is why the shopper sends goods back; it decides the window
// and who pays the return shipping.
type ReturnReason string

// Return reasons.
const (
	// ReturnChangeOfMind (단순 변심) is a withdrawal under §17(1): within
	// WithdrawalPeriod of delivery, not for withdrawal-exempt products,
	// return shipping paid by the shopper (§18(9)).
	ReturnChangeOfMind ReturnReason = "change_of_mind"
	// ReturnDefective (상품 하자) and ReturnWrongItem (오배송) fall under
	// §17(3): within 3 months of delivery, for any product, return shipping
	// paid by the shop.
	ReturnDefective ReturnReason = "defective"
	ReturnWrongItem ReturnReason = "wrong_item"
)

// ReturnReasons lists every return reason.
var ReturnReasons = []ReturnReason{ReturnChangeOfMind, ReturnDefective, ReturnWrongItem}

// Valid reports whether r is a known reason.
func (r ReturnReason) Valid() bool { return slices.Contains(ReturnReasons, r) }

// ShopPays reports whether the shop bears the return shipping (a defect or
// a wrong item).
func (r ReturnReason) ShopPays() bool { return r == ReturnDefective || r == ReturnWrongItem }

// ReturnDeadline is the last moment a return for reason may be requested
// for an order delivered at delivered.
func ReturnDeadline(reason ReturnReason, delivered time.Time) time.Time {
	if reason.ShopPays() {
		return delivered.AddDate(0, 3, 0)
	}
	return delivered.Add(WithdrawalPeriod)
}

// WithdrawalDeadline is when o's withdrawal window (단순 변심) closes; nil
// until o is delivered.
func (o *Order) WithdrawalDeadline() *time.Time {
	if o.DeliveredAt == nil {
		return nil
	}
	t := ReturnDeadline(ReturnChangeOfMind, *o.DeliveredAt)
	return &t
}

// ReturnRequest is a shopper's request to send lines of a delivered order
// back for a refund, and the shop's decision.
type ReturnRequest struct {
	ID string `json:"id"`
	// OrderID is the Order.ID (internal UUID).
	OrderID string       `json:"-"`
	Status  ReturnStatus `json:"status"`
	Reason  ReturnReason `json:"reason"`
	// Note is the shopper's explanation, up to 500 characters.
	Note  string         `json:"note"`
	Lines []ShipmentLine `json:"items"`
	// RefuseReason is the shop's reason when refused.
	RefuseReason string `json:"refuseReason,omitempty"`
	// Restock records whether approved goods went back into stock.
	Restock bool `json:"restock"`
	// RefundAmount is what approval refunds: the lines' price less
	// ReturnShippingFee (plus the order's shipping fee when the shop pays
	// and the whole order comes back).
	RefundAmount int64 `json:"refundAmount"`
	// ReturnShippingFee is what the shopper bears for sending it back.
	ReturnShippingFee int64 `json:"returnShippingFee"`
	// RefundID is the Refund approval started, if any.
	RefundID  string     `json:"refundId,omitempty"`
	CreatedAt time.Time  `json:"createdAt"`
	UpdatedAt time.Time  `json:"updatedAt"`
	DecidedAt *time.Time `json:"decidedAt,omitempty"`
}

// Validate returns an invalid *Error naming the first broken rule.
func (r *ReturnRequest) Validate() error {
	switch {
	case r.OrderID == "":
		return Errorf(CodeInvalid, "A return belongs to an order.")
	case r.Status != ReturnRequested && r.Status != ReturnApproved && r.Status != ReturnRefused:
		return Errorf(CodeInvalid, "Return status %q is not valid.", r.Status)
	case !r.Reason.Valid():
		return Errorf(CodeInvalid, "Return reason %q is not valid.", r.Reason)
	case utf8.RuneCountInString(r.Note) > 500 || utf8.RuneCountInString(r.RefuseReason) > 500:
		return Errorf(CodeInvalid, "A return note has at most 500 characters.")
	case len(r.Lines) == 0:
		return Errorf(CodeInvalid, "A return holds at least one line.")
	case r.RefundAmount < 0 || r.ReturnShippingFee < 0:
		return Errorf(CodeInvalid, "Return amounts must not be negative.")
	}
	return validLines(r.Lines)
}

// ReturnFilter selects return requests; nil or empty fields do not filter.
type ReturnFilter struct {
	// OrderID matches returns of this Order.ID (internal UUID).
	OrderID  *string
	Statuses []ReturnStatus
	Offset   int
	Limit    int
}
