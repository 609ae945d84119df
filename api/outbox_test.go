package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
	"github.com/paydeck/paydeck/payment"
)

// GET /api/admin/outbox lists the mail a paid order wrote (no SMTP: kept),
// for admins only.
func TestOutboxListsMail(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	a := apitest.NewAPI(t, env)
	admin := a.NewAdmin(t)
	u := env.Customer(t)
	o := env.Order(t, u, apptest.Line(env.Product(t, 9900, 100), 1))
	key := env.Authorize(t, o, "CARD")
	_, err := env.Payments.Confirm(context.Background(), apptest.As(u), payment.ConfirmInput{PaymentKey: key,
		OrderID: o.OrderID, Amount: o.FinalAmount})
	require.NoError(t, err)

	type item struct {
		To      string     `json:"to"`
		Subject string     `json:"subject"`
		SentAt  *time.Time `json:"sentAt"`
		Status  string     `json:"status"`
		Kind    string     `json:"kind"`
	}
	var out struct {
		Items []item `json:"items"`
		Total int    `json:"total"`
	}
	apptest.WaitFor(t, "both kept", func() bool {
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/admin/outbox", Token: admin}, http.StatusOK, &out)
		return len(out.Items) == 2 && out.Items[0].Status == "outbox" && out.Items[1].Status == "outbox"
	})
	require.Equal(t, 2, out.Total)
	byKind := map[string]item{out.Items[0].Kind: out.Items[0], out.Items[1].Kind: out.Items[1]}
	require.Equal(t, u.Email, byKind["order_paid"].To)
	require.Equal(t, "[paydeck] 주문 "+o.OrderID+" 결제가 완료되었습니다", byKind["order_paid"].Subject)
	require.Nil(t, byKind["order_paid"].SentAt, "kept, not sent")
	require.Equal(t, apptest.ShopEmail, byKind["shop_order_paid"].To)

	_, shopper := a.SignUp(t, "shopper")
	a.Do(t, apitest.Request{Method: http.MethodGet, Path: "/api/admin/outbox", Token: shopper}).RequireProblem(t, http.StatusForbidden)
	a.Do(t, apitest.Request{Method: http.MethodGet, Path: "/api/admin/outbox?limit=0", Token: admin}).RequireProblem(t, http.StatusUnprocessableEntity)
}
