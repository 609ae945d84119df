package admin_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/korean"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
)

// upload posts a CSV file to the bulk tracking page as multipart.
func (s *store) upload(t *testing.T, data []byte) (int, string) {
	t.Helper()
	s.admin.Get(t, "/admin/shipments/upload")
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	require.NoError(t, mw.WriteField("csrf", s.admin.CSRF))
	fw, err := mw.CreateFormFile("file", "tracking.csv")
	require.NoError(t, err)
	_, _ = fw.Write(data)
	require.NoError(t, mw.Close())
	p := s.admin.Do(t, http.MethodPost, "/admin/shipments/upload", &b, http.Header{"Content-Type": {mw.FormDataContentType()}})
	return p.Status, p.Body
}

// TestBulkTrackingUpload: each CSV row ships its order or is refused with
// the reason, row by row; UTF-8 with a BOM and Excel's CP949 both read.
func TestBulkTrackingUpload(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newStore(t, env)
		o1, _ := s.paid(t, 1, "CARD")
		o2, _ := s.paid(t, 2, "CARD")
		pending := s.Order(t, s.customer, apptest.Line(s.product, 1))

		csv := "\xef\xbb\xbf주문번호,택배사,송장번호\r\n" +
			o1.OrderID + ",CJ대한통운,6305-1234-5678\r\n" +
			o2.OrderID + ",비둘기택배,630512345679\r\n" + // unknown courier
			pending.OrderID + ",cj,630512345680\r\n" + // not paid
			"ORD20990101DEADBEEF,cj,630512345681\r\n" + // no such order
			o1.OrderID + ",cj,630512345682\r\n" + // already shipped
			o2.OrderID + ",한진택배,\r\n" // no number
		status, body := s.upload(t, []byte(csv))
		require.Equal(t, http.StatusOK, status, body)
		require.Contains(t, body, "UTF-8 (BOM)")
		require.Contains(t, body, "적용 1건, 거절 5건")
		require.Equal(t, 1, strings.Count(body, `class="applied"`))
		require.Equal(t, 5, strings.Count(body, `class="refused"`))
		require.Contains(t, body, "is not known")
		require.Contains(t, body, "was not found")
		require.Equal(t, paydeck.OrderShipped, s.order(t, o1.OrderID).Status)
		require.Equal(t, paydeck.OrderPaid, s.order(t, o2.OrderID).Status)
		f, err := s.Payments.Fulfilment(t.Context(), apptest.As(s.customer), o1.OrderID)
		require.NoError(t, err)
		require.Len(t, f.Shipments, 1)
		require.Equal(t, "630512345678", f.Shipments[0].TrackingNumber)

		// The same in CP949, as Korean Excel saves it.
		cp949, err := korean.EUCKR.NewEncoder().String(o2.OrderID + ",롯데택배,309912345678\n")
		require.NoError(t, err)
		status, body = s.upload(t, []byte(cp949))
		require.Equal(t, http.StatusOK, status, body)
		require.Contains(t, body, "CP949")
		require.Contains(t, body, "적용 1건, 거절 0건")
		require.Equal(t, paydeck.OrderShipped, s.order(t, o2.OrderID).Status)
		page := s.admin.Get(t, "/admin/orders/"+o2.OrderID)
		require.Contains(t, page.Body, "롯데택배")
		require.Contains(t, page.Body, "https://www.lotteglogis.com/home/reservation/tracking/linkView?InvNo=309912345678")

		status, _ = s.upload(t, []byte("not,a\n\"broken"))
		require.Equal(t, http.StatusBadRequest, status)
		// Pasted text works too; no token, no upload.
		p := s.admin.Post(t, "/admin/shipments/upload", url.Values{"csv": {"ORD20990101DEADBEEF,cj,630512345681"}})
		require.Contains(t, p.Body, "적용 0건, 거절 1건")
		p = s.admin.Post(t, "/admin/shipments/upload", url.Values{"csrf": {"forged"}, "csv": {o1.OrderID + ",cj,1234567890"}})
		require.Equal(t, http.StatusForbidden, p.Status)
	})
}

// TestShipFormAndReturnDecisions: partial shipment from the order page's
// form, then a return approved with restock and another refused.
func TestShipFormAndReturnDecisions(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newStore(t, env)
		o, _ := s.paid(t, 3, "CARD")
		id := s.product.ID
		p := s.admin.Post(t, "/admin/orders/"+o.OrderID+"/ship", url.Values{"courier": {"epost"}, "tracking": {"6865012345678"}, "qty_" + id: {"2"}})
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
		page := s.admin.Get(t, "/admin/orders/"+o.OrderID)
		require.Contains(t, page.Body, "우체국택배")
		require.Contains(t, page.Body, `id="ship-form"`, "one left to ship")
		require.Contains(t, page.Body, "남은 수량 1")
		p = s.admin.Post(t, "/admin/orders/"+o.OrderID+"/ship", url.Values{"courier": {"epost"}, "tracking": {"x"}})
		require.Equal(t, http.StatusUnprocessableEntity, p.Status)
		p = s.admin.Post(t, "/admin/orders/"+o.OrderID+"/ship", url.Values{"courier": {"logen"}, "tracking": {"95012345678"}})
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
		require.NotContains(t, s.admin.Get(t, "/admin/orders/"+o.OrderID).Body, `id="ship-form"`)
		require.Equal(t, http.StatusSeeOther, s.admin.Post(t, "/admin/orders/"+o.OrderID+"/deliver", url.Values{}).Status)

		x, err := s.Payments.RequestReturn(t.Context(), apptest.As(s.customer), o.OrderID, payment.ReturnInput{
			Reason: paydeck.ReturnChangeOfMind, Note: "필요 없어졌어요", Lines: []paydeck.ShipmentLine{{ProductID: id, Quantity: 1}}})
		require.NoError(t, err)
		page = s.admin.Get(t, "/admin/orders/"+o.OrderID)
		require.Contains(t, page.Body, "필요 없어졌어요")
		require.Contains(t, page.Body, "승인 대기")
		require.Contains(t, page.Body, `id="withdrawal-window"`)
		p = s.admin.Post(t, "/admin/orders/"+o.OrderID+"/returns/"+x.ID+"/approve", url.Values{"restock": {"1"}})
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
		require.Equal(t, int64(8), env.ProductByID(t, id).StockQuantity, "10 − 3 + 1 restocked")
		require.Equal(t, paydeck.OrderPartialRefunded, s.order(t, o.OrderID).Status)

		y, err := s.Payments.RequestReturn(t.Context(), apptest.As(s.customer), o.OrderID, payment.ReturnInput{
			Reason: paydeck.ReturnChangeOfMind, Lines: []paydeck.ShipmentLine{{ProductID: id, Quantity: 1}}})
		require.NoError(t, err)
		p = s.admin.Post(t, "/admin/orders/"+o.OrderID+"/returns/"+y.ID+"/refuse", url.Values{"reason": {""}})
		require.Equal(t, http.StatusUnprocessableEntity, p.Status)
		p = s.admin.Post(t, "/admin/orders/"+o.OrderID+"/returns/"+y.ID+"/refuse", url.Values{"reason": {"포장이 훼손되었습니다"}})
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
		page = s.admin.Get(t, "/admin/orders/"+o.OrderID)
		require.Contains(t, page.Body, "포장이 훼손되었습니다")
	})
}
