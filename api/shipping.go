package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
)

// ItemLine is a quantity of one product of an order, in a shipment or a
// return.
type ItemLine struct {
	ProductID string `json:"productId" format:"uuid" example:"3b9f6c1e-8d2a-4f7b-b1c4-5e6d7a8b9c0d"`
	Quantity  int64  `json:"quantity" minimum:"1" maximum:"1000" example:"1"`
}

// Shipment is one parcel of an order.
type Shipment struct {
	ID             string     `json:"id" format:"uuid" example:"5d6e7f80-91a2-4b3c-8d4e-5f60718293a4"`
	Courier        string     `json:"courier" example:"cj" doc:"Courier code (GET /api/couriers); empty for goods sent without tracking."`
	CourierName    string     `json:"courierName" example:"CJ대한통운"`
	TrackingNumber string     `json:"trackingNumber" example:"630512345678"`
	TrackingURL    string     `json:"trackingUrl" example:"https://trace.cjlogistics.com/next/tracking.html?wblNo=630512345678" doc:"The courier's public tracking page."`
	Items          []ItemLine `json:"items"`
	CreatedAt      time.Time  `json:"createdAt"`
}

// Return is a shopper's return request and the shop's decision.
type Return struct {
	ID                string     `json:"id" format:"uuid" example:"7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"`
	Status            string     `json:"status" enum:"requested,approved,refused" example:"requested"`
	Reason            string     `json:"reason" enum:"change_of_mind,defective,wrong_item" example:"change_of_mind"`
	Note              string     `json:"note" example:"사이즈가 맞지 않아요"`
	Items             []ItemLine `json:"items"`
	RefuseReason      string     `json:"refuseReason,omitempty" example:"사용 흔적이 있어 반품이 어렵습니다"`
	Restock           bool       `json:"restock"`
	RefundAmount      int64      `json:"refundAmount" example:"7000" doc:"What approval refunds: the lines' price less returnShippingFee (plus the order's shipping when the shop pays and everything comes back)."`
	ReturnShippingFee int64      `json:"returnShippingFee" example:"3000" doc:"Return shipping the shopper bears (단순 변심), deducted from the refund."`
	RefundID          string     `json:"refundId,omitempty" format:"uuid"`
	CreatedAt         time.Time  `json:"createdAt"`
	DecidedAt         *time.Time `json:"decidedAt,omitempty"`
}

// Courier is a parcel service ship accepts.
type Courier struct {
	Code        string `json:"code" example:"cj"`
	Name        string `json:"name" example:"CJ대한통운"`
	NameEn      string `json:"nameEn" example:"CJ Logistics"`
	TrackingURL string `json:"trackingUrl" example:"https://trace.cjlogistics.com/next/tracking.html?wblNo={number}" doc:"Template: {number} is the tracking number."`
}

func itemLines(ls []paydeck.ShipmentLine) []ItemLine {
	out := make([]ItemLine, 0, len(ls))
	for _, l := range ls {
		out = append(out, ItemLine(l))
	}
	return out
}

func domainLines(ls []ItemLine) []paydeck.ShipmentLine {
	out := make([]paydeck.ShipmentLine, 0, len(ls))
	for _, l := range ls {
		out = append(out, paydeck.ShipmentLine(l))
	}
	return out
}

func shipmentView(s *paydeck.Shipment) Shipment {
	return Shipment{ID: s.ID, Courier: s.Courier, CourierName: s.CourierName(), TrackingNumber: s.TrackingNumber,
		TrackingURL: s.TrackingURL(), Items: itemLines(s.Lines), CreatedAt: s.CreatedAt}
}

func returnView(r *paydeck.ReturnRequest) Return {
	return Return{ID: r.ID, Status: string(r.Status), Reason: string(r.Reason), Note: r.Note, Items: itemLines(r.Lines),
		RefuseReason: r.RefuseReason, Restock: r.Restock, RefundAmount: r.RefundAmount,
		ReturnShippingFee: r.ReturnShippingFee, RefundID: r.RefundID, CreatedAt: r.CreatedAt, DecidedAt: r.DecidedAt}
}

