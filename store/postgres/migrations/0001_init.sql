-- paydeck schema for PostgreSQL. Times are timestamptz (microseconds), money
-- bigint won, JSON jsonb.

CREATE TABLE users (
	id            uuid PRIMARY KEY,
	email         text NOT NULL UNIQUE CHECK (email = lower(email) AND email <> ''),
	password_hash text NOT NULL,
	name          text NOT NULL,
	role          text NOT NULL CHECK (role IN ('customer', 'admin')),
	created_at    timestamptz NOT NULL,
	updated_at    timestamptz NOT NULL
);

CREATE TABLE products (
	id             uuid PRIMARY KEY,
	name           text NOT NULL CHECK (name <> ''),
	description    text NOT NULL,
	price          bigint NOT NULL CHECK (price >= 100),
	image_url      text NOT NULL,
	stock_quantity bigint NOT NULL CHECK (stock_quantity >= 0),
	is_digital     boolean NOT NULL,
	is_active      boolean NOT NULL,
	created_at     timestamptz NOT NULL,
	updated_at     timestamptz NOT NULL
);

CREATE TABLE payment_methods (
	id            uuid PRIMARY KEY,
	name          text NOT NULL,
	type          text NOT NULL UNIQUE CHECK (type IN ('card', 'transfer', 'virtual_account', 'mobile_phone',
	                                                   'gift_certificate', 'easy_pay')),
	is_active     boolean NOT NULL,
	display_order integer NOT NULL,
	fee_rate      bigint NOT NULL CHECK (fee_rate BETWEEN 0 AND 10000),
	fixed_fee     bigint NOT NULL CHECK (fixed_fee >= 0),
	created_at    timestamptz NOT NULL,
	updated_at    timestamptz NOT NULL
);

CREATE TABLE orders (
	id               uuid PRIMARY KEY,
	order_id         text NOT NULL UNIQUE CHECK (order_id ~ '^[A-Za-z0-9_-]{6,64}$'),
	user_id          uuid NOT NULL REFERENCES users (id),
	status           text NOT NULL CHECK (status IN ('pending', 'paid', 'cancelled', 'refunded', 'partial_refunded',
	                                                 'shipped', 'delivered', 'expired')),
	total_amount     bigint NOT NULL CHECK (total_amount >= 0),
	discount_amount  bigint NOT NULL CHECK (discount_amount >= 0 AND discount_amount <= total_amount),
	shipping_fee     bigint NOT NULL CHECK (shipping_fee >= 0),
	final_amount     bigint NOT NULL CHECK (final_amount = total_amount - discount_amount + shipping_fee),
	shipping_name    text NOT NULL,
	shipping_phone   text NOT NULL,
	shipping_address text NOT NULL,
	shipping_memo    text NOT NULL,
	created_at       timestamptz NOT NULL,
	updated_at       timestamptz NOT NULL,
	expires_at       timestamptz NOT NULL,
	paid_at          timestamptz,
	shipped_at       timestamptz,
	delivered_at     timestamptz
);
CREATE INDEX orders_user_id_created_at ON orders (user_id, created_at);
CREATE INDEX orders_status_expires_at ON orders (status, expires_at);
CREATE INDEX orders_created_at ON orders (created_at);

CREATE TABLE order_items (
	id           uuid PRIMARY KEY,
	order_id     uuid NOT NULL REFERENCES orders (id),
	line         integer NOT NULL,
	product_id   uuid NOT NULL REFERENCES products (id),
	product_name text NOT NULL,
	quantity     bigint NOT NULL CHECK (quantity > 0),
	unit_price   bigint NOT NULL CHECK (unit_price >= 0),
	total_price  bigint NOT NULL CHECK (total_price = unit_price * quantity),
	UNIQUE (order_id, line)
);
CREATE INDEX order_items_product_id ON order_items (product_id);

CREATE TABLE payments (
	id                uuid PRIMARY KEY,
	payment_key       text UNIQUE,
	order_id          uuid NOT NULL REFERENCES orders (id),
	method            text NOT NULL,
	status            text NOT NULL CHECK (status IN ('ready', 'in_progress', 'waiting_for_deposit', 'done', 'canceled',
	                                                  'partial_canceled', 'aborted', 'expired')),
	amount            bigint NOT NULL CHECK (amount >= 0),
	balance_amount    bigint NOT NULL CHECK (balance_amount >= 0 AND balance_amount <= amount),
	supplied_amount   bigint NOT NULL CHECK (supplied_amount >= 0),
	vat               bigint NOT NULL CHECK (vat >= 0),
	tax_free_amount   bigint NOT NULL CHECK (tax_free_amount >= 0),
	transaction_key   text NOT NULL,
	method_details    jsonb,
	failure_code      text NOT NULL,
	failure_message   text NOT NULL,
	va_bank_code      text,
	va_account_number text,
	va_customer_name  text,
	va_due_date       timestamptz,
	secret            text,
	approved_at       timestamptz,
	expires_at        timestamptz,
	created_at        timestamptz NOT NULL,
	updated_at        timestamptz NOT NULL
);
CREATE INDEX payments_order_id ON payments (order_id);
CREATE INDEX payments_status_va_due_date ON payments (status, va_due_date);
CREATE INDEX payments_status_expires_at ON payments (status, expires_at);
CREATE INDEX payments_approved_at ON payments (approved_at);

CREATE TABLE refunds (
	id                    uuid PRIMARY KEY,
	payment_id            uuid NOT NULL REFERENCES payments (id),
	idempotency_key       text NOT NULL CHECK (idempotency_key <> ''),
	amount                bigint NOT NULL CHECK (amount > 0),
	reason                text NOT NULL,
	status                text NOT NULL CHECK (status IN ('pending', 'in_progress', 'completed', 'failed')),
	transaction_key       text NOT NULL,
	error_code            text NOT NULL,
	error_message         text NOT NULL,
	refund_bank_code      text,
	refund_account_number text,
	refund_holder_name    text,
	created_at            timestamptz NOT NULL,
	updated_at            timestamptz NOT NULL,
	completed_at          timestamptz,
	UNIQUE (payment_id, idempotency_key)
);

-- payment_events is append-only: the trigger below refuses UPDATE and DELETE.
CREATE TABLE payment_events (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	order_id   uuid REFERENCES orders (id),
	payment_id uuid REFERENCES payments (id),
	type       text NOT NULL CHECK (type <> ''),
	message    text NOT NULL,
	metadata   jsonb,
	ip         text NOT NULL,
	user_agent text NOT NULL,
	created_at timestamptz NOT NULL,
	CHECK (order_id IS NOT NULL OR payment_id IS NOT NULL)
);
CREATE INDEX payment_events_order_id ON payment_events (order_id);
CREATE INDEX payment_events_payment_id ON payment_events (payment_id);
CREATE FUNCTION payment_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'payment_events is append-only';
END
$$;
CREATE TRIGGER payment_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON payment_events
	FOR EACH STATEMENT EXECUTE FUNCTION payment_events_append_only();

CREATE TABLE webhooks (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	event_type   text NOT NULL,
	body         bytea NOT NULL,
	headers      jsonb NOT NULL,
	received_at  timestamptz NOT NULL,
	processed_at timestamptz,
	result       text NOT NULL
);
CREATE INDEX webhooks_processed_at ON webhooks (processed_at);

CREATE TABLE reconciliation_reports (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	report_date text NOT NULL CHECK (report_date ~ '^\d{4}-\d{2}-\d{2}$'),
	report      jsonb NOT NULL,
	created_at  timestamptz NOT NULL
);
CREATE INDEX reconciliation_reports_report_date ON reconciliation_reports (report_date);
