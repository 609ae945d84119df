package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
	"github.com/paydeck/paydeck/payment"
)

// TestBrowserAnsweringACall is a new owner's walk through the admin when a
// customer calls about a payment: search the customer by the phone number
// they give, open their page, open the order, and read on that one page
// what happened (who did what, in sentences), the Toss payment details and
// the link to Toss's receipt, which opens a card slip. Each step is taken
// at 1280 and at 390 px, and no page is wider than a phone.
func TestBrowserAnsweringACall(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newStore(t, env)
		ctx := t.Context()
		require.NoError(t, s.DB.Update(ctx, func(tx paydeck.Tx) error {
			u, err := tx.FindUserByID(ctx, s.customer.ID)
			if err != nil {
				return err
			}
			u.Name = "김민지"
			s.customer = u
			return tx.UpdateUser(ctx, u)
		}))
		o, err := s.Payments.CreateOrder(ctx, apptest.As(s.customer), payment.OrderInput{
			Items:    []payment.OrderLine{apptest.Line(s.product, 2)},
			Shipping: payment.Shipping{Name: "김민지", Phone: "010-5555-1234", Address: "서울특별시 마포구 월드컵북로 396", Memo: "경비실에 맡겨주세요"}})
		require.NoError(t, err)
		key := s.Authorize(t, o, "CARD")
		p, err := s.Payments.Confirm(ctx, apptest.As(s.customer), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.NoError(t, err)
		require.NotEmpty(t, p.ReceiptURL, "Toss's receipt.url is kept")
		s.paid(t, 1, "CARD") // an older order of the same customer
		// The admin already refunded part of it and shipped the rest.
		refund := url.Values{"scope": {"partial"}, "amount": {"30000"}, "preset": {"품절"}, "reason": {"1개 품절, 고객과 통화함"},
			"idem": {"call-1"}, "confirm": {"yes"}}
		require.Equal(t, 303, s.admin.Post(t, "/admin/payments/"+p.PaymentKey+"/refund", refund).Status)
		require.Equal(t, 303, s.admin.Post(t, "/admin/orders/"+o.OrderID+"/ship", url.Values{}).Status)

		b := sitetest.Browser(t)
		require.NoError(t, chromedp.Do(b,
			chromedp.EmulateViewport(1280, 900),
			chromedp.Navigate(s.URL+"/admin/"),
			chromedp.WaitVisible(chromedp.ID("login-submit")),
			chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), s.staff.Email),
			chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), sitetest.SitePassword),
			chromedp.Click(chromedp.ID("login-submit")),
			chromedp.WaitVisible(chromedp.ID("daily-chart")),
			// The customer gives their phone number as they say it.
			chromedp.Click(chromedp.CSS(`nav a[href="/admin/customers"]`)),
			chromedp.WaitVisible(chromedp.ID("customers")),
			chromedp.SendKeys(chromedp.ID("q"), "010 5555 1234"),
			chromedp.Click(chromedp.CSS(`form[role="search"] button[type="submit"]`)),
			// The results page, not the list the search was typed on.
			chromedp.WaitVisible(chromedp.CSS(`#customers[data-query="010 5555 1234"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#customers a[href="/admin/customers/`+s.customer.ID+`"]`)),
		))
		rows, err := chromedp.Run(b, chromedp.Text(chromedp.CSS("#customers tbody")))
		require.NoError(t, err)
		require.Contains(t, rows, "김민지")
		require.Contains(t, rows, "93,000원", "paid in all: 60,000 (free shipping) + 33,000")
		require.Contains(t, rows, "30,000원", "refunded")
		shoot(t, b, env.Engine, "admin-call-1-customers")

		require.NoError(t, chromedp.Do(b,
			chromedp.Click(chromedp.CSS(`#customers a[href="/admin/customers/`+s.customer.ID+`"]`)),
			chromedp.WaitVisible(chromedp.ID("customer-orders")),
		))
		shoot(t, b, env.Engine, "admin-call-2-customer")
		require.NoError(t, chromedp.Do(b,
			chromedp.Click(chromedp.CSS(`#customer-orders a[href="/admin/orders/`+o.OrderID+`"]`)),
			chromedp.WaitVisible(chromedp.ID("timeline")),
		))

		// One page answers the call.
		tl, err := chromedp.Run(b, chromedp.Text(chromedp.ID("timeline")))
		require.NoError(t, err)
		for _, want := range []string{
			"토스페이먼츠가 60,000원 결제를 승인했습니다.", "처리: 고객 " + s.customer.Email,
			"30,000원 환불을 요청했습니다. 사유: 품절: 1개 품절, 고객과 통화함", "30,000원 환불이 완료되었습니다. 남은 결제 금액은 30,000원입니다.",
			"상품을 발송 처리했습니다.", "처리: 관리자 " + s.staff.Email,
		} {
			require.Contains(t, tl, want)
		}
		require.NotContains(t, tl, `"refundId"`, "raw JSON stays folded")
		details, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(`#payment-`+p.PaymentKey+` .toss-details`)))
		require.NoError(t, err)
		require.Contains(t, details, "카드 번호")
		require.Contains(t, details, "승인 번호")
		require.Contains(t, details, "일시불")
		attr, err := chromedp.Run(b, chromedp.AttributeValue(chromedp.CSS(`#payment-`+p.PaymentKey+` a.receipt-link`), "href"))
		require.NoError(t, err)
		href := attr.Value
		require.Equal(t, p.ReceiptURL, href)
		shoot(t, b, env.Engine, "admin-call-3-order")
		// 자세히 unfolds the raw event.
		require.NoError(t, chromedp.Do(b, chromedp.Click(chromedp.CSS(`#timeline li[data-type="refund_requested"] summary`))))
		raw, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(`#timeline li[data-type="refund_requested"] pre`)))
		require.NoError(t, err)
		require.Contains(t, raw, `"actorId": "`+s.staff.ID+`"`)

		// The test's sandbox calls itself http://localhost (no PublicURL);
		// the site serves it under /toss-sandbox as paydeck serve does.
		require.True(t, strings.HasPrefix(href, "http://localhost/receipt/redirection?transactionId="), href)
		slipURL := s.URL + "/toss-sandbox" + strings.TrimPrefix(href, "http://localhost")
		require.NoError(t, chromedp.Do(b, chromedp.Navigate(slipURL), chromedp.WaitVisible(chromedp.ID("slip"))))
		slip, err := chromedp.Run(b, chromedp.Text(chromedp.ID("slip")))
		require.NoError(t, err)
		for _, want := range []string{"카드 매출전표", "토스페이먼츠 샌드박스 상점", "승인번호", "43301234****123*", "부가세", "취소 금액", "30,000원"} {
			require.Contains(t, slip, want)
		}
		shoot(t, b, env.Engine, "admin-call-4-receipt")
	})
}

// shoot takes the page at 1280 px and at 390 px (saved with
// PAYDECK_SCREENSHOTS=1, from the SQLite run) and fails when the page is
// wider than the phone's screen.
func shoot(t *testing.T, ctx context.Context, engine, name string) {
	t.Helper()
	for _, width := range []int64{1280, 390} {
		require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)))
		if engine == "sqlite" {
			sitetest.Screenshot(t, ctx, shots, fmt.Sprintf("%s-%d", name, width))
		}
		scroll, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
		require.NoError(t, err)
		require.LessOrEqual(t, scroll, width, "%s is wider than %d px", name, width)
	}
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)))
}
