package sandbox

import "net/http"

// Billing (auto-pay) endpoints of docs/toss.md#billing. They need the individual-API
// key pair; a widget secret key gets INVALID_API_KEY.

type billingJSON struct {
	MID             string          `json:"mId"`
	CustomerKey     string          `json:"customerKey"`
	AuthenticatedAt string          `json:"authenticatedAt"`
	Method          string          `json:"method"`
	BillingKey      string          `json:"billingKey"`
	Card            billingCardJSON `json:"card"`
	CardCompany     string          `json:"cardCompany"`
	CardNumber      string          `json:"cardNumber"`
}

type billingCardJSON struct {
	IssuerCode   string `json:"issuerCode"`
	AcquirerCode string `json:"acquirerCode"`
	Number       string `json:"number"`
	CardType     string `json:"cardType"`
	OwnerType    string `json:"ownerType"`
}

func billingJSONOf(b *billing, l lang) billingJSON {
	owner := l.pick("개인", "PERSONAL")
	if b.Card.Corporate {
		owner = l.pick("법인", "CORPORATE")
	}
	issuer := b.Card.Issuer.String()
	return billingJSON{
		MID: mid, CustomerKey: b.CustomerKey, AuthenticatedAt: fmtTime(b.AuthorizedAt), Method: l.methodName(methodCard),
		BillingKey: b.Key,
		Card: billingCardJSON{IssuerCode: issuer, AcquirerCode: b.Card.Acquirer.String(), Number: b.Card.Number,
			CardType: l.pick("신용", "CREDIT"), OwnerType: owner},
		CardCompany: l.pick(cardCompanyNames[issuer], cardCompanyEnglish[issuer]), CardNumber: b.Card.Number,
	}
}

func requireAPIFamily(c *call) *apiError {
	if keyPairs[c.pair].fam != familyAPI {
		return newError("INVALID_API_KEY", "자동결제는 API 개별 연동 키로만 사용할 수 있습니다.")
	}
	return nil
}

func (s *Server) storeBillingLocked(customerKey string, cd card, now int64) *billing {
	b := &billing{Key: s.newBillingKeyLocked(), CustomerKey: customerKey, Card: cd, AuthorizedAt: now}
	s.st.billings[b.Key] = b
	s.dirty = true
	return b
}

// issueBillingFromAuthKey is POST /v1/billing/authorizations/issue (docs/toss.md#billing-issue).
func (s *Server) issueBillingFromAuthKey(c *call) result {
	if e := requireAPIFamily(c); e != nil {
		return errResult(e)
	}
	var req struct {
		AuthKey     string `json:"authKey"`
		CustomerKey string `json:"customerKey"`
	}
	if e := decode(c, &req); e != nil {
		return errResult(e)
	}
	if !validCustomerKey(req.CustomerKey) {
		return errResult(newError("INVALID_CUSTOMER_KEY", "customerKey 형식이 올바르지 않습니다."))
	}
	ak, ok := s.st.authKeys[req.AuthKey]
	if !ok || ak.CustomerKey != req.CustomerKey || ak.Pair != c.pair {
		return errResult(newError("INVALID_BILLING_AUTH", "유효하지 않은 authKey 입니다."))
	}
	delete(s.st.authKeys, req.AuthKey) // one-time
	b := s.storeBillingLocked(req.CustomerKey, *cardFor(defaultTestCard, false, 0), c.now)
	return jsonResult(billingJSONOf(b, c.lang))
}

// issueBillingFromCard is POST /v1/billing/authorizations/card (docs/toss.md#billing-issue).
func (s *Server) issueBillingFromCard(c *call) result {
	if e := requireAPIFamily(c); e != nil {
		return errResult(e)
	}
	var req struct {
		cardData
		CustomerKey string `json:"customerKey"`
	}
	if e := decode(c, &req); e != nil {
		return errResult(e)
	}
	if !validCustomerKey(req.CustomerKey) {
		return errResult(newError("INVALID_CUSTOMER_KEY", "customerKey 형식이 올바르지 않습니다."))
	}
	if e := req.validate(c.now); e != nil {
		return errResult(e)
	}
	b := s.storeBillingLocked(req.CustomerKey, *cardFor(req.CardNumber, req.corporate(), 0), c.now)
	return jsonResult(billingJSONOf(b, c.lang))
}

