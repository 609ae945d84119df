package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/store"
)

// NewDBFunc returns a fresh, migrated store opened with opts.
type NewDBFunc func(t *testing.T, opts store.Options) store.DB

// Run runs the conformance suite against the stores newDB returns. Each
// test gets its own store and runs in parallel.
func Run(t *testing.T, newDB NewDBFunc) {
	t.Helper()
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, newDB NewDBFunc)
	}{
		{"Transactions", testTransactions},
		{"Users", testUsers},
		{"Products", testProducts},
		{"ProductCatalogue", testProductCatalogue},
		{"PaymentMethods", testPaymentMethods},
		{"Orders", testOrders},
		{"Customers", testCustomers},
		{"Payments", testPayments},
		{"Refunds", testRefunds},
		{"Events", testEvents},
		{"Webhooks", testWebhooks},
		{"PaymentWebhook", testPaymentWebhook},
		{"ReconciliationReports", testReports},
		{"Stock", testStock},
		{"MoneyPath", testMoneyPath},
		{"CombinedWrites", testCombinedWrites},
		{"CombinedCommit", testCombinedCommit},
		{"ConcurrentStock", testConcurrentStock},
		{"OrderAllOrNothing", testOrderAllOrNothing},
		{"Shipping", testShipping},
		{"Jobs", testJobs},
		{"Sessions", testSessions},
		{"Subscriptions", testSubscriptions},
		{"SubscriptionChargeOncePerPeriod", testChargeOncePerPeriod},
		{"TaxFreeAndCashReceipts", testTaxFree},
		{"Coupons", testCoupons},
		{"ConcurrentCouponUses", testConcurrentCouponUses},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newDB)
		})
	}
}

// StepClock is a test clock that starts at Start and advances by Step on
// every reading, so rows created one after another have increasing times.
type StepClock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
}

// NewStepClock returns a StepClock starting at start.
func NewStepClock(start time.Time, step time.Duration) *StepClock {
	return &StepClock{now: start, step: step}
}

// Now returns the current reading and advances the clock.
func (c *StepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.now
	c.now = c.now.Add(c.step)
	return t
}

// testStart has nanoseconds and a non-UTC zone, to check normalization.
var testStart = time.Date(2026, 3, 1, 9, 30, 0, 123_456_789, paydeck.KST)

func newClockDB(t *testing.T, newDB NewDBFunc) (store.DB, *StepClock) {
	clock := NewStepClock(testStart, time.Millisecond)
	return newDB(t, store.Options{Now: clock.Now}), clock
}

func testTransactions(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	require.NoError(t, db.Ping(ctx))

	t.Run("NowIsFixedUTCMicroseconds", func(t *testing.T) {
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			now := tx.Now()
			require.Equal(t, time.UTC, now.Location())
			require.Zero(t, now.Nanosecond()%1000)
			require.Equal(t, now, tx.Now())
			return nil
		})
	})
	t.Run("ErrorRollsBackAndIsReturned", func(t *testing.T) {
		boom := paydeck.Errorf(paydeck.CodeConflict, "boom")
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			require.NoError(t, tx.CreateUser(ctx, &paydeck.User{Email: "rollback@example.com", PasswordHash: "h", Role: "customer"}))
			return boom
		})
		require.Same(t, boom, err)
		MustView(t, db, func(tx paydeck.Tx) error {
			_, err := tx.FindUserByEmail(ctx, "rollback@example.com")
			requireCode(t, paydeck.CodeNotFound, err)
			return nil
		})
	})
	t.Run("ViewRejectsWrites", func(t *testing.T) {
		err := db.View(ctx, func(tx paydeck.Tx) error {
			return tx.CreateUser(ctx, &paydeck.User{Email: "view@example.com", PasswordHash: "h", Role: "customer"})
		})
		require.Error(t, err)
		err = db.View(ctx, func(tx paydeck.Tx) error { return tx.Enqueue(ctx, jobArgs{Token: "x"}, nil) })
		require.Error(t, err)
	})
}

