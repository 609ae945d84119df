-- Coupons (issue 15, section 3): codes the shop defines, and one use per
-- order. coupons.uses counts the unreleased uses; UseCoupon raises it with
-- one conditional UPDATE, so concurrent orders never pass usage_limit.
-- A deleted coupon keeps its row (orders keep their code) and frees its
-- code for a new coupon.

CREATE TABLE coupons (
	id                 uuid PRIMARY KEY,
	code               text NOT NULL CHECK (code ~ '^[A-Z0-9_-]{3,32}$'),
	kind               text NOT NULL CHECK (kind IN ('fixed', 'percent')),
	value              bigint NOT NULL CHECK (value > 0),
	max_discount       bigint NOT NULL CHECK (max_discount >= 0),
	min_order_amount   bigint NOT NULL CHECK (min_order_amount >= 0),
	valid_from         timestamptz,
	valid_until        timestamptz,
	usage_limit        bigint NOT NULL CHECK (usage_limit >= 0),
	per_customer_limit bigint NOT NULL CHECK (per_customer_limit >= 0),
	product_ids        jsonb NOT NULL,
	uses               bigint NOT NULL CHECK (uses >= 0),
	created_at         timestamptz NOT NULL,
	updated_at         timestamptz NOT NULL,
	deleted_at         timestamptz
);
CREATE UNIQUE INDEX coupons_live_code ON coupons (code) WHERE deleted_at IS NULL;

CREATE TABLE coupon_uses (
	order_id        uuid PRIMARY KEY REFERENCES orders (id),
	coupon_id       uuid NOT NULL REFERENCES coupons (id),
	code            text NOT NULL,
	user_id         uuid NOT NULL REFERENCES users (id),
	discount_amount bigint NOT NULL CHECK (discount_amount > 0),
	created_at      timestamptz NOT NULL,
	released_at     timestamptz
);
CREATE INDEX coupon_uses_coupon_user ON coupon_uses (coupon_id, user_id);
