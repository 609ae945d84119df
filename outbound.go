package paydeck

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
	"time"
)

// OutboundEventType names an event paydeck sends to other systems' webhook
// endpoints (package outbound). Names are never changed once shipped.
type OutboundEventType string

// Outbound event types.
const (
	OutOrderPaid                OutboundEventType = "order.paid"
	OutOrderCanceled            OutboundEventType = "order.canceled"
	OutOrderExpired             OutboundEventType = "order.expired"
	OutOrderShipped             OutboundEventType = "order.shipped"
	OutPaymentFailed            OutboundEventType = "payment.failed"
	OutPaymentWaitingForDeposit OutboundEventType = "payment.waiting_for_deposit"
	OutRefundCompleted          OutboundEventType = "refund.completed"
	OutRefundFailed             OutboundEventType = "refund.failed"
	// Subscription events report the state changes of subscriptions
	// (package subscription); see the OpenAPI document's webhooks.
	OutSubscriptionCreated     OutboundEventType = "subscription.created"
	OutSubscriptionRenewed     OutboundEventType = "subscription.renewed"
	OutSubscriptionPastDue     OutboundEventType = "subscription.past_due"
	OutSubscriptionCanceled    OutboundEventType = "subscription.canceled"
	OutSubscriptionExpired     OutboundEventType = "subscription.expired"
	OutSubscriptionCardUpdated OutboundEventType = "subscription.card_updated"
	// OutTest is sent only by the "test event" action, to one endpoint.
	OutTest OutboundEventType = "test"
)

// OutboundEventTypes lists the types an endpoint may subscribe to.
var OutboundEventTypes = []OutboundEventType{OutOrderPaid, OutOrderCanceled, OutOrderExpired, OutOrderShipped,
	OutPaymentFailed, OutPaymentWaitingForDeposit, OutRefundCompleted, OutRefundFailed,
	OutSubscriptionCreated, OutSubscriptionRenewed, OutSubscriptionPastDue, OutSubscriptionCanceled,
	OutSubscriptionExpired, OutSubscriptionCardUpdated}

// OutboundEvent is one event for other systems: its envelope is stored
// byte for byte, so every delivery and resend sends (and signs) the same
// body.
type OutboundEvent struct {
	// ID is "evt_…", assigned by the caller; it is the webhook-id header.
	ID   string            `json:"id"`
	Type OutboundEventType `json:"type"`
	// SourceEventID is the audit event (PaymentEvent.ID) that reported the
	// state change, 0 for test and subscription events (those come from
	// subscription.Config.OnChange); a source has at most one event.
	SourceEventID int64 `json:"-"`
	// Seq is assigned by the store and increases in insert order (the
	// cursor of the event feed); commit order may differ.
	Seq int64 `json:"-"`
	// Body is the JSON envelope {"id","type","created","data"}.
	Body      []byte    `json:"-"`
	CreatedAt time.Time `json:"created"`
}

// WebhookEndpoint is a URL of another system that receives outbound events
// signed with its secret (Standard Webhooks).
type WebhookEndpoint struct {
	ID  string `json:"id"`
	URL string `json:"url"`
	// Events are the subscribed types; empty means all.
	Events  []OutboundEventType `json:"events"`
	Enabled bool                `json:"enabled"`
	// Secret is "whsec_…"; never shown after creation.
	Secret string `json:"-"`
	// OldSecret is the secret before the last rotation, still used to sign
	// until OldSecretExpiresAt.
	OldSecret          string     `json:"-"`
	OldSecretExpiresAt *time.Time `json:"-"`
	// FailingSince is set when deliveries kept failing for the whole retry
	// window (the endpoint is flagged); a successful delivery clears it.
	FailingSince *time.Time `json:"failingSince,omitempty"`
	CreatedAt    time.Time  `json:"createdAt"`
	UpdatedAt    time.Time  `json:"updatedAt"`
}

// Wants reports whether the endpoint subscribes to t.
func (e *WebhookEndpoint) Wants(t OutboundEventType) bool {
	return len(e.Events) == 0 || slices.Contains(e.Events, t)
}

// Secrets returns the secrets to sign with at now: the current one, and
// the old one while it is still valid.
func (e *WebhookEndpoint) Secrets(now time.Time) []string {
	s := []string{e.Secret}
	if e.OldSecret != "" && e.OldSecretExpiresAt != nil && now.Before(*e.OldSecretExpiresAt) {
		s = append(s, e.OldSecret)
	}
	return s
}

// Validate returns an invalid *Error naming the first broken rule: an
// http(s) URL with a host and no credentials, known event types, a secret.
func (e *WebhookEndpoint) Validate() error {
	u, err := url.Parse(e.URL)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "":
		return Reasonf(CodeInvalid, ReasonEndpointURL, "The endpoint URL must be an absolute http:// or https:// URL.")
	case u.User != nil:
		return Reasonf(CodeInvalid, ReasonEndpointURL, "The endpoint URL must not hold a user name or password.")
	case len(e.URL) > 2048:
		return Reasonf(CodeInvalid, ReasonEndpointURL, "The endpoint URL is longer than 2048 characters.")
	case !strings.HasPrefix(e.Secret, "whsec_"):
		return Errorf(CodeInvalid, "The endpoint has no signing secret.")
	}
	for _, t := range e.Events {
		if !slices.Contains(OutboundEventTypes, t) {
			return Reasonf(CodeInvalid, ReasonUnknownEventType, "Unknown event type %q.", t)
		}
	}
	return nil
}