func testUsers(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	u := &paydeck.User{Email: " Kim@Example.COM ", PasswordHash: "hash", Name: "김철수", Role: paydeck.RoleCustomer}
	MustUpdate(t, db, func(tx paydeck.Tx) error { return tx.CreateUser(ctx, u) })
	require.True(t, paydeck.ValidUUID(u.ID))
	require.Equal(t, "kim@example.com", u.Email)
	admin := MustCreateUser(t, db, &paydeck.User{Role: paydeck.RoleAdmin})

	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindUserByID(ctx, u.ID)
		require.NoError(t, err)
		require.Equal(t, u, got)
		got, err = tx.FindUserByEmail(ctx, "KIM@example.com")
		require.NoError(t, err)
		require.Equal(t, u.ID, got.ID)
		_, err = tx.FindUserByID(ctx, "not-a-uuid")
		requireCode(t, paydeck.CodeNotFound, err)
		_, err = tx.FindUserByID(ctx, "00000000-0000-4000-8000-000000000000")
		requireCode(t, paydeck.CodeNotFound, err)
		users, total, err := tx.FindUsers(ctx, paydeck.UserFilter{})
		require.NoError(t, err)
		require.Equal(t, 2, total)
		require.Equal(t, []string{u.ID, admin.ID}, []string{users[0].ID, users[1].ID})
		role := paydeck.RoleAdmin
		users, total, err = tx.FindUsers(ctx, paydeck.UserFilter{Role: &role})
		require.NoError(t, err)
		require.Equal(t, 1, total)
		require.Equal(t, admin.ID, users[0].ID)
		users, total, err = tx.FindUsers(ctx, paydeck.UserFilter{Offset: 1, Limit: 1})
		require.NoError(t, err)
		require.Equal(t, 2, total)
		require.Equal(t, admin.ID, users[0].ID)
		// Totals of every kind of page: full, last, past the end.
		for _, tc := range []struct{ offset, limit, rows, total int }{
			{0, 1, 1, 2}, {0, 2, 2, 2}, {0, 5, 2, 2}, {1, 5, 1, 2}, {2, 1, 0, 2}, {7, 3, 0, 2},
		} {
			users, total, err = tx.FindUsers(ctx, paydeck.UserFilter{Offset: tc.offset, Limit: tc.limit})
			require.NoError(t, err)
			require.Len(t, users, tc.rows, "%+v", tc)
			require.Equal(t, tc.total, total, "%+v", tc)
		}
		return nil
	})

	t.Run("EmailUniqueCaseInsensitive", func(t *testing.T) {
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			return tx.CreateUser(ctx, &paydeck.User{Email: "KIM@EXAMPLE.COM", PasswordHash: "h", Role: "customer"})
		})
		requireCode(t, paydeck.CodeConflict, err)
		err = db.Update(ctx, func(tx paydeck.Tx) error {
			admin.Email = "Kim@example.com"
			return tx.UpdateUser(ctx, admin)
		})
		requireCode(t, paydeck.CodeConflict, err)
	})
	t.Run("Update", func(t *testing.T) {
		created := u.UpdatedAt
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			u.Name, u.Role = "김영희", paydeck.RoleAdmin
			return tx.UpdateUser(ctx, u)
		})
		require.True(t, u.UpdatedAt.After(created))
		MustView(t, db, func(tx paydeck.Tx) error {
			got, err := tx.FindUserByID(ctx, u.ID)
			require.NoError(t, err)
			require.Equal(t, u, got)
			return nil
		})
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			return tx.UpdateUser(ctx, &paydeck.User{ID: "00000000-0000-4000-8000-000000000000", Email: "x@y", PasswordHash: "h", Role: "customer"})
		})
		requireCode(t, paydeck.CodeNotFound, err)
	})
	t.Run("Invalid", func(t *testing.T) {
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			return tx.CreateUser(ctx, &paydeck.User{Email: "nope", PasswordHash: "h", Role: "customer"})
		})
		requireCode(t, paydeck.CodeInvalid, err)
	})
}

