package storetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
)

// mustCreateCoupon creates c and fails t on error.
func mustCreateCoupon(t *testing.T, db paydeck.Store, c *paydeck.Coupon) *paydeck.Coupon {
	t.Helper()
	MustUpdate(t, db, func(tx paydeck.Tx) error { return tx.CreateCoupon(context.Background(), c) })
	return c
}

func couponReason(err error) paydeck.CouponReason {
	var ce *paydeck.CouponError
	if errors.As(err, &ce) {
		return ce.Reason
	}
	return ""
}

func testCoupons(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	user := MustCreateUser(t, db, nil)
	prod := MustCreateProduct(t, db, &paydeck.Product{IsActive: true})
	from := testStart.Add(-time.Hour)
	until := testStart.Add(24 * time.Hour)
	c := mustCreateCoupon(t, db, &paydeck.Coupon{Code: " spring-10 ", Kind: paydeck.CouponPercent, Value: 10, MaxDiscount: 5000,
		MinOrderAmount: 10_000, ValidFrom: &from, ValidUntil: &until, UsageLimit: 3, PerCustomerLimit: 2, ProductIDs: []string{prod.ID}})
	require.True(t, paydeck.ValidUUID(c.ID))
	require.Equal(t, "SPRING-10", c.Code, "codes are stored upper-case")

	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindCouponByCode(ctx, "Spring-10")
		require.NoError(t, err)
		require.Equal(t, c.ID, got.ID)
		require.Equal(t, paydeck.CouponPercent, got.Kind)
		require.Equal(t, []string{prod.ID}, got.ProductIDs)
		require.True(t, from.Truncate(time.Microsecond).Equal(*got.ValidFrom) && until.Truncate(time.Microsecond).Equal(*got.ValidUntil))
		require.Equal(t, time.UTC, got.ValidFrom.Location())
		require.Equal(t, int64(5000), got.MaxDiscount)
		_, err = tx.FindCouponByCode(ctx, "NONE")
		requireCode(t, paydeck.CodeNotFound, err)
		list, n, err := tx.FindCoupons(ctx, paydeck.CouponFilter{})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Equal(t, c.ID, list[0].ID)
		return nil
	})
	err := db.Update(ctx, func(tx paydeck.Tx) error {
		return tx.CreateCoupon(ctx, &paydeck.Coupon{Code: "SPRING-10", Kind: paydeck.CouponFixed, Value: 1000})
	})
	requireCode(t, paydeck.CodeConflict, err)
	err = db.Update(ctx, func(tx paydeck.Tx) error {
		return tx.CreateCoupon(ctx, &paydeck.Coupon{Code: "X", Kind: paydeck.CouponFixed, Value: 1000})
	})
	requireCode(t, paydeck.CodeInvalid, err)

	// Uses: counted, per customer, released once.
	use := func(u *paydeck.User) (*paydeck.Order, error) {
		var o *paydeck.Order
		err := db.Update(ctx, func(tx paydeck.Tx) (err error) {
			if err = tx.LockUser(ctx, u.ID); err != nil {
				return err
			}
			if o, err = PlaceOrder(ctx, tx, u.ID, Line{prod, 1}); err != nil {
				return err
			}
			return tx.UseCoupon(ctx, &paydeck.CouponUse{CouponID: c.ID, Code: c.Code, OrderID: o.ID, UserID: u.ID, DiscountAmount: 500})
		})
		return o, err
	}
	o1, err := use(user)
	require.NoError(t, err)
	_, err = use(user)
	require.NoError(t, err)
	_, err = use(user)
	require.Equal(t, paydeck.CouponCustomerLimit, couponReason(err), "%v", err)
	other := MustCreateUser(t, db, nil)
	_, err = use(other)
	require.NoError(t, err)
	_, err = use(MustCreateUser(t, db, nil))
	require.Equal(t, paydeck.CouponLimitReached, couponReason(err), "%v", err)
	requireCode(t, paydeck.CodeConflict, err)

	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindOrderByID(ctx, o1.ID)
		require.NoError(t, err)
		require.Equal(t, "SPRING-10", got.CouponCode)
		u, err := tx.FindCouponUse(ctx, o1.ID)
		require.NoError(t, err)
		require.Equal(t, int64(500), u.DiscountAmount)
		require.Nil(t, u.ReleasedAt)
		n, err := tx.CountCouponUses(ctx, c.ID, user.ID)
		require.NoError(t, err)
		require.Equal(t, int64(2), n)
		cc, err := tx.FindCouponByCode(ctx, c.Code)
		require.NoError(t, err)
		require.Equal(t, int64(3), cc.Uses)
		require.Equal(t, int64(3), cc.Pending)
		return nil
	})
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		released, err := tx.ReleaseCouponUse(ctx, o1.ID)
		require.NoError(t, err)
		require.True(t, released)
		released, err = tx.ReleaseCouponUse(ctx, o1.ID)
		require.NoError(t, err)
		require.False(t, released, "a use is released once")
		return nil
	})
	_, err = use(user)
	require.NoError(t, err, "the released use is free again, for the customer too")

	// Update and delete: the code is free afterwards, orders keep theirs.
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindCouponByCode(ctx, c.Code)
		require.NoError(t, err)
		got.UsageLimit, got.Code = 0, "summer"
		require.NoError(t, tx.UpdateCoupon(ctx, got))
		require.Equal(t, int64(3), got.Uses, "Uses is the store's, not the caller's")
		return nil
	})
	MustUpdate(t, db, func(tx paydeck.Tx) error { return tx.DeleteCoupon(ctx, "SUMMER") })
	err = db.Update(ctx, func(tx paydeck.Tx) error { return tx.DeleteCoupon(ctx, "SUMMER") })
	requireCode(t, paydeck.CodeNotFound, err)
	mustCreateCoupon(t, db, &paydeck.Coupon{Code: "SUMMER", Kind: paydeck.CouponFixed, Value: 1000})
	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindOrderByID(ctx, o1.ID)
		require.NoError(t, err)
		require.Equal(t, "SPRING-10", got.CouponCode)
		list, n, err := tx.FindCoupons(ctx, paydeck.CouponFilter{})
		require.NoError(t, err)
		require.Equal(t, 1, n, "deleted coupons are not listed")
		require.Zero(t, list[0].Uses)
		return nil
	})
	err = db.Update(ctx, func(tx paydeck.Tx) error {
		return tx.UseCoupon(ctx, &paydeck.CouponUse{CouponID: c.ID, Code: c.Code, OrderID: o1.ID, UserID: user.ID, DiscountAmount: 1})
	})
	require.Equal(t, paydeck.CouponUnknown, couponReason(err), "a deleted coupon cannot be used: %v", err)
}

