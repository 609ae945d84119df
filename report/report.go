package report

import (
	"bytes"
	"context"
	"slices"
	"time"

	"github.com/paydeck/paydeck"
)

// StatsBucket sums the payments of one day, one method or the whole range.
type StatsBucket struct {
	AttemptCount   int64 `json:"attemptCount" example:"40" doc:"Payment attempts: confirms attempted (payments created) and attempts that failed before a confirm (window closed, declined in the window)."`
	ApprovedCount  int64 `json:"approvedCount" example:"38"`
	ApprovedAmount int64 `json:"approvedAmount" example:"1250000" doc:"Won approved by Toss."`
	RefundCount    int64 `json:"refundCount" example:"3" doc:"Completed refunds."`
	RefundedAmount int64 `json:"refundedAmount" example:"45000"`
	Revenue        int64 `json:"revenue" example:"1205000" doc:"approvedAmount − refundedAmount."`
	ApprovalRateBp int64 `json:"approvalRateBp" example:"9500" doc:"Approved attempts ÷ decided attempts (failed ones before a confirm included), in basis points (9500 = 95.00 %)."`
	DiscountCount  int64 `json:"discountCount" example:"5" doc:"Approved payments whose order used a coupon."`
	DiscountAmount int64 `json:"discountAmount" example:"15000" doc:"Coupon discounts of those orders: what the shop gave up, not money moved (approvedAmount is already net of it)."`
	decided        int64
	approvedTries  int64
}

// DayStats is one KST day of a stats report.
type DayStats struct {
	Date string `json:"date" example:"2026-11-27"`
	StatsBucket
}

// MethodStats is one payment method of a stats report.
type MethodStats struct {
	Method string `json:"method" example:"card"`
	StatsBucket
}

// Stats is a sales report over a range of KST days.
type Stats struct {
	From     string        `json:"from" example:"2026-11-01"`
	To       string        `json:"to" example:"2026-11-30"`
	Totals   StatsBucket   `json:"totals"`
	ByDay    []DayStats    `json:"byDay"`
	ByMethod []MethodStats `json:"byMethod"`
}

// reportPage is how many rows reports read per query.
const reportPage = 500

// allPages collects every row of a paged Find method.
func allPages[T any](find func(offset, limit int) ([]T, int, error)) ([]T, error) {
	var all []T
	for {
		page, total, err := find(len(all), reportPage)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) == 0 || len(all) >= total {
			return all, nil
		}
	}
}

// within reports whether t is set and in [from, to).
func within(t *time.Time, from, to time.Time) bool {
	return t != nil && !t.Before(from) && t.Before(to)
}

// ComputeStats reads every payment, completed refund and failed attempt
// (the store has no aggregate queries yet) and sums those in [from, to):
// attempts by creation (a payment, or an attempt_failed event), approvals
// by approval and refunds (of approved payments only) by completion time.
func ComputeStats(ctx context.Context, tx paydeck.Tx, from, to time.Time) (Stats, error) {
	pays, err := allPages(func(off, lim int) ([]*paydeck.Payment, int, error) {
		return tx.FindPayments(ctx, paydeck.PaymentFilter{Offset: off, Limit: lim})
	})
	if err != nil {
		return Stats{}, err
	}
	refunds, err := allPages(func(off, lim int) ([]*paydeck.Refund, int, error) {
		return tx.FindRefunds(ctx, paydeck.RefundFilter{Statuses: []paydeck.RefundStatus{paydeck.RefundCompleted}, Offset: off, Limit: lim})
	})
	if err != nil {
		return Stats{}, err
	}
	failedType := paydeck.EventAttemptFailed
	failed, err := allPages(func(off, lim int) ([]*paydeck.PaymentEvent, int, error) {
		return tx.FindEvents(ctx, paydeck.EventFilter{Type: &failedType, Offset: off, Limit: lim})
	})
	if err != nil {
		return Stats{}, err
	}
	st := Stats{From: from.Format(time.DateOnly), To: to.AddDate(0, 0, -1).Format(time.DateOnly)}
	days, methods := map[string]*StatsBucket{}, map[string]*StatsBucket{}
	add := func(t time.Time, method paydeck.PaymentMethodType, f func(*StatsBucket)) {
		f(&st.Totals)
		f(statsBucket(days, t.In(paydeck.KST).Format(time.DateOnly)))
		if method != "" {
			f(statsBucket(methods, string(method)))
		}
	}
	byID := make(map[string]*paydeck.Payment, len(pays))
	for _, p := range pays {
		byID[p.ID] = p
		if within(&p.CreatedAt, from, to) {
			add(p.CreatedAt, p.Method, func(b *StatsBucket) { b.countAttempt(p) })
		}
		if within(p.ApprovedAt, from, to) {
			add(*p.ApprovedAt, p.Method, func(b *StatsBucket) { b.ApprovedCount++; b.ApprovedAmount += p.Amount })
			o, err := tx.FindOrderByID(ctx, p.OrderID)
			if err != nil {
				return Stats{}, err
			}
			if o.DiscountAmount > 0 {
				add(*p.ApprovedAt, p.Method, func(b *StatsBucket) { b.DiscountCount++; b.DiscountAmount += o.DiscountAmount })
			}
		}
	}
	for _, e := range failed {
		// An attempt that ended before any confirm (the window closed,
		// Toss declined in the window): decided, not approved. Its method
		// is not known.
		if within(&e.CreatedAt, from, to) {
			add(e.CreatedAt, "", func(b *StatsBucket) { b.AttemptCount++; b.decided++ })
		}
	}
	for _, r := range refunds {
		// Only refunds of approved payments give money back: cancelling a
		// virtual account before its deposit, or cancelling back an
		// approval paydeck never counted, refunds nothing.
		if p := byID[r.PaymentID]; p != nil && p.ApprovedAt != nil && within(r.CompletedAt, from, to) {
			add(*r.CompletedAt, p.Method, func(b *StatsBucket) { b.RefundCount++; b.RefundedAmount += r.Amount })
		}
	}
	st.Totals.finish()
	for _, d := range sortedKeys(days) {
		days[d].finish()
		st.ByDay = append(st.ByDay, DayStats{Date: d, StatsBucket: *days[d]})
	}
	for _, m := range sortedKeys(methods) {
		methods[m].finish()
		st.ByMethod = append(st.ByMethod, MethodStats{Method: m, StatsBucket: *methods[m]})
	}
	return st, nil
}

