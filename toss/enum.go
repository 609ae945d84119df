package toss

import (
	"encoding/json"
	"fmt"
)

// Enumerations. Toss adds enum values without an API version bump, so every
// enum is a string type: an unknown value decodes verbatim and never fails.
// Korean-valued enums (Method, CardType, OwnerType, AccountType) also accept
// the English renderings Toss sends with "Accept-Language: en-US" and decode
// them to the Korean constants, so callers compare against one set of values.

// PaymentStatus is Payment.Status (also Transaction.Status and the status in a
// DEPOSIT_CALLBACK).
type PaymentStatus string

// Payment statuses. Terminal: StatusCanceled, StatusAborted, StatusExpired.
const (
	StatusReady             PaymentStatus = "READY"
	StatusInProgress        PaymentStatus = "IN_PROGRESS"
	StatusWaitingForDeposit PaymentStatus = "WAITING_FOR_DEPOSIT"
	StatusDone              PaymentStatus = "DONE"
	StatusCanceled          PaymentStatus = "CANCELED"
	StatusPartialCanceled   PaymentStatus = "PARTIAL_CANCELED"
	StatusAborted           PaymentStatus = "ABORTED"
	StatusExpired           PaymentStatus = "EXPIRED"
)

// PaymentType is Payment.Type.
type PaymentType string

// Payment types.
const (
	PaymentTypeNormal   PaymentType = "NORMAL"
	PaymentTypeBilling  PaymentType = "BILLING"
	PaymentTypeBrandPay PaymentType = "BRANDPAY"
)

// Method is the payment method (Payment.Method, Transaction.Method, ...).
// The constants are Toss's default Korean values; the English renderings
// (CARD, VIRTUAL_ACCOUNT, EASY_PAY, ...) decode to the same constants.
type Method string

// Payment methods.
const (
	MethodCard                   Method = "카드"
	MethodVirtualAccount         Method = "가상계좌"
	MethodEasyPay                Method = "간편결제"
	MethodMobilePhone            Method = "휴대폰"
	MethodTransfer               Method = "계좌이체"
	MethodCultureGiftCertificate Method = "문화상품권"
	MethodBookGiftCertificate    Method = "도서문화상품권"
	MethodGameGiftCertificate    Method = "게임문화상품권"
	MethodForeignEasyPay         Method = "해외간편결제" // legacy (API 1.4 era)
)

var methodEnglish = map[string]Method{
	"CARD":                     MethodCard,
	"VIRTUAL_ACCOUNT":          MethodVirtualAccount,
	"EASY_PAY":                 MethodEasyPay,
	"MOBILE_PHONE":             MethodMobilePhone,
	"TRANSFER":                 MethodTransfer,
	"CULTURE_GIFT_CERTIFICATE": MethodCultureGiftCertificate,
	"BOOK_GIFT_CERTIFICATE":    MethodBookGiftCertificate,
	"GAME_GIFT_CERTIFICATE":    MethodGameGiftCertificate,
	"FOREIGN_EASY_PAY":         MethodForeignEasyPay,
}

// UnmarshalJSON decodes a Korean or English method; null decodes to "".
func (m *Method) UnmarshalJSON(b []byte) error { return decodeEnum(b, m, methodEnglish) }

// CardType is Card.CardType.
type CardType string

// Card types.
const (
	CardTypeCredit  CardType = "신용"
	CardTypeCheck   CardType = "체크"
	CardTypeGift    CardType = "기프트"
	CardTypeUnknown CardType = "미확인" // foreign card or combined easy-pay funding
)

var cardTypeEnglish = map[string]CardType{
	"CREDIT": CardTypeCredit, "CHECK": CardTypeCheck, "DEBIT": CardTypeCheck,
	"GIFT": CardTypeGift, "UNKNOWN": CardTypeUnknown,
}

// UnmarshalJSON decodes a Korean or English card type; null decodes to "".
func (c *CardType) UnmarshalJSON(b []byte) error { return decodeEnum(b, c, cardTypeEnglish) }

// OwnerType is Card.OwnerType.
type OwnerType string

// Card owner types.
const (
	OwnerTypePersonal  OwnerType = "개인"
	OwnerTypeCorporate OwnerType = "법인"
	OwnerTypeUnknown   OwnerType = "미확인"
)

var ownerTypeEnglish = map[string]OwnerType{
	"PERSONAL": OwnerTypePersonal, "CORPORATE": OwnerTypeCorporate, "UNKNOWN": OwnerTypeUnknown,
}

// UnmarshalJSON decodes a Korean or English owner type; null decodes to "".
func (o *OwnerType) UnmarshalJSON(b []byte) error { return decodeEnum(b, o, ownerTypeEnglish) }

// AccountType is VirtualAccount.AccountType.
type AccountType string

// Virtual account types.
const (
	AccountTypeNormal AccountType = "일반" // one-off account
	AccountTypeFixed  AccountType = "고정" // reusable account (accountKey)
)

