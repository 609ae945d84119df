package admin_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/report"
)

// caller is a customer who typed formulas everywhere a shop lets them
// type, with one paid order shipped to a hyphenated phone.
func (s *store) caller(t *testing.T) (*paydeck.Order, *paydeck.Payment) {
	t.Helper()
	ctx := t.Context()
	require.NoError(t, s.DB.Update(ctx, func(tx paydeck.Tx) error {
		u, err := tx.FindUserByID(ctx, s.customer.ID)
		if err != nil {
			return err
		}
		u.Name = "=HYPERLINK(\"http://evil.example\",\"김민지\")"
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		s.customer = u
		p, err := tx.FindProductByID(ctx, s.product.ID)
		if err != nil {
			return err
		}
		p.Name = "@SUM(1+1) 셔츠"
		return tx.UpdateProduct(ctx, p)
	}))
	o, err := s.Payments.CreateOrder(ctx, apptest.As(s.customer), payment.OrderInput{Items: []payment.OrderLine{apptest.Line(s.product, 1)},
		Shipping: payment.Shipping{Name: "+김민지", Phone: "010-5555-1234", Address: "-서울특별시 중구 세종대로 110", Memo: "=1+1 문 앞에 놓아주세요"}})
	require.NoError(t, err)
	key := s.Authorize(t, o, "CARD")
	p, err := s.Payments.Confirm(ctx, apptest.As(s.customer), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
	require.NoError(t, err)
	return o, p
}

// readSheet checks a sheet download's headers and BOM and parses it as
// Excel would read it.
func readSheet(t *testing.T, p interface{ Get(string) string }, body string) [][]string {
	t.Helper()
	require.Equal(t, "text/csv; charset=utf-8", p.Get("Content-Type"))
	require.Contains(t, p.Get("Content-Disposition"), "attachment; filename=")
	require.True(t, strings.HasPrefix(body, report.BOM), "a UTF-8 BOM first, so Excel reads Hangul right")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, report.BOM))).ReadAll()
	require.NoError(t, err)
	return rows
}

