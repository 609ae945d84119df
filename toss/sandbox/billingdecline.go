package sandbox

import (
	"errors"
	"net/http"
)

// Billing declines: tell the sandbox to decline the next N charges of one
// billing key (or of every billing key of one customerKey), as a card
// company refusing a renewal would. Unlike a fault, the rule is about the
// card, not the order: it survives new orderIds, which is how a merchant's
// retries look. A declined charge answers 403 with the rule's code (default
// REJECT_CARD_PAYMENT); like every definite refusal, the answer is kept for
// the request's Idempotency-Key, so a retry with the same key is answered
// the same without using up another decline.

// billingDecline is one rule: Remaining more charges of BillingKey, or of
// any billing key bound to CustomerKey, are declined with Code.
type billingDecline struct {
	BillingKey  string `json:"billingKey,omitempty"`
	CustomerKey string `json:"customerKey,omitempty"`
	Remaining   int    `json:"remaining"`
	Code        string `json:"errorCode"`
}

// DeclineBillingCharges declines the next n charges of billingKey (when
// set) or of every billing key of customerKey, answering Toss error code
// (default REJECT_CARD_PAYMENT). n ≤ 0 removes the rules of that key.
func (s *Server) DeclineBillingCharges(billingKey, customerKey string, n int, code string) error {
	if e := s.setDecline(billingKey, customerKey, n, code); e != nil {
		return errors.New(e.Code + ": " + e.Message)
	}
	return nil
}

func (s *Server) setDecline(billingKey, customerKey string, n int, code string) *apiError {
	if code == "" {
		code = "REJECT_CARD_PAYMENT"
	}
	if _, ok := forcedError(code); !ok || codeStatus[code] != http.StatusForbidden && codeStatus[code] != http.StatusBadRequest {
		return errInvalid("errorCode는 400 또는 403으로 답하는 Toss 오류 코드여야 합니다: " + code)
	}
	if (billingKey == "") == (customerKey == "") {
		return errInvalid("billingKey와 customerKey 중 하나만 주어야 합니다.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.declines[:0]
	for _, d := range s.declines {
		if d.BillingKey != billingKey || d.CustomerKey != customerKey {
			kept = append(kept, d)
		}
	}
	s.declines = kept
	if n > 0 {
		s.declines = append(s.declines, &billingDecline{BillingKey: billingKey, CustomerKey: customerKey, Remaining: n, Code: code})
	}
	return nil
}

// BillingKeysOf returns the billing keys bound to customerKey (tests match
// them against what paydeck stores without reading paydeck's secrets).
func (s *Server) BillingKeysOf(customerKey string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for k, b := range s.st.billings {
		if b.CustomerKey == customerKey {
			keys = append(keys, k)
		}
	}
	return keys
}

// billingDeclineLocked uses up one decline for a charge of b, returning
// the error to answer, or nil.
func (s *Server) billingDeclineLocked(b *billing) *apiError {
	for i, d := range s.declines {
		if d.BillingKey != b.Key && (d.CustomerKey == "" || d.CustomerKey != b.CustomerKey) {
			continue
		}
		d.Remaining--
		if d.Remaining <= 0 {
			s.declines = append(s.declines[:i], s.declines[i+1:]...)
		}
		e, _ := forcedError(d.Code)
		return e
	}
	return nil
}

// ctlDeclineBilling is PUT /v1/sandbox/billing/declines:
// {billingKey | customerKey, count, errorCode}.
func (s *Server) ctlDeclineBilling(_ uint8, _ *http.Request, body []byte) result {
	var req struct {
		BillingKey  string `json:"billingKey"`
		CustomerKey string `json:"customerKey"`
		Count       int    `json:"count"`
		ErrorCode   string `json:"errorCode"`
	}
	if e := decodeBody(body, &req); e != nil {
		return errResult(e)
	}
	if e := s.setDecline(req.BillingKey, req.CustomerKey, req.Count, req.ErrorCode); e != nil {
		return errResult(e)
	}
	return jsonResult(map[string]any{"count": req.Count})
}
