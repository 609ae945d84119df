package admin_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
)

// Item 5: the owner sees every attempt paydeck learnt of that did not go
// through (a closed window, a decline in the window, a confirm Toss
// refused) with Toss's code, the sentence the shopper read and Toss's
// message; the dashboard's approval rate counts them; the admin's button
// for an open virtual account says "입금 대기 취소".
func TestFailedPaymentsPage(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newStore(t, env)
		empty := s.admin.Get(t, "/admin/payments/failed")
		require.Equal(t, http.StatusOK, empty.Status)
		require.Contains(t, empty.Body, `id="failed-none"`)

		a := apptest.As(s.customer)
		o := s.Order(t, s.customer, apptest.Line(s.product, 1))
		require.NoError(t, s.Payments.RecordFailedAttempt(t.Context(), a, o.OrderID, "PAY_PROCESS_CANCELED", "사용자가 결제를 취소했습니다"))
		require.NoError(t, s.Payments.RecordFailedAttempt(t.Context(), a, o.OrderID, "REJECT_CARD_COMPANY", "카드사에서 거절했습니다"))
		// Toss refuses the confirm itself.
		env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","operation":"confirm","errorCode":"REJECT_CARD_PAYMENT","times":1}]`)
		key := s.Authorize(t, o, "CARD")
		_, err := s.Payments.Confirm(t.Context(), a, payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.Error(t, err)
		env.SetFaults(t, `[]`)
		s.paid(t, 1, "CARD")

		page := s.admin.Get(t, "/admin/payments/failed")
		require.Equal(t, http.StatusOK, page.Status)
		for _, want := range []string{`<code>PAY_PROCESS_CANCELED</code>`, `<code>REJECT_CARD_COMPANY</code>`, `<code>REJECT_CARD_PAYMENT</code>`,
			"카드사에서 결제를 승인하지 않았습니다", "결제창을 닫아", "카드사에서 거절했습니다", `href="/admin/orders/` + o.OrderID + `"`} {
			require.Contains(t, page.Body, want)
		}
		require.NotContains(t, page.Body, `id="failed-none"`)

		// 1 approval out of 4 attempts (2 failed in the window, 1 refused confirm, 1 paid).
		dash := s.admin.Get(t, "/admin/")
		require.Contains(t, dash.Body, `id="approval-rate">25.00%`)
		require.Contains(t, dash.Body, `href="/admin/payments/failed"`)
		require.Equal(t, http.StatusSeeOther, s.Visitor(t).Get(t, "/admin/payments/failed").Status)

		// An open virtual account: the admin's button cancels the pending transfer.
		va := s.Order(t, s.customer, apptest.Line(s.product, 1))
		vk := s.Authorize(t, va, "VIRTUAL_ACCOUNT")
		_, err = s.Payments.Confirm(t.Context(), a, payment.ConfirmInput{PaymentKey: vk, OrderID: va.OrderID, Amount: va.FinalAmount})
		require.NoError(t, err)
		op := s.admin.Get(t, "/admin/orders/"+va.OrderID)
		require.Contains(t, op.Body, ">입금 대기 취소…</button>", "the first step of the cancel; it asks for confirmation")
		require.NotContains(t, op.Body, ">환불하기</button>")
		require.Equal(t, paydeck.OrderPending, s.order(t, va.OrderID).Status)
	})
}
