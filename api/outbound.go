package api

import (
	"context"
	"net/http"
	"reflect"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/outbound"
	"github.com/paydeck/paydeck/subscription"
)

// Views renders outbound events' data with the API's own representations
// (outbound.Views): an event carries what the REST API answers for the
// object.
type Views struct{}

var _ outbound.Views = Views{}

// Order implements outbound.Views.
func (Views) Order(o *paydeck.Order) any { return orderView(o) }

// Payment implements outbound.Views.
func (Views) Payment(p *paydeck.Payment, orderID string) any { return paymentView(p, orderID, nil) }

// Refund implements outbound.Views.
func (Views) Refund(r *paydeck.Refund, p *paydeck.Payment, orderID string) any {
	return RefundEvent{Refund: refundView(r), PaymentKey: p.PaymentKey, OrderID: orderID}
}

// Subscription implements outbound.Views.
func (Views) Subscription(d *subscription.Details) any { return subscriptionView(d) }

// RefundEvent is the data of refund.* events: the refund with its payment
// and order.
type RefundEvent struct {
	Refund
	PaymentKey string `json:"paymentKey" example:"tgen_20261127ABCDEFGHIJ"`
	OrderID    string `json:"orderId" example:"ORD20261127A1B2C3D4"`
}

// WebhookEndpoint is an endpoint as listed; its secret is shown only on
// create and rotate.
type WebhookEndpoint struct {
	ID           string     `json:"id" format:"uuid"`
	URL          string     `json:"url" example:"https://erp.example.com/hooks/paydeck"`
	Events       []string   `json:"events" doc:"Subscribed event types; empty means all."`
	Enabled      bool       `json:"enabled"`
	FailingSince *time.Time `json:"failingSince,omitempty" doc:"Set when deliveries failed for the whole 3-day retry window."`
	CreatedAt    time.Time  `json:"createdAt"`
}

// CreatedWebhookEndpoint is an endpoint with its signing secret.
type CreatedWebhookEndpoint struct {
	WebhookEndpoint
	Secret string `json:"secret" example:"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" doc:"The Standard Webhooks signing secret. Shown only now."`
}

func endpointView(e *paydeck.WebhookEndpoint) WebhookEndpoint {
	v := WebhookEndpoint{ID: e.ID, URL: e.URL, Events: []string{}, Enabled: e.Enabled, FailingSince: e.FailingSince,
		CreatedAt: e.CreatedAt}
	for _, t := range e.Events {
		v.Events = append(v.Events, string(t))
	}
	return v
}

// WebhookDelivery is one delivery attempt.
type WebhookDelivery struct {
	ID         int64     `json:"id"`
	EventID    string    `json:"eventId" example:"evt_3j5x4kq9m2n7p8r6s1t0v4w2"`
	StatusCode int       `json:"statusCode" example:"200" doc:"0 when no answer came."`
	OK         bool      `json:"ok"`
	LatencyMs  int64     `json:"latencyMs" example:"42"`
	Response   string    `json:"response" doc:"The start of the answer's body, or why there was none."`
	CreatedAt  time.Time `json:"createdAt"`
}

// OutboundEvent is a stored event with its exact body.
type OutboundEvent struct {
	ID      string    `json:"id" example:"evt_3j5x4kq9m2n7p8r6s1t0v4w2"`
	Seq     int64     `json:"seq" doc:"Feed cursor: pass the last one as ?after=."`
	Type    string    `json:"type" example:"order.paid"`
	Created time.Time `json:"created"`
	Payload string    `json:"payload" doc:"The JSON envelope, byte for byte as delivered and signed."`
}

