-- Stock changes the shop makes by hand (issue 11, defect 7): a delta with a
-- reason, recorded, instead of an absolute number a stale form could post.
CREATE TABLE stock_adjustments (
	id          TEXT PRIMARY KEY,
	product_id  TEXT NOT NULL REFERENCES products (id),
	delta       INTEGER NOT NULL CHECK (delta <> 0),
	reason      TEXT NOT NULL CHECK (reason <> ''),
	stock_after INTEGER NOT NULL CHECK (stock_after >= 0),
	user_id     TEXT NOT NULL,
	created_at  INTEGER NOT NULL
);
CREATE INDEX stock_adjustments_product ON stock_adjustments (product_id, created_at);
