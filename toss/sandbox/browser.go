package sandbox

import (
	"bytes"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// The browser side: the SDK-compatible script, the hosted payment window and
// the billing auth window.

//go:embed static/sdk.js
var sdkScript []byte

//go:embed templates/*.html
var browserTemplates embed.FS

// browserPages holds the window, billing auth and error pages, parsed once.
var browserPages = template.Must(template.New("").Funcs(template.FuncMap{"won": formatWon}).ParseFS(browserTemplates, "templates/*.html"))

// Failure codes and messages the window sends to failUrl (docs/toss.md#redirects,
// docs/toss.md#browser-errors). The messages are our own wording.
const (
	codeCanceled       = "PAY_PROCESS_CANCELED"
	messageCanceled    = "사용자에 의해 결제가 취소되었습니다."
	codeCardRejected   = "REJECT_CARD_COMPANY"
	messageCardRejects = "카드사에서 결제를 거절했습니다."
)

// maxFormBytes bounds a window's form post.
const maxFormBytes = 64 << 10

// registerBrowserRoutes adds the script, the payment window and the billing
// auth window to mux.
func (s *Server) registerBrowserRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v2/standard", serveSDK)
	mux.HandleFunc("GET /window", s.showWindow)
	mux.HandleFunc("POST /window", s.submitWindow)
	mux.HandleFunc("GET /billing-auth", s.showBillingAuth)
	mux.HandleFunc("POST /billing-auth", s.submitBillingAuth)
}

func serveSDK(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(sdkScript)
}

// windowRequest is what the SDK script puts in the window's query, and what
// the window's form posts back (plus the shopper's choice and outcome).
type windowRequest struct {
	ClientKey           string
	CustomerKey         string
	Method              string // as requested; "" lets the shopper choose any method
	EasyPay             string // easy-pay code, e.g. TOSSPAY
	Amount              int64
	OrderID             string
	OrderName           string
	SuccessURL          string // "" with FailURL "": promise mode
	FailURL             string
	Origin              string // promise mode: the merchant page's origin, told the result by postMessage
	CustomerName        string
	CustomerEmail       string
	CustomerMobilePhone string
	Metadata            string // requestPayment's metadata as JSON, values as strings; "" for none
	metadata            map[string]string
	TaxFreeAmount       int64
	// CashReceiptType and CashReceiptNumber are virtualAccount/transfer
	// cashReceipt {type, registrationNumber}; the window lets the shopper
	// change them, as Toss's does.
	CashReceiptType, CashReceiptNumber string
}

// promiseMode reports whether the page asked for the result as a promise
// (no successUrl and failUrl) rather than a redirect.
func (req windowRequest) promiseMode() bool {
	return req.SuccessURL == "" && req.FailURL == ""
}

// windowEasyPays are the easy-pay codes the window offers, in display order;
// their names come from easyPayProviders.
var windowEasyPays = []string{"TOSSPAY", "NAVERPAY", "KAKAOPAY", "PAYCO", "SAMSUNGPAY", "SSG", "LPAY", "APPLEPAY", "PINPAY", "KBPAY"}

// methodChoices returns the methods the shopper may pick for a requested
// method: a card request also offers easy pay, as Toss's integrated card window
// does; no method offers the five common ones.
func methodChoices(requested string) []string {
	switch requested {
	case "":
		return []string{"CARD", "EASY_PAY", "VIRTUAL_ACCOUNT", "TRANSFER", "MOBILE_PHONE"}
	case "CARD":
		return []string{"CARD", "EASY_PAY"}
	default:
		return []string{requested}
	}
}

// easyPayCode accepts a code (TOSSPAY) or a provider name (토스페이) and
// returns the code.
func easyPayCode(v string) (string, bool) {
	for code, name := range easyPayProviders {
		if v == code || v == name {
			return code, true
		}
	}
	return "", false
}

// badWindow is a request the window refuses. It is shown as a page, never sent
// to failUrl, because failUrl itself may be what is wrong.
func badWindow(code, message string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: code, Message: message}
}

