package payment

import (
	"context"
	"strings"

	"github.com/paydeck/paydeck"
)

// OrderLine is one product and quantity of a new order.
type OrderLine struct {
	ProductID string
	Quantity  int64
}

// Shipping is where a new order goes. Postcode is the 5-digit 우편번호 and
// Detail the line under Address (동·호수); both optional.
type Shipping struct {
	Name, Phone, Address, Memo string
	Postcode, Detail           string
}

// OrderInput is a new order: its lines (each product once) and shipping.
type OrderInput struct {
	Items    []OrderLine
	Shipping Shipping
	// CustomerRef names another system's customer; only admins (and API
	// keys, which act as one) may set it.
	CustomerRef string
	// CouponCode is a coupon the shopper entered ("" for none); the
	// discount is computed here (applyCoupon), never taken from a client.
	CouponCode string
}

// CreateOrder places a pending order for the actor: the amounts are computed
// here from the catalogue (shipping fee: 0 for all-digital orders or totals
// of at least FreeShippingOver, else ShippingFee; discount from the coupon,
// see applyCoupon), stock is reserved for every line and the coupon use
// recorded (Tx.UseCoupon) in the same transaction. The order is payable
// until ExpiresAt (now + PaymentTimeout); Sweep expires it after that and
// releases the stock (no job per order: an unpaid order costs no more
// writes). Errors: invalid (no lines,
// a quantity outside 1..MaxItemQuantity, a product listed twice, an unknown
// product, a final amount outside MinAmount..MaxAmount, no shipping name
// and address for physical goods), conflict (inactive product or not enough
// stock, naming the product), unauthorized (no user).
func (s *Service) CreateOrder(ctx context.Context, a Actor, in OrderInput) (*paydeck.Order, error) {
	if a.UserID == "" {
		return nil, paydeck.Reasonf(paydeck.CodeUnauthorized, paydeck.ReasonSignInRequired, "Sign in to place an order.")
	}
	if err := validateLines(in.Items); err != nil {
		return nil, err
	}
	if pc := strings.TrimSpace(in.Shipping.Postcode); pc != "" && !validPostcode(pc) {
		return nil, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonPostcode, "A postcode has 5 digits.")
	}
	if in.CustomerRef != "" && !a.Admin {
		return nil, paydeck.Errorf(paydeck.CodeInvalid, "Only API keys and admins may name an external customer reference.")
	}
	var out *paydeck.Order
	err := s.store.Update(ctx, func(tx paydeck.Tx) error {
		o := &paydeck.Order{UserID: a.UserID, Status: paydeck.OrderPending,
			ShippingName: strings.TrimSpace(in.Shipping.Name), ShippingPhone: strings.TrimSpace(in.Shipping.Phone),
			ShippingAddress: strings.TrimSpace(in.Shipping.Address), ShippingMemo: strings.TrimSpace(in.Shipping.Memo),
			ExpiresAt: tx.Now().Add(s.cfg.PaymentTimeout), CustomerRef: strings.TrimSpace(in.CustomerRef),
			ShippingPostcode: strings.TrimSpace(in.Shipping.Postcode), ShippingAddressDetail: strings.TrimSpace(in.Shipping.Detail)}
		allDigital := true
		held := make(map[string]int64, len(in.Items)) // units of each product in the user's unpaid orders
		for i, l := range in.Items {
			// One statement reserves the stock and reads the product and
			// what the user already holds unpaid; the first also locks the
			// user's row, so that one user's orders are checked one after
			// the other.
			p, unpaid, err := tx.TakeStockFor(ctx, a.UserID, l.ProductID, l.Quantity)
			code := paydeck.ErrorCode(err)
			switch {
			case err != nil && code != paydeck.CodeNotFound && code != paydeck.CodeConflict:
				return err
			case code == paydeck.CodeNotFound && paydeck.ErrorReason(err) != paydeck.ReasonProductNotFound:
				return paydeck.Reasonf(paydeck.CodeUnauthorized, paydeck.ReasonSignInRequired, "Sign in to place an order.")
			case i == 0 && unpaid.Orders >= s.cfg.MaxPendingOrders: // before the line's own refusal
				return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonTooManyUnpaid,
					"You have %d unpaid orders, the most one account may hold; pay or cancel one first.", unpaid.Orders)
			case code == paydeck.CodeNotFound:
				return paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonProductNotFound, "Product %s does not exist.", l.ProductID)
			case code == paydeck.CodeConflict && !p.IsActive:
				return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonNotForSale, "Product %q is not for sale.", p.Name)
			case code == paydeck.CodeConflict:
				return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonOutOfStock, "Product %q has fewer than %d in stock.", p.Name, l.Quantity)
			}
			held[p.ID] = unpaid.Quantity
			it, err := paydeck.NewOrderItem(p, l.Quantity)
			if err != nil {
				return err
			}
			allDigital = allDigital && p.IsDigital
			o.Items = append(o.Items, it)
		}
		if !allDigital && (o.ShippingName == "" || o.ShippingAddress == "") {
			return paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonShippingRequired, "Physical goods need a shipping name and address.")
		}
		if err := o.ComputeAmounts(); err != nil {
			return err
		}
		s.setShippingFee(o, allDigital)
		if err := o.ComputeAmounts(); err != nil {
			return err
		}
		coupon, err := s.applyCoupon(ctx, tx, o, in.CouponCode)
		if err != nil {
			return err
		}
		if o.FinalAmount < s.cfg.MinAmount || o.FinalAmount > s.cfg.MaxAmount {
			return paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonAmountOutOfRange, "An order must come to between %d and %d won; this one is %d.",
				s.cfg.MinAmount, s.cfg.MaxAmount, o.FinalAmount)
		}
		for _, it := range o.Items {
			if held[it.ProductID]+it.Quantity > s.cfg.MaxPendingQuantity {
				return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonTooManyHeld, "At most %d of one product may wait in unpaid orders; "+
					"you already hold %d of %q.", s.cfg.MaxPendingQuantity, held[it.ProductID], it.ProductName)
			}
		}
		if err := tx.CreateOrder(ctx, o); err != nil {
			return err
		}
		meta := map[string]any{"finalAmount": o.FinalAmount, "shippingFee": o.ShippingFee, "items": len(o.Items)}
		if coupon != nil {
			if err := tx.UseCoupon(ctx, &paydeck.CouponUse{CouponID: coupon.ID, Code: coupon.Code, OrderID: o.ID,
				UserID: o.UserID, DiscountAmount: o.DiscountAmount}); err != nil {
				return err
			}
			o.CouponCode = coupon.Code
			meta["couponCode"], meta["discountAmount"] = coupon.Code, o.DiscountAmount
		}
		if err := appendEvent(ctx, tx, a, o.ID, "", paydeck.EventCreated, "order placed", meta); err != nil {
			return err
		}
		out = o
		return nil
	})
	return out, err
}

