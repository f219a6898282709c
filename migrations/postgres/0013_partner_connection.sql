-- The Partner API connection of an app (OAuth 2.0): whose client the stored tokens
-- belong to, the company they opened, when the access token expires, and whether
-- Justworks still accepts them. The tokens themselves are app_secrets rows
-- (`access_token`, `refresh_token`), encrypted like the password.
CREATE TABLE app_connections (
    app TEXT PRIMARY KEY REFERENCES app_installs (app) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    company_name TEXT NOT NULL,
    scope TEXT NOT NULL,
    -- Bumped by every token change, so that two instances refreshing at once can tell
    -- that the other one already did (refresh tokens rotate).
    token_rev BIGINT NOT NULL,
    access_expires_at BIGINT NOT NULL,
    connected_at BIGINT NOT NULL,
    connected_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    connected_by_name TEXT,
    -- 'connected', or 'reconnect_needed' once Justworks refused the refresh token.
    state TEXT NOT NULL CHECK (state IN ('connected', 'reconnect_needed')),
    state_at BIGINT NOT NULL,
    -- When the notification list was told to reconnect (once per lost connection).
    reconnect_notified_at BIGINT
);
