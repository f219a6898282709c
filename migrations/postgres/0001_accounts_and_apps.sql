-- PostgreSQL twin of migrations/sqlite/0001_accounts_and_apps.sql: the same tables, columns
-- and indexes, kept in step (tests/app/backends.rs compares the two schemas).
--
-- Accounts, sessions, the audit log and installed apps.
-- Portable conventions (see src/db.rs): ids are text made by the app, instants are UTC
-- milliseconds in BIGINT, flags are INTEGER 0/1.

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('owner', 'technical_owner', 'member')),
    -- NULL until an invited user chooses a password.
    password_hash TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    -- Sessions that signed in before this instant are no longer valid (sign-out
    -- everywhere on deactivation, demotion and password change).
    sessions_valid_after BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);

-- A one-time link to choose a password: the first Owner's setup link and invitations.
CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX invitations_user ON invitations (user_id);

-- Setup tokens printed at start while no user exists (hashes only).
CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);

-- One row once the first Owner exists: makes a second /setup impossible even when two
-- requests race.
CREATE TABLE setup_done (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    done_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    -- SHA-256 of the session id: the database never holds a usable session id.
    id_hash TEXT PRIMARY KEY,
    user_id TEXT,
    data TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE failed_sign_ins (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    client TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX failed_sign_ins_email ON failed_sign_ins (email, at);
CREATE INDEX failed_sign_ins_client ON failed_sign_ins (client, at);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id TEXT,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    details TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);

-- A check value encrypted under the server's key: a wrong key is caught at start.
CREATE TABLE key_check (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    ciphertext TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE app_installs (
    app TEXT PRIMARY KEY,
    installed_at BIGINT NOT NULL,
    installed_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    -- Non-secret settings as JSON; NULL until the first Save Settings.
    settings TEXT,
    run_daily INTEGER NOT NULL DEFAULT 0,
    daily_at TEXT NOT NULL DEFAULT '06:00',
    updated_at BIGINT NOT NULL
);

-- Secrets of an app (password, TOTP seed), encrypted; the associated data binds each
-- ciphertext to its app and name.
CREATE TABLE app_secrets (
    app TEXT NOT NULL REFERENCES app_installs (app) ON DELETE CASCADE,
    name TEXT NOT NULL,
    ciphertext TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (app, name)
);

CREATE TABLE app_notify_users (
    app TEXT NOT NULL REFERENCES app_installs (app) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (app, user_id)
);

CREATE TABLE org_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    updated_at BIGINT NOT NULL
);