type endpointBody struct {
	URL     string   `json:"url" minLength:"1" maxLength:"2048" example:"https://erp.example.com/hooks/paydeck"`
	Events  []string `json:"events,omitempty" uniqueItems:"true" enum:"order.paid,order.canceled,order.expired,order.shipped,payment.failed,payment.waiting_for_deposit,refund.completed,refund.failed,subscription.created,subscription.renewed,subscription.past_due,subscription.canceled,subscription.expired,subscription.card_updated" doc:"Event types to receive; empty or absent means all."`
	Enabled *bool    `json:"enabled,omitempty" doc:"Defaults to true."`
}

func (b endpointBody) input() outbound.EndpointInput {
	in := outbound.EndpointInput{URL: b.URL, Enabled: b.Enabled == nil || *b.Enabled}
	for _, t := range b.Events {
		in.Events = append(in.Events, paydeck.OutboundEventType(t))
	}
	return in
}

type createEndpointInput struct{ Body endpointBody }

type updateEndpointInput struct {
	ID   string `path:"id" format:"uuid"`
	Body endpointBody
}

type endpointIDInput struct {
	ID string `path:"id" format:"uuid"`
}

type createdEndpointOutput struct{ Body CreatedWebhookEndpoint }

type endpointOutput struct{ Body WebhookEndpoint }

type endpointListOutput struct {
	Body struct {
		Items []WebhookEndpoint `json:"items"`
	}
}