func validateLines(lines []OrderLine) error {
	if len(lines) == 0 {
		return paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonOrderEmpty, "An order needs at least one item.")
	}
	seen := make(map[string]bool, len(lines))
	for _, l := range lines {
		switch {
		case l.Quantity < 1 || l.Quantity > paydeck.MaxItemQuantity:
			return paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonQuantityOutOfRange, "Quantity must be between 1 and %d.", paydeck.MaxItemQuantity)
		case !paydeck.ValidUUID(l.ProductID):
			return paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonProductNotFound, "Product %q does not exist.", l.ProductID)
		case seen[l.ProductID]:
			return paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonDuplicateLine, "Product %s is listed twice; give one line per product.", l.ProductID)
		}
		seen[l.ProductID] = true
	}
	return nil
}

// Order returns the order with public orderID (or the Toss orderId of one
// of its attempts) and its payments (newest first), if the actor may see
// it; else not_found.
func (s *Service) Order(ctx context.Context, a Actor, orderID string) (*paydeck.Order, []*paydeck.Payment, error) {
	var o *paydeck.Order
	var pays []*paydeck.Payment
	err := s.store.View(ctx, func(tx paydeck.Tx) (err error) {
		if o, err = findOrderForToss(ctx, tx, orderID, false); err != nil || !a.canSee(o) {
			return notFound("Order", orderID)
		}
		pays, _, err = tx.FindPayments(ctx, paydeck.PaymentFilter{OrderID: &o.ID})
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return o, pays, nil
}

// Orders returns the orders matching filter, newest first, and the total
// count. Customers only ever see their own orders (filter.UserID is forced).
func (s *Service) Orders(ctx context.Context, a Actor, filter paydeck.OrderFilter) ([]*paydeck.Order, int, error) {
	if !a.Admin {
		if a.UserID == "" {
			return nil, 0, paydeck.Reasonf(paydeck.CodeUnauthorized, paydeck.ReasonSignInRequired, "Sign in to list orders.")
		}
		filter.UserID = &a.UserID
	}
	var list []*paydeck.Order
	var n int
	err := s.store.View(ctx, func(tx paydeck.Tx) (err error) {
		list, n, err = tx.FindOrders(ctx, filter)
		return err
	})
	return list, n, err
}

// CancelOrder cancels a pending order and releases its stock. A virtual
// account awaiting its deposit is cancelled at Toss first (a full cancel of
// the waiting payment through Cancel, which cancels the order with it; while
// Toss's answer is unknown the order stays pending and a job settles it).
// Errors: not_found, conflict (not pending, a payment is being confirmed,
// or Toss refused to cancel the account), unavailable.
func (s *Service) CancelOrder(ctx context.Context, a Actor, orderID string) (*paydeck.Order, error) {
	o, p, err := s.openAccount(ctx, a, orderID)
	if err != nil {
		return nil, err
	}
	if p != nil && o.Status == paydeck.OrderPending {
		if _, _, err := s.Cancel(ctx, a, p.PaymentKey, CancelInput{Reason: CancelOrderReason,
			IdempotencyKey: "cancel-order-" + p.ID}); err != nil {
			return nil, err
		}
		o, _, err = s.Order(ctx, a, o.OrderID)
		return o, err
	}
	return s.changeOrder(ctx, a, orderID, func(tx paydeck.Tx, o *paydeck.Order) error {
		if err := noOpenPayment(ctx, tx, o); err != nil {
			return err
		}
		if err := o.Transition(paydeck.OrderCancelled, tx.Now()); err != nil {
			return err
		}
		if err := releaseStock(ctx, tx, o); err != nil {
			return err
		}
		if err := releaseCoupon(ctx, tx, a, o, "order cancelled"); err != nil {
			return err
		}
		return appendEvent(ctx, tx, a, o.ID, "", paydeck.EventCanceled, "order cancelled before payment", nil)
	})
}

// DeliverOrder moves a shipped order to delivered; admins only.
func (s *Service) DeliverOrder(ctx context.Context, a Actor, orderID string) (*paydeck.Order, error) {
	return s.adminMove(ctx, a, orderID, paydeck.OrderDelivered, EventDelivered)
}

func (s *Service) adminMove(ctx context.Context, a Actor, orderID string, to paydeck.OrderStatus, ev paydeck.EventType) (*paydeck.Order, error) {
	if !a.Admin {
		return nil, paydeck.Reasonf(paydeck.CodeForbidden, paydeck.ReasonShopOnly, "Only the shop can change delivery status.")
	}
	return s.changeOrder(ctx, a, orderID, func(tx paydeck.Tx, o *paydeck.Order) error {
		if err := o.Transition(to, tx.Now()); err != nil {
			return err
		}
		if err := noOpenRefund(ctx, tx, o); err != nil {
			return err
		}
		return appendEvent(ctx, tx, a, o.ID, "", ev, "order "+string(to), nil)
	})
}

// changeOrder locks the order with public orderID, checks the actor, runs
// change and writes the order, all in one transaction.
func (s *Service) changeOrder(ctx context.Context, a Actor, orderID string,
	change func(tx paydeck.Tx, o *paydeck.Order) error) (*paydeck.Order, error) {
	var out *paydeck.Order
	err := s.store.Update(ctx, func(tx paydeck.Tx) error {
		o, err := tx.LockOrderByOrderID(ctx, orderID)
		if err != nil || !a.canSee(o) {
			return notFound("Order", orderID)
		}
		if err := change(tx, o); err != nil {
			return err
		}
		out = o
		return tx.UpdateOrder(ctx, o)
	})
	return out, err
}

// noOpenPayment returns conflict when a payment of o is being confirmed or
// awaits a deposit.
func noOpenPayment(ctx context.Context, tx paydeck.Tx, o *paydeck.Order) error {
	_, n, err := tx.FindPayments(ctx, paydeck.PaymentFilter{OrderID: &o.ID,
		Statuses: []paydeck.PaymentStatus{paydeck.PaymentInProgress, paydeck.PaymentWaitingForDeposit}})
	if err != nil {
		return err
	}
	if n > 0 {
		return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonPaymentUnderWay, "Order %s has a payment under way.", o.OrderID)
	}
	return nil
}

// noOpenRefund returns conflict when a refund of a payment of o is pending
// or in flight at Toss: goods must not leave while their money may be
// going back. Refunds lock the order too, so none starts meanwhile.
func noOpenRefund(ctx context.Context, tx paydeck.Tx, o *paydeck.Order) error {
	pays, _, err := tx.FindPayments(ctx, paydeck.PaymentFilter{OrderID: &o.ID})
	if err != nil {
		return err
	}
	for _, p := range pays {
		_, n, err := tx.FindRefunds(ctx, paydeck.RefundFilter{PaymentID: &p.ID,
			Statuses: []paydeck.RefundStatus{paydeck.RefundPending, paydeck.RefundInProgress}})
		if err != nil {
			return err
		}
		if n > 0 {
			return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonRefundInProgress, "Order %s has a refund in progress; try again once it is settled.", o.OrderID)
		}
	}
	return nil
}