func testProducts(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	shirt := MustCreateProduct(t, db, &paydeck.Product{Name: "Cotton 100% Shirt", Description: "white", Price: 29_000,
		ImageURL: "https://example.com/shirt.png", StockQuantity: 7, IsActive: true})
	ebook := MustCreateProduct(t, db, &paydeck.Product{Name: "E-Book", Price: 9_900, IsDigital: true, IsActive: true})
	old := MustCreateProduct(t, db, &paydeck.Product{Name: "Old shirt", Price: 100})

	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindProductByID(ctx, shirt.ID)
		require.NoError(t, err)
		require.Equal(t, shirt, got)
		active := true
		ps, total, err := tx.FindProducts(ctx, paydeck.ProductFilter{IsActive: &active})
		require.NoError(t, err)
		require.Equal(t, 2, total)
		require.Equal(t, []*paydeck.Product{shirt, ebook}, ps)
		search := "SHIRT"
		ps, total, err = tx.FindProducts(ctx, paydeck.ProductFilter{Search: &search})
		require.NoError(t, err)
		require.Equal(t, 2, total)
		require.Equal(t, []*paydeck.Product{shirt, old}, ps)
		search = "100%"
		_, total, err = tx.FindProducts(ctx, paydeck.ProductFilter{Search: &search})
		require.NoError(t, err)
		require.Equal(t, 1, total, "LIKE wildcards in the search are literal")
		digital := true
		ps, _, err = tx.FindProducts(ctx, paydeck.ProductFilter{IsDigital: &digital})
		require.NoError(t, err)
		require.Equal(t, []*paydeck.Product{ebook}, ps)
		ps, total, err = tx.FindProducts(ctx, paydeck.ProductFilter{IDs: []string{old.ID, ebook.ID, "bogus"}})
		require.NoError(t, err)
		require.Equal(t, 2, total)
		require.Equal(t, []*paydeck.Product{ebook, old}, ps)
		return nil
	})
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		shirt.Price, shirt.IsActive = 31_000, false
		return tx.UpdateProduct(ctx, shirt)
	})
	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindProductByID(ctx, shirt.ID)
		require.NoError(t, err)
		require.Equal(t, shirt, got)
		return nil
	})
	err := db.Update(ctx, func(tx paydeck.Tx) error {
		return tx.CreateProduct(ctx, &paydeck.Product{Name: "Cheap", Price: 99})
	})
	requireCode(t, paydeck.CodeInvalid, err)
}

func testPaymentMethods(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	card := &paydeck.PaymentMethod{Name: "카드", Type: paydeck.MethodCard, IsActive: true, DisplayOrder: 2, FeeRate: 330}
	va := &paydeck.PaymentMethod{Name: "가상계좌", Type: paydeck.MethodVirtualAccount, IsActive: true, DisplayOrder: 1, FixedFee: 300}
	phone := &paydeck.PaymentMethod{Name: "휴대폰", Type: paydeck.MethodMobilePhone, DisplayOrder: 3, FeeRate: 500}
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		for _, m := range []*paydeck.PaymentMethod{card, va, phone} {
			if err := tx.CreatePaymentMethod(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	MustView(t, db, func(tx paydeck.Tx) error {
		active := true
		ms, total, err := tx.FindPaymentMethods(ctx, paydeck.PaymentMethodFilter{IsActive: &active})
		require.NoError(t, err)
		require.Equal(t, 2, total)
		require.Equal(t, []*paydeck.PaymentMethod{va, card}, ms)
		typ := paydeck.MethodMobilePhone
		ms, _, err = tx.FindPaymentMethods(ctx, paydeck.PaymentMethodFilter{Type: &typ})
		require.NoError(t, err)
		require.Equal(t, []*paydeck.PaymentMethod{phone}, ms)
		got, err := tx.FindPaymentMethodByID(ctx, card.ID)
		require.NoError(t, err)
		require.Equal(t, card, got)
		return nil
	})
	err := db.Update(ctx, func(tx paydeck.Tx) error {
		return tx.CreatePaymentMethod(ctx, &paydeck.PaymentMethod{Name: "Card 2", Type: paydeck.MethodCard})
	})
	requireCode(t, paydeck.CodeConflict, err)
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		phone.IsActive, phone.FeeRate = true, 450
		return tx.UpdatePaymentMethod(ctx, phone)
	})
	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindPaymentMethodByID(ctx, phone.ID)
		require.NoError(t, err)
		require.Equal(t, phone, got)
		return nil
	})
}
