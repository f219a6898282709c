-- Which person a user is ("themself": they see their own sensitive fields). Only an
-- Owner links a user to a person; an email that happens to match grants nothing. Links
-- made before this migration were implied by a matching work email and are not carried
-- over: an Owner confirms each one on the Users page.
ALTER TABLE users ADD COLUMN person_id TEXT REFERENCES people (id) ON DELETE SET NULL;
ALTER TABLE users ADD COLUMN linked_by TEXT REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE users ADD COLUMN linked_at BIGINT;
-- A person is at most one user.
CREATE UNIQUE INDEX users_person ON users (person_id);

-- Whether an Owner made the invitation: a Technical Owner may renew only invitations
-- that a Technical Owner made (and never one for a user linked to a person).
ALTER TABLE invitations ADD COLUMN by_owner INTEGER NOT NULL DEFAULT 1;
