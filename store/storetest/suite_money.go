package storetest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
)

func stockOf(t *testing.T, db paydeck.Store, productID string) int64 {
	t.Helper()
	var stock int64
	MustView(t, db, func(tx paydeck.Tx) error {
		p, err := tx.FindProductByID(context.Background(), productID)
		if err == nil {
			stock = p.StockQuantity
		}
		return err
	})
	return stock
}

func testStock(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	p := MustCreateProduct(t, db, &paydeck.Product{StockQuantity: 3, IsActive: true})
	digital := MustCreateProduct(t, db, &paydeck.Product{IsDigital: true, IsActive: true})
	inactive := MustCreateProduct(t, db, &paydeck.Product{StockQuantity: 3})
	reserve := func(id string, qty int64) error {
		return db.Update(ctx, func(tx paydeck.Tx) error { return tx.ReserveStock(ctx, id, qty) })
	}
	require.NoError(t, reserve(p.ID, 2))
	requireCode(t, paydeck.CodeConflict, reserve(p.ID, 2))
	require.Equal(t, int64(1), stockOf(t, db, p.ID))
	require.NoError(t, reserve(p.ID, 1))
	require.Zero(t, stockOf(t, db, p.ID))
	requireCode(t, paydeck.CodeConflict, reserve(p.ID, 1))
	requireCode(t, paydeck.CodeInvalid, reserve(p.ID, 0))
	requireCode(t, paydeck.CodeConflict, reserve(inactive.ID, 1))
	requireCode(t, paydeck.CodeNotFound, reserve("00000000-0000-4000-8000-000000000000", 1))
	requireCode(t, paydeck.CodeNotFound, reserve("not-a-uuid", 1))
	require.NoError(t, reserve(digital.ID, 1_000_000))
	require.Zero(t, stockOf(t, db, digital.ID))

	MustUpdate(t, db, func(tx paydeck.Tx) error {
		require.NoError(t, tx.ReleaseStock(ctx, p.ID, 2))
		return tx.ReleaseStock(ctx, digital.ID, 5)
	})
	require.Equal(t, int64(2), stockOf(t, db, p.ID))
	require.Zero(t, stockOf(t, db, digital.ID))
	err := db.Update(ctx, func(tx paydeck.Tx) error {
		return tx.ReleaseStock(ctx, "00000000-0000-4000-8000-000000000000", 1)
	})
	requireCode(t, paydeck.CodeNotFound, err)
}

// ConcurrentOrders and ConcurrentStock size the concurrent-stock test: that
// many goroutines each try to order one of the last few units.
const (
	ConcurrentOrders = 50
	ConcurrentStock  = 5
)

func testConcurrentStock(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	user := MustCreateUser(t, db, nil)
	p := MustCreateProduct(t, db, &paydeck.Product{StockQuantity: ConcurrentStock, IsActive: true})

	var ok, conflict atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range ConcurrentOrders {
		wg.Go(func() {
			<-start
			err := db.Update(ctx, func(tx paydeck.Tx) error {
				_, err := PlaceOrder(ctx, tx, user.ID, Line{p, 1})
				return err
			})
			switch paydeck.ErrorCode(err) {
			case "":
				ok.Add(1)
			case paydeck.CodeConflict:
				conflict.Add(1)
			default:
				t.Errorf("unexpected error: %v", err)
			}
		})
	}
	close(start)
	wg.Wait()
	t.Logf("concurrent stock: %d orders for %d units: %d placed, %d refused", ConcurrentOrders, ConcurrentStock,
		ok.Load(), conflict.Load())
	require.Equal(t, int64(ConcurrentStock), ok.Load())
	require.Equal(t, int64(ConcurrentOrders-ConcurrentStock), conflict.Load())
	require.Zero(t, stockOf(t, db, p.ID))
	MustView(t, db, func(tx paydeck.Tx) error {
		_, total, err := tx.FindOrders(ctx, paydeck.OrderFilter{UserID: &user.ID})
		require.NoError(t, err)
		require.Equal(t, ConcurrentStock, total)
		typ := paydeck.EventCreated
		_, total, err = tx.FindEvents(ctx, paydeck.EventFilter{Type: &typ})
		require.NoError(t, err)
		require.Equal(t, ConcurrentStock, total)
		return nil
	})
}

func testOrderAllOrNothing(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	user := MustCreateUser(t, db, nil)
	p := MustCreateProduct(t, db, &paydeck.Product{StockQuantity: 10, IsActive: true})
	q := MustCreateProduct(t, db, &paydeck.Product{StockQuantity: 1, IsActive: true})

	t.Run("ErrorAfterEverything", func(t *testing.T) {
		boom := paydeck.Errorf(paydeck.CodeUnavailable, "forced failure")
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			o, err := PlaceOrder(ctx, tx, user.ID, Line{p, 4})
			require.NoError(t, err)
			require.NoError(t, tx.Enqueue(ctx, jobArgs{Token: o.OrderID}, nil))
			return boom
		})
		require.Same(t, boom, err)
	})
	t.Run("SecondLineOutOfStock", func(t *testing.T) {
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			_, err := PlaceOrder(ctx, tx, user.ID, Line{p, 4}, Line{q, 2})
			return err
		})
		requireCode(t, paydeck.CodeConflict, err)
	})
	require.Equal(t, int64(10), stockOf(t, db, p.ID))
	require.Equal(t, int64(1), stockOf(t, db, q.ID))
	MustView(t, db, func(tx paydeck.Tx) error {
		_, total, err := tx.FindOrders(ctx, paydeck.OrderFilter{})
		require.NoError(t, err)
		require.Zero(t, total)
		_, total, err = tx.FindEvents(ctx, paydeck.EventFilter{})
		require.NoError(t, err)
		require.Zero(t, total)
		return nil
	})
}
