package outbound_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/outbound"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/store/storetest"
	"github.com/paydeck/paydeck/webhook"
)

// received is one request the test receiver got.
type received struct {
	Header http.Header
	Body   []byte
}

// receiver is another system's webhook endpoint: an httptest server that
// records every request and answers status (200 unless changed).
type receiver struct {
	URL    string
	mu     sync.Mutex
	got    []received
	status atomic.Int32
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	r := &receiver{}
	r.status.Store(http.StatusOK)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{Header: req.Header.Clone(), Body: body})
		r.mu.Unlock()
		w.WriteHeader(int(r.status.Load()))
		_, _ = io.WriteString(w, "received by the test ERP")
	}))
	t.Cleanup(ts.Close)
	r.URL = ts.URL + "/hooks/paydeck"
	return r
}

// requests returns what arrived so far.
func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// ofType returns the requests whose envelope has type typ.
func (r *receiver) ofType(t *testing.T, typ paydeck.OutboundEventType) []received {
	t.Helper()
	var out []received
	for _, g := range r.requests() {
		if envelope(t, g.Body).Type == typ {
			out = append(out, g)
		}
	}
	return out
}

type env struct {
	Type    paydeck.OutboundEventType `json:"type"`
	ID      string                    `json:"id"`
	Version int                       `json:"version"`
	Created time.Time                 `json:"created"`
	Data    map[string]any            `json:"data"`
}

func envelope(t *testing.T, body []byte) env {
	t.Helper()
	var e env
	require.NoError(t, json.Unmarshal(body, &e), "%s", body)
	return e
}

// paidOrder places an order for a new customer and pays it by card through
// the sandbox and the real confirm; it returns the order and paymentKey.
func paidOrder(t *testing.T, e *apptest.Env) (*paydeck.Order, string) {
	t.Helper()
	u := e.Customer(t)
	o := e.Order(t, u, apptest.Line(e.Product(t, 15000, 0), 2))
	key := e.Authorize(t, o, "CARD")
	_, err := e.Payments.Confirm(context.Background(), apptest.As(u), payment.ConfirmInput{PaymentKey: key,
		OrderID: o.OrderID, Amount: o.FinalAmount})
	require.NoError(t, err)
	return o, key
}

// outboundEvents returns the stored events of the types.
func outboundEvents(t *testing.T, e *apptest.Env, types ...paydeck.OutboundEventType) []*paydeck.OutboundEvent {
	t.Helper()
	var evs []*paydeck.OutboundEvent
	storetest.MustView(t, e.DB, func(tx paydeck.Tx) (err error) {
		evs, _, err = tx.FindOutboundEvents(context.Background(), paydeck.OutboundEventFilter{Types: types})
		return err
	})
	return evs
}

func deliveries(t *testing.T, e *apptest.Env, endpointID string) []*paydeck.WebhookDelivery {
	t.Helper()
	var ds []*paydeck.WebhookDelivery
	storetest.MustView(t, e.DB, func(tx paydeck.Tx) (err error) {
		ds, _, err = tx.FindWebhookDeliveries(context.Background(), paydeck.WebhookDeliveryFilter{EndpointID: &endpointID})
		return err
	})
	return ds
}

func endpoint(t *testing.T, e *apptest.Env, id string) *paydeck.WebhookEndpoint {
	t.Helper()
	var ep *paydeck.WebhookEndpoint
	storetest.MustView(t, e.DB, func(tx paydeck.Tx) (err error) {
		ep, err = tx.FindWebhookEndpointByID(context.Background(), id)
		return err
	})
	return ep
}

