package paydeck

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// MaxItemQuantity is the largest quantity of one product in one order.
const MaxItemQuantity = 1000

// Unpaid is what a user holds in unpaid orders that have not expired yet
// (pending, ExpiresAt after the transaction's Now): the number of such
// orders and the units of one product over them (Tx.TakeStockFor).
type Unpaid struct {
	Orders   int
	Quantity int64
}

// Order is a shopper's order. Its amounts are always computed on the server
// (ComputeAmounts), never taken from a client.
type Order struct {
	// ID is the internal UUID, assigned by the store on create.
	ID string `json:"id"`
	// OrderID is the public order ID sent to Toss, "ORD{yyyymmdd}{8 hex}"
	// (NewOrderID); the store generates one on create when it is empty.
	OrderID string `json:"orderId"`
	// UserID is the owner's User.ID.
	UserID string      `json:"userId"`
	Status OrderStatus `json:"status"`
	// TotalAmount is the sum of the items' TotalPrice.
	TotalAmount int64 `json:"totalAmount"`
	// DiscountAmount is the coupon's discount (0 without one), computed by
	// the payment service (Coupon.Discount), never taken from a client.
	DiscountAmount int64 `json:"discountAmount"`
	ShippingFee    int64 `json:"shippingFee"`
	// FinalAmount = TotalAmount − DiscountAmount + ShippingFee: what the
	// shopper pays.
	FinalAmount int64 `json:"finalAmount"`
	// TaxFreeAmount is the tax-free part of FinalAmount (TaxFreeShare of
	// the tax-free lines; shipping is taxable), set by ComputeAmounts and
	// sent to Toss as taxFreeAmount.
	TaxFreeAmount   int64       `json:"taxFreeAmount"`
	ShippingName    string      `json:"shippingName"`
	ShippingPhone   string      `json:"shippingPhone"`
	ShippingAddress string      `json:"shippingAddress"`
	ShippingMemo    string      `json:"shippingMemo"`
	Items           []OrderItem `json:"items"`
	CreatedAt       time.Time   `json:"createdAt"`
	UpdatedAt       time.Time   `json:"updatedAt"`
	// ExpiresAt is when an unpaid order expires (set by the caller on create).
	ExpiresAt   time.Time  `json:"expiresAt"`
	PaidAt      *time.Time `json:"paidAt,omitempty"`
	ShippedAt   *time.Time `json:"shippedAt,omitempty"`
	DeliveredAt *time.Time `json:"deliveredAt,omitempty"`
	// CustomerRef is another system's customer reference, set when an API
	// key placed the order ("" otherwise); at most 100 characters.
	CustomerRef string `json:"customerRef,omitempty"`

	// ShippingPostcode is the 5-digit 우편번호 and ShippingAddressDetail the
	// detail line (동·호수) under ShippingAddress; both may be empty.
	ShippingPostcode      string `json:"shippingPostcode"`
	ShippingAddressDetail string `json:"shippingAddressDetail"`
	// CouponCode is the code of the coupon the order used ("" for none),
	// read from its CouponUse; set it through Tx.UseCoupon.
	CouponCode string `json:"couponCode"`
}

// OrderItem is one line of an order: the product, the quantity and the unit
// price captured when the order was placed.
type OrderItem struct {
	// ID is a UUID assigned by the store on create.
	ID string `json:"id"`
	// OrderID is the owning Order.ID (internal UUID), set by the store.
	OrderID   string `json:"-"`
	ProductID string `json:"productId"`
	// ProductName is the product's name when the order was placed.
	ProductName string `json:"productName"`
	Quantity    int64  `json:"quantity"`
	UnitPrice   int64  `json:"unitPrice"`
	// TotalPrice = UnitPrice × Quantity.
	TotalPrice int64 `json:"totalPrice"`
	// TaxFree is the product's tax type when the order was placed.
	TaxFree bool `json:"taxFree"`
}

// NewOrderItem returns the item for qty units of p at p's current price.
// qty must be within 1..MaxItemQuantity, else an invalid *Error is returned.
func NewOrderItem(p *Product, qty int64) (OrderItem, error) {
	if qty < 1 || qty > MaxItemQuantity {
		return OrderItem{}, Reasonf(CodeInvalid, ReasonQuantityOutOfRange, "Quantity must be between 1 and %d.", MaxItemQuantity)
	}
	return OrderItem{ProductID: p.ID, ProductName: p.Name, Quantity: qty,
		UnitPrice: p.Price, TotalPrice: p.Price * qty, TaxFree: p.TaxFree}, nil
}

