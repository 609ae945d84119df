package payment

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paydeck/paydeck"
)

// Event types of shipping and returns.
const (
	EventReturnRequested paydeck.EventType = "return_requested"
	EventReturnApproved  paydeck.EventType = "return_approved"
	EventReturnRefused   paydeck.EventType = "return_refused"
)

// ShipInput is one shipment: a courier (a paydeck.Courier code or name)
// and its tracking number, or neither (goods handed over without
// tracking), and the lines it holds (none: every line not yet shipped).
type ShipInput struct {
	Courier        string
	TrackingNumber string
	Lines          []paydeck.ShipmentLine
}

// ShipOrder ships every line of a paid order not yet shipped, without
// tracking; admins only. It is Ship with an empty ShipInput.
func (s *Service) ShipOrder(ctx context.Context, a Actor, orderID string) (*paydeck.Order, error) {
	o, _, err := s.Ship(ctx, a, orderID, ShipInput{})
	return o, err
}

// Ship records a shipment of a paid (or partially refunded, or already
// partly shipped) order: the first one moves the order to shipped, later
// ones add the lines left. Admins only (forbidden otherwise). Errors:
// invalid (unknown courier, a bad tracking number, one without the other,
// a line not in the order, a product listed twice, more than is left to
// ship), conflict (nothing left to ship, an order that cannot ship, a
// refund in progress), not_found.
func (s *Service) Ship(ctx context.Context, a Actor, orderID string, in ShipInput) (*paydeck.Order, *paydeck.Shipment, error) {
	if !a.Admin {
		return nil, nil, paydeck.Errorf(paydeck.CodeForbidden, "Only the shop can change delivery status.")
	}
	var courier *paydeck.Courier
	if strings.TrimSpace(in.Courier) != "" {
		if courier = paydeck.FindCourier(in.Courier); courier == nil {
			return nil, nil, paydeck.Errorf(paydeck.CodeInvalid, "Courier %q is not known.", in.Courier)
		}
	}
	number := ""
	if strings.TrimSpace(in.TrackingNumber) != "" {
		var err error
		if number, err = paydeck.NormalizeTrackingNumber(in.TrackingNumber); err != nil {
			return nil, nil, err
		}
	}
	if (courier == nil) != (number == "") {
		return nil, nil, paydeck.Errorf(paydeck.CodeInvalid, "Give both a courier and a tracking number, or neither.")
	}
	var sh *paydeck.Shipment
	o, err := s.changeOrder(ctx, a, orderID, func(tx paydeck.Tx, o *paydeck.Order) error {
		sh = nil
		if o.Status != paydeck.OrderShipped {
			if err := o.Transition(paydeck.OrderShipped, tx.Now()); err != nil {
				return err
			}
		}
		if err := noOpenRefund(ctx, tx, o); err != nil {
			return err
		}
		shipments, err := tx.FindShipments(ctx, o.ID)
		if err != nil {
			return err
		}
		lines, err := pickLines(o, paydeck.Remaining(o, shipments), in.Lines, "ship")
		if err != nil {
			return err
		}
		sh = &paydeck.Shipment{OrderID: o.ID, Lines: lines, TrackingNumber: number}
		meta := map[string]any{"items": lines, "partial": false}
		if courier != nil {
			sh.Courier = courier.Code
			meta["courier"], meta["courierName"], meta["trackingNumber"] = courier.Code, courier.Name, number
			meta["trackingUrl"] = sh.TrackingURL()
		}
		if err := tx.CreateShipment(ctx, sh); err != nil {
			return err
		}
		meta["shipmentId"] = sh.ID
		for _, n := range paydeck.Remaining(o, append(shipments, sh)) {
			if n > 0 {
				meta["partial"] = true
			}
		}
		msg := "order shipped"
		if len(shipments) > 0 {
			msg = "more of the order shipped"
		}
		return appendEvent(ctx, tx, a, o.ID, "", EventShipped, msg, meta)
	})
	if err != nil {
		return nil, nil, err
	}
	return o, sh, nil
}

