package api_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
)

// TestTaxFreeAndCashReceiptAPI: a tax-free product through the API, an
// order's taxFreeAmount, the checkout's cashReceipt (validated, echoed, the
// self-issue rule), a virtual account paid with a 소득공제 receipt, the
// payment's vat/suppliedAmount/cashReceipt, and the admin's receipt cancel
// and issue (shoppers may not).
func TestTaxFreeAndCashReceiptAPI(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		var tangerine struct {
			ID      string `json:"id"`
			TaxFree bool   `json:"taxFree"`
		}
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/products", Token: admin,
			Body: map[string]any{"name": "제주 감귤 5kg", "price": 29_900, "stockQuantity": 10, "taxFree": true}}, http.StatusCreated, &tangerine)
		require.True(t, tangerine.TaxFree)
		soap := createProduct(t, a, admin, 10_000, 10)
		_, cust := a.SignUp(t, "김지민")
		var o struct {
			OrderID       string `json:"orderId"`
			FinalAmount   int64  `json:"finalAmount"`
			TaxFreeAmount int64  `json:"taxFreeAmount"`
			Items         []struct {
				TaxFree bool `json:"taxFree"`
			} `json:"items"`
		}
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders", Token: cust, Body: map[string]any{
			"items":    []map[string]any{{"productId": tangerine.ID, "quantity": 1}, {"productId": soap.ID, "quantity": 1}},
			"shipping": map[string]any{"name": "김지민", "phone": "010-1234-5678", "address": "서울특별시 중구 세종대로 110"},
		}}, http.StatusCreated, &o)
		require.Equal(t, int64(42_900), o.FinalAmount)
		require.Equal(t, int64(29_900), o.TaxFreeAmount)
		require.True(t, o.Items[0].TaxFree)
		require.False(t, o.Items[1].TaxFree)

		type checkout struct {
			TaxFreeAmount int64 `json:"taxFreeAmount"`
			CashReceipt   struct {
				Type               string `json:"type"`
				RegistrationNumber string `json:"registrationNumber"`
				SelfIssued         bool   `json:"selfIssued"`
			} `json:"cashReceipt"`
		}
		path := func(typ, number string) string {
			q := url.Values{"cashReceipt[type]": {typ}, "cashReceipt[registrationNumber]": {number}}
			return "/api/orders/" + o.OrderID + "/checkout?" + q.Encode()
		}
		var co checkout
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: path("소득공제", "010-1234-5678"), Token: cust}, http.StatusOK, &co)
		require.Equal(t, int64(29_900), co.TaxFreeAmount)
		require.Equal(t, "소득공제", co.CashReceipt.Type)
		require.Equal(t, "01012345678", co.CashReceipt.RegistrationNumber)
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: path("지출증빙", "010-1234-5678"), Token: cust},
			http.StatusUnprocessableEntity, nil)
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + o.OrderID + "/checkout", Token: cust}, http.StatusOK, &co)
		require.Equal(t, "미발행", co.CashReceipt.Type, "below 100,000 won none is none")
		require.False(t, co.CashReceipt.SelfIssued)

		key := a.AuthorizeWith(t, &paydeck.Order{OrderID: o.OrderID, FinalAmount: o.FinalAmount, TaxFreeAmount: o.TaxFreeAmount},
			"VIRTUAL_ACCOUNT", map[string]any{"cashReceipt": map[string]any{"type": "소득공제", "registrationNumber": "01012345678"}})
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/payments/confirm", Token: cust,
			Body: map[string]any{"paymentKey": key, "orderId": o.OrderID, "amount": o.FinalAmount}}, http.StatusOK, nil)
		a.Deposit(t, key)
		apptest.WaitFor(t, "deposit", func() bool { return a.PaymentByKey(t, key).Status == paydeck.PaymentDone })
		type payment struct {
			VAT            int64 `json:"vat"`
			SuppliedAmount int64 `json:"suppliedAmount"`
			TaxFreeAmount  int64 `json:"taxFreeAmount"`
			CashReceipt    *struct {
				Type               string `json:"type"`
				RegistrationNumber string `json:"registrationNumber"`
				ReceiptURL         string `json:"receiptUrl"`
				Status             string `json:"status"`
			} `json:"cashReceipt"`
		}
		var p payment
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/payments/" + key, Token: cust}, http.StatusOK, &p)
		require.Equal(t, int64(29_900), p.TaxFreeAmount)
		require.Equal(t, int64(1_182), p.VAT)
		require.Equal(t, int64(11_818), p.SuppliedAmount)
		require.NotNil(t, p.CashReceipt)
		require.Equal(t, "소득공제", p.CashReceipt.Type)
		require.Equal(t, "010****5678", p.CashReceipt.RegistrationNumber)
		require.NotEmpty(t, p.CashReceipt.ReceiptURL)

		cancel := apitest.Request{Method: http.MethodPost, Path: "/api/payments/" + key + "/cash-receipt/cancel", Token: cust}
		a.MustDo(t, cancel, http.StatusForbidden, nil)
		cancel.Token = admin
		a.MustDo(t, cancel, http.StatusOK, &p)
		require.Equal(t, "canceled", p.CashReceipt.Status)
		issue := apitest.Request{Method: http.MethodPost, Path: "/api/payments/" + key + "/cash-receipt", Token: admin,
			Body: map[string]any{"type": "지출증빙", "registrationNumber": "123-45-6789"}}
		a.MustDo(t, issue, http.StatusUnprocessableEntity, nil)
		issue.Body = map[string]any{"type": "지출증빙", "registrationNumber": "123-45-67890"}
		a.MustDo(t, issue, http.StatusOK, &p)
		require.Equal(t, "지출증빙", p.CashReceipt.Type)
		require.Equal(t, "issued", p.CashReceipt.Status)
	})
}