// ComputeAmounts sets TotalAmount from the items, FinalAmount =
// TotalAmount − DiscountAmount + ShippingFee and TaxFreeAmount (the
// tax-free lines less their share of the discount, TaxFreeShare). It returns an invalid *Error,
// leaving o unchanged, when there are no items, an item's TotalPrice is not
// UnitPrice × Quantity, the discount is negative or above the total, or the
// shipping fee is negative.
func (o *Order) ComputeAmounts() error {
	if len(o.Items) == 0 {
		return Reasonf(CodeInvalid, ReasonOrderEmpty, "An order needs at least one item.")
	}
	var total, taxFree int64
	for _, it := range o.Items {
		if it.TaxFree {
			taxFree += it.TotalPrice
		}
		if it.Quantity < 1 || it.Quantity > MaxItemQuantity || it.UnitPrice < 0 || it.TotalPrice != it.UnitPrice*it.Quantity {
			return Errorf(CodeInvalid, "Order item for product %s is inconsistent.", it.ProductID)
		}
		total += it.TotalPrice
	}
	switch {
	case o.DiscountAmount < 0 || o.DiscountAmount > total:
		return Errorf(CodeInvalid, "Discount must be between 0 and the order total.")
	case o.ShippingFee < 0:
		return Errorf(CodeInvalid, "Shipping fee must not be negative.")
	}
	o.TotalAmount = total
	o.FinalAmount = total - o.DiscountAmount + o.ShippingFee
	o.TaxFreeAmount = TaxFreeShare(total, taxFree, o.DiscountAmount)
	return nil
}

// Validate returns an invalid *Error naming the first broken rule: an owner,
// a known status, a valid OrderID when set, at least one item, amounts as
// ComputeAmounts sets them (Validate does not change them), and an expiry
// time. Shipping fields are free text checked by the caller (digital goods
// need none).
func (o *Order) Validate() error {
	switch {
	case o.UserID == "":
		return Errorf(CodeInvalid, "Order owner is required.")
	case !o.Status.Valid():
		return Errorf(CodeInvalid, "Order status %q is not valid.", o.Status)
	case o.OrderID != "" && !ValidTossOrderID(o.OrderID):
		return Errorf(CodeInvalid, "Order ID %q is not valid.", o.OrderID)
	case o.ExpiresAt.IsZero():
		return Errorf(CodeInvalid, "Order expiry time is required.")
	case len(o.CustomerRef) > 100:
		return Errorf(CodeInvalid, "An external customer reference has at most 100 characters.")
	}
	computed := Order{Items: o.Items, DiscountAmount: o.DiscountAmount, ShippingFee: o.ShippingFee}
	if err := computed.ComputeAmounts(); err != nil {
		return err
	} else if computed.TotalAmount != o.TotalAmount || computed.FinalAmount != o.FinalAmount ||
		computed.TaxFreeAmount != o.TaxFreeAmount {
		return Errorf(CodeInvalid, "Order amounts are inconsistent.")
	}
	return nil
}

// Transition changes o's status to to when the order state machine allows it
// (see OrderStatus.CanTransition) and records now in PaidAt, ShippedAt or
// DeliveredAt when entering paid, shipped or delivered. A forbidden change
// returns a *TransitionError and leaves o unchanged.
func (o *Order) Transition(to OrderStatus, now time.Time) error {
	if err := o.Status.CanTransition(to); err != nil {
		return err
	}
	o.Status = to
	switch to {
	case OrderPaid:
		o.PaidAt = &now
	case OrderShipped:
		o.ShippedAt = &now
	case OrderDelivered:
		o.DeliveredAt = &now
	}
	return nil
}

// Payable returns nil when a payment for the order may be confirmed at now:
// the order is pending and not past ExpiresAt. Otherwise it returns a conflict
// *Error saying why.
func (o *Order) Payable(now time.Time) error {
	switch {
	case o.Status != OrderPending:
		return Reasonf(CodeConflict, ReasonOrderNotPayable, "Order %s is %s and cannot be paid.", o.OrderID, o.Status)
	case !now.Before(o.ExpiresAt):
		return Reasonf(CodeConflict, ReasonOrderExpired, "Order %s has expired.", o.OrderID)
	}
	return nil
}

// Name is the name Toss shows for the order: the first line's product
// name, plus "외 N건" for the N other lines, at most 100 characters.
func (o *Order) Name() string {
	if len(o.Items) == 0 {
		return o.OrderID
	}
	name := o.Items[0].ProductName
	if n := len(o.Items) - 1; n > 0 {
		name += " 외 " + strconv.Itoa(n) + "건"
	}
	for utf8.RuneCountInString(name) > 100 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}
