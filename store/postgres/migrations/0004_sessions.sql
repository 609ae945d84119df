-- Server-side sessions (issue 12): a signed-in browser or API token exists
-- only while its row does, so logout, password and role changes and
-- deletion end it at once. id is the SHA-256 of the client's secret.
CREATE TABLE sessions (
	id           text PRIMARY KEY,
	user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind         text NOT NULL CHECK (kind IN ('web', 'api')),
	created_at   timestamptz NOT NULL,
	seen_at      timestamptz NOT NULL,
	expires_at   timestamptz NOT NULL
);

CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
