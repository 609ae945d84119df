package postgres_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/store/storetest"
)

// TestUpdateRetriesDeadlock makes two transactions lock two rows in opposite
// order. PostgreSQL aborts one with a deadlock; Update runs it again, so both
// succeed.
func TestUpdateRetriesDeadlock(t *testing.T) {
	t.Parallel()
	db := storetest.New(t, "postgres")
	ctx := context.Background()
	a := storetest.MustCreateProduct(t, db, nil)
	b := storetest.MustCreateProduct(t, db, nil)

	var runs atomic.Int64
	var firstLocks sync.WaitGroup
	firstLocks.Add(2)
	take := func(first, second *paydeck.Product) error {
		return db.Update(ctx, func(tx paydeck.Tx) error {
			n := runs.Add(1)
			if err := tx.ReserveStock(ctx, first.ID, 1); err != nil {
				return err
			}
			if n <= 2 { // only the first run of each waits for the other
				firstLocks.Done()
				firstLocks.Wait()
			}
			return tx.ReserveStock(ctx, second.ID, 1)
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- take(a, b) }()
	go func() { errs <- take(b, a) }()
	require.NoError(t, <-errs)
	require.NoError(t, <-errs)
	// The victim ran again (under load the retry can deadlock once more).
	require.GreaterOrEqual(t, runs.Load(), int64(3))
	storetest.MustView(t, db, func(tx paydeck.Tx) error {
		for _, p := range []*paydeck.Product{a, b} {
			got, err := tx.FindProductByID(ctx, p.ID)
			require.NoError(t, err)
			require.Equal(t, p.StockQuantity-2, got.StockQuantity)
		}
		return nil
	})
}
