-- Mail to shoppers and to the shop (package notify): every message is kept
-- here, sent by a River job when SMTP is configured, else shown at
-- /admin/outbox.

CREATE TABLE outbox (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	kind       TEXT NOT NULL CHECK (kind <> ''),
	to_addr    TEXT NOT NULL CHECK (to_addr <> ''),
	subject    TEXT NOT NULL,
	text_body  TEXT NOT NULL,
	html_body  TEXT NOT NULL,
	status     TEXT NOT NULL CHECK (status IN ('pending', 'outbox', 'sent', 'retrying')),
	attempts   INTEGER NOT NULL,
	last_error TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	sent_at    INTEGER
) STRICT;
