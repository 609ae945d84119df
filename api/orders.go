package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
)

// OrderLine is one product and quantity of a new order.
type OrderLine struct {
	ProductID string `json:"productId" format:"uuid" example:"3b9f6c1e-8d2a-4f7b-b1c4-5e6d7a8b9c0d"`
	Quantity  int64  `json:"quantity" minimum:"1" maximum:"1000" example:"2"`
}

// ShippingAddress is where an order goes.
type ShippingAddress struct {
	Name    string `json:"name" minLength:"1" maxLength:"100" example:"김지민"`
	Phone   string `json:"phone,omitempty" maxLength:"30" pattern:"^[0-9+() -]*$" example:"010-1234-5678"`
	Address string `json:"address,omitempty" maxLength:"500" example:"서울특별시 중구 세종대로 110"`
	Memo    string `json:"memo,omitempty" maxLength:"500" example:"문 앞에 놓아주세요"`
	// Postcode and Detail (issue 15): the 5-digit 우편번호 and the line under
	// the address.
	Postcode string `json:"postcode,omitempty" pattern:"^[0-9]{5}$" example:"04524"`
	Detail   string `json:"detail,omitempty" maxLength:"200" example:"3층 301호"`
}

type createOrderInput struct {
	Body struct {
		Items       []OrderLine     `json:"items" minItems:"1" maxItems:"100" doc:"One line per product."`
		Shipping    ShippingAddress `json:"shipping"`
		CustomerRef string          `json:"customerRef,omitempty" maxLength:"100" example:"erp-cust-00042" doc:"Another system's customer reference, instead of a paydeck user; API keys (and admins) only."`
		CouponCode  string          `json:"couponCode,omitempty" maxLength:"40" example:"WELCOME3000" doc:"A coupon code; the server computes the discount. A coupon that cannot be used answers 422 or 409 with the reason in errors[0].message (unknown, not_yet_valid, expired, below_minimum, not_for_products, nothing_off, limit_reached, customer_limit)."`
	}
}

type orderOutput struct{ Body Order }

// OrderDetail is an order with its payments.
type OrderDetail struct {
	Order
	Payments []Payment `json:"payments"`
}

type orderDetailOutput struct{ Body OrderDetail }

type orderIDInput struct {
	OrderID string `path:"orderId" minLength:"6" maxLength:"64" pattern:"^[A-Za-z0-9_-]+$" example:"ORD20261127A1B2C3D4"`
}

type listOrdersInput struct {
	Status string `query:"status" enum:"pending,paid,cancelled,refunded,partial_refunded,shipped,delivered,expired" doc:"Only orders in this status."`
	Offset int    `query:"offset" minimum:"0" maximum:"1000000" default:"0"`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20"`
}

// OrderPage is one page of orders, newest first.
type OrderPage struct {
	Items  []Order `json:"items"`
	Total  int     `json:"total" example:"3"`
	Offset int     `json:"offset" example:"0"`
	Limit  int     `json:"limit" example:"20"`
}

type orderPageOutput struct{ Body OrderPage }

// Checkout is what a page or a script needs to open the Toss payment
// window for an order.
type Checkout struct {
	ClientKey   string `json:"clientKey" example:"test_ck_D5GePWvyJnrK0W0k6q8gLzN97Eoq" doc:"Toss client key (public)."`
	OrderID     string `json:"orderId" example:"ORD20261127A1B2C3D4" doc:"The orderId to send to Toss: the order's, or after a cancelled virtual account the next attempt's ({orderId}-{n}), which confirmPayment also accepts."`
	OrderName   string `json:"orderName" maxLength:"100" example:"제주 삼다수 2L 6개입 외 1건"`
	Amount      int64  `json:"amount" example:"16800"`
	CustomerKey string `json:"customerKey" example:"cus_Xk3vQ9pL2mN8rT5wY7zA1bC4dE6fG0hJ" doc:"The shopper's Toss customerKey, the same for the shop's pages and the API."`
	SDKURL      string `json:"sdkUrl" example:"https://js.tosspayments.com/v2/standard"`
	SuccessURL  string `json:"successUrl" example:"http://127.0.0.1:8080/payments/success"`
	FailURL     string `json:"failUrl" example:"http://127.0.0.1:8080/payments/fail"`
	// TaxFreeAmount goes with the request so that Toss splits VAT right.
	TaxFreeAmount int64              `json:"taxFreeAmount" example:"0" doc:"Send as requestPayment's taxFreeAmount."`
	CashReceipt   CashReceiptRequest `json:"cashReceipt" doc:"Send as virtualAccount.cashReceipt / transfer.cashReceipt."`
}