// TestPaidOrderAndRefundReachTheReceiverSigned: an order paid through the
// real flow (sandbox window, confirm, then the sandbox's own Toss webhook)
// produces exactly one order.paid event, delivered once, signed so the
// webhook package verifies it, carrying the API's order; a refund produces
// refund.completed; the delivery log records status, latency and the
// answer's start; resend delivers the same id and body again.
func TestPaidOrderAndRefundReachTheReceiverSigned(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		rcv := newReceiver(t)
		ep, err := e.Outbound.CreateEndpoint(ctx, outbound.EndpointInput{URL: rcv.URL, Enabled: true,
			Events: []paydeck.OutboundEventType{paydeck.OutOrderPaid, paydeck.OutRefundCompleted}})
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(ep.Secret, "whsec_"))
		other := newReceiver(t) // subscribed to refunds only
		_, err = e.Outbound.CreateEndpoint(ctx, outbound.EndpointInput{URL: other.URL, Enabled: true,
			Events: []paydeck.OutboundEventType{paydeck.OutRefundFailed}})
		require.NoError(t, err)

		o, key := paidOrder(t, e)
		e.WebhooksSettled(t) // the sandbox's PAYMENT_STATUS_CHANGED for the same approval adds no event
		apptest.WaitFor(t, "order.paid delivered", func() bool { return len(rcv.ofType(t, paydeck.OutOrderPaid)) > 0 })

		evs := outboundEvents(t, e, paydeck.OutOrderPaid)
		require.Len(t, evs, 1, "one state change, one event")
		paid := rcv.ofType(t, paydeck.OutOrderPaid)
		require.Len(t, paid, 1)
		got := paid[0]
		require.NoError(t, webhook.Verify(ep.Secret, got.Header, got.Body, e.Clock.Now()))
		require.ErrorIs(t, webhook.Verify(webhook.NewSecret(), got.Header, got.Body, e.Clock.Now()), webhook.ErrSignature)
		require.Equal(t, evs[0].ID, got.Header.Get("webhook-id"))
		require.Equal(t, string(evs[0].Body), string(got.Body), "the stored envelope is sent byte for byte")
		env := envelope(t, got.Body)
		require.Equal(t, evs[0].ID, env.ID)
		require.Equal(t, outbound.Version, env.Version)
		require.WithinDuration(t, e.Clock.Now(), env.Created, time.Minute)
		require.Equal(t, o.OrderID, env.Data["orderId"])
		require.Equal(t, "paid", env.Data["status"])
		require.InDelta(t, float64(o.FinalAmount), env.Data["finalAmount"], 0)

		admin := e.Admin(t)
		_, _, err = e.Payments.Cancel(ctx, apptest.As(admin), key, payment.CancelInput{Reason: "고객 변심"})
		require.NoError(t, err)
		apptest.WaitFor(t, "refund.completed delivered", func() bool {
			return len(rcv.ofType(t, paydeck.OutRefundCompleted)) > 0
		})
		refunds := rcv.ofType(t, paydeck.OutRefundCompleted)
		require.Len(t, refunds, 1)
		require.NoError(t, webhook.Verify(ep.Secret, refunds[0].Header, refunds[0].Body, e.Clock.Now()))
		renv := envelope(t, refunds[0].Body)
		require.Equal(t, o.OrderID, renv.Data["orderId"])
		require.Equal(t, key, renv.Data["paymentKey"])
		require.InDelta(t, float64(o.FinalAmount), renv.Data["amount"], 0, "%v", renv.Data)
		require.Len(t, outboundEvents(t, e, paydeck.OutRefundCompleted), 1)
		require.Empty(t, other.requests(), "an endpoint gets only the types it subscribed to")

		// The delivery log: one 200 per event, with latency and the answer.
		apptest.WaitFor(t, "both recorded", func() bool { return len(deliveries(t, e, ep.ID)) == 2 })
		log := deliveries(t, e, ep.ID)
		for _, d := range log {
			require.Equal(t, http.StatusOK, d.StatusCode)
			require.True(t, d.OK)
			require.Positive(t, d.Latency)
			require.Equal(t, "received by the test ERP", d.Response)
		}

		// Resend: the same id and body, signed afresh.
		n, err := e.Outbound.Resend(ctx, evs[0].ID, "")
		require.NoError(t, err)
		require.Equal(t, 1, n, "to the one enabled endpoint that wants order.paid")
		apptest.WaitFor(t, "resent", func() bool { return len(rcv.ofType(t, paydeck.OutOrderPaid)) == 2 })
		again := rcv.ofType(t, paydeck.OutOrderPaid)[1]
		require.Equal(t, evs[0].ID, again.Header.Get("webhook-id"))
		require.Equal(t, string(got.Body), string(again.Body))
		require.NoError(t, webhook.Verify(ep.Secret, again.Header, again.Body, e.Clock.Now()))
		require.Len(t, outboundEvents(t, e, paydeck.OutOrderPaid), 1, "a resend is no new event")
		_, err = e.Outbound.Resend(ctx, "evt_nosuchevent", "")
		require.Equal(t, paydeck.CodeNotFound, paydeck.ErrorCode(err))
	})
}

