-- Subscriptions (issue 16): plans, subscriptions on Toss billing keys, and
-- one charge row per (subscription, period), which the UNIQUE constraint
-- makes the store's half of "each period is charged at most once".

CREATE TABLE plans (
	id             TEXT PRIMARY KEY,
	name           TEXT NOT NULL CHECK (name <> ''),
	amount         INTEGER NOT NULL CHECK (amount >= 100),
	billing_interval TEXT NOT NULL CHECK (billing_interval IN ('month', 'year', 'day')),
	interval_count INTEGER NOT NULL CHECK (interval_count BETWEEN 1 AND 365),
	trial_days     INTEGER NOT NULL CHECK (trial_days BETWEEN 0 AND 365),
	tax_type       TEXT NOT NULL CHECK (tax_type IN ('taxable', 'tax_free')),
	is_active      INTEGER NOT NULL CHECK (is_active IN (0, 1)),
	product_id     TEXT NOT NULL REFERENCES products (id),
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL
) STRICT;

CREATE TABLE subscriptions (
	id                   TEXT PRIMARY KEY,
	user_id              TEXT NOT NULL REFERENCES users (id),
	plan_id              TEXT NOT NULL REFERENCES plans (id),
	status               TEXT NOT NULL CHECK (status IN ('trialing', 'active', 'past_due', 'canceled', 'expired')),
	customer_key         TEXT NOT NULL CHECK (customer_key <> ''),
	billing_key_sealed   TEXT NOT NULL,
	billing_key_hash     TEXT NOT NULL,
	card_issuer          TEXT NOT NULL,
	card_number          TEXT NOT NULL,
	needs_card           INTEGER NOT NULL CHECK (needs_card IN (0, 1)),
	anchor_at            INTEGER NOT NULL,
	current_period       INTEGER NOT NULL CHECK (current_period >= 0),
	current_period_start INTEGER NOT NULL,
	current_period_end   INTEGER NOT NULL,
	cancel_at_period_end INTEGER NOT NULL CHECK (cancel_at_period_end IN (0, 1)),
	retry_count          INTEGER NOT NULL CHECK (retry_count >= 0),
	next_retry_at        INTEGER,
	canceled_at          INTEGER,
	ended_at             INTEGER,
	created_at           INTEGER NOT NULL,
	updated_at           INTEGER NOT NULL
) STRICT;
CREATE INDEX subscriptions_user_id ON subscriptions (user_id, created_at);
CREATE INDEX subscriptions_status_period_end ON subscriptions (status, current_period_end);
CREATE INDEX subscriptions_status_next_retry ON subscriptions (status, next_retry_at);
CREATE INDEX subscriptions_billing_key_hash ON subscriptions (billing_key_hash);

CREATE TABLE subscription_charges (
	id              TEXT PRIMARY KEY,
	subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
	period          INTEGER NOT NULL CHECK (period >= 1),
	amount          INTEGER NOT NULL CHECK (amount > 0),
	status          TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'failed', 'abandoned')),
	attempts        INTEGER NOT NULL CHECK (attempts >= 0),
	order_id        TEXT REFERENCES orders (id),
	payment_id      TEXT REFERENCES payments (id),
	failure_code    TEXT NOT NULL,
	failure_message TEXT NOT NULL,
	refunded_amount INTEGER NOT NULL CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
	period_start    INTEGER NOT NULL,
	period_end      INTEGER NOT NULL,
	paid_at         INTEGER,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL,
	UNIQUE (subscription_id, period)
) STRICT;
CREATE INDEX subscription_charges_status ON subscription_charges (status, updated_at);