// releaseStock gives every item's quantity back (digital goods: no-op). An
// order locked without its items (onPayment) has them loaded first.
func releaseStock(ctx context.Context, tx paydeck.Tx, o *paydeck.Order) error {
	if o.Items == nil {
		full, err := tx.FindOrderByID(ctx, o.ID)
		if err != nil {
			return err
		}
		o.Items = full.Items
	}
	for _, it := range o.Items {
		if err := tx.ReleaseStock(ctx, it.ProductID, it.Quantity); err != nil {
			return err
		}
	}
	return nil
}

// ExpireOrder expires the order (internal ID) when it is still pending,
// past ExpiresAt and has no virtual account awaiting its deposit (whose due
// date governs instead): status expired, stock released, event. Otherwise it
// does nothing. A confirm still in progress does not hold the order: should
// Toss approve it later, the payment is cancelled back. A missing order is
// not an error.
func (s *Service) ExpireOrder(ctx context.Context, orderID string) error {
	return s.store.Update(ctx, func(tx paydeck.Tx) error {
		o, err := tx.LockOrderByID(ctx, orderID)
		if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
			return nil
		} else if err != nil {
			return err
		}
		if o.Status != paydeck.OrderPending || tx.Now().Before(o.ExpiresAt) {
			return nil
		}
		_, waiting, err := tx.FindPayments(ctx, paydeck.PaymentFilter{OrderID: &o.ID,
			Statuses: []paydeck.PaymentStatus{paydeck.PaymentWaitingForDeposit}})
		if err != nil || waiting > 0 {
			return err // a virtual account's due date governs instead
		}
		return expireOrder(ctx, tx, o, "payment timeout passed")
	})
}

