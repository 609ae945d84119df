package sqlcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/paydeck/paydeck"
)

// RunEventHook calls hook with the audit events appended in this
// transaction (if any, and if hook is set). Both adapters call it after an
// Update's callback returned nil and before the commit.
func (tx *Tx) RunEventHook(ctx context.Context, hook paydeck.EventHook) error {
	events := tx.appended
	tx.appended = nil
	if hook == nil || len(events) == 0 {
		return nil
	}
	// The events' writes may still be held (combine.go), their ids unset.
	// Every statement flushes them, and while the hook runs so does every
	// read the Tx serves from memory (beforeHeldRead): the ids are set
	// from the hook's first call of tx on, as paydeck.EventHook promises.
	// A hook that passes over every event calls nothing, and the writes
	// stay held for the commit to carry (FlushCommit). The hook's own
	// writes (the outbound event, the mail) may be held too; reads served
	// from memory leave them held, so that they go out as one statement.
	tx.inHook, tx.heldBeforeHook = true, len(tx.pending) > 0
	defer func() { tx.inHook, tx.heldBeforeHook = false, false }()
	return hook(ctx, tx, events)
}

// beforeHeldRead flushes the callback's held writes, while the event hook
// runs, before a read the Tx serves from memory (held orders and payments,
// a known user).
func (tx *Tx) beforeHeldRead(ctx context.Context) error {
	if !tx.inHook || !tx.heldBeforeHook {
		return nil
	}
	return tx.flush(ctx)
}

const outboundEventCols = "id, seq, type, source_event_id, body, created_at"

func scanOutboundEvent(r Rows) (*paydeck.OutboundEvent, error) {
	e := &paydeck.OutboundEvent{}
	var src *int64
	var body string
	err := r.Scan(&e.ID, &e.Seq, &e.Type, &src, &body, scanTime(&e.CreatedAt))
	if src != nil {
		e.SourceEventID = *src
	}
	e.Body = []byte(body)
	return e, err
}

// CreateOutboundEvent implements paydeck.Tx.
func (tx *Tx) CreateOutboundEvent(ctx context.Context, e *paydeck.OutboundEvent) error {
	query, args, err := tx.outboundInsert(e)
	if err != nil {
		return err
	}
	return tx.queryRowConflict(ctx, []any{&e.Seq}, outboundConflict, query+" RETURNING seq", args...)
}

// CreateOutboundEventFor implements paydeck.Tx. The insert is held back
// (combine.go) with its answer, the seq and the endpoints.
func (tx *Tx) CreateOutboundEventFor(ctx context.Context, e *paydeck.OutboundEvent, then func(endpointIDs []string) error) error {
	query, args, err := tx.outboundInsert(e)
	if err != nil {
		return err
	}
	var endpoints []byte
	return tx.write(ctx, heldWrite{table: "outbound_events", query: query, args: args,
		conflict: outboundConflict, then: true,
		returning: `seq, (SELECT ` + tx.d.JSONRows(JSONCol{Name: "id"}, JSONCol{Name: "events", JSON: true}) + `
			FROM (SELECT id, events FROM webhook_endpoints WHERE enabled ORDER BY created_at, id) ep) AS endpoints`,
		cols: []string{"seq", "endpoints"}, dest: []any{&e.Seq, scanJSON(&endpoints)},
		done: func(int64) error {
			ids, err := wantedBy(endpoints, e.Type)
			if err != nil {
				return err
			}
			return then(ids)
		}})
}

// wantedBy returns the IDs of the endpoints (JSONRows of id and events)
// that want typ.
func wantedBy(endpoints []byte, typ paydeck.OutboundEventType) ([]string, error) {
	var raw [][2]json.RawMessage
	if err := json.Unmarshal(endpoints, &raw); err != nil {
		return nil, fmt.Errorf("decode endpoints: %w", err)
	}
	ids := []string{}
	for _, r := range raw {
		ep := &paydeck.WebhookEndpoint{}
		if err := errors.Join(json.Unmarshal(r[0], &ep.ID), json.Unmarshal(r[1], &ep.Events)); err != nil {
			return nil, fmt.Errorf("decode endpoint: %w", err)
		}
		if ep.Wants(typ) {
			ids = append(ids, ep.ID)
		}
	}
	return ids, nil
}

const outboundConflict = "This state change already has an event."

// outboundInsert is the INSERT of e, without RETURNING.
func (tx *Tx) outboundInsert(e *paydeck.OutboundEvent) (string, []any, error) {
	if e.ID == "" || e.Type == "" || !json.Valid(e.Body) {
		return "", nil, paydeck.Errorf(paydeck.CodeInvalid, "An outbound event needs an ID, a type and a JSON body.")
	}
	var src any
	if e.SourceEventID != 0 {
		src = e.SourceEventID
	}
	normTimes(&e.CreatedAt)
	return `INSERT INTO outbound_events (id, type, source_event_id, body, created_at) VALUES (?, ?, ?, ?, ?)`,
		[]any{e.ID, string(e.Type), src, string(e.Body), tx.t(e.CreatedAt)}, nil
}

