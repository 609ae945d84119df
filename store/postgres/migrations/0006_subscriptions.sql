-- Subscriptions (issue 16): plans, subscriptions on Toss billing keys, and
-- one charge row per (subscription, period), which the UNIQUE constraint
-- makes the store's half of "each period is charged at most once".

CREATE TABLE plans (
	id             uuid PRIMARY KEY,
	name           text NOT NULL CHECK (name <> ''),
	amount         bigint NOT NULL CHECK (amount >= 100),
	billing_interval text NOT NULL CHECK (billing_interval IN ('month', 'year', 'day')),
	interval_count integer NOT NULL CHECK (interval_count BETWEEN 1 AND 365),
	trial_days     integer NOT NULL CHECK (trial_days BETWEEN 0 AND 365),
	tax_type       text NOT NULL CHECK (tax_type IN ('taxable', 'tax_free')),
	is_active      boolean NOT NULL,
	product_id     uuid NOT NULL REFERENCES products (id),
	created_at     timestamptz NOT NULL,
	updated_at     timestamptz NOT NULL
);

CREATE TABLE subscriptions (
	id                   uuid PRIMARY KEY,
	user_id              uuid NOT NULL REFERENCES users (id),
	plan_id              uuid NOT NULL REFERENCES plans (id),
	status               text NOT NULL CHECK (status IN ('trialing', 'active', 'past_due', 'canceled', 'expired')),
	customer_key         text NOT NULL CHECK (customer_key <> ''),
	billing_key_sealed   text NOT NULL,
	billing_key_hash     text NOT NULL,
	card_issuer          text NOT NULL,
	card_number          text NOT NULL,
	needs_card           boolean NOT NULL,
	anchor_at            timestamptz NOT NULL,
	current_period       integer NOT NULL CHECK (current_period >= 0),
	current_period_start timestamptz NOT NULL,
	current_period_end   timestamptz NOT NULL,
	cancel_at_period_end boolean NOT NULL,
	retry_count          integer NOT NULL CHECK (retry_count >= 0),
	next_retry_at        timestamptz,
	canceled_at          timestamptz,
	ended_at             timestamptz,
	created_at           timestamptz NOT NULL,
	updated_at           timestamptz NOT NULL
);
CREATE INDEX subscriptions_user_id ON subscriptions (user_id, created_at);
CREATE INDEX subscriptions_status_period_end ON subscriptions (status, current_period_end);
CREATE INDEX subscriptions_status_next_retry ON subscriptions (status, next_retry_at);
CREATE INDEX subscriptions_billing_key_hash ON subscriptions (billing_key_hash);

CREATE TABLE subscription_charges (
	id              uuid PRIMARY KEY,
	subscription_id uuid NOT NULL REFERENCES subscriptions (id),
	period          integer NOT NULL CHECK (period >= 1),
	amount          bigint NOT NULL CHECK (amount > 0),
	status          text NOT NULL CHECK (status IN ('pending', 'paid', 'failed', 'abandoned')),
	attempts        integer NOT NULL CHECK (attempts >= 0),
	order_id        uuid REFERENCES orders (id),
	payment_id      uuid REFERENCES payments (id),
	failure_code    text NOT NULL,
	failure_message text NOT NULL,
	refunded_amount bigint NOT NULL CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
	period_start    timestamptz NOT NULL,
	period_end      timestamptz NOT NULL,
	paid_at         timestamptz,
	created_at      timestamptz NOT NULL,
	updated_at      timestamptz NOT NULL,
	UNIQUE (subscription_id, period)
);
CREATE INDEX subscription_charges_status ON subscription_charges (status, updated_at);
