package sandbox

type keyInRequest struct {
	cardData
	Amount              amount `json:"amount"`
	OrderID             string `json:"orderId"`
	OrderName           string `json:"orderName"`
	CardInstallmentPlan reqInt `json:"cardInstallmentPlan"`
	TaxFreeAmount       amount `json:"taxFreeAmount"`
	CustomerKey         string `json:"customerKey"`
}

// keyIn is POST /v1/payments/key-in (docs/toss.md#key-in): a card payment approved
// in one call.
func (s *Server) keyIn(c *call) result {
	if keyPairs[c.pair].fam != familyAPI {
		return errResult(newError("INVALID_API_KEY", "카드 번호 결제는 API 개별 연동 키로만 사용할 수 있습니다."))
	}
	var req keyInRequest
	if e := decode(c, &req); e != nil {
		return errResult(e)
	}
	if !req.Amount.set {
		return errResult(errInvalid("amount는 필수입니다."))
	}
	p, e := s.newCardPaymentLocked(c, cardPaymentInput{
		card: &req.cardData, amount: req.Amount.v, taxFree: req.TaxFreeAmount.v,
		orderID: req.OrderID, orderName: req.OrderName, installment: req.CardInstallmentPlan,
	})
	if e != nil {
		return errResult(e)
	}
	s.approveLocked(p, c.now)
	return s.paymentResult(c, p)
}

type cardPaymentInput struct {
	card               *cardData // nil for a billing charge
	billingCard        *card
	amount, taxFree    int64
	taxExempt          int64
	orderID, orderName string
	customerKey        string
	installment        reqInt
	typ                uint8
}

// newCardPaymentLocked validates and stores a card payment that is approved
// at once (key-in, billing charge).
func (s *Server) newCardPaymentLocked(c *call, in cardPaymentInput) (*payment, *apiError) {
	if e := validateOrder(in.orderID, in.orderName); e != nil {
		return nil, e
	}
	if e := validateAmount(in.amount, methodCard); e != nil {
		return nil, e
	}
	if in.taxFree < 0 || in.taxExempt < 0 || in.taxFree+in.taxExempt > in.amount {
		return nil, errInvalid("taxFreeAmount/taxExemptionAmount가 올바르지 않습니다.")
	}
	var months uint8
	if in.installment.set {
		switch m := in.installment.v; {
		case m == 0 || m == 1:
		case m < 0 || m > 12:
			return nil, newError("INVALID_CARD_INSTALLMENT_PLAN", "할부 개월 정보가 잘못되었습니다.")
		case in.amount < 50000:
			return nil, newError("NOT_SUPPORTED_MONTHLY_INSTALLMENT_PLAN", "할부가 지원되지 않는 카드 또는 가맹점 입니다. (5만원 이상부터 할부 가능)")
		default:
			months = uint8(m)
		}
	}
	cd := in.billingCard
	if in.card != nil {
		if e := in.card.validate(c.now); e != nil {
			return nil, e
		}
		cd = cardFor(in.card.CardNumber, in.card.corporate(), months)
	} else {
		cp := *cd
		cp.Installment = months
		cd = &cp
	}
	if e := s.checkOrderFreeLocked(in.orderID, c.now); e != nil {
		return nil, e
	}
	p := &payment{
		Key:         s.newPaymentKeyLocked(c.now),
		OrderID:     in.orderID,
		OrderName:   in.orderName,
		CustomerKey: in.customerKey,
		Amount:      in.amount,
		Balance:     in.amount,
		TaxFree:     in.taxFree,
		TaxExempt:   in.taxExempt,
		RequestedAt: c.now,
		Pair:        c.pair,
		Type:        in.typ,
		Method:      methodCard,
		Card:        cd,
	}
	s.addPaymentLocked(p)
	return p, nil
}
