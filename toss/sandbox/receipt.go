package sandbox

import (
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
)

// Receipt pages behind the receipt.url links of Payment objects. Like Toss's,
// they need no authentication: the link is the credential.

var receiptPage = template.Must(template.New("receipt").Parse(`<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>{{.Title}} (샌드박스)</title></head>
<body><h1>{{.Title}}</h1><p>토스페이먼츠 샌드박스 영수증입니다. 실제 거래가 아닙니다.</p>
<dl>{{range .Rows}}<dt>{{.K}}</dt><dd>{{.V}}</dd>{{end}}</dl></body></html>
`))

type receiptRow struct{ K, V string }

func (s *Server) registerReceiptRoutes(mux *http.ServeMux) {
	for _, path := range []string{"/receipt/redirection", "/receipt/payment-detail/bank-transfer", "/receipt/mobile"} {
		mux.HandleFunc("GET "+path, s.paymentReceipt)
	}
	mux.HandleFunc("GET /receipt/cash-receipt", s.cashReceiptPage)
}

func (s *Server) paymentReceipt(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p, ok := s.st.payments[r.URL.Query().Get("transactionId")]
	var rows []receiptRow
	if ok {
		rows = []receiptRow{
			{"주문명", p.OrderName}, {"주문번호", p.OrderID}, {"결제수단", methodNames[p.Method].ko},
			{"상태", p.Status.String()}, {"결제금액", strconv.FormatInt(p.Amount, 10) + "원"},
			{"취소 후 잔액", strconv.FormatInt(p.Balance, 10) + "원"}, {"요청 시각", fmtTime(p.RequestedAt)},
		}
		if p.ApprovedAt != 0 {
			rows = append(rows, receiptRow{"승인 시각", fmtTime(p.ApprovedAt)})
		}
		if p.Card != nil {
			rows = append(rows, receiptRow{"카드번호", p.Card.Number})
		}
	}
	s.mu.Unlock()
	s.renderReceipt(w, ok, "매출전표", rows)
}

func (s *Server) cashReceiptPage(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Query().Get("receiptKey")
	s.mu.Lock()
	var rows []receiptRow
	for _, rc := range s.st.receipts {
		if rc.Key == key {
			rows = []receiptRow{{"주문명", rc.OrderName}, {"주문번호", rc.OrderID}, {"용도", rc.Type},
				{"승인번호", rc.IssueNumber}, {"금액", strconv.FormatInt(rc.Amount, 10) + "원"}}
		}
	}
	s.mu.Unlock()
	s.renderReceipt(w, rows != nil, "현금영수증", rows)
}

func (s *Server) renderReceipt(w http.ResponseWriter, found bool, title string, rows []receiptRow) {
	if !found {
		http.Error(w, "영수증을 찾을 수 없습니다.", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := receiptPage.Execute(w, struct {
		Title string
		Rows  []receiptRow
	}{title, rows}); err != nil {
		s.log.Warn("sandbox: render receipt", slog.Any("err", err))
	}
}
