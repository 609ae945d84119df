-- Coupons (issue 15, section 3): codes the shop defines, and one use per
-- order. coupons.uses counts the unreleased uses; UseCoupon raises it with
-- one conditional UPDATE, so concurrent orders never pass usage_limit.
-- A deleted coupon keeps its row (orders keep their code) and frees its
-- code for a new coupon.

CREATE TABLE coupons (
	id                 TEXT PRIMARY KEY,
	code               TEXT NOT NULL CHECK (length(code) BETWEEN 3 AND 32 AND code = upper(code)),
	kind               TEXT NOT NULL CHECK (kind IN ('fixed', 'percent')),
	value              INTEGER NOT NULL CHECK (value > 0),
	max_discount       INTEGER NOT NULL CHECK (max_discount >= 0),
	min_order_amount   INTEGER NOT NULL CHECK (min_order_amount >= 0),
	valid_from         INTEGER,
	valid_until        INTEGER,
	usage_limit        INTEGER NOT NULL CHECK (usage_limit >= 0),
	per_customer_limit INTEGER NOT NULL CHECK (per_customer_limit >= 0),
	product_ids        TEXT NOT NULL,
	uses               INTEGER NOT NULL CHECK (uses >= 0),
	created_at         INTEGER NOT NULL,
	updated_at         INTEGER NOT NULL,
	deleted_at         INTEGER
) STRICT;
CREATE UNIQUE INDEX coupons_live_code ON coupons (code) WHERE deleted_at IS NULL;

CREATE TABLE coupon_uses (
	order_id        TEXT PRIMARY KEY REFERENCES orders (id),
	coupon_id       TEXT NOT NULL REFERENCES coupons (id),
	code            TEXT NOT NULL,
	user_id         TEXT NOT NULL REFERENCES users (id),
	discount_amount INTEGER NOT NULL CHECK (discount_amount > 0),
	created_at      INTEGER NOT NULL,
	released_at     INTEGER
) STRICT;
CREATE INDEX coupon_uses_coupon_user ON coupon_uses (coupon_id, user_id);
