package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
)

var seq atomic.Int64

// MustCreateUser creates a customer (role may be changed in u) with a unique
// email unless u sets one. u may be nil.
func MustCreateUser(t testing.TB, db paydeck.Store, u *paydeck.User) *paydeck.User {
	t.Helper()
	if u == nil {
		u = &paydeck.User{}
	}
	n := seq.Add(1)
	if u.Email == "" {
		u.Email = fmt.Sprintf("user%d@example.com", n)
	}
	if u.PasswordHash == "" {
		u.PasswordHash = "not-a-real-hash"
	}
	if u.Name == "" {
		u.Name = fmt.Sprintf("User %d", n)
	}
	if u.Role == "" {
		u.Role = paydeck.RoleCustomer
	}
	MustUpdate(t, db, func(tx paydeck.Tx) error { return tx.CreateUser(context.Background(), u) })
	return u
}

// MustCreateProduct creates an active physical product priced 10,000 won
// with 100 in stock, unless p sets other values (zero Price and
// StockQuantity take the defaults). p may be nil.
func MustCreateProduct(t testing.TB, db paydeck.Store, p *paydeck.Product) *paydeck.Product {
	t.Helper()
	if p == nil {
		p = &paydeck.Product{IsActive: true}
	}
	if p.Name == "" {
		p.Name = fmt.Sprintf("Product %d", seq.Add(1))
	}
	if p.Price == 0 {
		p.Price = 10_000
	}
	if p.StockQuantity == 0 && !p.IsDigital {
		p.StockQuantity = 100
	}
	MustUpdate(t, db, func(tx paydeck.Tx) error { return tx.CreateProduct(context.Background(), p) })
	return p
}

// Line is one product and quantity of an order to place.
type Line struct {
	Product *paydeck.Product
	Qty     int64
}

// PlaceOrder is the order placement every shop flow starts with, in the
// caller's transaction: reserve stock for every line, create the pending
// order (expiring 30 minutes after tx.Now) with its items, and append a
// "created" event.
func PlaceOrder(ctx context.Context, tx paydeck.Tx, userID string, lines ...Line) (*paydeck.Order, error) {
	o := &paydeck.Order{UserID: userID, Status: paydeck.OrderPending, ShippingName: "홍길동",
		ShippingPhone: "010-1234-5678", ShippingAddress: "서울특별시 중구 세종대로 110", ExpiresAt: tx.Now().Add(30 * time.Minute)}
	for _, l := range lines {
		if err := tx.ReserveStock(ctx, l.Product.ID, l.Qty); err != nil {
			return nil, err
		}
		it, err := paydeck.NewOrderItem(l.Product, l.Qty)
		if err != nil {
			return nil, err
		}
		o.Items = append(o.Items, it)
	}
	if err := o.ComputeAmounts(); err != nil {
		return nil, err
	}
	if err := tx.CreateOrder(ctx, o); err != nil {
		return nil, err
	}
	return o, tx.AppendEvent(ctx, &paydeck.PaymentEvent{OrderID: o.ID, Type: paydeck.EventCreated, Message: "order placed"})
}

// MustPlaceOrder runs PlaceOrder in its own Update and fails t on error.
func MustPlaceOrder(t testing.TB, db paydeck.Store, userID string, lines ...Line) *paydeck.Order {
	t.Helper()
	var o *paydeck.Order
	MustUpdate(t, db, func(tx paydeck.Tx) (err error) {
		o, err = PlaceOrder(context.Background(), tx, userID, lines...)
		return err
	})
	return o
}

// MustCreatePayment creates a payment of the order's final amount in status
// (done payments get an approval time), with a unique payment key.
func MustCreatePayment(t testing.TB, db paydeck.Store, o *paydeck.Order, status paydeck.PaymentStatus) *paydeck.Payment {
	t.Helper()
	p := &paydeck.Payment{PaymentKey: fmt.Sprintf("tgen_%d", seq.Add(1)), OrderID: o.ID, Method: paydeck.MethodCard,
		Status: status, Amount: o.FinalAmount, BalanceAmount: o.FinalAmount}
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		if status == paydeck.PaymentDone {
			now := tx.Now()
			p.ApprovedAt = &now
		}
		return tx.CreatePayment(context.Background(), p)
	})
	return p
}

// requireCode fails t unless err carries the paydeck error code.
func requireCode(t testing.TB, code string, err error) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, paydeck.ErrorCode(err), "error: %v", err)
}
