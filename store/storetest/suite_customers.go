package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
)

// testCustomers checks OrderFilter.Search and FindCustomers: partial order
// numbers, names, emails and phones with or without separators, LIKE
// wildcards taken literally, and the figures summed in SQL.
func testCustomers(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	kim := MustCreateUser(t, db, &paydeck.User{Email: "kim.minji@example.com", Name: "김민지"})
	lee := MustCreateUser(t, db, &paydeck.User{Email: "lee@example.com", Name: "Lee 100%"})
	idle := MustCreateUser(t, db, &paydeck.User{Email: "idle@example.com", Name: "Idle"})
	MustCreateUser(t, db, &paydeck.User{Email: "staff@example.com", Name: "Staff", Role: paydeck.RoleAdmin})
	shirt := MustCreateProduct(t, db, nil)

	k1 := MustPlaceOrder(t, db, kim.ID, Line{shirt, 1})
	k2 := MustPlaceOrder(t, db, kim.ID, Line{shirt, 2})
	l1 := MustPlaceOrder(t, db, lee.ID, Line{shirt, 1})
	MustUpdate(t, db, func(tx paydeck.Tx) error { // lee ships to another name and phone
		l1.ShippingName, l1.ShippingPhone = "박서준", "(010) 9876.5432"
		return tx.UpdateOrder(ctx, l1)
	})
	paid := MustCreatePayment(t, db, k1, paydeck.PaymentDone)
	MustCreatePayment(t, db, k2, paydeck.PaymentDone)
	MustCreatePayment(t, db, l1, paydeck.PaymentAborted) // never approved: not paid
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		p, err := tx.FindPaymentByID(ctx, paid.ID)
		require.NoError(t, err)
		require.NoError(t, p.ApplyRefund(3_000))
		return tx.UpdatePayment(ctx, p)
	})

	orderIDs := func(term string) []string {
		var ids []string
		MustView(t, db, func(tx paydeck.Tx) error {
			orders, total, err := tx.FindOrders(ctx, paydeck.OrderFilter{Search: &term})
			require.NoError(t, err)
			require.Equal(t, len(orders), total)
			for _, o := range orders {
				ids = append(ids, o.OrderID)
			}
			return nil
		})
		return ids
	}
	all := []string{l1.OrderID, k2.OrderID, k1.OrderID}
	require.Equal(t, all, orderIDs(""))
	require.Equal(t, all, orderIDs("  "))
	require.Equal(t, []string{k1.OrderID}, orderIDs(k1.OrderID[len(k1.OrderID)-6:]), "order number tail")
	require.Equal(t, []string{k1.OrderID}, orderIDs(" "+k1.OrderID[3:12]+k1.OrderID[12:]+" "))
	require.Equal(t, []string{k2.OrderID, k1.OrderID}, orderIDs("홍길"), "shipping name")
	require.Equal(t, []string{k2.OrderID, k1.OrderID}, orderIDs("민지"), "customer name")
	require.Equal(t, []string{k2.OrderID, k1.OrderID}, orderIDs("KIM.MINJI@"), "email, any case")
	require.Equal(t, []string{l1.OrderID}, orderIDs("lee 100%"), "customer name with a literal %")
	require.Empty(t, orderIDs("lee 1000"))
	require.Equal(t, []string{l1.OrderID}, orderIDs("%"), "% is not a wildcard")
	require.Empty(t, orderIDs("_"), "_ is not a wildcard")
	require.Equal(t, []string{k2.OrderID, k1.OrderID}, orderIDs("01012345678"), "phone digits match a hyphenated phone")
	require.Equal(t, []string{k2.OrderID, k1.OrderID}, orderIDs("+82 10-1234-5678"), "country code")
	require.Equal(t, []string{l1.OrderID}, orderIDs("9876-5432"), "separators on both sides")
	require.Equal(t, []string{l1.OrderID}, orderIDs("5432"))
	require.Empty(t, orderIDs("010-0000-0000"))

	customers := func(f paydeck.CustomerFilter) []*paydeck.Customer {
		var out []*paydeck.Customer
		MustView(t, db, func(tx paydeck.Tx) (err error) {
			var total int
			out, total, err = tx.FindCustomers(ctx, f)
			if f.Limit == 0 {
				require.Equal(t, len(out), total)
			} else {
				require.Equal(t, 3, total, "the total ignores the page")
			}
			return err
		})
		return out
	}
	list := customers(paydeck.CustomerFilter{})
	require.Len(t, list, 3, "admins are not customers")
	require.Equal(t, []string{lee.ID, kim.ID, idle.ID}, []string{list[0].ID, list[1].ID, list[2].ID},
		"latest orderer first, never ordered last")
	k := list[1]
	require.Equal(t, kim.Email, k.Email)
	require.Equal(t, "김민지", k.Name)
	require.Empty(t, k.PasswordHash)
	require.Equal(t, 2, k.Orders)
	require.Equal(t, k1.FinalAmount+k2.FinalAmount, k.PaidAmount)
	require.Equal(t, int64(3_000), k.RefundedAmount)
	require.NotNil(t, k.LastOrderAt)
	require.Equal(t, k2.CreatedAt, *k.LastOrderAt)
	require.Equal(t, "010-1234-5678", k.Phone)
	l := list[0]
	require.Equal(t, 1, l.Orders)
	require.Zero(t, l.PaidAmount, "an aborted payment is not paid")
	require.Equal(t, "(010) 9876.5432", l.Phone)
	require.Zero(t, list[2].Orders)
	require.Nil(t, list[2].LastOrderAt)

	search := func(term string) []string {
		var ids []string
		for _, c := range customers(paydeck.CustomerFilter{Search: &term}) {
			ids = append(ids, c.ID)
		}
		return ids
	}
	require.Equal(t, []string{lee.ID}, search("98765432"), "by an order's phone")
	require.Equal(t, []string{lee.ID}, search("박서"), "by an order's shipping name")
	require.Equal(t, []string{kim.ID}, search(k2.OrderID[5:15]), "by an order number")
	require.Equal(t, []string{idle.ID}, search("IDLE"), "by name, without orders")
	require.Empty(t, search("staff"), "admins are not customers")
	require.Equal(t, []string{kim.ID}, []string{customers(paydeck.CustomerFilter{ID: &kim.ID})[0].ID})
	bad := "not-a-uuid"
	require.Empty(t, customers(paydeck.CustomerFilter{ID: &bad}))
	MustView(t, db, func(tx paydeck.Tx) error {
		users, _, err := tx.FindUsers(ctx, paydeck.UserFilter{IDs: []string{idle.ID, "not-a-uuid", kim.ID}})
		require.NoError(t, err)
		require.Len(t, users, 2)
		require.ElementsMatch(t, []string{kim.ID, idle.ID}, []string{users[0].ID, users[1].ID})
		users, _, err = tx.FindUsers(ctx, paydeck.UserFilter{IDs: []string{"not-a-uuid"}})
		require.NoError(t, err)
		require.Empty(t, users)
		return nil
	})
	page := customers(paydeck.CustomerFilter{Offset: 1, Limit: 1})
	require.Len(t, page, 1)
	require.Equal(t, kim.ID, page[0].ID)
}