// pickLines checks the requested lines against left (per product, what
// may still be shipped or returned) and returns them; no lines means every
// product with something left, in the order's item order.
func pickLines(o *paydeck.Order, left map[string]int64, want []paydeck.ShipmentLine, verb string) ([]paydeck.ShipmentLine, error) {
	var lines []paydeck.ShipmentLine
	if len(want) == 0 {
		for _, it := range o.Items {
			if n := left[it.ProductID]; n > 0 {
				lines = append(lines, paydeck.ShipmentLine{ProductID: it.ProductID, Quantity: n})
				left[it.ProductID] = 0
			}
		}
		if len(lines) == 0 {
			return nil, paydeck.Errorf(paydeck.CodeConflict, "Nothing of order %s is left to %s.", o.OrderID, verb)
		}
		return lines, nil
	}
	seen := map[string]bool{}
	for _, l := range want {
		n, ok := left[l.ProductID]
		switch {
		case !ok:
			return nil, paydeck.Errorf(paydeck.CodeInvalid, "Product %s is not in order %s.", l.ProductID, o.OrderID)
		case seen[l.ProductID]:
			return nil, paydeck.Errorf(paydeck.CodeInvalid, "Product %s is listed twice; give one line per product.", l.ProductID)
		case l.Quantity < 1:
			return nil, paydeck.Errorf(paydeck.CodeInvalid, "Quantities must be at least 1.")
		case l.Quantity > n:
			return nil, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonQuantityLeft, "Only %d of %s are left to %s.", max(n, 0), itemName(o, l.ProductID), verb)
		}
		seen[l.ProductID] = true
		lines = append(lines, paydeck.ShipmentLine{ProductID: l.ProductID, Quantity: l.Quantity})
	}
	return lines, nil
}

func itemName(o *paydeck.Order, productID string) string {
	for _, it := range o.Items {
		if it.ProductID == productID {
			return it.ProductName
		}
	}
	return productID
}

// Fulfilment is what happened to an order after payment: its shipments
// and return requests (oldest first).
type Fulfilment struct {
	Shipments []*paydeck.Shipment
	Returns   []*paydeck.ReturnRequest
	// Unshipped is, per product, the quantity not yet shipped.
	Unshipped map[string]int64
	// Returnable is, per product, the quantity that may still be returned:
	// shipped, not in an open or approved return.
	Returnable map[string]int64
}

// Fulfilment returns the shipments and returns of the order the actor may
// see (else not_found).
func (s *Service) Fulfilment(ctx context.Context, a Actor, orderID string) (*Fulfilment, error) {
	var f *Fulfilment
	err := s.store.View(ctx, func(tx paydeck.Tx) error {
		o, err := tx.FindOrderByOrderID(ctx, orderID)
		if err != nil || !a.canSee(o) {
			return notFound("Order", orderID)
		}
		f, err = loadFulfilment(ctx, tx, o)
		return err
	})
	return f, err
}

func loadFulfilment(ctx context.Context, tx paydeck.Tx, o *paydeck.Order) (*Fulfilment, error) {
	f := &Fulfilment{}
	var err error
	if f.Shipments, err = tx.FindShipments(ctx, o.ID); err != nil {
		return nil, err
	}
	if f.Returns, _, err = tx.FindReturnRequests(ctx, paydeck.ReturnFilter{OrderID: &o.ID}); err != nil {
		return nil, err
	}
	f.Unshipped = paydeck.Remaining(o, f.Shipments)
	f.Returnable = map[string]int64{}
	if len(f.Shipments) == 0 && o.ShippedAt != nil { // shipped before shipments were recorded
		for _, it := range o.Items {
			f.Returnable[it.ProductID] += it.Quantity
		}
	}
	for _, sh := range f.Shipments {
		for _, l := range sh.Lines {
			f.Returnable[l.ProductID] += l.Quantity
		}
	}
	for _, r := range f.Returns {
		if r.Status == paydeck.ReturnRefused {
			continue
		}
		for _, l := range r.Lines {
			f.Returnable[l.ProductID] -= l.Quantity
		}
	}
	return f, nil
}