// FindOutboundEventByID implements paydeck.Tx.
func (tx *Tx) FindOutboundEventByID(ctx context.Context, id string) (*paydeck.OutboundEvent, error) {
	return first(ctx, tx, `SELECT `+outboundEventCols+` FROM outbound_events WHERE id = ?`, []any{id},
		scanOutboundEvent, "Event not found.")
}

// FindOutboundEvents implements paydeck.Tx.
func (tx *Tx) FindOutboundEvents(ctx context.Context, f paydeck.OutboundEventFilter) ([]*paydeck.OutboundEvent, int, error) {
	w := &where{}
	if f.AfterSeq > 0 {
		w.add("seq > ?", f.AfterSeq)
	}
	in(w, "type", f.Types)
	if f.CreatedBefore != nil {
		w.add("created_at < ?", tx.t(*f.CreatedBefore))
	}
	return list(ctx, tx, outboundEventCols, "FROM outbound_events", w, "seq", f.Offset, f.Limit, scanOutboundEvent)
}

const endpointCols = "id, url, events, enabled, secret, old_secret, old_secret_expires_at, failing_since, created_at, updated_at"

func scanEndpoint(r Rows) (*paydeck.WebhookEndpoint, error) {
	e := &paydeck.WebhookEndpoint{}
	var events []byte
	if err := r.Scan(scanText(&e.ID), &e.URL, scanJSON(&events), &e.Enabled, &e.Secret, &e.OldSecret,
		scanNullTime(&e.OldSecretExpiresAt), scanNullTime(&e.FailingSince), scanTime(&e.CreatedAt),
		scanTime(&e.UpdatedAt)); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(events, &e.Events); err != nil {
		return nil, fmt.Errorf("decode endpoint events: %w", err)
	}
	return e, nil
}

func eventsArg(ts []paydeck.OutboundEventType) string {
	if ts == nil {
		ts = []paydeck.OutboundEventType{}
	}
	b, _ := json.Marshal(ts)
	return string(b)
}

// CreateWebhookEndpoint implements paydeck.Tx.
func (tx *Tx) CreateWebhookEndpoint(ctx context.Context, e *paydeck.WebhookEndpoint) error {
	if err := e.Validate(); err != nil {
		return err
	}
	id, err := newID()
	if err != nil {
		return err
	}
	normTimePtrs(&e.OldSecretExpiresAt, &e.FailingSince)
	e.ID, e.CreatedAt, e.UpdatedAt = id, tx.now, tx.now
	_, err = tx.exec(ctx, "", `INSERT INTO webhook_endpoints (`+endpointCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.URL, eventsArg(e.Events), e.Enabled, e.Secret, e.OldSecret, tx.tp(e.OldSecretExpiresAt),
		tx.tp(e.FailingSince), tx.t(e.CreatedAt), tx.t(e.UpdatedAt))
	return err
}

// FindWebhookEndpointByID implements paydeck.Tx.
func (tx *Tx) FindWebhookEndpointByID(ctx context.Context, id string) (*paydeck.WebhookEndpoint, error) {
	if !paydeck.ValidUUID(id) {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, "Webhook endpoint not found.")
	}
	return first(ctx, tx, `SELECT `+endpointCols+` FROM webhook_endpoints WHERE id = ?`, []any{id}, scanEndpoint,
		"Webhook endpoint not found.")
}

// FindWebhookEndpoints implements paydeck.Tx.
func (tx *Tx) FindWebhookEndpoints(ctx context.Context) ([]*paydeck.WebhookEndpoint, error) {
	return queryAll(ctx, tx, `SELECT `+endpointCols+` FROM webhook_endpoints ORDER BY created_at, id`, nil, scanEndpoint)
}

// UpdateWebhookEndpoint implements paydeck.Tx.
func (tx *Tx) UpdateWebhookEndpoint(ctx context.Context, e *paydeck.WebhookEndpoint) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if !paydeck.ValidUUID(e.ID) {
		return paydeck.Errorf(paydeck.CodeNotFound, "Webhook endpoint not found.")
	}
	normTimePtrs(&e.OldSecretExpiresAt, &e.FailingSince)
	e.UpdatedAt = tx.now
	n, err := tx.exec(ctx, "", `UPDATE webhook_endpoints SET url = ?, events = ?, enabled = ?, secret = ?, old_secret = ?,
		old_secret_expires_at = ?, failing_since = ?, updated_at = ? WHERE id = ?`,
		e.URL, eventsArg(e.Events), e.Enabled, e.Secret, e.OldSecret, tx.tp(e.OldSecretExpiresAt), tx.tp(e.FailingSince),
		tx.t(e.UpdatedAt), e.ID)
	return rowsOrNotFound(n, err, "Webhook endpoint not found.")
}

const deliveryCols = "id, event_id, endpoint_id, status_code, ok, latency_us, response, created_at"