func statsBucket(m map[string]*StatsBucket, key string) *StatsBucket {
	if m[key] == nil {
		m[key] = &StatsBucket{}
	}
	return m[key]
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// countAttempt counts a confirm attempt; one still in progress is not yet
// decided and stays out of the approval rate.
func (b *StatsBucket) countAttempt(p *paydeck.Payment) {
	b.AttemptCount++
	switch p.Status {
	case paydeck.PaymentInProgress, paydeck.PaymentReady:
	case paydeck.PaymentAborted:
		b.decided++
	default: // approved by Toss, whatever happened after
		b.decided++
		b.approvedTries++
	}
}

// finish derives the revenue and the approval rate.
func (b *StatsBucket) finish() {
	b.Revenue = b.ApprovedAmount - b.RefundedAmount
	if b.decided > 0 {
		b.ApprovalRateBp = b.approvedTries * paydeck.BasisPoints / b.decided
	}
}

// Settlement is one payment of a settlement report.
type Settlement struct {
	PaymentKey     string    `json:"paymentKey" example:"tgen_20261127ABCDEFGHIJ"`
	OrderID        string    `json:"orderId" example:"ORD20261127A1B2C3D4"`
	Method         string    `json:"method" example:"card"`
	Status         string    `json:"status" example:"partial_canceled"`
	ApprovedAt     time.Time `json:"approvedAt"`
	Amount         int64     `json:"amount" example:"16800" doc:"Approved."`
	RefundedAmount int64     `json:"refundedAmount" example:"6900"`
	KeptAmount     int64     `json:"keptAmount" example:"9900" doc:"amount − refundedAmount (the balance)."`
	Fee            int64     `json:"fee" example:"287" doc:"The method's fee on keptAmount."`
	NetAmount      int64     `json:"netAmount" example:"9613" doc:"keptAmount − fee."`
	TaxFreeAmount  int64     `json:"taxFreeAmount" example:"0" doc:"Tax-free (면세) part of keptAmount."`
	SuppliedAmount int64     `json:"suppliedAmount" example:"9000" doc:"Taxable part of keptAmount without its VAT."`
	VAT            int64     `json:"vat" example:"900" doc:"VAT in keptAmount: round((keptAmount − taxFreeAmount) / 11)."`
	CashReceipt    string    `json:"cashReceipt,omitempty" example:"소득공제" doc:"Type of the cash receipt standing for the payment (소득공제, 지출증빙; 자진발급 when self-issued)."`
	CouponCode     string    `json:"couponCode,omitempty" example:"WELCOME3000" doc:"The order's coupon, if any."`
	DiscountAmount int64     `json:"discountAmount" example:"3000" doc:"The order's coupon discount (amount is already net of it)."`
}

// SettlementTotals sums a settlement report.
type SettlementTotals struct {
	Count          int64 `json:"count" example:"1"`
	Amount         int64 `json:"amount" example:"16800"`
	RefundedAmount int64 `json:"refundedAmount" example:"6900"`
	KeptAmount     int64 `json:"keptAmount" example:"9900"`
	Fee            int64 `json:"fee" example:"287"`
	NetAmount      int64 `json:"netAmount" example:"9613"`
	TaxFreeAmount  int64 `json:"taxFreeAmount" example:"0"`
	SuppliedAmount int64 `json:"suppliedAmount" example:"9000"`
	VAT            int64 `json:"vat" example:"900"`
	DiscountAmount int64 `json:"discountAmount" example:"3000"`
}

// Settlements is what the shop is owed for the payments approved in a
// range of KST days.
type Settlements struct {
	From   string           `json:"from" example:"2026-11-01"`
	To     string           `json:"to" example:"2026-11-30"`
	Items  []Settlement     `json:"items"`
	Totals SettlementTotals `json:"totals"`
}

// ComputeSettlements lists the captured payments (done, partially or fully
// canceled) approved in [from, to), oldest first, with each method's fee
// (Fee on the amount kept; a method missing from the catalogue costs 0).
func ComputeSettlements(ctx context.Context, tx paydeck.Tx, from, to time.Time) (Settlements, error) {
	pays, err := allPages(func(off, lim int) ([]*paydeck.Payment, int, error) {
		return tx.FindPayments(ctx, paydeck.PaymentFilter{ApprovedFrom: &from, ApprovedBefore: &to, Offset: off, Limit: lim,
			Statuses: []paydeck.PaymentStatus{paydeck.PaymentDone, paydeck.PaymentPartialCanceled, paydeck.PaymentCanceled}})
	})
	if err != nil {
		return Settlements{}, err
	}
	methods, _, err := tx.FindPaymentMethods(ctx, paydeck.PaymentMethodFilter{})
	if err != nil {
		return Settlements{}, err
	}
	byType := map[paydeck.PaymentMethodType]*paydeck.PaymentMethod{}
	for _, m := range methods {
		byType[m.Type] = m
	}
	rep := Settlements{From: from.Format(time.DateOnly), To: to.AddDate(0, 0, -1).Format(time.DateOnly), Items: []Settlement{}}
	for _, p := range slices.Backward(pays) {
		o, err := tx.FindOrderByID(ctx, p.OrderID)
		if err != nil {
			return Settlements{}, err
		}
		it := Settlement{PaymentKey: p.PaymentKey, OrderID: o.OrderID, Method: string(p.Method), Status: string(p.Status),
			ApprovedAt: *p.ApprovedAt, Amount: p.Amount, RefundedAmount: p.Amount - p.BalanceAmount, KeptAmount: p.BalanceAmount,
			NetAmount: p.BalanceAmount, TaxFreeAmount: p.TaxFreeAmount, SuppliedAmount: p.SuppliedAmount, VAT: p.VAT,
			CouponCode: o.CouponCode, DiscountAmount: o.DiscountAmount}
		if c := p.CashReceipt; c != nil && c.Status == paydeck.CashReceiptIssued {
			it.CashReceipt = string(c.Type)
			if c.SelfIssued {
				it.CashReceipt = "자진발급"
			}
		}
		if m := byType[p.Method]; m != nil {
			if it.Fee, it.NetAmount, err = m.Fee(p.BalanceAmount); err != nil {
				return Settlements{}, err
			}
		}
		rep.Items = append(rep.Items, it)
		t := &rep.Totals
		t.Count++
		t.Amount += it.Amount
		t.RefundedAmount += it.RefundedAmount
		t.KeptAmount += it.KeptAmount
		t.Fee += it.Fee
		t.NetAmount += it.NetAmount
		t.TaxFreeAmount += it.TaxFreeAmount
		t.SuppliedAmount += it.SuppliedAmount
		t.VAT += it.VAT
		t.DiscountAmount += it.DiscountAmount
	}
	return rep, nil
}

// CSV renders the report as CSV for machine clients (the REST API): camelCase
// headers, no BOM, a header row, one row per payment, a final TOTAL row.
// The tax columns (taxFreeAmount, suppliedAmount, vat) and the cash receipt
// come last, so that readers of the older columns keep working.
func (r Settlements) CSV() ([]byte, error) {
	var buf bytes.Buffer
	s := NewSheet(&buf, false, "paymentKey", "orderId", "method", "status", "approvedAt", "amount", "refundedAmount",
		"keptAmount", "fee", "netAmount", "taxFreeAmount", "suppliedAmount", "vat", "cashReceipt", "couponCode", "discountAmount")
	for _, it := range r.Items {
		s.Row(Text(it.PaymentKey), Text(it.OrderID), Text(it.Method), Text(it.Status),
			Text(it.ApprovedAt.In(paydeck.KST).Format(time.RFC3339)),
			Num(it.Amount), Num(it.RefundedAmount), Num(it.KeptAmount), Num(it.Fee), Num(it.NetAmount),
			Num(it.TaxFreeAmount), Num(it.SuppliedAmount), Num(it.VAT), Text(it.CashReceipt), Text(it.CouponCode), Num(it.DiscountAmount))
	}
	t := r.Totals
	s.Row(Text("TOTAL"), Text(""), Text(""), Text(""), Text(""),
		Num(t.Amount), Num(t.RefundedAmount), Num(t.KeptAmount), Num(t.Fee), Num(t.NetAmount),
		Num(t.TaxFreeAmount), Num(t.SuppliedAmount), Num(t.VAT), Text(""), Text(""), Num(t.DiscountAmount))
	err := s.Close()
	return buf.Bytes(), err
}
