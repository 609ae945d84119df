-- Tax-free goods (면세) and cash receipts (현금영수증), issue 15 §1–2.
-- A product and the order line that captured it carry their tax type; an
-- order keeps the tax-free part of its final amount (sent to Toss as
-- taxFreeAmount); a refund keeps the tax-free part of what it returned; a
-- payment keeps its cash receipt (masked number, Toss's receipt key and
-- URL) as JSON, NULL when none was issued.
ALTER TABLE products ADD COLUMN tax_free INTEGER NOT NULL DEFAULT 0 CHECK (tax_free IN (0, 1));
ALTER TABLE order_items ADD COLUMN tax_free INTEGER NOT NULL DEFAULT 0 CHECK (tax_free IN (0, 1));
ALTER TABLE orders ADD COLUMN tax_free_amount INTEGER NOT NULL DEFAULT 0 CHECK (tax_free_amount >= 0);
ALTER TABLE refunds ADD COLUMN tax_free_amount INTEGER NOT NULL DEFAULT 0 CHECK (tax_free_amount >= 0);
ALTER TABLE payments ADD COLUMN cash_receipt TEXT CHECK (cash_receipt IS NULL OR json_valid(cash_receipt));