var accountTypeEnglish = map[string]AccountType{
	"NORMAL": AccountTypeNormal, "GENERAL": AccountTypeNormal, "FIXED": AccountTypeFixed,
}

// UnmarshalJSON decodes a Korean or English account type; null decodes to "".
func (a *AccountType) UnmarshalJSON(b []byte) error {
	return decodeEnum(b, a, accountTypeEnglish)
}

// CashReceiptType is the kind of a cash receipt.
type CashReceiptType string

// Cash receipt types. CashReceiptNone is only valid in requests.
const (
	CashReceiptIncomeDeduction CashReceiptType = "소득공제" // personal income deduction
	CashReceiptExpenseProof    CashReceiptType = "지출증빙" // business expense proof
	CashReceiptNone            CashReceiptType = "미발행"  // do not issue
)

// AcquireStatus is Card.AcquireStatus.
type AcquireStatus string

// Card acquisition statuses.
const (
	AcquireReady           AcquireStatus = "READY"
	AcquireRequested       AcquireStatus = "REQUESTED"
	AcquireCompleted       AcquireStatus = "COMPLETED"
	AcquireCancelRequested AcquireStatus = "CANCEL_REQUESTED"
	AcquireCanceled        AcquireStatus = "CANCELED"
)

// InterestPayer is Card.InterestPayer ("" when Toss sends null).
type InterestPayer string

// Installment interest payers.
const (
	InterestPayerBuyer       InterestPayer = "BUYER"
	InterestPayerCardCompany InterestPayer = "CARD_COMPANY"
	InterestPayerMerchant    InterestPayer = "MERCHANT"
)

// RefundStatus is VirtualAccount.RefundStatus.
type RefundStatus string

// Virtual account refund statuses.
const (
	RefundNone          RefundStatus = "NONE"
	RefundPending       RefundStatus = "PENDING"
	RefundFailed        RefundStatus = "FAILED"
	RefundPartialFailed RefundStatus = "PARTIAL_FAILED"
	RefundCompleted     RefundStatus = "COMPLETED"
)

// SettlementStatus is the settlement state of a method sub-object.
type SettlementStatus string

// Settlement statuses.
const (
	SettlementIncompleted SettlementStatus = "INCOMPLETED"
	SettlementCompleted   SettlementStatus = "COMPLETED"
)

// CancelStatus is Cancel.CancelStatus. Domestic cancels are synchronous
// (CancelDone); overseas easy-pay cancels go IN_PROGRESS → DONE or ABORTED.
type CancelStatus string

// Cancel statuses.
const (
	CancelInProgress CancelStatus = "IN_PROGRESS"
	CancelDone       CancelStatus = "DONE"
	CancelAborted    CancelStatus = "ABORTED"
)

// EasyPayProvider is EasyPay.Provider: the provider's Korean name as Toss sends
// it in API 2022-11-16 responses. Only EasyPayTossPay is confirmed by real
// responses; the others follow Toss's SDK names.
type EasyPayProvider string

// Easy-pay providers.
const (
	EasyPayTossPay    EasyPayProvider = "토스페이"
	EasyPayNaverPay   EasyPayProvider = "네이버페이"
	EasyPayKakaoPay   EasyPayProvider = "카카오페이"
	EasyPaySamsungPay EasyPayProvider = "삼성페이"
	EasyPayApplePay   EasyPayProvider = "애플페이"
	EasyPayLPay       EasyPayProvider = "엘페이"
	EasyPayPayco      EasyPayProvider = "페이코"
	EasyPaySSGPay     EasyPayProvider = "SSG페이"
)

// CashReceiptTransactionType is CashReceipt.TransactionType.
type CashReceiptTransactionType string

// Cash receipt transaction types.
const (
	CashReceiptConfirm CashReceiptTransactionType = "CONFIRM"
	CashReceiptCancel  CashReceiptTransactionType = "CANCEL"
)

// CashReceiptIssueStatus is CashReceipt.IssueStatus; IN_PROGRESS is decided
// (COMPLETED or FAILED) by the tax office one or two days later.
type CashReceiptIssueStatus string

// Cash receipt issue statuses.
const (
	CashReceiptInProgress CashReceiptIssueStatus = "IN_PROGRESS"
	CashReceiptCompleted  CashReceiptIssueStatus = "COMPLETED"
	CashReceiptFailed     CashReceiptIssueStatus = "FAILED"
)

// decodeEnum decodes a JSON string (or null) into a string-typed enum, mapping
// English renderings to the Korean constants and keeping unknown values.
func decodeEnum[T ~string](b []byte, dst *T, english map[string]T) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("toss: enum value is not a string: %w", err)
	}
	if s == nil {
		*dst = ""
		return nil
	}
	if v, ok := english[*s]; ok {
		*dst = v
		return nil
	}
	*dst = T(*s)
	return nil
}
