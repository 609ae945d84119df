package outbound

import (
	"context"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/subscription"
)

// subscriptionTypes maps the subscription service's changes to the events
// other systems are told about. Changes not listed (a cancel scheduled for
// the period's end or undone, a further declined retry or an admin's retry
// of a past_due subscription, a card removed at Toss) send nothing: the
// events that follow them (expired, renewed, canceled, card_updated) do.
var subscriptionTypes = map[string]paydeck.OutboundEventType{
	subscription.ChangeCreated:     paydeck.OutSubscriptionCreated,
	subscription.ChangeRenewed:     paydeck.OutSubscriptionRenewed,
	subscription.ChangePastDue:     paydeck.OutSubscriptionPastDue,
	subscription.ChangeCanceled:    paydeck.OutSubscriptionCanceled,
	subscription.ChangeExpired:     paydeck.OutSubscriptionExpired,
	subscription.ChangeCardUpdated: paydeck.OutSubscriptionCardUpdated,
}

// SubscriptionHook returns the subscription service's OnChange
// (subscription.Config.OnChange): subscription changes are not audit
// events, so Hook never sees them; this publishes their events the same
// way, in the transaction of the change, one event per change.
func SubscriptionHook(v Views) func(ctx context.Context, tx paydeck.Tx, d *subscription.Details, change string) error {
	return func(ctx context.Context, tx paydeck.Tx, d *subscription.Details, change string) error {
		typ, ok := subscriptionTypes[change]
		if !ok {
			return nil
		}
		_, err := publish(ctx, tx, typ, 0, v.Subscription(d), nil)
		return err
	}
}
