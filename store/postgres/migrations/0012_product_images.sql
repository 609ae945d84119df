-- Products look like products (issue 14): a category per product and the
-- one uploaded image of a product, kept in the database on both engines
-- so that every instance of a PostgreSQL deployment serves it without a
-- shared disk (docs/catalogue.md).

ALTER TABLE products ADD COLUMN category text NOT NULL DEFAULT '';

CREATE INDEX products_category ON products (category);

CREATE TABLE product_images (
	product_id   uuid PRIMARY KEY REFERENCES products (id),
	content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
	sha256       text NOT NULL CHECK (length(sha256) = 64),
	data         bytea NOT NULL CHECK (octet_length(data) BETWEEN 1 AND 2097152),
	created_at   timestamptz NOT NULL
);
