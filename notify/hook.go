package notify

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
)

// Options are the hook's settings.
type Options struct {
	// ShopName starts every subject ("paydeck" when empty).
	ShopName string
	// ShopEmail receives the shop's mail (new paid order, deposit, low
	// stock); none is written when empty.
	ShopEmail string
	// Lang is "ko" (default) or "en". paydeck keeps no language per
	// shopper (the web picks one per request), so mail uses the shop's.
	Lang string
	// LowStock is the stock at or below which a paid order's product
	// raises a low-stock mail to the shop (one threshold for every
	// product); 0 turns it off.
	LowStock int64
	// Keep is set when no SMTP server is configured: each message is
	// stored already kept in the outbox (status "outbox", shown at
	// /admin/outbox) and no send job is enqueued, since there is nothing
	// to send. Unset, a message is stored pending with its SendArgs job.
	Keep bool
}

// Hook returns the store's EventHook (combine it with outbound.Hook by
// paydeck.ChainHooks) that, for each audit event of a change a shopper or
// the shop is told about, renders the message, stores it in the outbox and
// (unless o.Keep) enqueues its send job, all in the change's transaction:
// a rolled-back change leaves no mail, a committed one always has its job.
func Hook(o Options) paydeck.EventHook {
	if o.ShopName == "" {
		o.ShopName = "paydeck"
	}
	return func(ctx context.Context, tx paydeck.Tx, events []*paydeck.PaymentEvent) error {
		for _, e := range events {
			if err := o.handle(ctx, tx, e); err != nil {
				return fmt.Errorf("notify: %w", err)
			}
		}
		return nil
	}
}