// ReturnInput is a shopper's return request.
type ReturnInput struct {
	Reason paydeck.ReturnReason
	// Note is the shopper's explanation (up to 500 characters).
	Note  string
	Lines []paydeck.ShipmentLine
}

// RequestReturn records a return request for lines of a delivered order of
// the actor. The rules (전자상거래법 §17, §18):
//   - change_of_mind (단순 변심): until paydeck.WithdrawalPeriod (7 days)
//     after delivery; not for withdrawal-exempt or digital products; the
//     return shipping (the shop's ShippingFee) is deducted from the refund,
//     and the order's shipping fee is not refunded.
//   - defective, wrong_item: until 3 months after delivery, any product;
//     nothing is deducted, and the order's shipping fee is refunded too
//     when the return brings back every line of the order.
//
// One request waits for the shop at a time. Errors: invalid (reason, note,
// lines), conflict (not delivered, window closed, exempt product, a
// request already waiting, more than was shipped), not_found.
func (s *Service) RequestReturn(ctx context.Context, a Actor, orderID string, in ReturnInput) (*paydeck.ReturnRequest, error) {
	if a.UserID == "" && !a.Admin {
		return nil, paydeck.Errorf(paydeck.CodeUnauthorized, "Sign in to request a return.")
	}
	in.Note = strings.TrimSpace(in.Note)
	switch {
	case !in.Reason.Valid():
		return nil, paydeck.Errorf(paydeck.CodeInvalid, "Return reason %q is not valid; use change_of_mind, defective or wrong_item.", in.Reason)
	case utf8.RuneCountInString(in.Note) > 500:
		return nil, paydeck.Errorf(paydeck.CodeInvalid, "A return note has at most 500 characters.")
	case len(in.Lines) == 0:
		return nil, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonReturnNoItems, "Choose at least one item to return.")
	}
	var out *paydeck.ReturnRequest
	err := s.store.Update(ctx, func(tx paydeck.Tx) error {
		o, err := tx.LockOrderByOrderID(ctx, orderID)
		if err != nil || !a.canSee(o) {
			return notFound("Order", orderID)
		}
		if o.DeliveredAt == nil {
			return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonReturnNotDelivered, "Order %s has not been delivered yet; a return can be requested once it arrives.", o.OrderID)
		}
		if o.Status != paydeck.OrderDelivered && o.Status != paydeck.OrderPartialRefunded {
			return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonReturnNotReturnable, "Order %s is %s and cannot be returned.", o.OrderID, o.Status)
		}
		deadline := paydeck.ReturnDeadline(in.Reason, *o.DeliveredAt)
		if !tx.Now().Before(deadline) {
			if in.Reason.ShopPays() {
				return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonReturnDefectClosed, "The 3 months for returning a defective or wrong item ended at %s.", kstTime(deadline))
			}
			return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonReturnWindowClosed, "The 7-day withdrawal period ended at %s.", kstTime(deadline))
		}
		f, err := loadFulfilment(ctx, tx, o)
		if err != nil {
			return err
		}
		for _, r := range f.Returns {
			if r.Status == paydeck.ReturnRequested {
				return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonReturnWaiting, "A return of order %s is already waiting for the shop's answer.", o.OrderID)
			}
		}
		lines, err := pickLines(o, f.Returnable, in.Lines, "return")
		if err != nil {
			return err
		}
		var total int64
		back := map[string]int64{}
		for _, r := range f.Returns {
			if r.Status == paydeck.ReturnApproved {
				for _, l := range r.Lines {
					back[l.ProductID] += l.Quantity
				}
			}
		}
		for _, l := range lines {
			p, err := tx.FindProductByID(ctx, l.ProductID)
			if err != nil {
				return err
			}
			if in.Reason == paydeck.ReturnChangeOfMind && (p.WithdrawalExempt || p.IsDigital) {
				return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonReturnExempt,
					"%s cannot be returned for a change of mind (Electronic Commerce Act §17(2)); a defective or wrong item can.", itemName(o, l.ProductID))
			}
			total += unitPrice(o, l.ProductID) * l.Quantity
			back[l.ProductID] += l.Quantity
		}
		x := &paydeck.ReturnRequest{OrderID: o.ID, Status: paydeck.ReturnRequested, Reason: in.Reason, Note: in.Note, Lines: lines}
		if in.Reason.ShopPays() {
			all := true
			for _, it := range o.Items {
				all = all && back[it.ProductID] >= it.Quantity
			}
			if all {
				total += o.ShippingFee
			}
		} else {
			x.ReturnShippingFee = min(s.cfg.ShippingFee, total)
		}
		x.RefundAmount = total - x.ReturnShippingFee
		if err := tx.CreateReturnRequest(ctx, x); err != nil {
			return err
		}
		out = x
		return appendEvent(ctx, tx, a, o.ID, "", EventReturnRequested, "return requested: "+string(in.Reason),
			map[string]any{"returnId": x.ID, "reason": x.Reason, "note": x.Note, "items": lines,
				"refundAmount": x.RefundAmount, "returnShippingFee": x.ReturnShippingFee})
	})
	return out, err
}