type checkoutOutput struct{ Body Checkout }

// CashReceiptRequest is the cash receipt (현금영수증) asked for with a
// virtual account or a transfer: what the page sends to Toss as
// virtualAccount.cashReceipt / transfer.cashReceipt.
type CashReceiptRequest struct {
	Type               string `json:"type" enum:"소득공제,지출증빙,미발행" example:"소득공제"`
	RegistrationNumber string `json:"registrationNumber" example:"01012345678" doc:"Digits only: mobile phone or cash-receipt card number (소득공제), business registration number (지출증빙), empty for 미발행."`
	SelfIssued         bool   `json:"selfIssued" example:"false" doc:"True when 미발행 was asked for a payment of 100,000 won or more: the receipt is self-issued (자진발급) to 010-000-1234, as 소득세법 §162-3 requires of online retail."`
}

type checkoutInput struct {
	OrderID     string            `path:"orderId" minLength:"6" maxLength:"64" pattern:"^[A-Za-z0-9_-]+$" example:"ORD20261127A1B2C3D4"`
	CashReceipt map[string]string `query:"cashReceipt,deepObject" doc:"cashReceipt[type] (소득공제 | 지출증빙 | 미발행) and cashReceipt[registrationNumber] for a virtual account or transfer; validated and echoed with the self-issue rule applied."`
}

