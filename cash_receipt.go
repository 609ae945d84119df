package paydeck

import (
	"strings"
	"time"
)

// CashReceiptType is the kind of a cash receipt (현금영수증), in Toss's
// words.
type CashReceiptType string

// Cash receipt types. CashReceiptNone is a shopper's choice, never the type
// of an issued receipt.
const (
	CashReceiptIncomeDeduction CashReceiptType = "소득공제" // a person's income deduction: phone or receipt-card number
	CashReceiptExpenseProof    CashReceiptType = "지출증빙" // a business's expense proof: business registration number
	CashReceiptNone            CashReceiptType = "미발행"  // no receipt
)

// Cash receipts a shop must issue on its own (자진발급).
//
// A business of a trade on the list of 현금영수증 의무발행업종 (소득세법
// 제162조의3 ④ with its 시행령 별표 3의3; 부가가치세법 counts the receipts
// toward VAT) must issue a cash receipt for every cash payment of 100,000
// won or more even when the buyer asks for none; 전자상거래 소매업 (online
// retail) is on the list since 2021-01-01. Without the buyer's number the
// receipt goes to the National Tax Service's code 010-000-1234 (자진발급),
// within 5 days of the payment. paydeck applies it to virtual-account and
// transfer payments: a shopper who asks for none at or above
// SelfIssueThreshold gets a self-issued 소득공제 receipt. Sources and the
// whole rule: docs/tax.md.
const (
	SelfIssueThreshold = 100_000
	SelfIssueNumber    = "0100001234"
)

// CashReceiptStatus says whether a receipt stands.
type CashReceiptStatus string

// Cash receipt statuses: issued (possibly partly cancelled, see
// CashReceipt.CanceledAmount) or canceled in full.
const (
	CashReceiptIssued   CashReceiptStatus = "issued"
	CashReceiptCanceled CashReceiptStatus = "canceled"
)

// CashReceipt is the cash receipt of a payment as Toss issued it.
type CashReceipt struct {
	Type CashReceiptType `json:"type"`
	// Number is the identity number it was issued to, masked
	// (MaskIdentity): paydeck never keeps the whole number.
	Number string `json:"registrationNumber"`
	// SelfIssued marks a 자진발급 receipt (SelfIssueNumber).
	SelfIssued bool `json:"selfIssued"`
	// ReceiptKey is Toss's receiptKey (cancels: the original's).
	ReceiptKey  string `json:"receiptKey"`
	IssueNumber string `json:"issueNumber"`
	ReceiptURL  string `json:"receiptUrl"`
	// Amount is the amount issued, TaxFreeAmount its tax-free part.
	Amount        int64 `json:"amount"`
	TaxFreeAmount int64 `json:"taxFreeAmount"`
	// CanceledAmount is how much of Amount was cancelled (by refunds or by
	// an admin).
	CanceledAmount int64             `json:"canceledAmount"`
	Status         CashReceiptStatus `json:"status"`
	// Separate marks a receipt issued after the payment with POST
	// /v1/cash-receipts (not linked to the payment at Toss, so a refund
	// does not cancel it there).
	Separate bool      `json:"separate,omitempty"`
	IssuedAt time.Time `json:"issuedAt"`
}

// NormalizeCashReceipt checks a shopper's cash receipt choice and returns
// the number as digits only. 소득공제 needs a mobile phone number (01…, 10 or
// 11 digits) or a cash-receipt card number (13 to 19 digits); 지출증빙 a
// business registration number (10 digits); 미발행 (or "") no number. A
// broken rule is an invalid *Error in both languages' spirit: it names the
// field.
func NormalizeCashReceipt(t CashReceiptType, number string) (CashReceiptType, string, error) {
	digits := strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r
		case r == '-' || r == ' ':
			return -1
		}
		return 'x'
	}, strings.TrimSpace(number))
	switch t {
	case "", CashReceiptNone:
		return CashReceiptNone, "", nil
	case CashReceiptIncomeDeduction:
		phone := strings.HasPrefix(digits, "01") && (len(digits) == 10 || len(digits) == 11)
		card := len(digits) >= 13 && len(digits) <= 19
		if strings.Contains(digits, "x") || !(phone || card) {
			return t, "", Errorf(CodeInvalid, "A 소득공제 cash receipt needs a mobile phone number (010-1234-5678) or a cash-receipt card number.")
		}
		return t, digits, nil
	case CashReceiptExpenseProof:
		if len(digits) != 10 || strings.Contains(digits, "x") {
			return t, "", Errorf(CodeInvalid, "A 지출증빙 cash receipt needs a 10-digit business registration number.")
		}
		return t, digits, nil
	}
	return t, "", Errorf(CodeInvalid, "Cash receipt type must be 소득공제, 지출증빙 or 미발행.")
}

// CashReceiptFor applies the self-issue rule to a shopper's normalized
// choice for a cash payment of amount: below SelfIssueThreshold the choice
// stands; at or above it, no receipt becomes a 소득공제 receipt to
// SelfIssueNumber (selfIssued true).
func CashReceiptFor(amount int64, t CashReceiptType, number string) (CashReceiptType, string, bool) {
	if (t == CashReceiptNone || t == "") && amount >= SelfIssueThreshold {
		return CashReceiptIncomeDeduction, SelfIssueNumber, true
	}
	return t, number, false
}

// MaskIdentity masks an identity number for display and storage: the
// first three and the last four digits stay, the rest become '*'
// ("010****5678"); numbers of 7 digits or fewer keep only the last two.
func MaskIdentity(number string) string {
	n := len(number)
	if n <= 7 {
		if n <= 2 {
			return strings.Repeat("*", n)
		}
		return strings.Repeat("*", n-2) + number[n-2:]
	}
	return number[:3] + strings.Repeat("*", n-7) + number[n-4:]
}
