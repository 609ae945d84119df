package payment

import (
	"context"
	"errors"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/toss"
)

// ExpireVirtualAccount checks a virtual-account payment at its due date.
// Toss sends no webhook for an expired account, so the payment is
// re-fetched and only Toss's word counts: expired at Toss (the account's
// expired flag, or ABORTED/EXPIRED) → payment and order expired and stock
// released; deposited meanwhile (a missed webhook) → applied as paid;
// still open at Toss (clocks differ) → nothing now, Sweep checks again.
// Before the due date, or for a payment no longer waiting, it does nothing.
func (s *Service) ExpireVirtualAccount(ctx context.Context, paymentID string) error {
	var p *paydeck.Payment
	err := s.store.View(ctx, func(tx paydeck.Tx) (err error) {
		p, err = tx.FindPaymentByID(ctx, paymentID)
		return err
	})
	if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
		return nil
	} else if err != nil {
		return err
	}
	if p.Status != paydeck.PaymentWaitingForDeposit || p.VirtualAccount == nil || s.cfg.Now().Before(p.VirtualAccount.DueDate) {
		return nil
	}
	tp, err := s.toss.Payments.Get(ctx, p.PaymentKey)
	if err != nil {
		return err
	}
	if tp.Status == toss.StatusWaitingForDeposit && (tp.VirtualAccount == nil || !tp.VirtualAccount.Expired) {
		// Toss still takes the deposit (its clock is behind ours): only
		// its word expires the account. Sweep checks again on its next run.
		s.log.Info("payment: virtual account past its due date but not expired at Toss", "paymentId", p.ID)
		return nil
	}
	_, err = s.apply(ctx, System, p.ID, tp) // expired flag, ABORTED/EXPIRED, or deposited meanwhile
	return err
}

// sweepRounds bounds the batches of one kind in one Sweep run (the next
// run goes on).
const sweepRounds = 20

// Sweep is the periodic safety net, and for most rows the only scheduler:
// it expires pending orders past their ExpiresAt (no job is queued per
// order), checks virtual accounts past their due date, and queues a
// ResolvePayment or ResolveRefund job for each confirm or refund still in
// progress ConfirmCheckDelay after it started (left so by a crash between
// the Toss call and recording its answer). It returns the errors after
// trying everything.
func (s *Service) Sweep(ctx context.Context) error {
	now := s.cfg.Now()
	stale := now.Add(-s.cfg.ConfirmCheckDelay)
	var errs []error
	errs = append(errs, sweep(ctx, s, func(tx paydeck.Tx, limit int) ([]*paydeck.Order, error) {
		orders, _, err := tx.FindOrders(ctx, paydeck.OrderFilter{Statuses: []paydeck.OrderStatus{paydeck.OrderPending},
			ExpiresBefore: &now, Limit: limit})
		return orders, err
	}, func(o *paydeck.Order) string { return o.ID }, s.ExpireOrder))
	errs = append(errs, sweep(ctx, s, func(tx paydeck.Tx, limit int) ([]*paydeck.Payment, error) {
		pays, _, err := tx.FindPayments(ctx, paydeck.PaymentFilter{DueBefore: &now, Limit: limit,
			Statuses: []paydeck.PaymentStatus{paydeck.PaymentWaitingForDeposit}})
		return pays, err
	}, func(p *paydeck.Payment) string { return p.ID }, s.ExpireVirtualAccount))
	// Confirms and refunds in progress call Toss, which may be slow: each
	// gets its own job (one per row: UniqueByArgs), run and retried with
	// backoff by River, instead of holding up the sweep.
	var resolve []paydeck.JobArgs
	errs = append(errs, sweep(ctx, s, func(tx paydeck.Tx, limit int) ([]*paydeck.Payment, error) {
		pays, _, err := tx.FindPayments(ctx, paydeck.PaymentFilter{CreatedBefore: &stale, Limit: limit,
			Statuses: []paydeck.PaymentStatus{paydeck.PaymentInProgress}})
		return pays, err
	}, func(p *paydeck.Payment) string { return p.ID }, func(_ context.Context, id string) error {
		resolve = append(resolve, ResolvePaymentArgs{PaymentID: id})
		return nil
	}))
	errs = append(errs, sweep(ctx, s, func(tx paydeck.Tx, limit int) ([]*paydeck.Refund, error) {
		refunds, _, err := tx.FindRefunds(ctx, paydeck.RefundFilter{CreatedBefore: &stale, Limit: limit,
			Statuses: []paydeck.RefundStatus{paydeck.RefundInProgress}})
		return refunds, err
	}, func(r *paydeck.Refund) string { return r.ID }, func(_ context.Context, id string) error {
		resolve = append(resolve, ResolveRefundArgs{RefundID: id})
		return nil
	}))
	if len(resolve) > 0 {
		s.log.Warn("payment: sweep found confirms or refunds left in progress", "count", len(resolve))
		errs = append(errs, s.store.Update(ctx, func(tx paydeck.Tx) error {
			for _, args := range resolve {
				if err := tx.Enqueue(ctx, args, resolveOnce); err != nil {
					return err
				}
			}
			return nil
		}))
	}
	return errors.Join(errs...)
}

// resolveOnce queues at most one ResolvePayment or ResolveRefund job per
// row, however often the sweep or a lost answer asks for it.
var resolveOnce = &paydeck.JobOptions{UniqueByArgs: true}

// sweep works every row find returns, in batches, each row at most once per
// run: it stops at a short batch, at a batch with no row it has not seen
// (rows it could not move on), or after sweepRounds batches.
func sweep[T any](ctx context.Context, s *Service, find func(tx paydeck.Tx, limit int) ([]T, error),
	id func(T) string, work func(context.Context, string) error) error {
	seen := map[string]bool{}
	var errs []error
	for range sweepRounds {
		var rows []T
		if err := s.store.View(ctx, func(tx paydeck.Tx) (err error) {
			rows, err = find(tx, s.cfg.SweepBatch+len(seen))
			return err
		}); err != nil {
			return errors.Join(append(errs, err)...)
		}
		fresh := 0
		for _, r := range rows {
			if k := id(r); !seen[k] {
				seen[k], fresh = true, fresh+1
				errs = append(errs, work(ctx, k))
			}
		}
		if fresh == 0 || len(rows) < s.cfg.SweepBatch+len(seen)-fresh || ctx.Err() != nil {
			break
		}
	}
	return errors.Join(errs...)
}
