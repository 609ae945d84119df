package api_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
)

// TestKoreanCommerceStory is issue 15's "Done when" over real HTTP on both
// engines: a mixed basket (taxable and tax-free) with a coupon, paid by
// virtual account with a 소득공제 cash receipt, shipped with tracking and
// partly refunded. At every step the numbers agree on the API, at Toss (the
// sandbox, read through the real client), in the mails, in the settlement
// CSV and in reconciliation.
//
// The numbers follow docs/tax.md and docs/coupons.md: 제주 감귤 29,900 (면세)
// and two bars of soap 10,000 each (과세); goods 49,900 < 50,000, so
// shipping 3,000; coupon 5,000 off the goods. The discount is spread by
// value, so the tax-free part is 29,900 − round(5,000 × 29,900 / 49,900) =
// 26,904; paid 47,900, taxable 20,996, VAT round(20,996 / 11) = 1,909.
// Refunding one soap (10,000) takes the balance's tax-free share,
// round(10,000 × 26,904 / 47,900) = 5,617, leaving 37,900 of which 21,287
// tax-free and VAT round(16,613 / 11) = 1,510.
func TestKoreanCommerceStory(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		var tangerine, soap struct {
			ID      string `json:"id"`
			TaxFree bool   `json:"taxFree"`
		}
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/products", Token: admin,
			Body: map[string]any{"name": "제주 감귤 5kg", "price": 29_900, "stockQuantity": 10, "taxFree": true}}, http.StatusCreated, &tangerine)
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/products", Token: admin,
			Body: map[string]any{"name": "수제 비누", "price": 10_000, "stockQuantity": 10}}, http.StatusCreated, &soap)
		require.True(t, tangerine.TaxFree)
		require.False(t, soap.TaxFree)
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/admin/coupons", Token: admin,
			Body: map[string]any{"code": "WELCOME5000", "kind": "fixed", "value": 5000, "usageLimit": 10, "perCustomerLimit": 1}},
			http.StatusCreated, nil)

		email, cust := a.SignUp(t, "김지민")
		var o struct {
			OrderID                                                              string
			TotalAmount, DiscountAmount, ShippingFee, FinalAmount, TaxFreeAmount int64
			CouponCode                                                           string
			Shipments                                                            []struct {
				Courier, TrackingNumber, TrackingURL string
			}
		}
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders", Token: cust, Body: map[string]any{
			"items":      []map[string]any{{"productId": tangerine.ID, "quantity": 1}, {"productId": soap.ID, "quantity": 2}},
			"shipping":   map[string]any{"name": "김지민", "phone": "010-5555-1234", "address": "서울특별시 중구 세종대로 110", "postcode": "04524", "detail": "3층"},
			"couponCode": "welcome5000",
		}}, http.StatusCreated, &o)
		require.Equal(t, int64(49_900), o.TotalAmount)
		require.Equal(t, int64(5_000), o.DiscountAmount)
		require.Equal(t, int64(3_000), o.ShippingFee)
		require.Equal(t, int64(47_900), o.FinalAmount)
		require.Equal(t, int64(26_904), o.TaxFreeAmount)
		require.Equal(t, "WELCOME5000", o.CouponCode)

		var co struct {
			OrderID       string
			Amount        int64
			TaxFreeAmount int64
			CashReceipt   struct{ Type, RegistrationNumber string }
		}
		q := url.Values{"cashReceipt[type]": {"소득공제"}, "cashReceipt[registrationNumber]": {"010-5555-1234"}}
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + o.OrderID + "/checkout?" + q.Encode(), Token: cust},
			http.StatusOK, &co)
		require.Equal(t, int64(47_900), co.Amount)
		require.Equal(t, int64(26_904), co.TaxFreeAmount, "the payment window gets the tax-free part")
		require.Equal(t, "소득공제", co.CashReceipt.Type)

		key := a.AuthorizeWith(t, &paydeck.Order{OrderID: co.OrderID, FinalAmount: co.Amount, TaxFreeAmount: co.TaxFreeAmount},
			"VIRTUAL_ACCOUNT", map[string]any{"cashReceipt": map[string]any{"type": co.CashReceipt.Type,
				"registrationNumber": co.CashReceipt.RegistrationNumber}})
		var issued struct{ Status string }
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/payments/confirm", Token: cust,
			Body: map[string]any{"paymentKey": key, "orderId": co.OrderID, "amount": co.Amount}}, http.StatusOK, &issued)
		require.Equal(t, "waiting_for_deposit", issued.Status)
		a.Deposit(t, key)
		apptest.WaitFor(t, "the deposit", func() bool { return a.PaymentByKey(t, key).Status == paydeck.PaymentDone })

		type payment struct {
			Status                                              string
			Amount, BalanceAmount, TaxFreeAmount, VAT, Supplied int64
			SuppliedAmount                                      int64 `json:"suppliedAmount"`
			CashReceipt                                         *struct {
				Type, RegistrationNumber, ReceiptURL, Status string
			}
		}
		// agree checks paydeck's payment against Toss's (the sandbox, read
		// with the real client) and the figures the rules give.
		agree := func(balance, taxFree, vat int64) {
			t.Helper()
			var p payment
			a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/payments/" + key, Token: cust}, http.StatusOK, &p)
			require.Equal(t, balance, p.BalanceAmount)
			require.Equal(t, taxFree, p.TaxFreeAmount)
			require.Equal(t, vat, p.VAT)
			require.Equal(t, balance-taxFree-vat, p.SuppliedAmount)
			tp, err := env.Toss.Payments.Get(t.Context(), key)
			require.NoError(t, err)
			require.Equal(t, balance, int64(tp.BalanceAmount), "Toss's balance")
			require.Equal(t, taxFree, int64(tp.TaxFreeAmount), "Toss's tax-free part")
			require.Equal(t, vat, int64(tp.VAT), "Toss's VAT")
			require.Equal(t, balance-taxFree-vat, int64(tp.SuppliedAmount), "Toss's supplied amount")
			require.NotNil(t, p.CashReceipt, "the cash receipt Toss issued after the deposit")
			require.Equal(t, "소득공제", p.CashReceipt.Type)
			require.Equal(t, "010****1234", p.CashReceipt.RegistrationNumber, "stored masked")
			require.NotEmpty(t, p.CashReceipt.ReceiptURL)
		}
		agree(47_900, 26_904, 1_909)

		var shipped struct {
			Status    string
			Shipments []struct{ Courier, TrackingNumber, TrackingURL string }
		}
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders/" + o.OrderID + "/ship", Token: admin,
			Body: map[string]any{"courier": "cj", "trackingNumber": "684012345678"}}, http.StatusOK, &shipped)
		require.Equal(t, "shipped", shipped.Status)
		require.Len(t, shipped.Shipments, 1)
		require.Contains(t, shipped.Shipments[0].TrackingURL, "684012345678")

		// One soap comes back: the shop refunds its 10,000 to the shopper's account.
		env.Clock.Advance(2 * time.Second)
		var part struct {
			Refund struct {
				Amount, TaxFreeAmount int64
				Status                string
			}
		}
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/payments/" + key + "/cancel", Token: admin,
			Body: map[string]any{"cancelReason": "비누 1개 반품", "cancelAmount": 10_000,
				"refundReceiveAccount": map[string]any{"bank": "88", "accountNumber": "110123456789", "holderName": "김지민"}}},
			http.StatusOK, &part)
		require.Equal(t, "completed", part.Refund.Status)
		require.Equal(t, int64(5_617), part.Refund.TaxFreeAmount, "the balance's tax-free share")
		agree(37_900, 21_287, 1_510)

		// The mails the shopper and the shop got say the same numbers.
		mails := map[string]string{}
		apptest.WaitFor(t, "the mails", func() bool {
			err := env.DB.View(t.Context(), func(tx paydeck.Tx) error {
				ms, _, err := tx.FindOutboxMessages(t.Context(), paydeck.OutboxFilter{Limit: 50})
				for _, m := range ms {
					mails[m.Kind] = m.Subject + "\n" + m.Text
					if m.Kind != "shop_deposit" && m.Kind != "shop_order_paid" && m.Kind != "shop_low_stock" {
						require.Equal(t, email, m.To, m.Kind)
					}
				}
				return err
			})
			require.NoError(t, err)
			return mails["refunded"] != ""
		})
		require.Contains(t, mails["va_issued"], "47,900", "the shopper needs the amount to pay")
		require.Contains(t, mails["deposit_received"], "47,900")
		require.Contains(t, mails["deposit_received"], "5,000", "the coupon's discount")
		require.Contains(t, mails["deposit_received"], "소득공제", "the cash receipt")
		require.Contains(t, mails["shipped"], "684012345678")
		require.Contains(t, mails["refunded"], "10,000")

		// Settlement: the payment's row carries the split, the receipt and the coupon.
		res := a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/admin/settlements", Token: admin,
			Header: map[string]string{"Accept": "text/csv"}}, http.StatusOK, nil)
		rows, err := csv.NewReader(strings.NewReader(string(res.Body))).ReadAll()
		require.NoError(t, err)
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		var row []string
		for _, r := range rows[1:] {
			if r[col["paymentKey"]] == key {
				row = r
			}
		}
		require.NotNil(t, row, "the payment is settled")
		for name, want := range map[string]string{"amount": "47900", "refundedAmount": "10000", "keptAmount": "37900",
			"taxFreeAmount": "21287", "vat": "1510", "suppliedAmount": strconv.Itoa(37_900 - 21_287 - 1_510),
			"cashReceipt": "소득공제", "couponCode": "WELCOME5000", "discountAmount": "5000"} {
			require.Equal(t, want, row[col[name]], name)
		}

		// Reconciliation of the day against Toss's transaction list: no mismatch.
		day := env.Clock.Now().In(paydeck.KST).Format(time.DateOnly)
		_, err = env.Payments.Reconcile(t.Context(), day)
		require.NoError(t, err)
		var rec struct {
			Report struct {
				Matched    int
				Mismatches []map[string]any
				Totals     struct {
					TaxFreeAmount, SuppliedAmount, VAT int64
				}
			}
		}
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/admin/reconciliation?date=" + day, Token: admin}, http.StatusOK, &rec)
		require.Empty(t, rec.Report.Mismatches)
		require.Equal(t, 1, rec.Report.Matched)

		// The pages say the same: the shopper's order page (the same
		// account, signed in to the shop) and the owner's.
		site := sitetest.NewSite(t, env)
		var u *paydeck.User
		require.NoError(t, env.DB.View(t.Context(), func(tx paydeck.Tx) (err error) {
			u, err = tx.FindUserByEmail(t.Context(), email)
			return err
		}))
		shopper := site.Visitor(t)
		shopper.SignIn(t, u) // apitest.Password is the site's password too
		page := shopper.Get(t, "/orders/"+o.OrderID).Body
		for _, want := range []string{"47,900원", "-5,000원", "WELCOME5000", "10,000원", "684012345678", "소득공제", "010****1234"} {
			require.Contains(t, page, want, "the shopper's order page")
		}
		owner := site.Visitor(t)
		owner.SignIn(t, site.User(t, paydeck.RoleAdmin))
		page = owner.Get(t, "/admin/orders/"+o.OrderID).Body
		for _, want := range []string{"47,900원", "-5,000원", "37,900원", "21,287원", "1,510원", "684012345678", "소득공제"} {
			require.Contains(t, page, want, "the owner's order page")
		}
	})
}