// kstTime formats t in Korean time for messages.
func kstTime(t time.Time) string {
	return t.In(time.FixedZone("KST", 9*60*60)).Format("2006-01-02 15:04 KST")
}

func unitPrice(o *paydeck.Order, productID string) int64 {
	for _, it := range o.Items {
		if it.ProductID == productID {
			return it.UnitPrice
		}
	}
	return 0
}

// ApproveInput is the shop's approval of a return.
type ApproveInput struct {
	// Restock puts the returned physical goods back into stock (recorded
	// as stock adjustments).
	Restock bool
	// RefundAccount is the shopper's account, needed when the order was
	// paid by virtual account.
	RefundAccount *RefundAccount
}

// ApproveReturn approves a waiting return of the order (admins only): in
// one transaction the return turns approved, the goods go back into stock
// when asked, and the refund of RefundAmount (capped at the payment's
// balance) starts through the same path as Cancel, with the idempotency
// key "return-{id}"; then Toss is called. A Toss refusal leaves the return
// approved with a failed refund (the owner refunds by hand) and returns the
// conflict error. Errors: forbidden, not_found, conflict (not waiting, no
// refundable payment, a refund in progress), invalid (a virtual account
// without RefundAccount).
func (s *Service) ApproveReturn(ctx context.Context, a Actor, orderID, returnID string, in ApproveInput) (*paydeck.ReturnRequest, *paydeck.Refund, error) {
	if !a.Admin {
		return nil, nil, paydeck.Errorf(paydeck.CodeForbidden, "Only the shop can decide on returns.")
	}
	var x *paydeck.ReturnRequest
	var r *paydeck.Refund
	var pay *paydeck.Payment
	var started bool
	err := s.store.Update(ctx, func(tx paydeck.Tx) error {
		x, r, pay, started = nil, nil, nil, false
		o, ret, err := lockReturn(ctx, tx, orderID, returnID)
		if err != nil {
			return err
		}
		x = ret
		now := tx.Now()
		x.Status, x.Restock, x.DecidedAt = paydeck.ReturnApproved, in.Restock, &now
		if in.Restock {
			for _, l := range x.Lines {
				p, err := tx.FindProductByID(ctx, l.ProductID)
				if err != nil {
					return err
				}
				if p.IsDigital {
					continue
				}
				if err := tx.AdjustStock(ctx, &paydeck.StockAdjustment{ProductID: l.ProductID, Delta: l.Quantity,
					Reason: "반품 입고 (return) " + o.OrderID, UserID: a.UserID}); err != nil {
					return err
				}
			}
		}
		if x.RefundAmount > 0 {
			pays, _, err := tx.FindPayments(ctx, paydeck.PaymentFilter{OrderID: &o.ID,
				Statuses: []paydeck.PaymentStatus{paydeck.PaymentDone, paydeck.PaymentPartialCanceled}})
			if err != nil {
				return err
			}
			if len(pays) == 0 {
				return paydeck.Errorf(paydeck.CodeConflict, "Order %s has no payment left to refund.", o.OrderID)
			}
			if pay, err = tx.LockPaymentByID(ctx, pays[0].ID); err != nil {
				return err
			}
			amount := min(x.RefundAmount, pay.BalanceAmount)
			x.RefundAmount = amount
			ci := CancelInput{Reason: "반품 환불 (return " + o.OrderID + ")", Amount: &amount, RefundAccount: in.RefundAccount,
				IdempotencyKey: "return-" + x.ID}
			if r, started, err = beginRefund(ctx, tx, a, o, pay, ci, ci.requestHash()); err != nil {
				return err
			}
			x.RefundID = r.ID
		}
		if err := tx.UpdateReturnRequest(ctx, x); err != nil {
			return err
		}
		return appendEvent(ctx, tx, a, o.ID, "", EventReturnApproved, "return approved",
			map[string]any{"returnId": x.ID, "restock": x.Restock, "refundAmount": x.RefundAmount, "refundId": x.RefundID,
				"items": x.Lines})
	})
	if err != nil {
		return nil, nil, err
	}
	if !started {
		return x, r, nil
	}
	r, _, err = s.callCancel(context.WithoutCancel(ctx), a, r, pay.PaymentKey, false)
	return x, r, err
}

