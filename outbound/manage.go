package outbound

import (
	"context"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/webhook"
)

// EndpointInput is what an admin sets on an endpoint.
type EndpointInput struct {
	URL     string
	Events  []paydeck.OutboundEventType
	Enabled bool
}

// checkTarget refuses, early and with a clear message, URLs whose host is
// visibly private (an IP literal or localhost); names that resolve to
// private addresses are refused when dialling.
func (s *Service) checkTarget(raw string) error {
	if s.cfg.AllowPrivate {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil // Validate reports it
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if a, err := netip.ParseAddr(host); (err == nil && !PublicAddr(a)) || host == "localhost" ||
		strings.HasSuffix(host, ".localhost") {
		return paydeck.Errorf(paydeck.CodeInvalid,
			"The endpoint URL points to a private, loopback or link-local address; set PAYDECK_WEBHOOK_ALLOW_PRIVATE to allow it.")
	}
	return nil
}

// CreateEndpoint adds an endpoint with a fresh secret; the result is the
// only place the secret is shown.
func (s *Service) CreateEndpoint(ctx context.Context, in EndpointInput) (*paydeck.WebhookEndpoint, error) {
	if err := s.checkTarget(in.URL); err != nil {
		return nil, err
	}
	ep := &paydeck.WebhookEndpoint{URL: strings.TrimSpace(in.URL), Events: dedupe(in.Events), Enabled: in.Enabled,
		Secret: webhook.NewSecret()}
	err := s.cfg.Store.Update(ctx, func(tx paydeck.Tx) error { return tx.CreateWebhookEndpoint(ctx, ep) })
	if err != nil {
		return nil, err
	}
	return ep, nil
}

// UpdateEndpoint changes an endpoint's URL, events and enabled flag.
func (s *Service) UpdateEndpoint(ctx context.Context, id string, in EndpointInput) (*paydeck.WebhookEndpoint, error) {
	if err := s.checkTarget(in.URL); err != nil {
		return nil, err
	}
	var ep *paydeck.WebhookEndpoint
	err := s.cfg.Store.Update(ctx, func(tx paydeck.Tx) error {
		var err error
		if ep, err = tx.FindWebhookEndpointByID(ctx, id); err != nil {
			return err
		}
		ep.URL, ep.Events, ep.Enabled = strings.TrimSpace(in.URL), dedupe(in.Events), in.Enabled
		return tx.UpdateWebhookEndpoint(ctx, ep)
	})
	return ep, err
}

// RotateSecret gives the endpoint a new secret; the old one keeps signing
// (a second signature in the header) for RotationGrace. The result holds
// the new secret.
func (s *Service) RotateSecret(ctx context.Context, id string) (*paydeck.WebhookEndpoint, error) {
	var ep *paydeck.WebhookEndpoint
	err := s.cfg.Store.Update(ctx, func(tx paydeck.Tx) error {
		var err error
		if ep, err = tx.FindWebhookEndpointByID(ctx, id); err != nil {
			return err
		}
		until := tx.Now().Add(RotationGrace)
		ep.OldSecret, ep.OldSecretExpiresAt, ep.Secret = ep.Secret, &until, webhook.NewSecret()
		return tx.UpdateWebhookEndpoint(ctx, ep)
	})
	return ep, err
}

// Resend enqueues the event again: to endpointID when set (enabled or not
// is checked at delivery), else to every enabled endpoint subscribed to
// its type. It returns how many deliveries were enqueued.
func (s *Service) Resend(ctx context.Context, eventID, endpointID string) (int, error) {
	n := 0
	err := s.cfg.Store.Update(ctx, func(tx paydeck.Tx) error {
		n = 0
		ev, err := tx.FindOutboundEventByID(ctx, eventID)
		if err != nil {
			return err
		}
		var targets []*paydeck.WebhookEndpoint
		if endpointID != "" {
			ep, err := tx.FindWebhookEndpointByID(ctx, endpointID)
			if err != nil {
				return err
			}
			targets = append(targets, ep)
		} else {
			all, err := tx.FindWebhookEndpoints(ctx)
			if err != nil {
				return err
			}
			for _, ep := range all {
				if ep.Enabled && ep.Wants(ev.Type) {
					targets = append(targets, ep)
				}
			}
		}
		for _, ep := range targets {
			if err := enqueue(ctx, tx, ev.ID, ep.ID); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// SendTest creates a "test" event and enqueues it to the endpoint only.
func (s *Service) SendTest(ctx context.Context, endpointID string) (*paydeck.OutboundEvent, error) {
	var ev *paydeck.OutboundEvent
	err := s.cfg.Store.Update(ctx, func(tx paydeck.Tx) error {
		ep, err := tx.FindWebhookEndpointByID(ctx, endpointID)
		if err != nil {
			return err
		}
		ev, err = publish(ctx, tx, paydeck.OutTest, 0,
			map[string]string{"message": "A test event from paydeck. 테스트 이벤트입니다."}, ep)
		return err
	})
	return ev, err
}

// Feed returns up to limit events after the cursor seq (of the given
// types; all when empty), waiting up to wait for the first one. Events
// younger than settle are held back: on PostgreSQL a later seq can commit
// before an earlier one, and the margin lets the earlier one land first.
func (s *Service) Feed(ctx context.Context, after int64, types []paydeck.OutboundEventType, limit int,
	wait time.Duration) ([]*paydeck.OutboundEvent, error) {
	const settle, poll = 2 * time.Second, 500 * time.Millisecond
	deadline := s.cfg.Now().Add(wait)
	for {
		var evs []*paydeck.OutboundEvent
		before := s.cfg.Now().Add(-settle)
		err := s.cfg.Store.View(ctx, func(tx paydeck.Tx) error {
			var err error
			evs, _, err = tx.FindOutboundEvents(ctx, paydeck.OutboundEventFilter{AfterSeq: after, Types: types,
				CreatedBefore: &before, Limit: limit})
			return err
		})
		if err != nil || len(evs) > 0 || !s.cfg.Now().Before(deadline) {
			return evs, err
		}
		select {
		case <-ctx.Done():
			return evs, nil
		case <-time.After(poll):
		}
	}
}

// ParseTypes splits a comma-separated list of event types and checks each.
func ParseTypes(list string) ([]paydeck.OutboundEventType, error) {
	var out []paydeck.OutboundEventType
	for _, t := range strings.Split(list, ",") {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		typ := paydeck.OutboundEventType(t)
		if !slices.Contains(paydeck.OutboundEventTypes, typ) {
			return nil, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonUnknownEventType, "Unknown event type %q.", t)
		}
		out = append(out, typ)
	}
	return out, nil
}

func dedupe(ts []paydeck.OutboundEventType) []paydeck.OutboundEventType {
	out := []paydeck.OutboundEventType{}
	for _, t := range ts {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