// TestAnsweringACall: a customer calls with their phone number; the admin
// finds them and their order by any part of it, sees their figures, and
// exports orders and settlements as sheets that Excel opens right and that
// cannot run what the customer typed.
func TestAnsweringACall(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newStore(t, env)
		o, p := s.caller(t)
		other, _ := s.paid(t, 2, "CARD") // another order of the same customer, 010-1234-5678
		stranger := s.User(t, paydeck.RoleCustomer)
		s.Order(t, stranger, apptest.Line(s.product, 1))

		for _, q := range []string{"010-5555-1234", "01055551234", "5555 1234", o.OrderID[5:14], "+82 10 5555 1234"} {
			page := s.admin.Get(t, "/admin/orders?q="+url.QueryEscape(q))
			require.Equal(t, http.StatusOK, page.Status, q)
			require.Contains(t, page.Body, o.OrderID, q)
			require.Contains(t, page.Body, "1–1 / 전체 1건", q)
		}
		byEmail := s.admin.Get(t, "/admin/orders?q="+url.QueryEscape(strings.ToUpper(s.customer.Email)))
		require.Contains(t, byEmail.Body, o.OrderID)
		require.Contains(t, byEmail.Body, other.OrderID)
		require.Contains(t, byEmail.Body, "1–2 / 전체 2건")
		require.Contains(t, s.admin.Get(t, "/admin/orders?q=010-9999-0000").Body, "결과가 없습니다")

		list := s.admin.Get(t, "/admin/customers?q=5555-1234")
		require.Equal(t, http.StatusOK, list.Status, list.Body)
		require.Contains(t, list.Body, `href="/admin/customers/`+s.customer.ID+`"`)
		require.NotContains(t, list.Body, stranger.Email)
		require.Contains(t, list.Body, "93,000원", "total paid: 33,000 + 60,000 (free shipping)")
		page := s.admin.Get(t, "/admin/customers/"+s.customer.ID)
		require.Equal(t, http.StatusOK, page.Status, page.Body)
		require.Contains(t, page.Body, `href="/admin/orders/`+o.OrderID+`"`)
		require.Contains(t, page.Body, `href="/admin/orders/`+other.OrderID+`"`)
		require.Contains(t, page.Body, "<dd>2</dd>")
		require.Equal(t, http.StatusNotFound, s.admin.Get(t, "/admin/customers/"+s.staff.ID).Status, "admins are not customers")
		require.Equal(t, http.StatusNotFound, s.admin.Get(t, "/admin/customers/nope").Status)
		require.Contains(t, s.admin.Get(t, "/admin/orders/"+o.OrderID).Body, `href="/admin/customers/`+s.customer.ID+`"`)

		exp := s.admin.Get(t, "/admin/orders.csv?q=5555")
		require.Equal(t, http.StatusOK, exp.Status, exp.Body)
		rows := readSheet(t, exp.Header, exp.Body)
		require.Len(t, rows, 2, "the header and the one matching order")
		require.Equal(t, []string{"주문번호", "주문일시", "상태", "회원 이메일", "회원 이름", "받는 분", "연락처", "주소", "배송 메모", "상품",
			"상품 합계", "할인", "배송비", "결제 금액", "결제일시"}, rows[0])
		row := rows[1]
		require.Equal(t, o.OrderID, row[0])
		require.Equal(t, "결제 완료", row[2])
		require.Equal(t, s.customer.Email, row[3])
		require.Equal(t, "'=HYPERLINK(\"http://evil.example\",\"김민지\")", row[4], "typed formulas are neutralised")
		require.Equal(t, "'+김민지", row[5])
		require.Equal(t, "010-5555-1234", row[6])
		require.Equal(t, "'-서울특별시 중구 세종대로 110", row[7])
		require.Equal(t, "'=1+1 문 앞에 놓아주세요", row[8])
		require.Equal(t, "'@SUM(1+1) 셔츠 ×1", row[9])
		require.Equal(t, []string{"30000", "0", "3000", "33000"}, row[10:14], "amounts stay numbers")
		require.Regexp(t, `^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`, row[14])
		for _, r := range rows {
			for _, cell := range r {
				require.NotRegexp(t, "^[=+\\-@\t\r]", cell, "no cell starts a formula")
			}
		}
		all := readSheet(t, s.admin.Get(t, "/admin/orders.csv").Header, s.admin.Get(t, "/admin/orders.csv").Body)
		require.Len(t, all, 4, "no filter: every order")

		set := s.admin.Get(t, "/admin/settlements.csv")
		require.Equal(t, http.StatusOK, set.Status, set.Body)
		srows := readSheet(t, set.Header, set.Body)
		require.Equal(t, []string{"주문번호", "결제 키", "결제수단", "상태", "승인 시각", "승인 금액", "환불 금액", "환불 후 금액", "수수료", "정산 금액",
			"면세 금액", "공급가액", "부가세", "현금영수증", "쿠폰", "할인"}, srows[0])
		require.Len(t, srows, 4, "header, two payments, totals")
		require.Contains(t, []string{srows[1][1], srows[2][1]}, p.PaymentKey)
		require.Equal(t, "카드", srows[1][2])
		total := srows[3]
		require.Equal(t, []string{"합계", "2건"}, total[:2])
		require.Equal(t, "93000", total[5], "the totals row sums the payments")

		en := s.admin.Get(t, "/admin/orders.csv?q=5555&lang=en")
		require.Equal(t, "Order number", readSheet(t, en.Header, en.Body)[0][0], "headers in the admin's language")
		enOrder := s.admin.Get(t, "/admin/orders/"+o.OrderID).Body
		require.Contains(t, enOrder, "Toss Payments approved ₩33,000.", "the timeline in English")
		require.Contains(t, enOrder, "By customer "+s.customer.Email)
		require.Contains(t, enOrder, "<dt>Approval number</dt><dd>00000000</dd>", "the Toss details in English")
		require.Contains(t, enOrder, "<dt>Instalments</dt><dd>Lump sum</dd>")
		require.Contains(t, enOrder, "<dt>Card type</dt><dd>Credit</dd>", "Toss's Korean words in English")
	})
}

// TestPendingDepositCancel: a virtual account awaiting its deposit is
// cancelled whole; the form asks for confirmation, a part is refused
// before that.
func TestPendingDepositCancel(t *testing.T) {
	t.Parallel()
	s := newStore(t, apptest.New(t, "sqlite"))
	o, p := s.paid(t, 1, "VIRTUAL_ACCOUNT")
	require.Equal(t, paydeck.PaymentWaitingForDeposit, p.Status)
	path := "/admin/payments/" + p.PaymentKey + "/refund"
	part := s.admin.Post(t, path, url.Values{"amount": {"1000"}, "preset": {"단순 변심"}})
	require.Equal(t, http.StatusUnprocessableEntity, part.Status, part.Body)
	require.Contains(t, part.Body, "입금 전 가상계좌는 전액 취소만 할 수 있습니다")
	ask := s.admin.Post(t, path, url.Values{"scope": {"full"}, "preset": {"단순 변심"}, "idem": {"va-1"}})
	require.Equal(t, http.StatusOK, ask.Status, ask.Body)
	require.Contains(t, ask.Body, `id="refund-amount">전액 33,000원`)
	done := s.admin.Post(t, path, url.Values{"scope": {"full"}, "preset": {"단순 변심"}, "idem": {"va-1"}, "confirm": {"yes"}})
	require.Equal(t, http.StatusSeeOther, done.Status, done.Body)
	require.Equal(t, paydeck.PaymentCanceled, s.PaymentByKey(t, p.PaymentKey).Status)
	require.Equal(t, paydeck.OrderCancelled, s.order(t, o.OrderID).Status)
}
