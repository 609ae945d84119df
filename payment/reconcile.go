package payment

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/toss"
)

// Mismatch kinds of a reconciliation report.
const (
	MismatchMissingLocally = "missing_locally"
	MismatchMissingAtToss  = "missing_at_toss"
	MismatchStatus         = "status_differs"
	MismatchAmount         = "amount_differs"
	// MismatchTax is a payment whose tax-free part or VAT differs from
	// Toss's (checked for payments with a tax-free part, issue 15 §1).
	MismatchTax = "tax_differs"
)

// maxTaxChecks bounds the payments of one day whose tax split is read
// back from Toss one by one (Toss's transaction list has no split).
const maxTaxChecks = 500

// Mismatch is one disagreement between paydeck and Toss.
type Mismatch struct {
	Kind        string `json:"kind"`
	PaymentKey  string `json:"paymentKey"`
	OrderID     string `json:"orderId,omitempty"`
	LocalStatus string `json:"localStatus,omitempty"`
	TossStatus  string `json:"tossStatus,omitempty"`
	LocalAmount int64  `json:"localAmount"`
	TossAmount  int64  `json:"tossAmount"`
	// The tax split, for tax_differs.
	LocalTaxFreeAmount int64 `json:"localTaxFreeAmount,omitempty"`
	TossTaxFreeAmount  int64 `json:"tossTaxFreeAmount,omitempty"`
	LocalVAT           int64 `json:"localVat,omitempty"`
	TossVAT            int64 `json:"tossVat,omitempty"`
}

// Report is the JSON content of a paydeck.ReconciliationReport.
type Report struct {
	Date string `json:"date"`
	// TossApprovals is the number of approvals Toss lists for the day,
	// LocalApprovals the number of local payments approved that day.
	TossApprovals  int        `json:"tossApprovals"`
	LocalApprovals int        `json:"localApprovals"`
	Matched        int        `json:"matched"`
	Mismatches     []Mismatch `json:"mismatches"`
	// The day's local approvals' tax split as it stands (balances after
	// refunds): tax-free part, supplied amount and VAT.
	TaxFreeAmount  int64 `json:"taxFreeAmount"`
	SuppliedAmount int64 `json:"suppliedAmount"`
	VAT            int64 `json:"vat"`
}

// tossApproval is what Toss's transaction list says about one payment.
type tossApproval struct {
	orderID string
	amount  int64
	status  toss.PaymentStatus // of the day's latest transaction
}

