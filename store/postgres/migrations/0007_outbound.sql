-- Outbound events for other systems (signed webhooks), their endpoints and
-- delivery log, and API keys for servers.

CREATE TABLE outbound_events (
	id              text PRIMARY KEY CHECK (id <> ''),
	seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	type            text NOT NULL CHECK (type <> ''),
	source_event_id bigint UNIQUE, -- the payment_events row it reports (no foreign key: the audit trail stays truncate-proof)
	body            text NOT NULL,
	created_at      timestamptz NOT NULL
);

CREATE TABLE webhook_endpoints (
	id                    uuid PRIMARY KEY,
	url                   text NOT NULL CHECK (url <> ''),
	events                jsonb NOT NULL,
	enabled               boolean NOT NULL,
	secret                text NOT NULL,
	old_secret            text NOT NULL,
	old_secret_expires_at timestamptz,
	failing_since         timestamptz,
	created_at            timestamptz NOT NULL,
	updated_at            timestamptz NOT NULL
);

CREATE TABLE webhook_deliveries (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	event_id    text NOT NULL REFERENCES outbound_events (id),
	endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id),
	status_code integer NOT NULL,
	ok          boolean NOT NULL,
	latency_us  bigint NOT NULL,
	response    text NOT NULL,
	created_at  timestamptz NOT NULL
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id, id);

CREATE TABLE api_keys (
	id           uuid PRIMARY KEY,
	name         text NOT NULL CHECK (name <> ''),
	created_by   uuid NOT NULL REFERENCES users (id), -- the admin; orders the key places are theirs
	mode         text NOT NULL CHECK (mode IN ('live', 'test')),
	hint         text NOT NULL,
	hash         text NOT NULL UNIQUE,
	scopes       jsonb NOT NULL,
	created_at   timestamptz NOT NULL,
	last_used_at timestamptz,
	revoked_at   timestamptz
);

-- An order placed by another system's server (an API key) may name that
-- system's customer instead of a paydeck user.
ALTER TABLE orders ADD COLUMN customer_ref text NOT NULL DEFAULT '';
