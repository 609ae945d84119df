-- paydeck schema for SQLite. Times are INTEGER Unix microseconds (UTC),
-- money INTEGER won, booleans INTEGER 0/1, JSON TEXT. STRICT tables reject
-- values of the wrong type.

CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE CHECK (email = lower(email) AND email <> ''),
	password_hash TEXT NOT NULL,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL CHECK (role IN ('customer', 'admin')),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE products (
	id             TEXT PRIMARY KEY,
	name           TEXT NOT NULL CHECK (name <> ''),
	description    TEXT NOT NULL,
	price          INTEGER NOT NULL CHECK (price >= 100),
	image_url      TEXT NOT NULL,
	stock_quantity INTEGER NOT NULL CHECK (stock_quantity >= 0),
	is_digital     INTEGER NOT NULL CHECK (is_digital IN (0, 1)),
	is_active      INTEGER NOT NULL CHECK (is_active IN (0, 1)),
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL
) STRICT;

CREATE TABLE payment_methods (
	id            TEXT PRIMARY KEY,
	name          TEXT NOT NULL,
	type          TEXT NOT NULL UNIQUE CHECK (type IN ('card', 'transfer', 'virtual_account', 'mobile_phone',
	                                                   'gift_certificate', 'easy_pay')),
	is_active     INTEGER NOT NULL CHECK (is_active IN (0, 1)),
	display_order INTEGER NOT NULL,
	fee_rate      INTEGER NOT NULL CHECK (fee_rate BETWEEN 0 AND 10000),
	fixed_fee     INTEGER NOT NULL CHECK (fixed_fee >= 0),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE orders (
	id               TEXT PRIMARY KEY,
	order_id         TEXT NOT NULL UNIQUE CHECK (length(order_id) BETWEEN 6 AND 64),
	user_id          TEXT NOT NULL REFERENCES users (id),
	status           TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'cancelled', 'refunded', 'partial_refunded',
	                                                 'shipped', 'delivered', 'expired')),
	total_amount     INTEGER NOT NULL CHECK (total_amount >= 0),
	discount_amount  INTEGER NOT NULL CHECK (discount_amount >= 0 AND discount_amount <= total_amount),
	shipping_fee     INTEGER NOT NULL CHECK (shipping_fee >= 0),
	final_amount     INTEGER NOT NULL CHECK (final_amount = total_amount - discount_amount + shipping_fee),
	shipping_name    TEXT NOT NULL,
	shipping_phone   TEXT NOT NULL,
	shipping_address TEXT NOT NULL,
	shipping_memo    TEXT NOT NULL,
	created_at       INTEGER NOT NULL,
	updated_at       INTEGER NOT NULL,
	expires_at       INTEGER NOT NULL,
	paid_at          INTEGER,
	shipped_at       INTEGER,
	delivered_at     INTEGER
) STRICT;
CREATE INDEX orders_user_id_created_at ON orders (user_id, created_at);
CREATE INDEX orders_status_expires_at ON orders (status, expires_at);
CREATE INDEX orders_created_at ON orders (created_at);

CREATE TABLE order_items (
	id           TEXT PRIMARY KEY,
	order_id     TEXT NOT NULL REFERENCES orders (id),
	line         INTEGER NOT NULL,
	product_id   TEXT NOT NULL REFERENCES products (id),
	product_name TEXT NOT NULL,
	quantity     INTEGER NOT NULL CHECK (quantity > 0),
	unit_price   INTEGER NOT NULL CHECK (unit_price >= 0),
	total_price  INTEGER NOT NULL CHECK (total_price = unit_price * quantity),
	UNIQUE (order_id, line)
) STRICT;
CREATE INDEX order_items_product_id ON order_items (product_id);