func (o Options) handle(ctx context.Context, tx paydeck.Tx, e *paydeck.PaymentEvent) error {
	var want paydeck.OrderStatus
	switch e.Type {
	case paydeck.EventApproved, paydeck.EventDepositReceived:
		want = paydeck.OrderPaid
	case payment.EventShipped:
		want = paydeck.OrderShipped
	case payment.EventAccountIssued, paydeck.EventRefundCompleted,
		payment.EventReturnRequested, payment.EventReturnApproved, payment.EventReturnRefused:
	default:
		return nil
	}
	if e.OrderID == "" {
		return nil
	}
	ord, err := tx.FindOrderByID(ctx, e.OrderID)
	if err != nil {
		return err
	}
	if want != "" && ord.Status != want {
		return nil // e.g. an approval for an order that expired meanwhile
	}
	user, err := tx.FindUserByID(ctx, ord.UserID)
	if err != nil {
		return err
	}
	d := func() *data {
		name := user.Name
		if name == "" {
			name = user.Email
		}
		return &data{Lang: o.Lang, Shop: o.ShopName, Name: name, Order: ord, Amount: won(o.lang(), ord.FinalAmount)}
	}
	lang := o.lang()
	orderLines := [][2]string{{"order", ord.OrderID}, {"amount", won(lang, ord.FinalAmount)}}
	if ord.DiscountAmount > 0 { // the amount is after the coupon: say so
		orderLines = append(orderLines, [2]string{"discount", "-" + won(lang, ord.DiscountAmount) + " (" + ord.CouponCode + ")"})
	}
	items := func(x *data) *data {
		for _, it := range ord.Items {
			x.Items = append(x.Items, fmt.Sprintf("%s × %d  %s", it.ProductName, it.Quantity, won(lang, it.TotalPrice)))
		}
		return x
	}
	var p *paydeck.Payment
	if e.PaymentID != "" {
		if p, err = tx.FindPaymentByID(ctx, e.PaymentID); err != nil {
			return err
		}
	}
	switch e.Type {
	case paydeck.EventApproved, paydeck.EventDepositReceived:
		kind, shopKind := "order_paid", "shop_order_paid"
		if e.Type == paydeck.EventDepositReceived {
			kind, shopKind = "deposit_received", "shop_deposit"
		}
		if err := o.write(ctx, tx, kind, user.Email, items(d()), taxLines(lang, orderLines, p)); err != nil {
			return err
		}
		if o.ShopEmail != "" {
			shopLines := append([][2]string{{"customer", user.Email}}, orderLines...)
			if err := o.write(ctx, tx, shopKind, o.ShopEmail, items(d()), shopLines); err != nil {
				return err
			}
		}
		return o.lowStock(ctx, tx, ord)
	case payment.EventAccountIssued:
		if p == nil || p.Status != paydeck.PaymentWaitingForDeposit || p.VirtualAccount == nil {
			return nil
		}
		va := p.VirtualAccount
		lines := append(orderLines, [2]string{"bank", paydeck.BankName(va.BankCode)},
			[2]string{"account", va.AccountNumber}, [2]string{"holder", va.CustomerName},
			[2]string{"due", va.DueDate.In(kst).Format("2006-01-02 15:04 KST")})
		lines[1][1] = won(lang, p.Amount)
		return o.write(ctx, tx, "va_issued", user.Email, d(), lines)
	case payment.EventShipped:
		var meta struct {
			CourierName    string                 `json:"courierName"`
			TrackingNumber string                 `json:"trackingNumber"`
			TrackingURL    string                 `json:"trackingUrl"`
			Items          []paydeck.ShipmentLine `json:"items"`
		}
		_ = json.Unmarshal(e.Metadata, &meta) // shipping without tracking has none
		lines := [][2]string{{"order", ord.OrderID}}
		if meta.CourierName != "" {
			lines = append(lines, [2]string{"courier", meta.CourierName})
		}
		if meta.TrackingNumber != "" {
			lines = append(lines, [2]string{"tracking", meta.TrackingNumber})
		}
		if meta.TrackingURL != "" {
			lines = append(lines, [2]string{"trackurl", meta.TrackingURL})
		}
		x := d()
		if len(meta.Items) == 0 {
			x = items(x)
		}
		for _, l := range meta.Items { // a shipment's own lines
			x.Items = append(x.Items, fmt.Sprintf("%s × %d", lineName(ord, l.ProductID), l.Quantity))
		}
		return o.write(ctx, tx, "shipped", user.Email, x, lines)
	case payment.EventReturnRequested, payment.EventReturnApproved, payment.EventReturnRefused:
		var meta struct {
			ReturnID string `json:"returnId"`
		}
		if err := json.Unmarshal(e.Metadata, &meta); err != nil || meta.ReturnID == "" {
			return nil
		}
		r, err := tx.FindReturnRequestByID(ctx, meta.ReturnID)
		if err != nil {
			return err
		}
		x := d()
		for _, l := range r.Lines {
			x.Items = append(x.Items, fmt.Sprintf("%s × %d", lineName(ord, l.ProductID), l.Quantity))
		}
		lines := [][2]string{{"order", ord.OrderID}}
		switch e.Type {
		case payment.EventReturnRequested:
			lines = append(lines, [2]string{"reason", returnReason(lang, r.Reason)})
			if r.Note != "" {
				lines = append(lines, [2]string{"note", r.Note})
			}
			if r.ReturnShippingFee > 0 {
				lines = append(lines, [2]string{"returnfee", won(lang, r.ReturnShippingFee)})
			}
			lines = append(lines, [2]string{"expected", won(lang, r.RefundAmount)})
			if err := o.write(ctx, tx, "return_requested", user.Email, x, lines); err != nil {
				return err
			}
			if o.ShopEmail == "" {
				return nil
			}
			shop := d()
			shop.Items = x.Items
			return o.write(ctx, tx, "shop_return_requested", o.ShopEmail, shop,
				append([][2]string{{"customer", user.Email}}, lines...))
		case payment.EventReturnApproved:
			return o.write(ctx, tx, "return_approved", user.Email, x, append(lines, [2]string{"refund", won(lang, r.RefundAmount)}))
		default:
			return o.write(ctx, tx, "return_refused", user.Email, x, append(lines, [2]string{"reason", r.RefuseReason}))
		}
	default: // refund completed
		var meta struct {
			RefundID string `json:"refundId"`
		}
		if err := json.Unmarshal(e.Metadata, &meta); err != nil || meta.RefundID == "" {
			return nil
		}
		r, err := tx.FindRefundByID(ctx, meta.RefundID)
		if err != nil {
			return err
		}
		return o.write(ctx, tx, "refunded", user.Email, d(), [][2]string{{"order", ord.OrderID}, {"refund", won(lang, r.Amount)}})
	}
}