// chargeBilling is POST /v1/billing/{billingKey} (docs/toss.md#billing-charge): a DONE BILLING
// payment, without a webhook.
func (s *Server) chargeBilling(c *call) result {
	if e := requireAPIFamily(c); e != nil {
		return errResult(e)
	}
	b, ok := s.st.billings[c.r.PathValue("billingKey")]
	if !ok {
		return errResult(newError("NOT_FOUND_BILLING", "존재하지 않는 빌링키 입니다."))
	}
	var req struct {
		Amount              amount `json:"amount"`
		CustomerKey         string `json:"customerKey"`
		OrderID             string `json:"orderId"`
		OrderName           string `json:"orderName"`
		CustomerEmail       string `json:"customerEmail"`
		CustomerName        string `json:"customerName"`
		TaxFreeAmount       amount `json:"taxFreeAmount"`
		TaxExemptionAmount  amount `json:"taxExemptionAmount"`
		CardInstallmentPlan reqInt `json:"cardInstallmentPlan"`
	}
	if e := decode(c, &req); e != nil {
		return errResult(e)
	}
	if !req.Amount.set {
		return errResult(errInvalid("amount는 필수입니다."))
	}
	if req.CustomerKey != b.CustomerKey {
		return errResult(newError("NOT_MATCHES_CUSTOMER_KEY", "빌링키 인증 시 사용한 customerKey와 일치하지 않습니다."))
	}
	if e := validateCustomer("", req.CustomerName, req.CustomerEmail, ""); e != nil {
		return errResult(e)
	}
	if e := s.billingDeclineLocked(b); e != nil {
		return errResult(e)
	}
	p, e := s.newCardPaymentLocked(c, cardPaymentInput{
		billingCard: &b.Card, amount: req.Amount.v, taxFree: req.TaxFreeAmount.v, taxExempt: req.TaxExemptionAmount.v,
		orderID: req.OrderID, orderName: req.OrderName, customerKey: req.CustomerKey,
		installment: req.CardInstallmentPlan, typ: typeBilling,
	})
	if e != nil {
		return errResult(e)
	}
	s.approveLocked(p, c.now)
	return s.paymentResult(c, p)
}

// deleteBilling is DELETE /v1/billing/{billingKey} (docs/toss.md#billing-delete): 200 with an empty
// body, and a BILLING_DELETED webhook.
func (s *Server) deleteBilling(c *call) result {
	if e := requireAPIFamily(c); e != nil {
		return errResult(e)
	}
	key := c.r.PathValue("billingKey")
	if _, ok := s.st.billings[key]; !ok {
		return errResult(newError("NOT_FOUND_BILLING", "존재하지 않는 빌링키 입니다."))
	}
	delete(s.st.billings, key)
	s.dirty = true
	s.billingDeletedEventLocked(key, c.now)
	return result{status: http.StatusOK}
}

// issueAuthKey returns a one-time authKey for customerKey, as a successful
// requestBillingAuth in the browser would (docs/toss.md#billing-auth).
func (s *Server) issueAuthKey(clientKey, customerKey string) (string, *apiError) {
	pair, ok := pairByClient(clientKey)
	if !ok {
		return "", newError("INVALID_CLIENT_KEY", "클라이언트 키가 올바르지 않습니다.")
	}
	if keyPairs[pair].fam != familyAPI {
		return "", newError("INVALID_API_KEY", "자동결제는 API 개별 연동 키로만 사용할 수 있습니다.")
	}
	if !validCustomerKey(customerKey) {
		return "", newError("INVALID_CUSTOMER_KEY", "customerKey 형식이 올바르지 않습니다.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := &authKey{Key: s.newAuthKeyLocked(), CustomerKey: customerKey, Pair: pair}
	s.st.authKeys[k.Key] = k
	s.dirty = true
	return k.Key, nil
}
