-- Products look like products (issue 14): a category per product and the
-- one uploaded image of a product, kept in the database (which lives in
-- the data dir) like on PostgreSQL (docs/catalogue.md).

ALTER TABLE products ADD COLUMN category TEXT NOT NULL DEFAULT '';

CREATE INDEX products_category ON products (category);

CREATE TABLE product_images (
	product_id   TEXT PRIMARY KEY REFERENCES products (id),
	content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
	sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
	data         BLOB NOT NULL CHECK (length(data) BETWEEN 1 AND 2097152),
	created_at   INTEGER NOT NULL
) STRICT;
