-- Outbound events for other systems (signed webhooks), their endpoints and
-- delivery log, and API keys for servers.

CREATE TABLE outbound_events (
	seq             INTEGER PRIMARY KEY AUTOINCREMENT,
	id              TEXT NOT NULL UNIQUE CHECK (id <> ''),
	type            TEXT NOT NULL CHECK (type <> ''),
	source_event_id INTEGER UNIQUE, -- the payment_events row it reports
	body            TEXT NOT NULL,
	created_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE webhook_endpoints (
	id                    TEXT PRIMARY KEY,
	url                   TEXT NOT NULL CHECK (url <> ''),
	events                TEXT NOT NULL CHECK (json_valid(events)),
	enabled               INTEGER NOT NULL CHECK (enabled IN (0, 1)),
	secret                TEXT NOT NULL,
	old_secret            TEXT NOT NULL,
	old_secret_expires_at INTEGER,
	failing_since         INTEGER,
	created_at            INTEGER NOT NULL,
	updated_at            INTEGER NOT NULL
) STRICT;

CREATE TABLE webhook_deliveries (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	event_id    TEXT NOT NULL REFERENCES outbound_events (id),
	endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id),
	status_code INTEGER NOT NULL,
	ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
	latency_us  INTEGER NOT NULL,
	response    TEXT NOT NULL,
	created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id, id);

CREATE TABLE api_keys (
	id           TEXT PRIMARY KEY,
	name         TEXT NOT NULL CHECK (name <> ''),
	created_by   TEXT NOT NULL REFERENCES users (id), -- the admin; orders the key places are theirs
	mode         TEXT NOT NULL CHECK (mode IN ('live', 'test')),
	hint         TEXT NOT NULL,
	hash         TEXT NOT NULL UNIQUE,
	scopes       TEXT NOT NULL CHECK (json_valid(scopes)),
	created_at   INTEGER NOT NULL,
	last_used_at INTEGER,
	revoked_at   INTEGER
) STRICT;

-- An order placed by another system's server (an API key) may name that
-- system's customer instead of a paydeck user.
ALTER TABLE orders ADD COLUMN customer_ref TEXT NOT NULL DEFAULT '';