CREATE TABLE payments (
	id                TEXT PRIMARY KEY,
	payment_key       TEXT UNIQUE,
	order_id          TEXT NOT NULL REFERENCES orders (id),
	method            TEXT NOT NULL,
	status            TEXT NOT NULL CHECK (status IN ('ready', 'in_progress', 'waiting_for_deposit', 'done', 'canceled',
	                                                  'partial_canceled', 'aborted', 'expired')),
	amount            INTEGER NOT NULL CHECK (amount >= 0),
	balance_amount    INTEGER NOT NULL CHECK (balance_amount >= 0 AND balance_amount <= amount),
	supplied_amount   INTEGER NOT NULL CHECK (supplied_amount >= 0),
	vat               INTEGER NOT NULL CHECK (vat >= 0),
	tax_free_amount   INTEGER NOT NULL CHECK (tax_free_amount >= 0),
	transaction_key   TEXT NOT NULL,
	method_details    TEXT CHECK (method_details IS NULL OR json_valid(method_details)),
	failure_code      TEXT NOT NULL,
	failure_message   TEXT NOT NULL,
	va_bank_code      TEXT,
	va_account_number TEXT,
	va_customer_name  TEXT,
	va_due_date       INTEGER,
	secret            TEXT,
	approved_at       INTEGER,
	expires_at        INTEGER,
	created_at        INTEGER NOT NULL,
	updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX payments_order_id ON payments (order_id);
CREATE INDEX payments_status_va_due_date ON payments (status, va_due_date);
CREATE INDEX payments_status_expires_at ON payments (status, expires_at);
CREATE INDEX payments_approved_at ON payments (approved_at);

CREATE TABLE refunds (
	id                    TEXT PRIMARY KEY,
	payment_id            TEXT NOT NULL REFERENCES payments (id),
	idempotency_key       TEXT NOT NULL CHECK (idempotency_key <> ''),
	amount                INTEGER NOT NULL CHECK (amount > 0),
	reason                TEXT NOT NULL,
	status                TEXT NOT NULL CHECK (status IN ('pending', 'in_progress', 'completed', 'failed')),
	transaction_key       TEXT NOT NULL,
	error_code            TEXT NOT NULL,
	error_message         TEXT NOT NULL,
	refund_bank_code      TEXT,
	refund_account_number TEXT,
	refund_holder_name    TEXT,
	created_at            INTEGER NOT NULL,
	updated_at            INTEGER NOT NULL,
	completed_at          INTEGER,
	UNIQUE (payment_id, idempotency_key)
) STRICT;

-- payment_events is append-only: the triggers below refuse UPDATE and DELETE.
CREATE TABLE payment_events (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	order_id   TEXT REFERENCES orders (id),
	payment_id TEXT REFERENCES payments (id),
	type       TEXT NOT NULL CHECK (type <> ''),
	message    TEXT NOT NULL,
	metadata   TEXT CHECK (metadata IS NULL OR json_valid(metadata)),
	ip         TEXT NOT NULL,
	user_agent TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	CHECK (order_id IS NOT NULL OR payment_id IS NOT NULL)
) STRICT;
CREATE INDEX payment_events_order_id ON payment_events (order_id);
CREATE INDEX payment_events_payment_id ON payment_events (payment_id);
CREATE TRIGGER payment_events_no_update BEFORE UPDATE ON payment_events
BEGIN
	SELECT RAISE(ABORT, 'payment_events is append-only');
END;
CREATE TRIGGER payment_events_no_delete BEFORE DELETE ON payment_events
BEGIN
	SELECT RAISE(ABORT, 'payment_events is append-only');
END;

CREATE TABLE webhooks (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	event_type   TEXT NOT NULL,
	body         BLOB NOT NULL,
	headers      TEXT NOT NULL CHECK (json_valid(headers)),
	received_at  INTEGER NOT NULL,
	processed_at INTEGER,
	result       TEXT NOT NULL
) STRICT;
CREATE INDEX webhooks_processed_at ON webhooks (processed_at);

CREATE TABLE reconciliation_reports (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	report_date TEXT NOT NULL CHECK (report_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	report      TEXT NOT NULL CHECK (json_valid(report)),
	created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX reconciliation_reports_report_date ON reconciliation_reports (report_date);
