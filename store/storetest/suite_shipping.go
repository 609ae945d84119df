package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
)

// testShipping: shipments and return requests round-trip with their lines,
// the order's postcode and detail line and the product's exemption are
// kept, and bad rows are refused with the documented codes.
func testShipping(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	kim := MustCreateUser(t, db, nil)
	shirt := MustCreateProduct(t, db, nil)
	mug := MustCreateProduct(t, db, &paydeck.Product{Name: "머그", Price: 8_000, StockQuantity: 5, IsActive: true, WithdrawalExempt: true})
	o := MustPlaceOrder(t, db, kim.ID, Line{shirt, 2}, Line{mug, 1})

	MustUpdate(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindProductByID(ctx, mug.ID)
		require.NoError(t, err)
		require.True(t, got.WithdrawalExempt)
		got.WithdrawalExempt = false
		require.NoError(t, tx.UpdateProduct(ctx, got))
		got, err = tx.FindProductByID(ctx, mug.ID)
		require.NoError(t, err)
		require.False(t, got.WithdrawalExempt)

		x, err := tx.LockOrderByID(ctx, o.ID)
		require.NoError(t, err)
		x.ShippingPostcode, x.ShippingAddressDetail = "04524", "3층 301호"
		require.NoError(t, tx.UpdateOrder(ctx, x))
		return nil
	})

	var s1, s2 *paydeck.Shipment
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		s1 = &paydeck.Shipment{OrderID: o.ID, Courier: "cj", TrackingNumber: "630512345678",
			Lines: []paydeck.ShipmentLine{{ProductID: shirt.ID, Quantity: 1}}}
		return tx.CreateShipment(ctx, s1)
	})
	MustUpdate(t, db, func(tx paydeck.Tx) error { // a later transaction: listed after s1
		s2 = &paydeck.Shipment{OrderID: o.ID, Lines: []paydeck.ShipmentLine{{ProductID: shirt.ID, Quantity: 1}, {ProductID: mug.ID, Quantity: 1}}}
		require.NoError(t, tx.CreateShipment(ctx, s2))
		return nil
	})
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		requireCode(t, paydeck.CodeInvalid, tx.CreateShipment(ctx, &paydeck.Shipment{OrderID: o.ID, Courier: "cj",
			Lines: []paydeck.ShipmentLine{{ProductID: shirt.ID, Quantity: 1}}}))
		requireCode(t, paydeck.CodeInvalid, tx.CreateShipment(ctx, &paydeck.Shipment{OrderID: o.ID}))
		requireCode(t, paydeck.CodeInvalid, tx.CreateShipment(ctx, &paydeck.Shipment{OrderID: o.ID, Courier: "nope", TrackingNumber: "123456",
			Lines: []paydeck.ShipmentLine{{ProductID: shirt.ID, Quantity: 1}}}))
		return nil
	})
	requireCode(t, paydeck.CodeConflict, db.Update(ctx, func(tx paydeck.Tx) error {
		return tx.CreateShipment(ctx, &paydeck.Shipment{OrderID: "00000000-0000-4000-8000-000000000000",
			Lines: []paydeck.ShipmentLine{{ProductID: shirt.ID, Quantity: 1}}})
	}))

	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindShipments(ctx, o.ID)
		require.NoError(t, err)
		require.Equal(t, []*paydeck.Shipment{s1, s2}, got)
		none, err := tx.FindShipments(ctx, "not-a-uuid")
		require.NoError(t, err)
		require.Empty(t, none)
		x, err := tx.FindOrderByID(ctx, o.ID)
		require.NoError(t, err)
		require.Equal(t, "04524", x.ShippingPostcode)
		require.Equal(t, "3층 301호", x.ShippingAddressDetail)
		return nil
	})

	var r *paydeck.ReturnRequest
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		r = &paydeck.ReturnRequest{OrderID: o.ID, Status: paydeck.ReturnRequested, Reason: paydeck.ReturnChangeOfMind,
			Note: "사이즈가 작아요", Lines: []paydeck.ShipmentLine{{ProductID: shirt.ID, Quantity: 1}},
			RefundAmount: 7_000, ReturnShippingFee: 3_000}
		require.NoError(t, tx.CreateReturnRequest(ctx, r))
		requireCode(t, paydeck.CodeInvalid, tx.CreateReturnRequest(ctx, &paydeck.ReturnRequest{OrderID: o.ID,
			Status: paydeck.ReturnRequested, Reason: "bored", Lines: r.Lines}))
		return nil
	})
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindReturnRequestByID(ctx, r.ID)
		require.NoError(t, err)
		require.Equal(t, r, got)
		now := tx.Now()
		got.Status, got.Restock, got.RefundID, got.DecidedAt = paydeck.ReturnApproved, true, "refund-1", &now
		require.NoError(t, tx.UpdateReturnRequest(ctx, got))
		r = got
		return nil
	})
	MustView(t, db, func(tx paydeck.Tx) error {
		list, n, err := tx.FindReturnRequests(ctx, paydeck.ReturnFilter{OrderID: &o.ID, Statuses: []paydeck.ReturnStatus{paydeck.ReturnApproved}})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Equal(t, []*paydeck.ReturnRequest{r}, list)
		_, n, err = tx.FindReturnRequests(ctx, paydeck.ReturnFilter{Statuses: []paydeck.ReturnStatus{paydeck.ReturnRequested}})
		require.NoError(t, err)
		require.Zero(t, n)
		_, err = tx.FindReturnRequestByID(ctx, "not-a-uuid")
		requireCode(t, paydeck.CodeNotFound, err)
		_, err = tx.FindReturnRequestByID(ctx, "00000000-0000-4000-8000-000000000000")
		requireCode(t, paydeck.CodeNotFound, err)
		return nil
	})
}
