-- Server-side sessions (issue 12): a signed-in browser or API token exists
-- only while its row does, so logout, password and role changes and
-- deletion end it at once. id is the SHA-256 of the client's secret.
CREATE TABLE sessions (
	id           TEXT PRIMARY KEY,
	user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind         TEXT NOT NULL CHECK (kind IN ('web', 'api')),
	created_at   INTEGER NOT NULL,
	seen_at      INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
