package admin_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
	"github.com/paydeck/paydeck/store/storetest"
)

// BenchmarkDashboard renders the admin dashboard over 500 approved
// payments (three stats reports, two SVG charts) on SQLite.
func BenchmarkDashboard(b *testing.B) {
	s := sitetest.NewSite(b, apptest.New(b, "sqlite"))
	u := s.User(b, paydeck.RoleCustomer)
	pr := storetest.MustCreateProduct(b, s.DB, &paydeck.Product{Price: 1_000, StockQuantity: 1_000, IsActive: true})
	for range 500 {
		o := storetest.MustPlaceOrder(b, s.DB, u.ID, storetest.Line{Product: pr, Qty: 1})
		storetest.MustCreatePayment(b, s.DB, o, paydeck.PaymentDone)
	}
	admin := s.Visitor(b)
	admin.SignIn(b, s.User(b, paydeck.RoleAdmin))
	b.ResetTimer()
	for b.Loop() {
		p := admin.Get(b, "/admin/")
		require.Equal(b, http.StatusOK, p.Status)
	}
}