// Reconcile compares, for the KST day date ("2006-01-02"), the approvals in
// Toss's transaction list with the local payments approved that day, stores
// a ReconciliationReport (JSON Report) and returns it. Mismatches: an
// approval missing locally or at Toss, an amount that differs, a status
// that differs (local not approved, or not what the day's last Toss
// transaction says). It fails with invalid for a malformed date and
// unavailable when Toss cannot be read.
func (s *Service) Reconcile(ctx context.Context, date string) (*paydeck.ReconciliationReport, error) {
	day, err := time.ParseInLocation(time.DateOnly, date, paydeck.KST)
	if err != nil {
		return nil, paydeck.Errorf(paydeck.CodeInvalid, "Date %q is not a yyyy-mm-dd date.", date)
	}
	next := day.AddDate(0, 0, 1)
	atToss := map[string]*tossApproval{}
	// Toss's dates have second precision: ask up to the next day's
	// 00:00:00 and keep what happened before it, so an approval at
	// 23:59:59.5 is not missed.
	for t, err := range s.toss.Transactions.List(ctx, &toss.TransactionListParams{StartDate: day, EndDate: next, Limit: 1000}) {
		if err != nil {
			return nil, unavailable("reconciliation", err)
		}
		if !t.TransactionAt.Before(next) {
			continue
		}
		a := atToss[t.PaymentKey]
		if t.Status == toss.StatusDone && a == nil {
			a = &tossApproval{orderID: t.OrderID, amount: int64(t.Amount)}
			atToss[t.PaymentKey] = a
		}
		if a != nil {
			a.status = t.Status
		}
	}
	taxAtToss, err := s.tossTaxSplits(ctx, day.UTC(), next.UTC())
	if err != nil {
		return nil, err
	}
	report := Report{Date: date, TossApprovals: len(atToss), Mismatches: []Mismatch{}}
	out := &paydeck.ReconciliationReport{Date: date}
	err = s.store.Update(ctx, func(tx paydeck.Tx) error {
		report.Matched, report.Mismatches = 0, []Mismatch{}
		report.TaxFreeAmount, report.SuppliedAmount, report.VAT = 0, 0, 0
		from, before := day.UTC(), next.UTC()
		local, _, err := tx.FindPayments(ctx, paydeck.PaymentFilter{ApprovedFrom: &from, ApprovedBefore: &before})
		if err != nil {
			return err
		}
		report.LocalApprovals = len(local)
		seen := map[string]bool{}
		for _, p := range local {
			seen[p.PaymentKey] = true
			report.TaxFreeAmount += p.TaxFreeAmount
			report.SuppliedAmount += p.SuppliedAmount
			report.VAT += p.VAT
			m := Mismatch{PaymentKey: p.PaymentKey, LocalStatus: string(p.Status), LocalAmount: p.Amount}
			a := atToss[p.PaymentKey]
			tt, checked := taxAtToss[p.PaymentKey]
			switch {
			case a == nil:
				m.Kind = MismatchMissingAtToss
			case a.amount != p.Amount:
				m.Kind, m.TossStatus, m.TossAmount, m.OrderID = MismatchAmount, string(a.status), a.amount, a.orderID
			case strings.ToLower(string(a.status)) != string(p.Status) && !laterRefund(p, a.status):
				m.Kind, m.TossStatus, m.TossAmount, m.OrderID = MismatchStatus, string(a.status), a.amount, a.orderID
			case checked && tt.balance == p.BalanceAmount && (tt.taxFree != p.TaxFreeAmount || tt.vat != p.VAT):
				m.Kind, m.TossStatus, m.TossAmount, m.OrderID = MismatchTax, string(a.status), a.amount, a.orderID
				m.LocalTaxFreeAmount, m.TossTaxFreeAmount, m.LocalVAT, m.TossVAT = p.TaxFreeAmount, tt.taxFree, p.VAT, tt.vat
			default:
				report.Matched++
				continue
			}
			report.Mismatches = append(report.Mismatches, m)
		}
		for key, a := range atToss {
			if seen[key] {
				continue
			}
			m := Mismatch{Kind: MismatchMissingLocally, PaymentKey: key, OrderID: a.orderID, TossStatus: string(a.status), TossAmount: a.amount}
			if p, err := tx.FindPaymentByKey(ctx, key); err == nil {
				m.Kind, m.LocalStatus, m.LocalAmount = MismatchStatus, string(p.Status), p.Amount
			}
			report.Mismatches = append(report.Mismatches, m)
		}
		b, err := json.Marshal(report)
		if err != nil {
			return fmt.Errorf("encode reconciliation report: %w", err)
		}
		out = &paydeck.ReconciliationReport{Date: date, Report: b}
		return tx.CreateReconciliationReport(ctx, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// taxSplit is a payment's balance and tax split as Toss reports it.
type taxSplit struct{ balance, taxFree, vat int64 }

// tossTaxSplits reads back from Toss the tax split of the local payments
// approved in [from, before) that have a tax-free part (at most
// maxTaxChecks of them): Toss's transaction list does not carry it.
func (s *Service) tossTaxSplits(ctx context.Context, from, before time.Time) (map[string]taxSplit, error) {
	var local []*paydeck.Payment
	if err := s.store.View(ctx, func(tx paydeck.Tx) (err error) {
		local, _, err = tx.FindPayments(ctx, paydeck.PaymentFilter{ApprovedFrom: &from, ApprovedBefore: &before})
		return err
	}); err != nil {
		return nil, err
	}
	out := map[string]taxSplit{}
	for _, p := range local {
		if p.TaxFreeAmount == 0 || p.PaymentKey == "" || len(out) >= maxTaxChecks {
			continue
		}
		tp, err := s.toss.Payments.Get(ctx, p.PaymentKey)
		if toss.IsCode(err, toss.CodeNotFoundPayment) {
			continue // reported as missing at Toss
		} else if err != nil {
			return nil, unavailable("reconciliation", err)
		}
		out[p.PaymentKey] = taxSplit{balance: int64(tp.BalanceAmount), taxFree: int64(tp.TaxFreeAmount), vat: int64(tp.VAT)}
	}
	return out, nil
}

// laterRefund reports whether the local payment is only further along than
// Toss's day view: refunded on a later day than it was approved.
func laterRefund(p *paydeck.Payment, day toss.PaymentStatus) bool {
	refunded := p.Status == paydeck.PaymentPartialCanceled || p.Status == paydeck.PaymentCanceled
	return refunded && (day == toss.StatusDone || day == toss.StatusPartialCanceled)
}
