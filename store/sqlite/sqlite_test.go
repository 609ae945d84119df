package sqlite_test

import (
	"testing"

	"github.com/paydeck/paydeck/store"
	"github.com/paydeck/paydeck/store/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, opts store.Options) store.DB {
		return storetest.NewWith(t, "sqlite", opts)
	})
}