// parseWindowRequest reads and checks the window parameters from v, with the
// identifier rules the API applies (validate.go).
func (s *Server) parseWindowRequest(v url.Values) (windowRequest, *apiError) {
	req := windowRequest{
		ClientKey:           v.Get("clientKey"),
		CustomerKey:         v.Get("customerKey"),
		Method:              v.Get("method"),
		OrderID:             v.Get("orderId"),
		OrderName:           v.Get("orderName"),
		SuccessURL:          v.Get("successUrl"),
		FailURL:             v.Get("failUrl"),
		Origin:              v.Get("origin"),
		CustomerName:        v.Get("customerName"),
		CustomerEmail:       v.Get("customerEmail"),
		CustomerMobilePhone: v.Get("customerMobilePhone"),
		CashReceiptType:     v.Get("cashReceiptType"),
		CashReceiptNumber:   v.Get("cashReceiptRegistrationNumber"),
	}
	if e := s.checkClientKey(req.ClientKey); e != nil {
		return req, e
	}
	if _, ok := parseMethod(req.Method); req.Method != "" && !ok {
		return req, badWindow("NOT_SUPPORTED_METHOD", "지원하지 않는 결제수단입니다: "+req.Method)
	}
	if e := v.Get("easyPay"); e != "" {
		code, ok := easyPayCode(e)
		if !ok {
			return req, badWindow("INVALID_PARAMETERS", "지원하지 않는 간편결제사입니다: "+e)
		}
		req.EasyPay = code
	}
	amount, err := strconv.ParseInt(v.Get("amount"), 10, 64)
	if err != nil || amount <= 0 {
		return req, badWindow("INVALID_AMOUNT_VALUE", "결제 금액은 0보다 큰 정수(원)여야 합니다.")
	}
	req.Amount = amount
	if raw := v.Get("taxFreeAmount"); raw != "" {
		tf, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || tf < 0 || tf > amount {
			return req, badWindow("INVALID_PARAMETERS", "taxFreeAmount는 0 이상 결제 금액 이하의 정수여야 합니다.")
		}
		req.TaxFreeAmount = tf
	}
	if e := validateOrder(req.OrderID, req.OrderName); e != nil {
		return req, badWindow(e.Code, e.Message)
	}
	if req.promiseMode() {
		if !isOrigin(req.Origin) {
			return req, badWindow("INVALID_PARAMETERS", "Promise 방식에는 가맹점 페이지의 origin(예: https://shop.example)이 필요합니다.")
		}
	} else if e := checkRedirectURLs(req.SuccessURL, req.FailURL); e != nil {
		return req, e
	}
	if e := validateCustomer(req.CustomerKey, req.CustomerName, req.CustomerEmail, req.CustomerMobilePhone); e != nil {
		return req, badWindow(e.Code, e.Message)
	}
	if raw := v.Get("metadata"); raw != "" {
		md, ok := parseMetadata(raw)
		if !ok {
			return req, badWindow("INVALID_METADATA", "metadata는 5쌍 이하의 객체여야 하고, 키는 [ ] 없이 40자 이하, 값은 2000자 이하여야 합니다.")
		}
		req.Metadata = raw
		req.metadata = md
	}
	return req, nil
}

func (s *Server) checkClientKey(clientKey string) *apiError {
	if !s.clientKeyKnown(clientKey) {
		return &apiError{Status: http.StatusUnauthorized, Code: "INVALID_CLIENT_KEY",
			Message: "등록되지 않은 클라이언트 키입니다. 샌드박스의 테스트 클라이언트 키를 사용하세요."}
	}
	return nil
}

// checkRedirectURLs requires absolute http(s) URLs, as the SDK does.
func checkRedirectURLs(successURL, failURL string) *apiError {
	if !absoluteHTTPURL(successURL) {
		return badWindow("INCORRECT_SUCCESS_URL_FORMAT", "successUrl은 오리진을 포함한 http 또는 https URL이어야 합니다.")
	}
	if !absoluteHTTPURL(failURL) {
		return badWindow("INCORRECT_FAIL_URL_FORMAT", "failUrl은 오리진을 포함한 http 또는 https URL이어야 합니다.")
	}
	return nil
}

