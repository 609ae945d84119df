package main

import (
	"context"
	"fmt"

	"github.com/paydeck/paydeck"
)

// demoProducts is the demo catalogue: everyday goods of a small Korean
// online shop, two of them digital (no stock limit).
var demoProducts = []paydeck.Product{
	{Name: "제주 감귤 5kg", Description: "서귀포 농가에서 수확한 달콤한 노지 감귤입니다.", Price: 29_900, StockQuantity: 50, TaxFree: true},
	{Name: "유기농 현미 10kg", Description: "전남 해남에서 재배한 유기농 현미, 올해 도정.", Price: 45_000, StockQuantity: 30, TaxFree: true},
	{Name: "국산 참기름 350ml", Description: "국산 참깨를 저온 압착한 고소한 참기름.", Price: 18_500, StockQuantity: 40},
	{Name: "한우 불고기 세트 1kg", Description: "1++ 등급 한우 불고기용 양념육, 냉장 배송.", Price: 89_000, StockQuantity: 10},
	{Name: "보성 녹차 티백 50입", Description: "전남 보성 첫물차로 만든 녹차 티백.", Price: 12_000, StockQuantity: 100},
	{Name: "수제 김부각 200g", Description: "찹쌀풀을 발라 두 번 튀긴 바삭한 김부각.", Price: 8_900, StockQuantity: 60},
	{Name: "모바일 상품권 1만원권", Description: "문자로 바로 받는 디지털 상품권.", Price: 10_000, IsDigital: true},
	{Name: "한식 요리 전자책", Description: "집밥 레시피 120가지를 담은 PDF 전자책.", Price: 15_000, IsDigital: true},
}

// demoCategories are the demo products' categories (issue 14), by name, so
// that the home page's category filter has something to show.
var demoCategories = map[string]string{
	"제주 감귤 5kg": "농산물", "유기농 현미 10kg": "농산물", "국산 참기름 350ml": "가공식품", "한우 불고기 세트 1kg": "정육",
	"보성 녹차 티백 50입": "차·음료", "수제 김부각 200g": "가공식품", "모바일 상품권 1만원권": "디지털", "한식 요리 전자책": "디지털",
}

// demoMethods are the six Toss payment methods with realistic fees: a rate
// in basis points plus a fixed fee in won.
var demoMethods = []paydeck.PaymentMethod{
	{Name: "신용·체크카드", Type: paydeck.MethodCard, FeeRate: 290, DisplayOrder: 1},
	{Name: "계좌이체", Type: paydeck.MethodTransfer, FeeRate: 180, DisplayOrder: 2},
	{Name: "가상계좌", Type: paydeck.MethodVirtualAccount, FixedFee: 300, DisplayOrder: 3},
	{Name: "휴대폰 결제", Type: paydeck.MethodMobilePhone, FeeRate: 350, DisplayOrder: 4},
	{Name: "문화상품권", Type: paydeck.MethodGiftCertificate, FeeRate: 400, DisplayOrder: 5},
	{Name: "간편결제", Type: paydeck.MethodEasyPay, FeeRate: 320, DisplayOrder: 6},
}

// seed adds the demo catalogue (see seedCatalogue) and reports what it added.
func (m *Main) seed(ctx context.Context) error {
	if err := m.openStore(ctx); err != nil {
		return err
	}
	products, methods, err := seedCatalogue(ctx, m.db)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "seed: added %d products and %d payment methods\n", products, methods)
	return nil
}

// seedCatalogue adds, in one transaction, every demo product whose name is
// not in the catalogue yet and every payment method whose type is missing,
// so running it twice adds nothing. It returns how many of each it added.
func seedCatalogue(ctx context.Context, db paydeck.Store) (products, methods int, err error) {
	err = db.Update(ctx, func(tx paydeck.Tx) error {
		products, methods = 0, 0
		for _, p := range demoProducts {
			exists, err := productExists(ctx, tx, p.Name)
			if err != nil {
				return err
			} else if exists {
				continue
			}
			p.IsActive = true
			p.Category = demoCategories[p.Name]
			if err := tx.CreateProduct(ctx, &p); err != nil {
				return fmt.Errorf("create product %s: %w", p.Name, err)
			}
			products++
		}
		for _, pm := range demoMethods {
			typ := pm.Type
			_, n, err := tx.FindPaymentMethods(ctx, paydeck.PaymentMethodFilter{Type: &typ})
			if err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			pm.IsActive = true
			if err := tx.CreatePaymentMethod(ctx, &pm); err != nil {
				return fmt.Errorf("create payment method %s: %w", pm.Type, err)
			}
			methods++
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("seed: %w", err)
	}
	return products, methods, nil
}

// DemoCoupon is the demo shop's coupon: 3,000 won off goods of 20,000 won
// or more, once per shopper.
var DemoCoupon = paydeck.Coupon{Code: "WELCOME3000", Kind: paydeck.CouponFixed, Value: 3000, MinOrderAmount: 20_000,
	PerCustomerLimit: 1}

// seedDemoCoupon adds DemoCoupon unless a live coupon has its code.
func seedDemoCoupon(ctx context.Context, db paydeck.Store) error {
	return db.Update(ctx, func(tx paydeck.Tx) error {
		if _, err := tx.FindCouponByCode(ctx, DemoCoupon.Code); paydeck.ErrorCode(err) != paydeck.CodeNotFound {
			return err
		}
		c := DemoCoupon
		return tx.CreateCoupon(ctx, &c)
	})
}

// productExists reports whether a product with exactly this name exists.
func productExists(ctx context.Context, tx paydeck.Tx, name string) (bool, error) {
	found, _, err := tx.FindProducts(ctx, paydeck.ProductFilter{Search: &name})
	if err != nil {
		return false, err
	}
	for _, p := range found {
		if p.Name == name {
			return true, nil
		}
	}
	return false, nil
}