// fulfilledOrder is orderView with the order's shipments and returns.
func (s *server) fulfilledOrder(ctx context.Context, o *paydeck.Order) (Order, error) {
	v := orderView(o)
	f, err := s.Payments.Fulfilment(ctx, actor(ctx), o.OrderID)
	if err != nil {
		return v, err
	}
	for _, sh := range f.Shipments {
		v.Shipments = append(v.Shipments, shipmentView(sh))
	}
	for _, r := range f.Returns {
		v.Returns = append(v.Returns, returnView(r))
	}
	return v, nil
}

type shipOrderInput struct {
	OrderID string `path:"orderId" minLength:"6" maxLength:"64" pattern:"^[A-Za-z0-9_-]+$" example:"ORD20261127A1B2C3D4"`
	Body    *struct {
		Courier        string     `json:"courier" minLength:"1" maxLength:"40" example:"cj" doc:"Courier code or name (GET /api/couriers)."`
		TrackingNumber string     `json:"trackingNumber" minLength:"6" maxLength:"40" example:"630512345678" doc:"6 to 30 letters and digits; spaces and hyphens are dropped."`
		Items          []ItemLine `json:"items,omitempty" maxItems:"100" doc:"The lines in this parcel; omit for every line not yet shipped."`
	}
}

type requestReturnInput struct {
	OrderID string `path:"orderId" minLength:"6" maxLength:"64" pattern:"^[A-Za-z0-9_-]+$" example:"ORD20261127A1B2C3D4"`
	Body    struct {
		Reason string     `json:"reason" enum:"change_of_mind,defective,wrong_item" example:"change_of_mind" doc:"change_of_mind (단순 변심): 7 days from delivery, return shipping deducted, not for withdrawal-exempt products; defective / wrong_item: 3 months, nothing deducted."`
		Note   string     `json:"note,omitempty" maxLength:"500" example:"사이즈가 맞지 않아요"`
		Items  []ItemLine `json:"items" minItems:"1" maxItems:"100"`
	}
}

type approveReturnInput struct {
	OrderID  string `path:"orderId" minLength:"6" maxLength:"64" pattern:"^[A-Za-z0-9_-]+$" example:"ORD20261127A1B2C3D4"`
	ReturnID string `path:"returnId" format:"uuid" example:"7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"`
	Body     *struct {
		Restock              bool                  `json:"restock,omitempty" doc:"Put the returned goods back into stock."`
		RefundReceiveAccount *RefundReceiveAccount `json:"refundReceiveAccount,omitempty" doc:"Required when the order was paid by virtual account."`
	}
}

type refuseReturnInput struct {
	OrderID  string `path:"orderId" minLength:"6" maxLength:"64" pattern:"^[A-Za-z0-9_-]+$" example:"ORD20261127A1B2C3D4"`
	ReturnID string `path:"returnId" format:"uuid" example:"7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"`
	Body     struct {
		Reason string `json:"reason" minLength:"1" maxLength:"500" example:"사용 흔적이 있어 반품이 어렵습니다"`
	}
}

type couriersOutput struct {
	Body struct {
		Items []Courier `json:"items"`
	}
}