// TestRolledBackChangeSendsNothing: a state change whose transaction rolls
// back leaves neither an outbound event nor a delivery, even though the
// audit event that would have produced one was written in it.
func TestRolledBackChangeSendsNothing(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		rcv := newReceiver(t)
		_, err := e.Outbound.CreateEndpoint(ctx, outbound.EndpointInput{URL: rcv.URL, Enabled: true})
		require.NoError(t, err)
		u := e.Customer(t)
		o := e.Order(t, u, apptest.Line(e.Product(t, 12000, 0), 1))
		boom := errors.New("the change failed after its audit event")
		err = e.DB.Update(ctx, func(tx paydeck.Tx) error {
			cur, err := tx.FindOrderByID(ctx, o.ID)
			if err != nil {
				return err
			}
			cur.Status = paydeck.OrderCancelled
			if err := tx.UpdateOrder(ctx, cur); err != nil {
				return err
			}
			if err := tx.AppendEvent(ctx, &paydeck.PaymentEvent{OrderID: o.ID, Type: paydeck.EventCanceled,
				Message: "cancelled, then rolled back"}); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		require.Equal(t, paydeck.OrderPending, e.OrderByID(t, o.ID).Status)

		// The same change committed does produce order.canceled: the test
		// above could have failed.
		_, err = e.Payments.CancelOrder(ctx, apptest.As(u), o.OrderID)
		require.NoError(t, err)
		apptest.WaitFor(t, "order.canceled", func() bool { return len(rcv.requests()) > 0 })
		require.Len(t, outboundEvents(t, e), 1)
		require.Equal(t, paydeck.OutOrderCanceled, envelope(t, rcv.requests()[0].Body).Type)
	})
}

// TestPublicAddr: the SSRF rule on resolved addresses.
func TestPublicAddr(t *testing.T) {
	t.Parallel()
	for addr, public := range map[string]bool{
		"93.184.215.14": true, "1.1.1.1": true, "2606:4700::1111": true,
		"127.0.0.1": false, "127.8.9.10": false, "::1": false, "10.1.2.3": false, "172.16.0.1": false,
		"192.168.1.1": false, "169.254.169.254": false, "fe80::1": false, "fd00::1": false, "0.0.0.0": false,
		"::": false, "::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false, "100.64.0.1": false, "224.0.0.1": false,
		"64:ff9b::a00:1": false, "255.255.255.255": false,
	} {
		require.Equal(t, public, outbound.PublicAddr(netip.MustParseAddr(addr)), addr)
	}
}

// TestSSRFRefused: without PAYDECK_WEBHOOK_ALLOW_PRIVATE, endpoints that
// name private, loopback or link-local hosts are refused when created, and
// a host name that resolves to one is refused at dial time, on the
// resolved address, with nothing sent.
func TestSSRFRefused(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, "sqlite")
	ctx := context.Background()
	strict, err := outbound.New(outbound.Config{Store: e.DB, Now: e.Clock.Now})
	require.NoError(t, err)
	for _, u := range []string{"http://127.0.0.1:8080/hook", "http://[::1]/hook", "http://10.0.0.7/hook",
		"http://192.168.0.10/hook", "http://169.254.169.254/latest/meta-data", "http://[fe80::1]/hook",
		"http://localhost:3000/hooks", "http://api.localhost/hooks", "http://0.0.0.0/"} {
		_, err := strict.CreateEndpoint(ctx, outbound.EndpointInput{URL: u, Enabled: true})
		require.Equal(t, paydeck.CodeInvalid, paydeck.ErrorCode(err), u)
		require.Contains(t, paydeck.ErrorMessage(err), "PAYDECK_WEBHOOK_ALLOW_PRIVATE", u)
	}

	// A name is only known at dial time: "localhost" resolves to loopback.
	rcv := newReceiver(t)
	byName := strings.Replace(rcv.URL, "127.0.0.1", "localhost", 1)
	_, err = outbound.NewClient(false).Post(byName, "application/json", strings.NewReader("{}"))
	require.ErrorIs(t, err, outbound.ErrForbiddenTarget)
	res, err := outbound.NewClient(true).Post(byName, "application/json", strings.NewReader("{}"))
	require.NoError(t, err, "the same target with the flag set")
	require.NoError(t, res.Body.Close())
	require.Len(t, rcv.requests(), 1)

	// Through a delivery: an endpoint stored while private targets were
	// allowed is refused by a strict service, and the log says why.
	ep, err := e.Outbound.CreateEndpoint(ctx, outbound.EndpointInput{URL: byName, Enabled: true})
	require.NoError(t, err)
	ev, err := e.Outbound.SendTest(ctx, ep.ID)
	require.NoError(t, err)
	apptest.WaitFor(t, "test delivered", func() bool { return len(deliveries(t, e, ep.ID)) == 1 })
	err = strict.Deliver(ctx, outbound.DeliverArgs{EventID: ev.ID, EndpointID: ep.ID}, e.Clock.Now())
	require.Error(t, err)
	require.Len(t, rcv.requests(), 2, "nothing reached the loopback receiver")
	log := deliveries(t, e, ep.ID)
	require.Len(t, log, 2)
	require.Zero(t, log[0].StatusCode)
	require.False(t, log[0].OK)
	require.Contains(t, log[0].Response, "refused")
}

