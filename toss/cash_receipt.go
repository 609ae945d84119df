package toss

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// CashReceiptService issues, cancels and lists cash receipts (API version
// 2022-07-27 or later). Get it from Client.CashReceipts.
type CashReceiptService struct{ b *backend }

// CashReceiptParams is the body of POST /v1/cash-receipts. All but
// TaxFreeAmount are required. CustomerIdentityNumber is a phone or
// cash-receipt card number (income deduction) or a business number (expense
// proof).
type CashReceiptParams struct {
	Params                 `json:"-"`
	Amount                 Amount          `json:"amount"`
	OrderID                string          `json:"orderId"`
	OrderName              string          `json:"orderName"`
	Type                   CashReceiptType `json:"type"`
	CustomerIdentityNumber string          `json:"customerIdentityNumber"`
	TaxFreeAmount          *Amount         `json:"taxFreeAmount,omitempty"`
}

// Issue issues a cash receipt (POST /v1/cash-receipts); it starts
// IN_PROGRESS and the tax office decides within a day or two.
func (s *CashReceiptService) Issue(ctx context.Context, p *CashReceiptParams) (*CashReceipt, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: nil CashReceiptParams", ErrInvalidParams)
	}
	return s.post(ctx, "/v1/cash-receipts", "/v1/cash-receipts", p, &p.Params)
}

// CashReceiptCancelParams is the body of POST /v1/cash-receipts/{receiptKey}/cancel.
type CashReceiptCancelParams struct {
	Params `json:"-"`
	Amount *Amount `json:"amount,omitempty"` // nil cancels the whole receipt
}

// Cancel cancels a cash receipt fully or partly
// (POST /v1/cash-receipts/{receiptKey}/cancel); the answer has
// TransactionType CANCEL. p may be nil for a full cancel.
func (s *CashReceiptService) Cancel(ctx context.Context, receiptKey string, p *CashReceiptCancelParams) (*CashReceipt, error) {
	if p == nil {
		p = &CashReceiptCancelParams{}
	}
	path, err := pathWithID("/v1/cash-receipts/", receiptKey, "/cancel")
	if err != nil {
		return nil, err
	}
	return s.post(ctx, "/v1/cash-receipts/{receiptKey}/cancel", path, p, &p.Params)
}

func (s *CashReceiptService) post(ctx context.Context, route, path string, body any, params *Params) (*CashReceipt, error) {
	var out CashReceipt
	req := request{method: http.MethodPost, route: route, path: path, body: body, params: params}
	if err := s.b.call(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CashReceiptListParams selects the receipts requested on one Korea-time
// date. Cursor resumes from a previous lastCursor; Limit is the page size
// (Toss default 100, max 10000).
type CashReceiptListParams struct {
	RequestDate time.Time
	Cursor      *int64
	Limit       int
}

// List iterates over cash receipts (GET /v1/cash-receipts), following
// hasNext/lastCursor. An error (including ErrInvalidParams for nil params or
// a zero RequestDate) is yielded once and ends the iteration.
func (s *CashReceiptService) List(ctx context.Context, p *CashReceiptListParams) iter.Seq2[CashReceipt, error] {
	if p == nil || p.RequestDate.IsZero() {
		return paginate(ctx, func() pager[CashReceipt] {
			return failingPager[CashReceipt](fmt.Errorf("%w: CashReceiptListParams needs RequestDate", ErrInvalidParams))
		})
	}
	return paginate(ctx, func() pager[CashReceipt] {
		cursor := p.Cursor
		return func(ctx context.Context) ([]CashReceipt, bool, error) {
			q := url.Values{"requestDate": {formatDate(p.RequestDate)}}
			if p.Limit > 0 {
				q.Set("limit", strconv.Itoa(p.Limit))
			}
			if cursor != nil {
				q.Set("cursor", strconv.FormatInt(*cursor, 10))
			}
			var page struct {
				HasNext    bool          `json:"hasNext"`
				LastCursor *int64        `json:"lastCursor"`
				Data       []CashReceipt `json:"data"`
			}
			if err := getList(ctx, s.b, "/v1/cash-receipts", q, &page); err != nil {
				return nil, false, err
			}
			cursor = page.LastCursor
			return page.Data, page.HasNext && cursor != nil, nil
		}
	})
}