func scanDelivery(r Rows) (*paydeck.WebhookDelivery, error) {
	d := &paydeck.WebhookDelivery{}
	var us int64
	err := r.Scan(&d.ID, &d.EventID, scanText(&d.EndpointID), &d.StatusCode, &d.OK, &us, &d.Response,
		scanTime(&d.CreatedAt))
	d.Latency = time.Duration(us) * time.Microsecond
	return d, err
}

// CreateWebhookDelivery implements paydeck.Tx.
func (tx *Tx) CreateWebhookDelivery(ctx context.Context, d *paydeck.WebhookDelivery) error {
	if !paydeck.ValidUUID(d.EndpointID) {
		return paydeck.Errorf(paydeck.CodeConflict, "A referenced record does not exist.")
	}
	d.CreatedAt = tx.now
	var err error
	d.ID, err = tx.insertID(ctx, `INSERT INTO webhook_deliveries (event_id, endpoint_id, status_code, ok, latency_us,
		response, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		d.EventID, d.EndpointID, d.StatusCode, d.OK, d.Latency.Microseconds(), d.Response, tx.t(d.CreatedAt))
	return err
}

// FindWebhookDeliveries implements paydeck.Tx.
func (tx *Tx) FindWebhookDeliveries(ctx context.Context, f paydeck.WebhookDeliveryFilter) ([]*paydeck.WebhookDelivery, int, error) {
	w := &where{}
	if f.EndpointID != nil {
		if !paydeck.ValidUUID(*f.EndpointID) {
			return []*paydeck.WebhookDelivery{}, 0, nil
		}
		w.add("endpoint_id = ?", *f.EndpointID)
	}
	if f.EventID != nil {
		w.add("event_id = ?", *f.EventID)
	}
	return list(ctx, tx, deliveryCols, "FROM webhook_deliveries", w, "id DESC", f.Offset, f.Limit, scanDelivery)
}

const apiKeyCols = "id, name, mode, hint, hash, scopes, created_at, last_used_at, revoked_at, created_by"

func scanAPIKey(r Rows) (*paydeck.APIKey, error) {
	k := &paydeck.APIKey{}
	var scopes []byte
	if err := r.Scan(scanText(&k.ID), &k.Name, &k.Mode, &k.Hint, &k.Hash, scanJSON(&scopes), scanTime(&k.CreatedAt),
		scanNullTime(&k.LastUsedAt), scanNullTime(&k.RevokedAt), scanText(&k.CreatedBy)); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(scopes, &k.Scopes); err != nil {
		return nil, fmt.Errorf("decode key scopes: %w", err)
	}
	return k, nil
}

// CreateAPIKey implements paydeck.Tx.
func (tx *Tx) CreateAPIKey(ctx context.Context, k *paydeck.APIKey) error {
	if err := k.Validate(); err != nil {
		return err
	}
	id, err := newID()
	if err != nil {
		return err
	}
	scopes, err := json.Marshal(k.Scopes)
	if err != nil {
		return err
	}
	normTimePtrs(&k.LastUsedAt, &k.RevokedAt)
	k.ID, k.CreatedAt = id, tx.now
	_, err = tx.exec(ctx, "", `INSERT INTO api_keys (`+apiKeyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.Name, string(k.Mode), k.Hint, k.Hash, string(scopes), tx.t(k.CreatedAt), tx.tp(k.LastUsedAt),
		tx.tp(k.RevokedAt), k.CreatedBy)
	return err
}

// FindAPIKeyByID implements paydeck.Tx.
func (tx *Tx) FindAPIKeyByID(ctx context.Context, id string) (*paydeck.APIKey, error) {
	if !paydeck.ValidUUID(id) {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, "API key not found.")
	}
	return first(ctx, tx, `SELECT `+apiKeyCols+` FROM api_keys WHERE id = ?`, []any{id}, scanAPIKey, "API key not found.")
}

// FindAPIKeyByHash implements paydeck.Tx.
func (tx *Tx) FindAPIKeyByHash(ctx context.Context, hash string) (*paydeck.APIKey, error) {
	return first(ctx, tx, `SELECT `+apiKeyCols+` FROM api_keys WHERE hash = ?`, []any{hash}, scanAPIKey, "API key not found.")
}

// FindAPIKeys implements paydeck.Tx.
func (tx *Tx) FindAPIKeys(ctx context.Context) ([]*paydeck.APIKey, error) {
	return queryAll(ctx, tx, `SELECT `+apiKeyCols+` FROM api_keys ORDER BY created_at DESC, id`, nil, scanAPIKey)
}

// UpdateAPIKey implements paydeck.Tx.
func (tx *Tx) UpdateAPIKey(ctx context.Context, k *paydeck.APIKey) error {
	if !paydeck.ValidUUID(k.ID) {
		return paydeck.Errorf(paydeck.CodeNotFound, "API key not found.")
	}
	normTimePtrs(&k.LastUsedAt, &k.RevokedAt)
	n, err := tx.exec(ctx, "", `UPDATE api_keys SET last_used_at = ?, revoked_at = ? WHERE id = ?`,
		tx.tp(k.LastUsedAt), tx.tp(k.RevokedAt), k.ID)
	return rowsOrNotFound(n, err, "API key not found.")
}
