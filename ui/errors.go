package ui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/paydeck/paydeck"
)

// errorMessages are the pages' sentences for the domain's errors: "err." +
// a paydeck.Reason* for the errors a shopper or an owner meets, "err." + a
// paydeck.Code* for the rest. Texts with arguments refer to the error's Args
// by explicit index (%[1]s), since Korean puts them in another order;
// numbers arrive grouped ("10,000"), so they take %s too.
var errorMessages = Messages{
	"err.invalid":      {"입력한 내용을 확인해 주세요.", "Please check what you entered."},
	"err.not_found":    {"찾을 수 없습니다. 이미 삭제되었거나 주소가 잘못되었습니다.", "Not found. It was removed or the address is wrong."},
	"err.conflict":     {"현재 상태에서는 할 수 없는 요청입니다. 페이지를 새로고침해 주세요.", "This cannot be done in the current state. Reload the page."},
	"err.unauthorized": {"로그인이 필요합니다.", "Please sign in."},
	"err.forbidden":    {"권한이 없습니다.", "You are not allowed to do this."},
	"err.unavailable":  {"서비스를 잠시 사용할 수 없습니다. 잠시 후 다시 시도해 주세요.", "The service is temporarily unavailable. Try again shortly."},
	"err.internal":     {"일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.", "Something went wrong. Please try again later."},

	"err.sign_in_required":        {"로그인이 필요합니다.", "Please sign in."},
	"err.shop_only":               {"상점 관리자만 할 수 있습니다.", "Only the shop's admins may do this."},
	"err.form_unreadable":         {"양식을 읽을 수 없습니다. 페이지를 새로고침한 뒤 다시 보내 주세요.", "The form could not be read. Reload the page and send it again."},
	"err.not_a_number":            {"숫자만 입력해 주세요.", "%[1]s must be a whole number."},
	"err.quantity_out_of_range":   {"수량은 1개부터 %[1]s개까지 고를 수 있습니다.", "Choose a quantity from 1 to %[1]s."},
	"err.cart_full":               {"장바구니에는 상품을 %[1]s종류까지 담을 수 있습니다.", "A cart holds at most %[1]s products."},
	"err.product_not_found":       {"상품을 찾을 수 없습니다. 판매가 끝났을 수 있습니다.", "The product was not found; it may no longer be sold."},
	"err.not_for_sale":            {"“%[1]s” 상품은 지금 판매하지 않습니다.", "“%[1]s” is not for sale at the moment."},
	"err.out_of_stock":            {"“%[1]s” 상품의 재고가 %[2]s개보다 적습니다. 수량을 줄여 주세요.", "There are fewer than %[2]s of “%[1]s” in stock. Lower the quantity."},
	"err.stock_left":              {"“%[2]s” 상품은 재고가 %[1]s개 남았습니다.", "Only %[1]s of “%[2]s” left in stock."},
	"err.stock_below_zero":        {"“%[2]s” 상품의 재고는 %[1]s개라서 %[3]s개를 뺄 수 없습니다.", "Only %[1]s of “%[2]s” in stock; cannot take %[3]s out."},
	"err.order_empty":             {"장바구니가 비어 있습니다. 상품을 먼저 담아 주세요.", "Your cart is empty. Add a product first."},
	"err.duplicate_line":          {"같은 상품이 두 번 담겼습니다. 한 줄로 합쳐 주세요.", "The same product is listed twice; keep one line per product."},
	"err.shipping_required":       {"배송 상품은 받는 분과 주소를 입력해야 합니다.", "Physical goods need a recipient and an address."},
	"err.amount_out_of_range":     {"주문 금액은 %[1]s원부터 %[2]s원까지 결제할 수 있습니다 (이 주문: %[3]s원).", "An order must come to between ₩%[1]s and ₩%[2]s; this one is ₩%[3]s."},
	"err.too_many_held":           {"결제하지 않은 주문에 같은 상품을 %[1]s개까지만 담아 둘 수 있습니다 (“%[3]s” %[2]s개 보유 중). 먼저 결제하거나 취소해 주세요.", "At most %[1]s of one product may wait in unpaid orders; you already hold %[2]s of “%[3]s”."},
	"err.too_many_unpaid":         {"결제하지 않은 주문이 %[1]s건 있습니다. 먼저 결제하거나 취소해 주세요.", "You have %[1]s unpaid orders; pay or cancel one first."},
	"err.order_not_payable":       {"이 주문은 %[2]s 상태라 결제할 수 없습니다.", "This order is %[2]s and cannot be paid."},
	"err.order_expired":           {"결제 기한이 지난 주문입니다. 다시 주문해 주세요.", "The time to pay this order has run out. Please order again."},
	"err.payment_under_way":       {"이 주문은 결제가 진행 중이라 지금은 취소할 수 없습니다.", "This order has a payment under way and cannot be cancelled now."},
	"err.payment_result_broken":   {"결제 결과가 완전하지 않습니다. 주문 내역에서 결제 상태를 확인해 주세요.", "The payment result is incomplete. Look at the order's status in your orders."},
	"err.confirm_in_progress":     {"이 결제를 확인하고 있습니다. 잠시 후 주문 내역을 확인해 주세요.", "This payment is being confirmed. Look at your orders in a moment."},
	"err.payment_failed":          {"이 결제는 이미 실패했습니다. 새로 결제해 주세요.", "This payment already failed; start a new payment."},
	"err.status_transition":       {"%[1]s 상태를 %[2]s에서 %[3]s(으)로 바꿀 수 없습니다.", "The %[1]s cannot change from %[2]s to %[3]s."},
	"err.toss_refused":            {"토스페이먼츠가 요청을 거절했습니다: %[2]s (%[3]s)", "Toss Payments refused the request (%[3]s)."},
	"err.toss_unavailable":        {"토스페이먼츠에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.", "Toss Payments cannot be reached. Try again shortly."},
	"err.order_shipped":           {"이미 발송된 주문입니다. 환불은 상점에 문의해 주세요.", "This order has shipped; ask the shop for a refund."},
	"err.refund_in_progress":      {"진행 중인 환불이 있습니다. 끝난 뒤 다시 시도해 주세요.", "A refund is in progress; try again once it is settled."},
	"err.refund_amount":           {"환불 금액은 0보다 커야 합니다.", "The refund amount must be positive."},
	"err.refund_reason":           {"환불 사유를 입력해 주세요 (200자 이하).", "Give a refund reason (at most 200 characters)."},
	"err.refund_exceeds_balance":  {"환불 금액 %[1]s원이 환불 가능 금액 %[2]s원보다 큽니다.", "The refund of ₩%[1]s exceeds the refundable ₩%[2]s."},
	"err.refund_full_only":        {"이 결제는 전액(%[1]s원)만 환불할 수 있습니다.", "This payment can only be refunded in full (₩%[1]s)."},
	"err.deposit_full_only":       {"입금 전 가상계좌는 전액 취소만 할 수 있습니다.", "A virtual account awaiting its deposit can only be cancelled in full."},
	"err.refund_account_required": {"입금된 가상계좌를 환불하려면 환불 받을 계좌가 필요합니다.", "Refunding a deposited virtual account needs the account to refund to."},
	"err.refund_account_partial":  {"환불 계좌의 은행, 계좌번호, 예금주를 모두 입력하거나 모두 비워 주세요.", "Give the refund account's bank, number and holder, or none of them."},
	"err.not_refundable":          {"%[1]s 상태의 결제는 환불할 수 없습니다.", "A %[1]s payment cannot be refunded."},
	"err.email_invalid":           {"이메일 주소가 올바르지 않습니다.", "The email address is not valid."},
	"err.email_too_long":          {"이메일 주소는 %[1]s바이트 이하여야 합니다.", "The email address must have at most %[1]s bytes."},
	"err.name_too_long":           {"이름은 %[1]s자 이하여야 합니다.", "The name must have at most %[1]s characters."},
	"err.product_name":            {"상품 이름을 입력해 주세요.", "Give the product a name."},
	"err.price_too_low":           {"가격은 %[1]s원 이상이어야 합니다.", "The price must be at least ₩%[1]s."},
	"err.refund_tax_free":         {"환불할 면세 금액은 0원 이상, 환불 금액 이하여야 합니다.", "The refund's tax-free amount must be between 0 and the refund amount."},
	"err.refund_scope":            {"전액 환불을 고르거나 환불할 금액을 적어 주세요.", "Choose a full refund or enter the amount to refund."},
	"err.refund_preset":           {"목록에 있는 환불 사유 중 하나를 골라 주세요.", "Choose one of the offered refund reasons."},
	"err.refund_other":            {"사유가 '기타'이면 사유 칸에 내용을 적어 주세요.", "Say why in the reason field when the reason is other."},
	"err.return_no_items":         {"반품할 상품을 하나 이상 골라 주세요.", "Choose at least one item to return."},
	"err.return_not_delivered":    {"아직 배송이 완료되지 않았습니다. 상품을 받은 뒤 반품을 요청해 주세요.", "The order has not been delivered yet; request a return once it arrives."},
	"err.return_not_returnable":   {"이 주문은 반품할 수 없는 상태입니다.", "This order cannot be returned in its present state."},
	"err.return_defect_closed":    {"상품 하자·오배송 반품 기간(배송 완료 후 3개월)이 %[1]s에 끝났습니다.", "The 3 months for returning a defective or wrong item ended at %[1]s."},
	"err.return_window_closed":    {"단순 변심 반품(청약철회) 기간 7일이 %[1]s에 끝났습니다.", "The 7-day withdrawal period ended at %[1]s."},
	"err.return_waiting":          {"이 주문의 반품 요청이 이미 상점의 확인을 기다리고 있습니다.", "A return of this order is already waiting for the shop's answer."},
	"err.return_exempt":           {"%[1]s은(는) 단순 변심으로 반품할 수 없는 상품입니다 (전자상거래법 제17조 제2항). 상품 하자나 오배송이면 반품할 수 있습니다.", "%[1]s cannot be returned for a change of mind (Electronic Commerce Act §17(2)); a defective or wrong item can."},
	"err.quantity_left":           {"%[2]s은(는) %[1]d개만 남아 있습니다.", "Only %[1]d of %[2]s are left."},
	"err.postcode":                {"우편번호는 숫자 5자리입니다.", "A postcode has 5 digits."},
	"err.stock_negative":          {"재고 수량은 0 이상이어야 합니다.", "The stock quantity must not be negative."},
	"err.product_category":        {"분류는 앞뒤 공백 없이 %[1]d자 이내로 적어 주세요.", "The category must be at most %[1]d characters, without leading or trailing spaces."},
	"err.method_name":             {"결제수단 이름을 입력해 주세요.", "Give the payment method a name."},
	"err.method_type":             {"지원하지 않는 결제수단 종류입니다.", "This payment method type is not supported."},
	"err.fee_rate":                {"수수료율은 0부터 %[1]s 베이시스 포인트까지입니다.", "The fee rate must be between 0 and %[1]s basis points."},
	"err.fixed_fee":               {"고정 수수료는 0 이상이어야 합니다.", "The fixed fee must not be negative."},
	"err.endpoint_url":            {"엔드포인트 URL이 올바르지 않습니다. http:// 또는 https://로 시작하는 2048자 이하의 주소를 입력하세요 (사용자 이름과 비밀번호 없이).", "The endpoint URL must be an absolute http:// or https:// URL of at most 2048 characters, without a user name or password."},
	"err.unknown_event_type":      {"알 수 없는 이벤트 종류입니다: %[1]s", "Unknown event type %[1]s."},
	"err.unknown_scope":           {"알 수 없는 권한입니다: %[1]s", "Unknown scope %[1]s."},
	"err.key_name":                {"키 이름은 1자부터 100자까지입니다.", "A key needs a name of 1 to 100 characters."},
	"err.key_scopes":              {"권한을 하나 이상 고르세요.", "Choose at least one scope."},
	"err.plan_name":               {"요금제 이름은 1자부터 100자까지입니다.", "A plan needs a name of 1 to 100 characters."},
	"err.plan_amount_too_low":     {"요금제 금액은 %[1]s원 이상이어야 합니다.", "The plan amount must be at least ₩%[1]s."},
	"err.plan_amount_too_high":    {"요금제 금액은 %[1]s원 이하여야 합니다.", "The plan amount must be at most ₩%[1]s."},
	"err.plan_interval":           {"결제 주기는 일, 월, 년 중에서 고르세요.", "The interval must be day, month or year."},
	"err.plan_interval_count":     {"결제 주기 수는 1부터 365까지입니다.", "The interval count must be between 1 and 365."},
	"err.plan_trial_days":         {"무료 체험 기간은 0일부터 %[1]s일까지입니다.", "Trial days must be between 0 and %[1]s."},
	"err.plan_tax_type":           {"과세 유형은 과세 또는 면세 중에서 고르세요.", "The tax type must be taxable or tax-free."},
	"err.plan_not_found":          {"요금제를 찾을 수 없습니다.", "The plan was not found."},
	"err.subscription_ended":      {"이미 끝난 구독입니다.", "This subscription has ended."},
	"err.not_set_to_cancel":       {"해지 예약이 없는 구독입니다.", "This subscription is not set to cancel."},
	"err.not_past_due":            {"미납 상태의 구독이 아닙니다.", "This subscription is not past due."},
	"err.cancel_when":             {"해지 시점을 고르세요: 이번 기간이 끝날 때 또는 지금.", "Choose when to cancel: at period end or now."},
	"err.first_charge_refused":    {"첫 결제가 거절되었습니다: %[1]s", "The first charge was refused by Toss Payments."},

	"err.entity.order":   {"주문", "order"},
	"err.entity.payment": {"결제", "payment"},
	"err.entity.refund":  {"환불", "refund"},
}

