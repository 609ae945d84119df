package sandbox

import (
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// Receipt pages behind the receipt.url links of Payment objects. Like Toss's,
// they need no authentication: the link is the credential.

var receiptPage = template.Must(template.New("receipt").Funcs(template.FuncMap{"won": formatWon}).Parse(`<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} (샌드박스)</title>
<style>
body { margin: 0; padding: 1.5rem .75rem; background: #f2f4f6; color: #191f28; font-family: system-ui, sans-serif; }
.slip { max-width: 22rem; margin: 0 auto; background: #fff; padding: 1.25rem 1.25rem 1.5rem; box-shadow: 0 1px 3px rgba(0,0,0,.12);
  font-variant-numeric: tabular-nums; word-break: keep-all; }
.slip h1 { font-size: 1.2rem; text-align: center; margin: 0 0 .25rem; letter-spacing: .1em; }
.slip .sub { text-align: center; color: #6b7684; font-size: .8rem; margin: 0 0 1rem; }
.slip section { border-top: 1px dashed #b0b8c1; padding: .6rem 0; }
.slip dl { display: grid; grid-template-columns: auto 1fr; gap: .3rem 1rem; margin: 0; font-size: .9rem; }
.slip dt { color: #6b7684; white-space: nowrap; }
.slip dd { margin: 0; text-align: right; overflow-wrap: anywhere; }
.slip .total dt, .slip .total dd { font-size: 1.1rem; font-weight: 700; color: #191f28; }
.slip .cancel dd { color: #e42939; }
.slip .note { font-size: .75rem; color: #8b95a1; text-align: center; margin: .75rem 0 0; }
.slip .stamp { display: inline-block; border: 2px solid #e42939; color: #e42939; padding: 0 .4rem; border-radius: .25rem; font-weight: 700; }
</style></head>
<body><main class="slip" id="slip">
<h1>{{.Title}}</h1>
<p class="sub">토스페이먼츠 샌드박스{{with .Stamp}} · <span class="stamp">{{.}}</span>{{end}}</p>
{{range .Sections}}<section{{with .Class}} class="{{.}}"{{end}}><dl>{{range .Rows}}<dt>{{.K}}</dt><dd>{{.V}}</dd>{{end}}</dl></section>{{end}}
<p class="note">샌드박스 영수증입니다. 실제 거래가 아닙니다.</p>
</main></body></html>
`))

type receiptRow struct{ K, V string }

// receiptSection is one dashed block of a slip.
type receiptSection struct {
	Class string
	Rows  []receiptRow
}

// Sandbox merchant, as a slip names it.
const (
	merchantName  = "토스페이먼츠 샌드박스 상점"
	merchantBizNo = "000-00-00000"
)

func (s *Server) registerReceiptRoutes(mux *http.ServeMux) {
	for _, path := range []string{"/receipt/redirection", "/receipt/payment-detail/bank-transfer", "/receipt/mobile"} {
		mux.HandleFunc("GET "+path, s.paymentReceipt)
	}
	mux.HandleFunc("GET /receipt/cash-receipt", s.cashReceiptPage)
}

// paymentReceipt is a payment's slip: the merchant, the card (masked) and
// its approval number, what was paid and what was cancelled, supplied
// amount and VAT of what is left, the time.
func (s *Server) paymentReceipt(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p, ok := s.st.payments[r.URL.Query().Get("transactionId")]
	title, stamp := "매출전표", ""
	var sections []receiptSection
	if ok {
		won := formatWon
		merchant := receiptSection{Rows: []receiptRow{{"가맹점", merchantName}, {"사업자등록번호", merchantBizNo}, {"가맹점 ID", mid}}}
		pay := receiptSection{Rows: []receiptRow{{"결제수단", methodNames[p.Method].ko}}}
		if c := p.Card; c != nil {
			title = "카드 매출전표"
			company := cardCompanyNames[c.Issuer.String()]
			if company == "" {
				company = c.Issuer.String()
			}
			installment := "일시불"
			if c.Installment > 0 {
				installment = strconv.Itoa(int(c.Installment)) + "개월"
			}
			pay.Rows = append(pay.Rows, receiptRow{"카드사", company + "카드"}, receiptRow{"카드번호", c.Number},
				receiptRow{"할부", installment}, receiptRow{"승인번호", "00000000"})
		} else if p.Detail != "" {
			pay.Rows = append(pay.Rows, receiptRow{"결제 정보", p.Detail})
		}
		when := kstTime(p.RequestedAt).Format(time.DateTime)
		if p.ApprovedAt != 0 {
			when = kstTime(p.ApprovedAt).Format(time.DateTime)
		}
		pay.Rows = append(pay.Rows, receiptRow{"거래일시", when}, receiptRow{"주문명", p.OrderName},
			receiptRow{"주문번호", p.OrderID})
		vat := vatOf(p.Balance, p.TaxFree, p.TaxExempt)
		amounts := receiptSection{Rows: []receiptRow{{"공급가액", won(p.Balance - p.TaxFree - p.TaxExempt - vat)},
			{"부가세", won(vat)}}}
		if p.TaxFree+p.TaxExempt > 0 {
			amounts.Rows = append(amounts.Rows, receiptRow{"면세", won(p.TaxFree + p.TaxExempt)})
		}
		sections = []receiptSection{merchant, pay, amounts}
		if cancelled := p.Amount - p.Balance; cancelled > 0 {
			stamp = "부분 취소"
			if p.Balance == 0 {
				stamp = "취소"
			}
			sections = append(sections, receiptSection{Class: "cancel", Rows: []receiptRow{{"승인 금액", won(p.Amount)},
				{"취소 금액", "-" + won(cancelled)}}})
		}
		sections = append(sections, receiptSection{Class: "total", Rows: []receiptRow{{"합계", won(p.Balance)}}})
		if p.ApprovedAt == 0 {
			stamp = "미승인 (" + p.Status.String() + ")"
		}
	}
	s.mu.Unlock()
	s.renderReceipt(w, ok, title, stamp, sections)
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
	s.renderReceipt(w, rows != nil, "현금영수증", "", []receiptSection{{Rows: rows}})
}

func (s *Server) renderReceipt(w http.ResponseWriter, found bool, title, stamp string, sections []receiptSection) {
	if !found {
		http.Error(w, "영수증을 찾을 수 없습니다.", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := receiptPage.Execute(w, struct {
		Title, Stamp string
		Sections     []receiptSection
	}{title, stamp, sections}); err != nil {
		s.log.Warn("sandbox: render receipt", slog.Any("err", err))
	}
}
