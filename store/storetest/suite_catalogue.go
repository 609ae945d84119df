package storetest

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
)

// pngBytes is a 1×1 PNG.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

// testProductCatalogue covers categories, search in descriptions and the
// uploaded image of a product.
func testProductCatalogue(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	tea := MustCreateProduct(t, db, &paydeck.Product{Name: "녹차", Description: "제주 유기농 50_50 블렌드", Price: 8_000,
		StockQuantity: 3, IsActive: true, Category: "음료"})
	juice := MustCreateProduct(t, db, &paydeck.Product{Name: "감귤 주스", Description: "100% 감귤", Price: 4_000,
		StockQuantity: 3, IsActive: true, Category: "음료"})
	mug := MustCreateProduct(t, db, &paydeck.Product{Name: "머그컵", Price: 12_000, StockQuantity: 3, IsActive: true, Category: "생활"})
	hidden := MustCreateProduct(t, db, &paydeck.Product{Name: "단종 컵", Price: 9_000, Category: "단종"})
	plain := MustCreateProduct(t, db, &paydeck.Product{Name: "Plain", Price: 1_000, IsActive: true})

	active := true
	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindProductByID(ctx, tea.ID)
		require.NoError(t, err)
		require.Equal(t, "음료", got.Category)
		for _, c := range []struct {
			search, category *string
			want             []*paydeck.Product
		}{
			{category: ptr("음료"), want: []*paydeck.Product{tea, juice}},
			{category: ptr(""), want: []*paydeck.Product{plain}},
			{search: ptr("유기농"), want: []*paydeck.Product{tea}},                  // in the description
			{search: ptr("컵"), want: []*paydeck.Product{mug}},                    // the inactive one is filtered out
			{search: ptr("50_50"), want: []*paydeck.Product{tea}},                // "_" is literal
			{search: ptr("0%"), want: []*paydeck.Product{juice}},                 // "%" is literal
			{search: ptr("__"), want: []*paydeck.Product{}},                      // would match anything as a wildcard
			{search: ptr("감귤"), category: ptr("생활"), want: []*paydeck.Product{}}, // both apply
			{search: ptr("PLAIN"), want: []*paydeck.Product{plain}},
		} {
			ps, total, err := tx.FindProducts(ctx, paydeck.ProductFilter{IsActive: &active, Search: c.search, Category: c.category})
			require.NoError(t, err)
			require.Equal(t, c.want, ps, "search %v category %v", c.search, c.category)
			require.Equal(t, len(c.want), total)
		}
		cats, err := tx.FindProductCategories(ctx, paydeck.ProductFilter{IsActive: &active})
		require.NoError(t, err)
		require.Equal(t, []string{"생활", "음료"}, cats, "distinct, sorted, the inactive product's left out")
		cats, err = tx.FindProductCategories(ctx, paydeck.ProductFilter{})
		require.NoError(t, err)
		require.Equal(t, []string{"단종", "생활", "음료"}, cats)
		return nil
	})
	err := db.Update(ctx, func(tx paydeck.Tx) error {
		p := *mug
		p.Category = " 생활"
		return tx.UpdateProduct(ctx, &p)
	})
	requireCode(t, paydeck.CodeInvalid, err)

	// Images: stored, replaced, pointed at, deleted.
	img, err := paydeck.NewProductImage(mug.ID, pngBytes)
	require.NoError(t, err)
	require.Equal(t, "image/png", img.ContentType)
	MustUpdate(t, db, func(tx paydeck.Tx) error { return tx.SetProductImage(ctx, img) })
	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindProductImage(ctx, mug.ID)
		require.NoError(t, err)
		require.True(t, bytes.Equal(pngBytes, got.Data))
		require.Equal(t, img.SHA256, got.SHA256)
		require.Equal(t, "image/png", got.ContentType)
		require.False(t, got.CreatedAt.IsZero())
		p, err := tx.FindProductByID(ctx, mug.ID)
		require.NoError(t, err)
		require.Equal(t, "/images/products/"+mug.ID+"/"+img.SHA256+".png", p.ImageURL)
		_, err = tx.FindProductImage(ctx, tea.ID)
		requireCode(t, paydeck.CodeNotFound, err)
		_, err = tx.FindProductImage(ctx, "../../etc/passwd")
		requireCode(t, paydeck.CodeNotFound, err)
		return nil
	})
	other := append(append([]byte{}, pngBytes...), 0) // other bytes, still a PNG
	img2, err := paydeck.NewProductImage(mug.ID, other)
	require.NoError(t, err)
	require.NotEqual(t, img.SHA256, img2.SHA256)
	MustUpdate(t, db, func(tx paydeck.Tx) error { return tx.SetProductImage(ctx, img2) })
	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindProductImage(ctx, mug.ID)
		require.NoError(t, err)
		require.Equal(t, other, got.Data, "the second upload replaces the first")
		p, err := tx.FindProductByID(ctx, mug.ID)
		require.NoError(t, err)
		require.Equal(t, img2.URL(), p.ImageURL)
		return nil
	})
	err = db.Update(ctx, func(tx paydeck.Tx) error {
		return tx.SetProductImage(ctx, &paydeck.ProductImage{ProductID: "00000000-0000-4000-8000-000000000000",
			ContentType: "image/png", SHA256: img.SHA256, Data: pngBytes})
	})
	requireCode(t, paydeck.CodeNotFound, err)
	MustUpdate(t, db, func(tx paydeck.Tx) error { return tx.DeleteProductImage(ctx, mug.ID) })
	MustView(t, db, func(tx paydeck.Tx) error {
		_, err := tx.FindProductImage(ctx, mug.ID)
		requireCode(t, paydeck.CodeNotFound, err)
		p, err := tx.FindProductByID(ctx, mug.ID)
		require.NoError(t, err)
		require.Empty(t, p.ImageURL)
		return nil
	})
	err = db.Update(ctx, func(tx paydeck.Tx) error { return tx.DeleteProductImage(ctx, mug.ID) })
	requireCode(t, paydeck.CodeNotFound, err)
	_ = hidden
}

func ptr[T any](v T) *T { return &v }