// absoluteHTTPURL reports whether raw is an absolute http(s) URL written in
// printable ASCII, as the SDK script sends it (URL.href).
// isOrigin reports whether raw is a bare http(s) origin: scheme, host and port.
func isOrigin(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && absoluteHTTPURL(raw) && u.User == nil && u.Path == "" && !u.ForceQuery && u.RawQuery == "" && u.Fragment == ""
}

func absoluteHTTPURL(raw string) bool {
	for i := 0; i < len(raw); i++ {
		if raw[i] <= ' ' || raw[i] > '~' {
			return false
		}
	}
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

type methodOption struct {
	Code, Label string
	Checked     bool
}

type easyPayOption struct {
	Code, Label string
	Selected    bool
}

type windowPage struct {
	Request     windowRequest
	Methods     []methodOption
	ShowEasyPay bool
	EasyPays    []easyPayOption
	// ShowCashReceipt is set when a virtual account or transfer can be
	// chosen: the window asks for the cash receipt.
	ShowCashReceipt bool
}

func newWindowPage(req windowRequest) windowPage {
	p := windowPage{Request: req}
	for i, code := range methodChoices(req.Method) {
		m, _ := parseMethod(code)
		p.Methods = append(p.Methods, methodOption{Code: code, Label: methodNames[m].ko, Checked: i == 0})
		p.ShowEasyPay = p.ShowEasyPay || code == "EASY_PAY"
		p.ShowCashReceipt = p.ShowCashReceipt || code == "VIRTUAL_ACCOUNT" || code == "TRANSFER"
	}
	for i, code := range windowEasyPays {
		selected := code == req.EasyPay || (req.EasyPay == "" && i == 0)
		p.EasyPays = append(p.EasyPays, easyPayOption{Code: code, Label: easyPayProviders[code], Selected: selected})
	}
	return p
}

// showWindow renders the hosted payment window.
func (s *Server) showWindow(w http.ResponseWriter, r *http.Request) {
	req, werr := s.parseWindowRequest(r.URL.Query())
	if werr != nil {
		renderBrowserPage(w, werr.Status, "error.html", werr)
		return
	}
	renderBrowserPage(w, http.StatusOK, "window.html", newWindowPage(req))
}

// submitWindow performs the outcome the shopper chose and redirects to the
// merchant's successUrl or failUrl; in promise mode it renders a page that
// posts the outcome to the merchant page holding the window's iframe.
func (s *Server) submitWindow(w http.ResponseWriter, r *http.Request) {
	form, ok := postedForm(w, r)
	if !ok {
		return
	}
	req, werr := s.parseWindowRequest(form)
	if werr != nil {
		renderBrowserPage(w, werr.Status, "error.html", werr)
		return
	}
	method := form.Get("choice")
	if !slices.Contains(methodChoices(req.Method), method) {
		renderBrowserPage(w, http.StatusBadRequest, "error.html", badWindow("NOT_SUPPORTED_METHOD", "선택할 수 없는 결제수단입니다: "+method))
		return
	}
	outcome := form.Get("outcome")
	res, ok := outcomeOf(outcome, req.OrderID, func() windowOutcome { return s.approve(req, method) })
	if !ok {
		renderBrowserPage(w, http.StatusBadRequest, "error.html", badWindow("INVALID_PARAMETERS", "알 수 없는 결과입니다: "+outcome))
		return
	}
	s.log.Info("sandbox: payment window", slog.String("outcome", outcome),
		slog.String("method", method), slog.String("orderId", req.OrderID), slog.Bool("promise", req.promiseMode()))
	if req.promiseMode() {
		renderBrowserPage(w, http.StatusOK, "result.html", promisePage{Origin: req.Origin, Message: res.message()})
		return
	}
	res.redirect(w, r, req.SuccessURL, req.FailURL)
}

// postedForm parses a window's form post, answering a bad body itself.
func postedForm(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		renderBrowserPage(w, http.StatusBadRequest, "error.html", badWindow("INVALID_PARAMETERS", "요청 본문을 읽을 수 없습니다."))
		return nil, false
	}
	return r.PostForm, true
}

