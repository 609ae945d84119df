-- Mail to shoppers and to the shop (package notify): every message is kept
-- here, sent by a River job when SMTP is configured, else shown at
-- /admin/outbox.

CREATE TABLE outbox (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	kind       text NOT NULL CHECK (kind <> ''),
	to_addr    text NOT NULL CHECK (to_addr <> ''),
	subject    text NOT NULL,
	text_body  text NOT NULL,
	html_body  text NOT NULL,
	status     text NOT NULL CHECK (status IN ('pending', 'outbox', 'sent', 'retrying')),
	attempts   integer NOT NULL,
	last_error text NOT NULL,
	created_at timestamptz NOT NULL,
	sent_at    timestamptz
);
