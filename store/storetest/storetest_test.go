package storetest_test

import (
	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/store"
	"github.com/stretchr/testify/require"
	"testing"

	"github.com/paydeck/paydeck/store/storetest"
)

// BenchmarkNew measures how long a fresh, migrated, isolated store takes.
func BenchmarkNew(b *testing.B) {
	for _, engine := range storetest.Engines {
		b.Run(engine, func(b *testing.B) {
			for b.Loop() {
				storetest.New(b, engine)
			}
		})
	}
}

// BenchmarkPlaceOrder measures one order placement transaction (reserve
// stock, insert order and item, append event) on each engine.
func BenchmarkPlaceOrder(b *testing.B) {
	for _, engine := range storetest.Engines {
		b.Run(engine, func(b *testing.B) {
			db := storetest.New(b, engine)
			u := storetest.MustCreateUser(b, db, nil)
			p := storetest.MustCreateProduct(b, db, &paydeck.Product{IsDigital: true, IsActive: true})
			for b.Loop() {
				storetest.MustPlaceOrder(b, db, u.ID, storetest.Line{Product: p, Qty: 1})
			}
		})
	}
}

func TestEachEngine(t *testing.T) {
	t.Parallel()
	storetest.EachEngine(t, func(t *testing.T, db store.DB) {
		require.NoError(t, db.Ping(t.Context()))
		require.Equal(t, t.Name()[len("TestEachEngine/"):], db.Engine())
	})
}