// windowOutcome is how a window ended: success or failure, with the fields
// Toss appends to successUrl or failUrl, in order (key, value, key, value…).
type windowOutcome struct {
	success bool
	fields  []string
}

// failedOutcome is a failure outcome; orderID "" leaves orderId out.
func failedOutcome(code, message, orderID string) windowOutcome {
	fields := []string{"code", code, "message", message}
	if orderID != "" {
		fields = append(fields, "orderId", orderID)
	}
	return windowOutcome{fields: fields}
}

// outcomeOf returns the result of the shopper's button: "approve" runs
// approve; "close" is PAY_PROCESS_CANCELED without orderId (docs/toss.md#redirects); "reject" is REJECT_CARD_COMPANY. ok is false for anything else.
func outcomeOf(outcome, orderID string, approve func() windowOutcome) (res windowOutcome, ok bool) {
	switch outcome {
	case "approve":
		return approve(), true
	case "close":
		return failedOutcome(codeCanceled, messageCanceled, ""), true
	case "reject":
		return failedOutcome(codeCardRejected, messageCardRejects, orderID), true
	}
	return windowOutcome{}, false
}

// redirect sends the browser to successURL or failURL with the outcome's
// fields appended.
func (o windowOutcome) redirect(w http.ResponseWriter, r *http.Request, successURL, failURL string) {
	target := failURL
	if o.success {
		target = successURL
	}
	http.Redirect(w, r, appendRedirectQuery(target, o.fields...), http.StatusSeeOther)
}

// promiseMessage is what the window posts to the merchant page in promise
// mode; the SDK script turns it into the promise's value or error.
type promiseMessage struct {
	Type    string            `json:"type"`
	Success bool              `json:"success"`
	Fields  map[string]string `json:"fields"`
}

type promisePage struct {
	Origin  string
	Message promiseMessage
}

func (o windowOutcome) message() promiseMessage {
	m := promiseMessage{Type: "paydeck-sandbox-result", Success: o.success, Fields: make(map[string]string, len(o.fields)/2)}
	for i := 0; i+1 < len(o.fields); i += 2 {
		m.Fields[o.fields[i]] = o.fields[i+1]
	}
	return m
}

// approve authenticates the payment (IN_PROGRESS, awaiting confirm).
func (s *Server) approve(req windowRequest, method string) windowOutcome {
	in := authorizeInput{
		ClientKey:           req.ClientKey,
		Method:              method,
		Amount:              req.Amount,
		OrderID:             req.OrderID,
		OrderName:           req.OrderName,
		CustomerKey:         req.CustomerKey,
		CustomerName:        req.CustomerName,
		CustomerEmail:       req.CustomerEmail,
		CustomerMobilePhone: req.CustomerMobilePhone,
		PaymentType:         "NORMAL",
		Metadata:            req.metadata,
		TaxFreeAmount:       req.TaxFreeAmount,
		CashReceiptType:     req.CashReceiptType,
		CashReceiptNumber:   req.CashReceiptNumber,
	}
	if method == "EASY_PAY" {
		in.EasyPay = req.EasyPay
	}
	out, apiErr := s.authorize(in)
	if apiErr != nil {
		return failedOutcome(apiErr.Code, apiErr.Message, req.OrderID)
	}
	return windowOutcome{success: true, fields: []string{
		"paymentType", out.PaymentType,
		"orderId", out.OrderID,
		"paymentKey", out.PaymentKey,
		"amount", strconv.FormatInt(out.Amount, 10),
	}}
}

// billingAuthRequest is what requestBillingAuth puts in the billing auth
// window's query, and what its form posts back (plus the outcome).
type billingAuthRequest struct {
	ClientKey     string
	CustomerKey   string
	Method        string // CARD: the only billing method emulated
	SuccessURL    string
	FailURL       string
	CustomerName  string
	CustomerEmail string
}