// couponUses is the usage limit of testConcurrentCouponUses.
const couponUses = 10

// testConcurrentCouponUses: ConcurrentOrders transactions each place an
// order and use a coupon of couponUses uses at once; exactly couponUses
// commit.
func testConcurrentCouponUses(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	c := mustCreateCoupon(t, db, &paydeck.Coupon{Code: "LIMITED", Kind: paydeck.CouponFixed, Value: 100, UsageLimit: couponUses})
	// One user and one product per order: no stock or user row is shared,
	// so only the coupon can make the transactions wait for each other.
	users := make([]*paydeck.User, ConcurrentOrders)
	products := make([]*paydeck.Product, ConcurrentOrders)
	for i := range users {
		users[i] = MustCreateUser(t, db, nil)
		products[i] = MustCreateProduct(t, db, &paydeck.Product{IsActive: true})
	}
	var ok, limited atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, u := range users {
		wg.Go(func() {
			<-start
			err := db.Update(ctx, func(tx paydeck.Tx) error {
				o, err := PlaceOrder(ctx, tx, u.ID, Line{products[i], 1})
				if err != nil {
					return err
				}
				return tx.UseCoupon(ctx, &paydeck.CouponUse{CouponID: c.ID, Code: c.Code, OrderID: o.ID, UserID: u.ID, DiscountAmount: 100})
			})
			switch {
			case err == nil:
				ok.Add(1)
			case couponReason(err) == paydeck.CouponLimitReached:
				limited.Add(1)
			default:
				t.Errorf("unexpected error: %v", err)
			}
		})
	}
	close(start)
	wg.Wait()
	require.Equal(t, int64(couponUses), ok.Load())
	require.Equal(t, int64(ConcurrentOrders-couponUses), limited.Load())
	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindCouponByCode(ctx, c.Code)
		require.NoError(t, err)
		require.Equal(t, int64(couponUses), got.Uses)
		_, n, err := tx.FindOrders(ctx, paydeck.OrderFilter{})
		require.NoError(t, err)
		require.Equal(t, couponUses, n, "an order whose coupon was refused rolled back")
		return nil
	})
}