// TestSecretRotation: after a rotation both the new and the old secret
// verify deliveries (two signatures) for 24 hours; then only the new one.
func TestSecretRotation(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, "sqlite")
	ctx := context.Background()
	rcv := newReceiver(t)
	ep, err := e.Outbound.CreateEndpoint(ctx, outbound.EndpointInput{URL: rcv.URL, Enabled: true})
	require.NoError(t, err)
	old := ep.Secret
	rotated, err := e.Outbound.RotateSecret(ctx, ep.ID)
	require.NoError(t, err)
	require.NotEqual(t, old, rotated.Secret)

	send := func() received {
		t.Helper()
		n := len(rcv.requests())
		_, err := e.Outbound.SendTest(ctx, ep.ID)
		require.NoError(t, err)
		apptest.WaitFor(t, "test event", func() bool { return len(rcv.requests()) > n })
		return rcv.requests()[n]
	}
	got := send()
	require.Len(t, strings.Fields(got.Header.Get("webhook-signature")), 2)
	require.NoError(t, webhook.Verify(rotated.Secret, got.Header, got.Body, e.Clock.Now()))
	require.NoError(t, webhook.Verify(old, got.Header, got.Body, e.Clock.Now()))

	e.Clock.Advance(outbound.RotationGrace + time.Second)
	got = send()
	require.Len(t, strings.Fields(got.Header.Get("webhook-signature")), 1)
	require.NoError(t, webhook.Verify(rotated.Secret, got.Header, got.Body, e.Clock.Now()))
	require.ErrorIs(t, webhook.Verify(old, got.Header, got.Body, e.Clock.Now()), webhook.ErrSignature)
}

// TestEndpointFlaggedAfterRetryWindow: a receiver that keeps failing gets
// retries with backoff (shortened here) until the 3-day window, measured on
// the test clock, is over; then the endpoint is flagged, the job stops,
// and a later successful delivery clears the flag.
func TestEndpointFlaggedAfterRetryWindow(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		rcv := newReceiver(t)
		rcv.status.Store(http.StatusServiceUnavailable)
		ep, err := e.Outbound.CreateEndpoint(ctx, outbound.EndpointInput{URL: rcv.URL, Enabled: true})
		require.NoError(t, err)
		_, err = e.Outbound.SendTest(ctx, ep.ID)
		require.NoError(t, err)
		apptest.WaitFor(t, "retries", func() bool { return len(deliveries(t, e, ep.ID)) >= 3 })
		require.Nil(t, endpoint(t, e, ep.ID).FailingSince, "not flagged within the window")

		e.Clock.Advance(outbound.RetryWindow)
		apptest.WaitFor(t, "flagged", func() bool { return endpoint(t, e, ep.ID).FailingSince != nil })
		n := len(deliveries(t, e, ep.ID))
		time.Sleep(200 * time.Millisecond) // forty backoffs: a live job would have run again
		require.Len(t, deliveries(t, e, ep.ID), n, "the job gave up")
		for _, d := range deliveries(t, e, ep.ID) {
			require.Equal(t, http.StatusServiceUnavailable, d.StatusCode)
			require.False(t, d.OK)
		}

		rcv.status.Store(http.StatusNoContent)
		_, err = e.Outbound.SendTest(ctx, ep.ID)
		require.NoError(t, err)
		apptest.WaitFor(t, "flag cleared", func() bool { return endpoint(t, e, ep.ID).FailingSince == nil })
	}, apptest.WithOutboundConfig(func(c *outbound.Config) {
		c.BackoffFunc = func(int) time.Duration { return 5 * time.Millisecond }
	}))
}