func (s *Server) parseBillingRequest(v url.Values) (billingAuthRequest, *apiError) {
	req := billingAuthRequest{
		ClientKey:     v.Get("clientKey"),
		CustomerKey:   v.Get("customerKey"),
		Method:        v.Get("method"),
		SuccessURL:    v.Get("successUrl"),
		FailURL:       v.Get("failUrl"),
		CustomerName:  v.Get("customerName"),
		CustomerEmail: v.Get("customerEmail"),
	}
	if e := s.checkClientKey(req.ClientKey); e != nil {
		return req, e
	}
	if req.Method != "CARD" {
		return req, badWindow("NOT_SUPPORTED_METHOD", "샌드박스는 카드 자동결제 등록만 지원합니다: "+req.Method)
	}
	// Billing belongs to a known shopper: ANONYMOUS is refused (docs/toss.md#billing-auth).
	if req.CustomerKey == "@@ANONYMOUS" || !validCustomerKey(req.CustomerKey) {
		return req, badWindow("INVALID_CUSTOMER_KEY", "자동결제 등록에는 ANONYMOUS가 아닌 customerKey가 필요합니다. customerKey는 영문 대소문자, 숫자, -, _, =, ., @ 로 이루어진 2자 이상 300자 이하여야 합니다.")
	}
	if e := checkRedirectURLs(req.SuccessURL, req.FailURL); e != nil {
		return req, e
	}
	if e := validateCustomer("", req.CustomerName, req.CustomerEmail, ""); e != nil {
		return req, badWindow(e.Code, e.Message)
	}
	return req, nil
}

// showBillingAuth renders the billing auth (card registration) window.
func (s *Server) showBillingAuth(w http.ResponseWriter, r *http.Request) {
	req, e := s.parseBillingRequest(r.URL.Query())
	if e != nil {
		renderBrowserPage(w, e.Status, "error.html", e)
		return
	}
	renderBrowserPage(w, http.StatusOK, "billing.html", req)
}

// submitBillingAuth performs the outcome and redirects: success carries
// customerKey and authKey (docs/toss.md#billing-auth), failure code and message.
func (s *Server) submitBillingAuth(w http.ResponseWriter, r *http.Request) {
	form, ok := postedForm(w, r)
	if !ok {
		return
	}
	req, e := s.parseBillingRequest(form)
	if e != nil {
		renderBrowserPage(w, e.Status, "error.html", e)
		return
	}
	outcome := form.Get("outcome")
	res, ok := outcomeOf(outcome, "", func() windowOutcome {
		authKey, e := s.issueAuthKey(req.ClientKey, req.CustomerKey)
		if e != nil {
			return failedOutcome(e.Code, e.Message, "")
		}
		return windowOutcome{success: true, fields: []string{"customerKey", req.CustomerKey, "authKey", authKey}}
	})
	if !ok {
		renderBrowserPage(w, http.StatusBadRequest, "error.html", badWindow("INVALID_PARAMETERS", "알 수 없는 결과입니다: "+outcome))
		return
	}
	s.log.Info("sandbox: billing auth window", slog.String("outcome", outcome))
	res.redirect(w, r, req.SuccessURL, req.FailURL)
}

// appendRedirectQuery adds the key/value pairs to raw's query in the given order,
// keeping raw's own query and fragment.
func appendRedirectQuery(raw string, pairs ...string) string {
	base, fragment, hasFragment := strings.Cut(raw, "#")
	var b strings.Builder
	b.WriteString(base)
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
		if strings.HasSuffix(base, "?") || strings.HasSuffix(base, "&") {
			sep = ""
		}
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		b.WriteString(sep)
		b.WriteString(url.QueryEscape(pairs[i]))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(pairs[i+1]))
		sep = "&"
	}
	if hasFragment {
		b.WriteByte('#')
		b.WriteString(fragment)
	}
	return b.String()
}

// formatWon formats a non-negative amount as Korean won: 12345 → "12,345원".
func formatWon(amount int64) string {
	digits := strconv.FormatInt(amount, 10)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	b.WriteString("원")
	return b.String()
}

func renderBrowserPage(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := browserPages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "sandbox: rendering "+name+": "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}