// taxLines returns lines followed by the payment's tax-free amount (when
// there is one), its VAT and its cash receipt (type and masked number),
// the figures a receipt carries (issue 15 §1–2).
func taxLines(lang string, lines [][2]string, p *paydeck.Payment) [][2]string {
	out := append([][2]string(nil), lines...)
	if p == nil {
		return out
	}
	if p.TaxFreeAmount > 0 {
		out = append(out, [2]string{"taxfree", won(lang, p.TaxFreeAmount)})
	}
	out = append(out, [2]string{"vat", won(lang, p.VAT)})
	if c := p.CashReceipt; c != nil && c.Status == paydeck.CashReceiptIssued {
		out = append(out, [2]string{"cashreceipt", string(c.Type) + " " + c.Number})
	}
	return out
}

func (o Options) lang() string {
	if o.Lang == "en" {
		return "en"
	}
	return "ko"
}

// lowStock writes one mail to the shop per product of ord whose stock is
// at or below the threshold.
func (o Options) lowStock(ctx context.Context, tx paydeck.Tx, ord *paydeck.Order) error {
	if o.ShopEmail == "" || o.LowStock <= 0 {
		return nil
	}
	for _, it := range ord.Items {
		pr, err := tx.FindProductByID(ctx, it.ProductID)
		if err != nil {
			return err
		}
		if pr.IsDigital || pr.StockQuantity > o.LowStock {
			continue
		}
		d := &data{Lang: o.lang(), Shop: o.ShopName, Product: pr, LowStock: o.LowStock, Order: ord}
		if err := o.write(ctx, tx, "shop_low_stock", o.ShopEmail, d,
			[][2]string{{"product", pr.Name}, {"stock", fmt.Sprint(pr.StockQuantity)}}); err != nil {
			return err
		}
	}
	return nil
}

// write renders, stores and enqueues one message (stores it kept, with
// no job, when o.Keep).
func (o Options) write(ctx context.Context, tx paydeck.Tx, kind, to string, d *data, lines [][2]string) error {
	d.Lang = o.lang()
	m, err := render(kind, d, lines)
	if err != nil {
		return err
	}
	m.To = to
	if o.Keep {
		m.Status = paydeck.OutboxKept
	}
	if o.Keep {
		return tx.CreateOutboxMessage(ctx, m, nil)
	}
	return tx.CreateOutboxMessage(ctx, m, func() error {
		return tx.Enqueue(ctx, SendArgs{MessageID: m.ID}, &paydeck.JobOptions{MaxAttempts: MaxAttempts})
	})
}

// lineName is the product name of ord's line for productID.
func lineName(ord *paydeck.Order, productID string) string {
	for _, it := range ord.Items {
		if it.ProductID == productID {
			return it.ProductName
		}
	}
	return productID
}

// returnReason names a return reason in lang.
func returnReason(lang string, r paydeck.ReturnReason) string {
	ko := map[paydeck.ReturnReason][2]string{
		paydeck.ReturnChangeOfMind: {"단순 변심", "Change of mind"},
		paydeck.ReturnDefective:    {"상품 하자", "Defective item"},
		paydeck.ReturnWrongItem:    {"오배송", "Wrong item"},
	}[r]
	if lang == "en" {
		return ko[1]
	}
	return ko[0]
}
