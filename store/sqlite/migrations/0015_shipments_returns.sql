-- Shipping with tracking and returns (issue 15, sections 4 and 5): an
-- order ships in one or more shipments (courier, tracking number, lines);
-- a delivered order's lines may be returned (청약철회) through a return
-- request the shop approves or refuses. Products carry the Act's
-- withdrawal exemption; addresses get a postcode and a detail line.

ALTER TABLE products ADD COLUMN withdrawal_exempt INTEGER NOT NULL DEFAULT 0 CHECK (withdrawal_exempt IN (0, 1));
ALTER TABLE orders ADD COLUMN shipping_postcode TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN shipping_address_detail TEXT NOT NULL DEFAULT '';

CREATE TABLE shipments (
	id              TEXT PRIMARY KEY,
	order_id        TEXT NOT NULL REFERENCES orders (id),
	courier         TEXT NOT NULL,
	tracking_number TEXT NOT NULL,
	lines           TEXT NOT NULL CHECK (json_valid(lines)),
	created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX shipments_order_id ON shipments (order_id, created_at);

CREATE TABLE return_requests (
	id                  TEXT PRIMARY KEY,
	order_id            TEXT NOT NULL REFERENCES orders (id),
	status              TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'refused')),
	reason              TEXT NOT NULL CHECK (reason IN ('change_of_mind', 'defective', 'wrong_item')),
	note                TEXT NOT NULL,
	lines               TEXT NOT NULL CHECK (json_valid(lines)),
	refuse_reason       TEXT NOT NULL,
	restock             INTEGER NOT NULL CHECK (restock IN (0, 1)),
	refund_amount       INTEGER NOT NULL CHECK (refund_amount >= 0),
	return_shipping_fee INTEGER NOT NULL CHECK (return_shipping_fee >= 0),
	refund_id           TEXT NOT NULL,
	created_at          INTEGER NOT NULL,
	updated_at          INTEGER NOT NULL,
	decided_at          INTEGER
) STRICT;
CREATE INDEX return_requests_order_id ON return_requests (order_id, created_at);
CREATE INDEX return_requests_status ON return_requests (status, created_at);