// ErrorText returns what a page says about err in the view's language: the
// catalogue's sentence for the error's Reason with its Args (statuses in
// words), else, in English, the domain's own English message, else the
// sentence for its Code. It never shows the English message on a Korean
// page, nor an internal error's text on any page.
func (v *View) ErrorText(err error) string {
	if s, ok := v.errorReason(err); ok {
		return s
	}
	return v.T("err." + codeOf(err))
}

// errorReason is the specific sentence for err in the view's language, and
// false when there is none beyond its code's generic one.
func (v *View) errorReason(err error) (string, bool) {
	var e *paydeck.Error
	if !errors.As(err, &e) || e.Code == paydeck.CodeInternal {
		return "", false
	}
	if e.Reason != "" {
		if t, ok := v.msgs["err."+e.Reason]; ok {
			s := t[0]
			if v.Lang == English {
				s = t[1]
			}
			if !strings.Contains(s, "%") {
				return s, true
			}
			// A call site whose Args do not fit the sentence falls back
			// below rather than showing fmt's %!s(BADINDEX).
			if s = fmt.Sprintf(s, v.errorArgs(e)...); !strings.Contains(s, "%!") {
				return s, true
			}
		}
	}
	if v.Lang == English {
		return e.Message, true
	}
	return "", false
}

// errorArgs are e's Args as a page shows them: statuses and methods in
// words, a transition's entity in the page's language.
func (v *View) errorArgs(e *paydeck.Error) []any {
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		switch a := a.(type) {
		case paydeck.OrderStatus, paydeck.PaymentStatus, paydeck.RefundStatus, paydeck.SubscriptionStatus,
			paydeck.ChargeStatus, paydeck.PaymentMethodType:
			args[i] = v.Word(a)
		case string:
			if e.Reason == paydeck.ReasonStatusTransition {
				if i == 0 {
					args[i] = v.T("err.entity." + a)
				} else {
					args[i] = v.Word(a)
				}
				continue
			}
			args[i] = a
		case int:
			args[i] = paydeck.GroupThousands(int64(a))
		case int64:
			args[i] = paydeck.GroupThousands(a)
		default:
			args[i] = a
		}
	}
	return args
}

// codeOf is err's paydeck code, CodeInternal for a foreign error.
func codeOf(err error) string {
	if c := paydeck.ErrorCode(err); c != "" {
		return c
	}
	return paydeck.CodeInternal
}
