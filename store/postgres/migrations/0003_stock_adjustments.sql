-- Stock changes the shop makes by hand (issue 11, defect 7): a delta with a
-- reason, recorded, instead of an absolute number a stale form could post.
CREATE TABLE stock_adjustments (
	id          uuid PRIMARY KEY,
	product_id  uuid NOT NULL REFERENCES products (id),
	delta       bigint NOT NULL CHECK (delta <> 0),
	reason      text NOT NULL CHECK (reason <> ''),
	stock_after bigint NOT NULL CHECK (stock_after >= 0),
	user_id     text NOT NULL,
	created_at  timestamptz NOT NULL
);
CREATE INDEX stock_adjustments_product ON stock_adjustments (product_id, created_at);