// TestBackoffCoversThreeDays: the real schedule starts at 30 s, doubles,
// is capped at 12 h, and fits the 3-day window in the attempts allowed.
func TestBackoffCoversThreeDays(t *testing.T) {
	t.Parallel()
	require.Equal(t, 30*time.Second, outbound.Backoff(1))
	require.Equal(t, time.Minute, outbound.Backoff(2))
	require.Equal(t, 12*time.Hour, outbound.Backoff(30))
	var total time.Duration
	n := 0
	for n = 1; total < outbound.RetryWindow; n++ {
		total += outbound.Backoff(n)
	}
	require.Less(t, n, outbound.MaxAttempts)
}

// TestEveryEventTypeFires drives the real flows that report each of the
// other event types and checks that exactly that event reaches the
// receiver for the order: order.expired, order.shipped, payment.failed,
// payment.waiting_for_deposit (then order.paid on the deposit) and
// refund.failed.
func TestEveryEventTypeFires(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		rcv := newReceiver(t)
		ep, err := e.Outbound.CreateEndpoint(ctx, outbound.EndpointInput{URL: rcv.URL, Enabled: true})
		require.NoError(t, err)
		admin := e.Admin(t)
		product := e.Product(t, 21000, 0)
		// types returns the event types received for the order, in order.
		types := func(orderID string) []paydeck.OutboundEventType {
			var out []paydeck.OutboundEventType
			for _, g := range rcv.requests() {
				env := envelope(t, g.Body)
				if env.Data["orderId"] == orderID {
					require.NoError(t, webhook.Verify(ep.Secret, g.Header, g.Body, e.Clock.Now()))
					out = append(out, env.Type)
				}
			}
			return out
		}
		waitTypes := func(orderID string, want ...paydeck.OutboundEventType) {
			t.Helper()
			apptest.WaitFor(t, string(want[len(want)-1]), func() bool { return len(types(orderID)) >= len(want) })
			require.ElementsMatch(t, want, types(orderID))
		}

		// Expired: unpaid past its expiry.
		u := e.Customer(t)
		expiring := e.Order(t, u, apptest.Line(product, 1))
		e.Clock.Advance(31 * time.Minute)
		require.NoError(t, e.Payments.ExpireOrder(ctx, expiring.ID))
		waitTypes(expiring.OrderID, paydeck.OutOrderExpired)

		// Shipped: a paid order an admin ships.
		o, _ := paidOrder(t, e)
		_, err = e.Payments.ShipOrder(ctx, apptest.As(admin), o.OrderID)
		require.NoError(t, err)
		waitTypes(o.OrderID, paydeck.OutOrderPaid, paydeck.OutOrderShipped)

		// Failed: Toss refuses the card.
		failing := e.Order(t, u, apptest.Line(product, 1))
		key := e.Authorize(t, failing, "CARD")
		e.SetFaults(t, `[{"orderId":"`+failing.OrderID+`","operation":"confirm","errorCode":"REJECT_CARD_PAYMENT","times":1}]`)
		_, err = e.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: failing.OrderID,
			Amount: failing.FinalAmount})
		require.Error(t, err)
		waitTypes(failing.OrderID, paydeck.OutPaymentFailed)

		// Virtual account: issued, then deposited.
		va := e.Order(t, u, apptest.Line(product, 1))
		key = e.Authorize(t, va, "VIRTUAL_ACCOUNT")
		_, err = e.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: va.OrderID,
			Amount: va.FinalAmount})
		require.NoError(t, err)
		waitTypes(va.OrderID, paydeck.OutPaymentWaitingForDeposit)
		e.Deposit(t, key)
		e.WebhooksSettled(t)
		waitTypes(va.OrderID, paydeck.OutPaymentWaitingForDeposit, paydeck.OutOrderPaid)

		// Refund refused by Toss.
		r, rkey := paidOrder(t, e)
		e.SetFaults(t, `[{"orderId":"`+r.OrderID+`","operation":"cancel","errorCode":"NOT_CANCELABLE_PAYMENT","times":1}]`)
		_, _, err = e.Payments.Cancel(ctx, apptest.As(admin), rkey, payment.CancelInput{Reason: "test"})
		require.Error(t, err)
		waitTypes(r.OrderID, paydeck.OutOrderPaid, paydeck.OutRefundFailed)
	})
}