// RefuseReturn refuses a waiting return of the order with a reason (1 to
// 500 characters); admins only.
func (s *Service) RefuseReturn(ctx context.Context, a Actor, orderID, returnID, reason string) (*paydeck.ReturnRequest, error) {
	if !a.Admin {
		return nil, paydeck.Errorf(paydeck.CodeForbidden, "Only the shop can decide on returns.")
	}
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 1 || n > 500 {
		return nil, paydeck.Errorf(paydeck.CodeInvalid, "A reason of 1 to 500 characters is required to refuse a return.")
	}
	var x *paydeck.ReturnRequest
	err := s.store.Update(ctx, func(tx paydeck.Tx) error {
		o, ret, err := lockReturn(ctx, tx, orderID, returnID)
		if err != nil {
			return err
		}
		x = ret
		now := tx.Now()
		x.Status, x.RefuseReason, x.DecidedAt = paydeck.ReturnRefused, reason, &now
		if err := tx.UpdateReturnRequest(ctx, x); err != nil {
			return err
		}
		return appendEvent(ctx, tx, a, o.ID, "", EventReturnRefused, "return refused: "+reason,
			map[string]any{"returnId": x.ID, "reason": reason})
	})
	return x, err
}

// lockReturn locks the order and returns it with its waiting return.
func lockReturn(ctx context.Context, tx paydeck.Tx, orderID, returnID string) (*paydeck.Order, *paydeck.ReturnRequest, error) {
	o, err := tx.LockOrderByOrderID(ctx, orderID)
	if err != nil {
		return nil, nil, notFound("Order", orderID)
	}
	x, err := tx.FindReturnRequestByID(ctx, returnID)
	if err != nil || x.OrderID != o.ID {
		return nil, nil, notFound("Return", returnID)
	}
	if x.Status != paydeck.ReturnRequested {
		return nil, nil, paydeck.Errorf(paydeck.CodeConflict, "This return was already %s.", x.Status)
	}
	return o, x, nil
}

// LastShipping returns the address of the actor's newest order that has
// one, so the next order starts from it (empty when there is none).
func (s *Service) LastShipping(ctx context.Context, a Actor) (Shipping, error) {
	var sh Shipping
	if a.UserID == "" {
		return sh, nil
	}
	err := s.store.View(ctx, func(tx paydeck.Tx) error {
		orders, _, err := tx.FindOrders(ctx, paydeck.OrderFilter{UserID: &a.UserID, Limit: 20})
		for _, o := range orders {
			if o.ShippingAddress != "" {
				sh = Shipping{Name: o.ShippingName, Phone: o.ShippingPhone, Address: o.ShippingAddress,
					Postcode: o.ShippingPostcode, Detail: o.ShippingAddressDetail, Memo: o.ShippingMemo}
				break
			}
		}
		return err
	})
	return sh, err
}