type deliveriesInput struct {
	ID     string `path:"id" format:"uuid"`
	Offset int    `query:"offset" minimum:"0" maximum:"1000000" default:"0"`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"50"`
}

type deliveriesOutput struct {
	Body struct {
		Items []WebhookDelivery `json:"items"`
		Total int               `json:"total"`
	}
}

type resendInput struct {
	EventID string `path:"eventId" minLength:"1" maxLength:"64" pattern:"^evt_[0-9a-z]+$" example:"evt_3j5x4kq9m2n7p8r6s1t0v4w2"`
	Body    *struct {
		EndpointID string `json:"endpointId,omitempty" format:"uuid" example:"5d1c7e9a-3f2b-4c6d-8e1f-0a9b8c7d6e5f" doc:"Only to this endpoint; default every enabled endpoint subscribed to the type."`
	}
}

type resendOutput struct {
	Body struct {
		Enqueued int `json:"enqueued" example:"1" doc:"Deliveries enqueued."`
	}
}

type testEventOutput struct{ Body OutboundEvent }

type listEventsInput struct {
	After       int64  `query:"after" minimum:"0" doc:"Only events with seq greater than this."`
	Types       string `query:"types" maxLength:"500" doc:"Comma-separated event types; default all." example:"order.paid,refund.completed"`
	Limit       int    `query:"limit" minimum:"1" maximum:"100" default:"50"`
	WaitSeconds int    `query:"waitSeconds" minimum:"0" maximum:"30" default:"0" doc:"Long-poll: wait up to this long for the first event."`
}

type listEventsOutput struct {
	Body struct {
		Items []OutboundEvent `json:"items"`
	}
}

func outboundEventView(e *paydeck.OutboundEvent) OutboundEvent {
	return OutboundEvent{ID: e.ID, Seq: e.Seq, Type: string(e.Type), Created: e.CreatedAt, Payload: string(e.Body)}
}

// eventDataTypes is the data representation of each event type, for the
// OpenAPI document's webhooks.
var eventDataTypes = []struct {
	typ  paydeck.OutboundEventType
	data reflect.Type
	what string
}{
	{paydeck.OutOrderPaid, reflect.TypeFor[Order](), "An order was paid (card approval or virtual-account deposit)."},
	{paydeck.OutOrderCanceled, reflect.TypeFor[Order](), "An unpaid order was cancelled."},
	{paydeck.OutOrderExpired, reflect.TypeFor[Order](), "An unpaid order expired and released its stock."},
	{paydeck.OutOrderShipped, reflect.TypeFor[Order](), "An admin marked a paid order shipped."},
	{paydeck.OutPaymentFailed, reflect.TypeFor[Payment](), "A payment attempt was refused or aborted; the order stays payable."},
	{paydeck.OutPaymentWaitingForDeposit, reflect.TypeFor[Payment](), "A virtual account was issued; paydeck waits for the deposit."},
	{paydeck.OutRefundCompleted, reflect.TypeFor[RefundEvent](), "A full or partial refund completed at Toss."},
	{paydeck.OutRefundFailed, reflect.TypeFor[RefundEvent](), "Toss refused a refund."},
	{paydeck.OutSubscriptionCreated, reflect.TypeFor[Subscription](), "A customer subscribed (trialing, or active " +
		"before its first charge): subscription.renewed follows when the first period is paid, subscription.canceled " +
		"when Toss declines it."},
	{paydeck.OutSubscriptionRenewed, reflect.TypeFor[Subscription](), "A period was paid (the first one, a renewal, " +
		"or a dunning retry): currentPeriod and currentPeriodEnd moved on; the charge's order also sends order.paid."},
	{paydeck.OutSubscriptionPastDue, reflect.TypeFor[Subscription](), "Toss declined a renewal: the subscription is " +
		"past_due and nextRetryAt is the next attempt. Declined retries send nothing more; the last one sends " +
		"subscription.canceled, a paid one subscription.renewed."},
	{paydeck.OutSubscriptionCanceled, reflect.TypeFor[Subscription](), "The subscription ended now: canceled by the " +
		"customer or an admin (the unused days refunded), by dunning after the last declined retry, or at sign-up " +
		"when the first charge was declined."},
	{paydeck.OutSubscriptionExpired, reflect.TypeFor[Subscription](), "A subscription set to cancel at period end " +
		"reached it; nothing was refunded."},
	{paydeck.OutSubscriptionCardUpdated, reflect.TypeFor[Subscription](), "The customer registered a new card " +
		"(card holds its masked number); a past_due subscription is charged at once."},
}

// documentWebhooks lists every event type under the document's webhooks:
// a POST with the envelope (its data the type's representation) and the
// Standard Webhooks headers.
func (s *server) documentWebhooks() {
	oa := s.api.OpenAPI()
	if oa.Webhooks == nil {
		oa.Webhooks = map[string]*huma.PathItem{}
	}
	reg := oa.Components.Schemas
	header := func(name, desc, example string) *huma.Param {
		return &huma.Param{Name: name, In: "header", Required: true, Description: desc, Example: example,
			Schema: &huma.Schema{Type: huma.TypeString}}
	}
	for _, et := range eventDataTypes {
		data := reg.Schema(et.data, true, "")
		env := &huma.Schema{Type: huma.TypeObject, Required: []string{"id", "type", "version", "created", "data"},
			Properties: map[string]*huma.Schema{
				"id":      {Type: huma.TypeString, Description: "Event ID (evt_…), also webhook-id. Deduplicate on it: delivery is at least once."},
				"type":    {Type: huma.TypeString, Enum: []any{string(et.typ)}},
				"version": {Type: huma.TypeInteger, Enum: []any{outbound.Version}, Description: "Envelope version."},
				"created": {Type: huma.TypeString, Format: "date-time", Description: "When the change happened; deliveries are not ordered, this is."},
				"data":    data,
			}}
		oa.Webhooks[string(et.typ)] = &huma.PathItem{Post: &huma.Operation{
			OperationID: "event-" + string(et.typ), Summary: string(et.typ), Tags: []string{"Events"},
			Description: et.what + " Signed per Standard Webhooks: verify webhook-signature (v1,base64 HMAC-SHA256 of " +
				"`webhook-id.webhook-timestamp.body` keyed with the endpoint's whsec_ secret) before trusting it; answer 2xx " +
				"within 10 s. Failed deliveries are retried with exponential backoff for 3 days.",
			Parameters: []*huma.Param{
				header("webhook-id", "Event ID.", "evt_3j5x4kq9m2n7p8r6s1t0v4w2"),
				header("webhook-timestamp", "Unix seconds when this delivery was signed.", "1764831600"),
				header("webhook-signature", "Space-separated signatures `v1,<base64>`; two during a secret rotation.", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
			},
			RequestBody: &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{"application/json": {Schema: env}}},
			Responses:   map[string]*huma.Response{"2XX": {Description: "Received; any other answer is retried."}},
		}}
	}
}

func (s *server) registerOutbound() {
	s.documentWebhooks()
	if s.Outbound == nil {
		return
	}
	tags := []string{"Events"}
	s.api.OpenAPI().Tags = append(s.api.OpenAPI().Tags, &huma.Tag{Name: "Events",
		Description: "Signed events for other systems (Standard Webhooks): endpoints, delivery log, resend, feed."})
	register(s, adminOnly, huma.Operation{
		OperationID: "createWebhookEndpoint", Method: http.MethodPost, Path: "/api/admin/webhook-endpoints", Tags: tags,
		Summary: "Add a webhook endpoint", Description: "Registers a URL that receives signed events. The answer's " +
			"`secret` (whsec_…) is shown only now. Private, loopback and link-local targets are refused unless " +
			"PAYDECK_WEBHOOK_ALLOW_PRIVATE is set.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
	}, s.createEndpoint)
	register(s, adminOnly, huma.Operation{
		OperationID: "listWebhookEndpoints", Method: http.MethodGet, Path: "/api/admin/webhook-endpoints", Tags: tags,
		Summary: "List webhook endpoints", Description: "Every endpoint, oldest first, without secrets.",
	}, s.listEndpoints)
	register(s, adminOnly, huma.Operation{
		OperationID: "updateWebhookEndpoint", Method: http.MethodPut, Path: "/api/admin/webhook-endpoints/{id}", Tags: tags,
		Summary: "Change a webhook endpoint", Description: "Sets its URL, events and enabled flag.",
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, s.updateEndpoint)
	register(s, adminOnly, huma.Operation{
		OperationID: "rotateWebhookSecret", Method: http.MethodPost, Path: "/api/admin/webhook-endpoints/{id}/rotate-secret", Tags: tags,
		Summary: "Rotate an endpoint's secret", Description: "Issues a new secret (shown only now). For 24 hours " +
			"deliveries carry signatures with both the new and the old secret.",
		Errors: []int{http.StatusNotFound},
	}, s.rotateSecret)
	register(s, adminOnly, huma.Operation{
		OperationID: "sendTestEvent", Method: http.MethodPost, Path: "/api/admin/webhook-endpoints/{id}/test", Tags: tags,
		Summary: "Send a test event", Description: "Delivers a signed event of type `test` to this endpoint only.",
		DefaultStatus: http.StatusAccepted, Errors: []int{http.StatusNotFound},
	}, s.sendTest)
	register(s, adminOnly, huma.Operation{
		OperationID: "listWebhookDeliveries", Method: http.MethodGet, Path: "/api/admin/webhook-endpoints/{id}/deliveries", Tags: tags,
		Summary: "Delivery log of an endpoint", Description: "Attempts, newest first: status, latency, response excerpt.",
	}, s.listDeliveries)
	register(s, adminOnly, huma.Operation{
		OperationID: "resendEvent", Method: http.MethodPost, Path: "/api/admin/events/{eventId}/resend", Tags: tags,
		Summary: "Resend an event", Description: "Delivers the stored event again (same id and body, new signature).",
		DefaultStatus: http.StatusAccepted, Errors: []int{http.StatusNotFound},
	}, s.resendEvent)
	register(s, adminOnly, huma.Operation{
		OperationID: "listEvents", Method: http.MethodGet, Path: "/api/admin/events", Tags: tags,
		Summary: "Event feed", Description: "Events after a cursor, oldest first, with their exact payloads; " +
			"waitSeconds makes it a long poll (what `paydeck listen` uses). Events appear about 2 s after they happen.",
		Errors: []int{http.StatusUnprocessableEntity},
	}, s.listEvents)
}

func (s *server) createEndpoint(ctx context.Context, in *createEndpointInput) (*createdEndpointOutput, error) {
	ep, err := s.Outbound.CreateEndpoint(ctx, in.Body.input())
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &createdEndpointOutput{Body: CreatedWebhookEndpoint{WebhookEndpoint: endpointView(ep), Secret: ep.Secret}}, nil
}

func (s *server) listEndpoints(ctx context.Context, _ *struct{}) (*endpointListOutput, error) {
	var eps []*paydeck.WebhookEndpoint
	err := s.Store.View(ctx, func(tx paydeck.Tx) (err error) {
		eps, err = tx.FindWebhookEndpoints(ctx)
		return err
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &endpointListOutput{}
	out.Body.Items = make([]WebhookEndpoint, 0, len(eps))
	for _, e := range eps {
		out.Body.Items = append(out.Body.Items, endpointView(e))
	}
	return out, nil
}

func (s *server) updateEndpoint(ctx context.Context, in *updateEndpointInput) (*endpointOutput, error) {
	ep, err := s.Outbound.UpdateEndpoint(ctx, in.ID, in.Body.input())
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &endpointOutput{Body: endpointView(ep)}, nil
}

func (s *server) rotateSecret(ctx context.Context, in *endpointIDInput) (*createdEndpointOutput, error) {
	ep, err := s.Outbound.RotateSecret(ctx, in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &createdEndpointOutput{Body: CreatedWebhookEndpoint{WebhookEndpoint: endpointView(ep), Secret: ep.Secret}}, nil
}

func (s *server) sendTest(ctx context.Context, in *endpointIDInput) (*testEventOutput, error) {
	ev, err := s.Outbound.SendTest(ctx, in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &testEventOutput{Body: outboundEventView(ev)}, nil
}

func (s *server) listDeliveries(ctx context.Context, in *deliveriesInput) (*deliveriesOutput, error) {
	var (
		ds    []*paydeck.WebhookDelivery
		total int
	)
	err := s.Store.View(ctx, func(tx paydeck.Tx) error {
		if _, err := tx.FindWebhookEndpointByID(ctx, in.ID); err != nil {
			return err
		}
		var err error
		ds, total, err = tx.FindWebhookDeliveries(ctx, paydeck.WebhookDeliveryFilter{EndpointID: &in.ID,
			Offset: in.Offset, Limit: in.Limit})
		return err
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &deliveriesOutput{}
	out.Body.Total = total
	out.Body.Items = make([]WebhookDelivery, 0, len(ds))
	for _, d := range ds {
		out.Body.Items = append(out.Body.Items, WebhookDelivery{ID: d.ID, EventID: d.EventID, StatusCode: d.StatusCode,
			OK: d.OK, LatencyMs: d.Latency.Milliseconds(), Response: d.Response, CreatedAt: d.CreatedAt})
	}
	return out, nil
}

func (s *server) resendEvent(ctx context.Context, in *resendInput) (*resendOutput, error) {
	endpoint := ""
	if in.Body != nil {
		endpoint = in.Body.EndpointID
	}
	n, err := s.Outbound.Resend(ctx, in.EventID, endpoint)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &resendOutput{}
	out.Body.Enqueued = n
	return out, nil
}

func (s *server) listEvents(ctx context.Context, in *listEventsInput) (*listEventsOutput, error) {
	types, err := outbound.ParseTypes(in.Types)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	evs, err := s.Outbound.Feed(ctx, in.After, types, in.Limit, time.Duration(in.WaitSeconds)*time.Second)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &listEventsOutput{}
	out.Body.Items = make([]OutboundEvent, 0, len(evs))
	for _, e := range evs {
		out.Body.Items = append(out.Body.Items, outboundEventView(e))
	}
	return out, nil
}