// expireOrder marks o expired, releases its stock and records why.
func expireOrder(ctx context.Context, tx paydeck.Tx, o *paydeck.Order, why string) error {
	if err := o.Transition(paydeck.OrderExpired, tx.Now()); err != nil {
		return err
	}
	if err := releaseStock(ctx, tx, o); err != nil {
		return err
	}
	if err := releaseCoupon(ctx, tx, System, o, "order expired"); err != nil {
		return err
	}
	if err := tx.UpdateOrder(ctx, o); err != nil {
		return err
	}
	return appendEvent(ctx, tx, System, o.ID, "", paydeck.EventExpired, "order expired: "+why, nil)
}

// Payment returns the payment with Toss's paymentKey if the actor may see
// its order (else not_found), with its audit trail for admins (nil for
// customers).
func (s *Service) Payment(ctx context.Context, a Actor, paymentKey string) (*paydeck.Payment, []*paydeck.PaymentEvent, error) {
	var p *paydeck.Payment
	var events []*paydeck.PaymentEvent
	err := s.store.View(ctx, func(tx paydeck.Tx) (err error) {
		if p, err = tx.FindPaymentByKey(ctx, paymentKey); err != nil {
			return notFound("Payment", paymentKey)
		}
		o, err := tx.FindOrderByID(ctx, p.OrderID)
		if err != nil || !a.canSee(o) {
			return notFound("Payment", paymentKey)
		}
		if a.Admin {
			events, _, err = tx.FindEvents(ctx, paydeck.EventFilter{PaymentID: &p.ID})
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return p, events, nil
}

// validPostcode reports whether pc is a 5-digit Korean postcode (국가기초구역
// 번호, in use since 2015).
func validPostcode(pc string) bool {
	if len(pc) != 5 {
		return false
	}
	for _, c := range pc {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