func (s *server) registerShipping() {
	tags := []string{"Orders"}
	register(s, adminOnly, huma.Operation{
		OperationID: "shipOrder", Method: http.MethodPost, Path: "/api/orders/{orderId}/ship", Tags: tags,
		Summary: "Ship an order (or some of its lines) with tracking",
		Description: "Records a parcel: `courier` and `trackingNumber`, and the `items` in it (default: every line not yet " +
			"shipped). The first parcel moves a paid order to shipped; later ones ship the rest. Without a body the " +
			"whole order ships without tracking. The order answers with its `shipments` and their tracking URLs.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, s.shipOrder)
	register(s, signedIn, huma.Operation{
		OperationID: "requestReturn", Method: http.MethodPost, Path: "/api/orders/{orderId}/returns", Tags: tags,
		Summary: "Request a return (반품 요청)",
		Description: "The shopper asks to send lines of a delivered order back. 단순 변심 (`change_of_mind`) within 7 days " +
			"of delivery (청약철회, 전자상거래법 §17(1)), not for withdrawal-exempt products (§17(2)); defects and wrong items " +
			"within 3 months (§17(3)). One request waits for the shop at a time. Answers the order with its `returns`.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, s.requestReturn)
	register(s, adminOnly, huma.Operation{
		OperationID: "approveReturn", Method: http.MethodPost, Path: "/api/orders/{orderId}/returns/{returnId}/approve", Tags: tags,
		Summary: "Approve a return and refund it",
		Description: "Approves a waiting return: optionally restocks the goods and refunds `refundAmount` through Toss " +
			"(idempotency key `return-{returnId}`), in one transaction with the approval. 409 when Toss refuses the refund " +
			"(the return stays approved; refund by hand).",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, s.approveReturn)
	register(s, adminOnly, huma.Operation{
		OperationID: "refuseReturn", Method: http.MethodPost, Path: "/api/orders/{orderId}/returns/{returnId}/refuse", Tags: tags,
		Summary: "Refuse a return", Description: "Refuses a waiting return with a reason the shopper is mailed.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, s.refuseReturn)
	register(s, public, huma.Operation{
		OperationID: "listCouriers", Method: http.MethodGet, Path: "/api/couriers", Tags: tags,
		Summary: "List couriers", Description: "The couriers shipOrder accepts, with their tracking page templates.",
	}, s.listCouriers)
}

func (s *server) shipOrder(ctx context.Context, in *shipOrderInput) (*orderOutput, error) {
	var si payment.ShipInput
	if b := in.Body; b != nil {
		si = payment.ShipInput{Courier: b.Courier, TrackingNumber: b.TrackingNumber, Lines: domainLines(b.Items)}
	}
	o, _, err := s.Payments.Ship(ctx, actor(ctx), in.OrderID, si)
	return s.fulfilledResult(ctx, o, err)
}

func (s *server) fulfilledResult(ctx context.Context, o *paydeck.Order, err error) (*orderOutput, error) {
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	v, err := s.fulfilledOrder(ctx, o)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &orderOutput{Body: v}, nil
}

// orderAfter reads the order again once a return changed it.
func (s *server) orderAfter(ctx context.Context, orderID string, err error) (*orderOutput, error) {
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	o, _, err := s.Payments.Order(ctx, actor(ctx), orderID)
	return s.fulfilledResult(ctx, o, err)
}

func (s *server) requestReturn(ctx context.Context, in *requestReturnInput) (*orderOutput, error) {
	_, err := s.Payments.RequestReturn(ctx, actor(ctx), in.OrderID, payment.ReturnInput{
		Reason: paydeck.ReturnReason(in.Body.Reason), Note: in.Body.Note, Lines: domainLines(in.Body.Items)})
	return s.orderAfter(ctx, in.OrderID, err)
}

func (s *server) approveReturn(ctx context.Context, in *approveReturnInput) (*orderOutput, error) {
	var ai payment.ApproveInput
	if b := in.Body; b != nil {
		ai.Restock = b.Restock
		if a := b.RefundReceiveAccount; a != nil {
			ai.RefundAccount = &payment.RefundAccount{Bank: a.Bank, AccountNumber: a.AccountNumber, HolderName: a.HolderName}
		}
	}
	_, _, err := s.Payments.ApproveReturn(ctx, actor(ctx), in.OrderID, in.ReturnID, ai)
	return s.orderAfter(ctx, in.OrderID, err)
}

func (s *server) refuseReturn(ctx context.Context, in *refuseReturnInput) (*orderOutput, error) {
	_, err := s.Payments.RefuseReturn(ctx, actor(ctx), in.OrderID, in.ReturnID, in.Body.Reason)
	return s.orderAfter(ctx, in.OrderID, err)
}

func (s *server) listCouriers(context.Context, *struct{}) (*couriersOutput, error) {
	out := &couriersOutput{}
	for _, c := range paydeck.Couriers {
		out.Body.Items = append(out.Body.Items, Courier(c))
	}
	return out, nil
}
