package paydeck

// Tax rules shared by orders, payments, refunds and reports.
//
// A product is taxable (과세, 10% VAT included in its price) or tax-free
// (면세: unprocessed farm produce, books…, 부가가치세법 제26조). An order's
// TaxFreeAmount is the part of what the shopper pays that carries no VAT;
// Toss receives it as taxFreeAmount and reports vat and suppliedAmount on
// the rest. The rules, in one place:
//
//   - Order: TaxFreeAmount = the tax-free lines' total less their share of
//     the discount (TaxFreeShare); the shipping fee is taxable.
//   - VAT of a taxable amount t is round(t / 11), half up, and the supplied
//     amount is t − VAT (Toss: "(amount − taxFreeAmount) / 11, 소수점 첫째
//     자리에서 반올림").
//   - Refund: the tax-free part of a refund follows the payment's remaining
//     mix (RefundTaxFree), so that what is left keeps the same share and
//     neither part ever goes negative.

// VATOf returns the VAT included in the taxable amount t: round(t/11), half
// up; 0 for t ≤ 0.
func VATOf(t int64) int64 {
	if t <= 0 {
		return 0
	}
	return (t*2 + 11) / 22
}

// TaxFreeShare returns the tax-free part of an order whose item lines total
// total, taxFreeLines of it tax-free, after a discount: the discount is
// spread over the lines by value (the tax-free lines bear
// round(discount × taxFreeLines / total), half up) and the shipping fee is
// taxable. With no discount it is taxFreeLines. The result is within
// 0..taxFreeLines.
func TaxFreeShare(total, taxFreeLines, discount int64) int64 {
	if total <= 0 || taxFreeLines <= 0 {
		return 0
	}
	if taxFreeLines > total {
		taxFreeLines = total
	}
	return taxFreeLines - mulDivRound(discount, taxFreeLines, total)
}

// RefundTaxFree returns the tax-free part of a refund of amount from a
// payment whose refundable balance is balance, taxFree of it tax-free: the
// refund takes the balance's tax-free share, round(amount × taxFree /
// balance) half up, and a refund of the whole balance takes all of taxFree.
// The result t satisfies 0 ≤ t ≤ taxFree, t ≤ amount and amount − t ≤
// balance − taxFree (the taxable part never exceeds the taxable balance).
// Inputs outside 0 < amount ≤ balance, 0 ≤ taxFree ≤ balance give 0.
func RefundTaxFree(amount, balance, taxFree int64) int64 {
	if amount <= 0 || amount > balance || taxFree <= 0 || taxFree > balance {
		return 0
	}
	if amount == balance {
		return taxFree
	}
	return mulDivRound(amount, taxFree, balance)
}

// mulDivRound returns round(a × b / c), half up, for 0 ≤ a, b and c > 0,
// without overflow for amounts below 2^31 each.
func mulDivRound(a, b, c int64) int64 {
	if a <= 0 || b <= 0 || c <= 0 {
		return 0
	}
	return (2*a*b + c) / (2 * c)
}