func (s *server) registerOrders() {
	tags := []string{"Orders"}
	register(s, signedIn, huma.Operation{
		OperationID: "createOrder", Method: http.MethodPost, Path: "/api/orders", Tags: tags,
		Summary: "Place an order",
		Description: "Creates a pending order. Prices, shipping fee and the discount of couponCode are computed on the " +
			"server; stock is reserved and the coupon's use recorded in the same transaction. The order expires (and " +
			"releases its stock and coupon use) unless paid by expiresAt. Coupon rules: docs/coupons.md.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, s.createOrder)
	register(s, signedIn, huma.Operation{
		OperationID: "listOrders", Method: http.MethodGet, Path: "/api/orders", Tags: tags,
		Summary: "List orders", Description: "Your orders, newest first (admins: everyone's).",
	}, s.listOrders)
	register(s, signedIn, huma.Operation{
		OperationID: "getOrder", Method: http.MethodGet, Path: "/api/orders/{orderId}", Tags: tags,
		Summary: "Get an order", Description: "The order with its payments. Other users' orders answer 404.",
		Errors: []int{http.StatusNotFound},
	}, s.getOrder)
	register(s, signedIn, huma.Operation{
		OperationID: "getCheckout", Method: http.MethodGet, Path: "/api/orders/{orderId}/checkout", Tags: tags,
		Summary: "Checkout data for the Toss payment window",
		Description: "Client key, order name, amount, customer key, SDK script and return URLs for paying a " +
			"payable order with the Toss SDK (or the sandbox's authorize call). 409 when the order cannot be paid.",
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, s.checkout)
	register(s, signedIn, huma.Operation{
		OperationID: "cancelOrder", Method: http.MethodPost, Path: "/api/orders/{orderId}/cancel", Tags: tags,
		Summary: "Cancel an unpaid order", Description: "Cancels a pending order and releases its stock; a virtual account " +
			"awaiting its deposit is cancelled at Toss with it. 409 while a confirm is under way. Paid orders are refunded " +
			"through the payment instead.",
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, s.cancelOrder)
	register(s, signedIn, huma.Operation{
		OperationID: "switchPaymentMethod", Method: http.MethodPost, Path: "/api/orders/{orderId}/switch-method", Tags: tags,
		Summary: "Pay an order another way",
		Description: "Cancels at Toss the order's virtual account awaiting its deposit, so that the order can be paid " +
			"another way: the order stays pending (payable for the payment timeout from now) and getCheckout then gives " +
			"the next attempt's Toss orderId ({orderId}-{n}). Repeating it once the account is gone changes nothing. " +
			"409 when the order is not pending or Toss refuses the cancel (say, the deposit just arrived).",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable},
	}, s.switchPaymentMethod)
	register(s, adminOnly, huma.Operation{
		OperationID: "deliverOrder", Method: http.MethodPost, Path: "/api/orders/{orderId}/deliver", Tags: tags,
		Summary: "Mark an order delivered", Description: "Admins move a shipped order to delivered.",
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, s.deliverOrder)
}

func (s *server) createOrder(ctx context.Context, in *createOrderInput) (*orderOutput, error) {
	b := in.Body
	oi := payment.OrderInput{Shipping: payment.Shipping{Name: b.Shipping.Name, Phone: b.Shipping.Phone,
		Address: b.Shipping.Address, Memo: b.Shipping.Memo, Postcode: b.Shipping.Postcode, Detail: b.Shipping.Detail},
		CustomerRef: b.CustomerRef, CouponCode: b.CouponCode}
	for _, l := range b.Items {
		oi.Items = append(oi.Items, payment.OrderLine{ProductID: l.ProductID, Quantity: l.Quantity})
	}
	o, err := s.Payments.CreateOrder(ctx, actor(ctx), oi)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &orderOutput{Body: orderView(o)}, nil
}

func (s *server) listOrders(ctx context.Context, in *listOrdersInput) (*orderPageOutput, error) {
	f := paydeck.OrderFilter{Offset: in.Offset, Limit: in.Limit}
	if in.Status != "" {
		f.Statuses = []paydeck.OrderStatus{paydeck.OrderStatus(in.Status)}
	}
	orders, total, err := s.Payments.Orders(ctx, actor(ctx), f)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	page := OrderPage{Items: make([]Order, 0, len(orders)), Total: total, Offset: in.Offset, Limit: in.Limit}
	for _, o := range orders {
		page.Items = append(page.Items, orderView(o))
	}
	return &orderPageOutput{Body: page}, nil
}

func (s *server) getOrder(ctx context.Context, in *orderIDInput) (*orderDetailOutput, error) {
	o, pays, err := s.Payments.Order(ctx, actor(ctx), in.OrderID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	v, err := s.fulfilledOrder(ctx, o)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	d := OrderDetail{Order: v, Payments: make([]Payment, 0, len(pays))}
	for _, p := range pays {
		d.Payments = append(d.Payments, paymentView(p, o.OrderID, nil))
	}
	return &orderDetailOutput{Body: d}, nil
}

func (s *server) checkout(ctx context.Context, in *checkoutInput) (*checkoutOutput, error) {
	c, err := s.Payments.Checkout(ctx, actor(ctx), in.OrderID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	cr, err := payment.ResolveCashReceipt(c.Amount, paydeck.CashReceiptType(in.CashReceipt["type"]), in.CashReceipt["registrationNumber"])
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &checkoutOutput{Body: Checkout{ClientKey: s.ClientKey, OrderID: c.TossOrderID, OrderName: c.OrderName,
		Amount: c.Amount, CustomerKey: c.CustomerKey, SDKURL: s.SDKURL,
		SuccessURL: s.PublicURL + "/payments/success", FailURL: s.PublicURL + "/payments/fail?order=" + c.Order.OrderID,
		TaxFreeAmount: c.TaxFreeAmount, CashReceipt: CashReceiptRequest{Type: string(cr.Type),
			RegistrationNumber: cr.RegistrationNumber, SelfIssued: cr.SelfIssued}}}, nil
}

func (s *server) cancelOrder(ctx context.Context, in *orderIDInput) (*orderOutput, error) {
	return s.orderResult(ctx, s.Payments.CancelOrder, in.OrderID)
}

func (s *server) switchPaymentMethod(ctx context.Context, in *orderIDInput) (*orderOutput, error) {
	return s.orderResult(ctx, s.Payments.SwitchMethod, in.OrderID)
}

func (s *server) deliverOrder(ctx context.Context, in *orderIDInput) (*orderOutput, error) {
	return s.orderResult(ctx, s.Payments.DeliverOrder, in.OrderID)
}

// orderResult runs one order state change of the payment service.
func (s *server) orderResult(ctx context.Context, change func(context.Context, payment.Actor, string) (*paydeck.Order, error),
	orderID string) (*orderOutput, error) {
	o, err := change(ctx, actor(ctx), orderID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &orderOutput{Body: orderView(o)}, nil
}
