package payment

import (
	"context"
	"errors"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/toss"
)

// ExpireVirtualAccount checks a virtual-account payment at its due date.
// Toss sends no webhook for an expired account, so the payment is
// re-fetched: still waiting for the deposit → payment and order expired and
// stock released; deposited meanwhile (a missed webhook) → applied as paid.
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
	if tp.Status != toss.StatusWaitingForDeposit {
		_, err = s.apply(ctx, System, p.ID, tp)
		return err
	}
	_, err = s.onPayment(ctx, p.ID, func(tx paydeck.Tx, o *paydeck.Order, p *paydeck.Payment) error {
		if p.Status != paydeck.PaymentWaitingForDeposit {
			return nil
		}
		return expireAccount(ctx, tx, o, p)
	})
	return err
}

// Sweep is the periodic safety net behind the scheduled jobs: it expires
// pending orders past their ExpiresAt, checks virtual accounts past their
// due date, and resolves confirms still in progress after their order
// expired. It returns the first error after trying everything.
func (s *Service) Sweep(ctx context.Context) error {
	now := s.cfg.Now()
	var orders []*paydeck.Order
	var accounts, stuck []*paydeck.Payment
	err := s.store.View(ctx, func(tx paydeck.Tx) (err error) {
		if orders, _, err = tx.FindOrders(ctx, paydeck.OrderFilter{Statuses: []paydeck.OrderStatus{paydeck.OrderPending},
			ExpiresBefore: &now, Limit: 500}); err != nil {
			return err
		}
		if accounts, _, err = tx.FindPayments(ctx, paydeck.PaymentFilter{DueBefore: &now, Limit: 500,
			Statuses: []paydeck.PaymentStatus{paydeck.PaymentWaitingForDeposit}}); err != nil {
			return err
		}
		stuck, _, err = tx.FindPayments(ctx, paydeck.PaymentFilter{ExpiresBefore: &now, Limit: 500,
			Statuses: []paydeck.PaymentStatus{paydeck.PaymentInProgress}})
		return err
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, o := range orders {
		errs = append(errs, s.ExpireOrder(ctx, o.ID))
	}
	for _, p := range accounts {
		errs = append(errs, s.ExpireVirtualAccount(ctx, p.ID))
	}
	for _, p := range stuck {
		errs = append(errs, s.ResolvePayment(ctx, p.ID))
	}
	return errors.Join(errs...)
}
