-- Shipping with tracking and returns (issue 15, sections 4 and 5): an
-- order ships in one or more shipments (courier, tracking number, lines);
-- a delivered order's lines may be returned (청약철회) through a return
-- request the shop approves or refuses. Products carry the Act's
-- withdrawal exemption; addresses get a postcode and a detail line.

ALTER TABLE products ADD COLUMN withdrawal_exempt boolean NOT NULL DEFAULT false;
ALTER TABLE orders ADD COLUMN shipping_postcode text NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN shipping_address_detail text NOT NULL DEFAULT '';

CREATE TABLE shipments (
	id              uuid PRIMARY KEY,
	order_id        uuid NOT NULL REFERENCES orders (id),
	courier         text NOT NULL,
	tracking_number text NOT NULL,
	lines           jsonb NOT NULL,
	created_at      timestamptz NOT NULL
);
CREATE INDEX shipments_order_id ON shipments (order_id, created_at);

CREATE TABLE return_requests (
	id                  uuid PRIMARY KEY,
	order_id            uuid NOT NULL REFERENCES orders (id),
	status              text NOT NULL CHECK (status IN ('requested', 'approved', 'refused')),
	reason              text NOT NULL CHECK (reason IN ('change_of_mind', 'defective', 'wrong_item')),
	note                text NOT NULL,
	lines               jsonb NOT NULL,
	refuse_reason       text NOT NULL,
	restock             boolean NOT NULL,
	refund_amount       bigint NOT NULL CHECK (refund_amount >= 0),
	return_shipping_fee bigint NOT NULL CHECK (return_shipping_fee >= 0),
	refund_id           text NOT NULL,
	created_at          timestamptz NOT NULL,
	updated_at          timestamptz NOT NULL,
	decided_at          timestamptz
);
CREATE INDEX return_requests_order_id ON return_requests (order_id, created_at);
CREATE INDEX return_requests_status ON return_requests (status, created_at);
