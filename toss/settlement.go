package toss

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"time"
)

// SettlementService lists settlements. Get it from Client.Settlements.
type SettlementService struct{ b *backend }

// SettlementDateType chooses which date SettlementListParams filters on.
type SettlementDateType string

// Settlement date types.
const (
	SettlementBySoldDate    SettlementDateType = "soldDate" // Toss's default
	SettlementByPaidOutDate SettlementDateType = "paidOutDate"
)

// Settlement is one settlement record (GET /v1/settlements).
type Settlement struct {
	MID             string           `json:"mId"`
	PaymentKey      string           `json:"paymentKey"`
	TransactionKey  string           `json:"transactionKey"`
	OrderID         string           `json:"orderId"`
	Currency        string           `json:"currency"`
	Method          Method           `json:"method"`
	Amount          Amount           `json:"amount"`
	InterestFee     Amount           `json:"interestFee"`
	Fees            []SettlementFee  `json:"fees"`
	SupplyAmount    Amount           `json:"supplyAmount"` // also read from "suppliedAmount"
	VAT             Amount           `json:"vat"`
	PayOutAmount    Amount           `json:"payOutAmount"`
	ApprovedAt      time.Time        `json:"approvedAt"`
	SoldDate        time.Time        `json:"soldDate"`    // a Korea-time date
	PaidOutDate     time.Time        `json:"paidOutDate"` // a Korea-time date
	Card            *Card            `json:"card"`
	EasyPay         *EasyPay         `json:"easyPay"`
	GiftCertificate *GiftCertificate `json:"giftCertificate"`
	MobilePhone     *MobilePhone     `json:"mobilePhone"`
	Transfer        *Transfer        `json:"transfer"`
	VirtualAccount  *VirtualAccount  `json:"virtualAccount"`
	Cancel          *Cancel          `json:"cancel"`
}

// UnmarshalJSON decodes a Settlement, parsing dates tolerantly and accepting
// either spelling of the supply amount.
func (s *Settlement) UnmarshalJSON(b []byte) error {
	type plain Settlement
	aux := struct {
		*plain
		ApprovedAt     jsonTime `json:"approvedAt"`
		SoldDate       jsonTime `json:"soldDate"`
		PaidOutDate    jsonTime `json:"paidOutDate"`
		SuppliedAmount *Amount  `json:"suppliedAmount"`
	}{plain: (*plain)(s)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	s.ApprovedAt, s.SoldDate, s.PaidOutDate = aux.ApprovedAt.t, aux.SoldDate.t, aux.PaidOutDate.t
	if s.SupplyAmount == 0 && aux.SuppliedAmount != nil {
		s.SupplyAmount = *aux.SuppliedAmount
	}
	return nil
}

// SettlementFee is one fee of a settlement.
type SettlementFee struct {
	Type string `json:"type"` // BASE, INSTALLMENT_DISCOUNT, INSTALLMENT, POINT_SAVING, ETC
	Fee  Amount `json:"fee"`
}

// SettlementListParams selects settlements by Korea-time calendar date in
// [StartDate, EndDate]. DateType defaults to SettlementBySoldDate on Toss's
// side; Size is the page size (Toss default 100, max 5000); Page (from 1)
// is the first page to fetch.
type SettlementListParams struct {
	StartDate time.Time
	EndDate   time.Time
	DateType  SettlementDateType
	Page      int
	Size      int
}

// List iterates over settlements (GET /v1/settlements), fetching numbered
// pages lazily until a page is shorter than the size. An error (including
// ErrInvalidParams for nil params or a zero date) is yielded once and ends
// the iteration.
func (s *SettlementService) List(ctx context.Context, p *SettlementListParams) iter.Seq2[Settlement, error] {
	if p == nil || p.StartDate.IsZero() || p.EndDate.IsZero() {
		return paginate(ctx, func() pager[Settlement] {
			return failingPager[Settlement](fmt.Errorf("%w: SettlementListParams needs StartDate and EndDate", ErrInvalidParams))
		})
	}
	size := p.Size
	if size <= 0 {
		size = 100
	}
	return paginate(ctx, func() pager[Settlement] {
		page := max(p.Page, 1)
		return func(ctx context.Context) ([]Settlement, bool, error) {
			q := url.Values{
				"startDate": {formatDate(p.StartDate)},
				"endDate":   {formatDate(p.EndDate)},
				"page":      {strconv.Itoa(page)},
				"size":      {strconv.Itoa(size)},
			}
			if p.DateType != "" {
				q.Set("dateType", string(p.DateType))
			}
			var items []Settlement
			if err := getList(ctx, s.b, "/v1/settlements", q, &items); err != nil {
				return nil, false, err
			}
			page++
			return items, len(items) >= size, nil
		}
	})
}