// WebhookDelivery is one attempt to deliver an event to an endpoint.
type WebhookDelivery struct {
	ID         int64  `json:"id"`
	EventID    string `json:"eventId"`
	EndpointID string `json:"endpointId"`
	// StatusCode is the HTTP status, 0 when no answer came.
	StatusCode int  `json:"statusCode"`
	OK         bool `json:"ok"`
	// Latency is from sending the request to reading the capped answer.
	Latency time.Duration `json:"latency"`
	// Response is the start of the answer's body (or the error).
	Response  string    `json:"response"`
	CreatedAt time.Time `json:"createdAt"`
}

// APIKeyMode says which Toss mode a key belongs to: "live" or "test".
type APIKeyMode string

// API key modes.
const (
	APIKeyLive APIKeyMode = "live"
	APIKeyTest APIKeyMode = "test"
)

// Scope is one permission of an API key.
type Scope string

// Scopes of API keys.
const (
	ScopeOrdersRead     Scope = "orders:read"
	ScopeOrdersWrite    Scope = "orders:write"
	ScopePaymentsWrite  Scope = "payments:write"
	ScopeRefundsWrite   Scope = "refunds:write"
	ScopeCatalogueWrite Scope = "catalogue:write"
	ScopeReportsRead    Scope = "reports:read"
)

// Scopes lists every scope.
var Scopes = []Scope{ScopeOrdersRead, ScopeOrdersWrite, ScopePaymentsWrite, ScopeRefundsWrite,
	ScopeCatalogueWrite, ScopeReportsRead}

// APIKey is a secret key another system's server uses on the REST API. The
// store keeps only the SHA-256 of the secret.
type APIKey struct {
	ID   string     `json:"id"`
	Name string     `json:"name"`
	Mode APIKeyMode `json:"mode"`
	// Hint is the key's first characters ("pdk_test_AbCd"), to recognise it.
	Hint string `json:"hint"`
	// Hash is the hex SHA-256 of the whole key.
	Hash string `json:"-"`
	// CreatedBy is the admin who created the key (User.ID); the key acts
	// as them, and orders it places are theirs.
	CreatedBy  string     `json:"createdBy"`
	Scopes     []Scope    `json:"scopes"`
	CreatedAt  time.Time  `json:"createdAt"`
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty"`
	RevokedAt  *time.Time `json:"revokedAt,omitempty"`
}

// Has reports whether the key grants s.
func (k *APIKey) Has(s Scope) bool { return slices.Contains(k.Scopes, s) }

// Validate returns an invalid *Error naming the first broken rule.
func (k *APIKey) Validate() error {
	switch {
	case strings.TrimSpace(k.Name) == "" || len(k.Name) > 100:
		return Reasonf(CodeInvalid, ReasonKeyName, "A key needs a name of 1 to 100 characters.")
	case k.Mode != APIKeyLive && k.Mode != APIKeyTest:
		return Errorf(CodeInvalid, "Key mode must be live or test.")
	case !ValidUUID(k.CreatedBy):
		return Errorf(CodeInvalid, "A key needs the admin who created it.")
	case len(k.Hash) != 64:
		return Errorf(CodeInvalid, "Key hash is missing.")
	case len(k.Scopes) == 0:
		return Reasonf(CodeInvalid, ReasonKeyScopes, "A key needs at least one scope.")
	}
	for _, s := range k.Scopes {
		if !slices.Contains(Scopes, s) {
			return Reasonf(CodeInvalid, ReasonUnknownScope, "Unknown scope %q.", s)
		}
	}
	return nil
}

// EventHook runs inside an Update after its callback returned nil and
// before the commit, with the audit events the callback appended, in
// order (store.Options.EventHook). Its writes commit with the change they
// report; its error rolls everything back. It must not append events.
// The store may still hold the events' own writes when it calls the hook
// (sending them with the commit if nothing else is written): their IDs are
// set once the hook first calls a method of tx, so a hook reads an event's
// ID only after it has called tx.
type EventHook func(ctx context.Context, tx Tx, events []*PaymentEvent) error

// OutboundEventFilter selects outbound events; zero fields do not filter.
type OutboundEventFilter struct {
	// AfterSeq matches events with Seq > it (the feed cursor).
	AfterSeq int64
	Types    []OutboundEventType
	// CreatedBefore matches events with CreatedAt < it.
	CreatedBefore *time.Time
	Offset        int
	Limit         int
}

// WebhookDeliveryFilter selects delivery attempts, newest first.
type WebhookDeliveryFilter struct {
	EndpointID *string
	EventID    *string
	Offset     int
	Limit      int
}

// APIKeyPrefix starts every API key; "pdk_live_" or "pdk_test_" follows
// by mode.
const APIKeyPrefix = "pdk_"

// NewAPIKeySecret returns a fresh key "pdk_<mode>_<32 characters>" (160
// random bits) and its hash and hint for the store.
func NewAPIKeySecret(mode APIKeyMode) (secret, hash, hint string) {
	b := make([]byte, 20)
	_, _ = rand.Read(b) // never fails (crypto/rand.Read panics instead)
	secret = APIKeyPrefix + string(mode) + "_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	return secret, HashAPIKey(secret), secret[:len(APIKeyPrefix)+len(mode)+5]
}

// HashAPIKey is the hex SHA-256 of a key, what the store keeps and looks
// keys up by. Keys carry 160 random bits, so a fast hash is enough.
func HashAPIKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
