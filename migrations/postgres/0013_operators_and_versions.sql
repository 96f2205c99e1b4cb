-- Platform operators manage every deployment; the right is given from the CLI only.
ALTER TABLE users ADD COLUMN operator BOOLEAN NOT NULL DEFAULT FALSE;
-- Every administrative change bumps the version, so an update made with a stale
-- ETag (If-Match) changes nothing: the write is conditional on the version read.
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE deployments ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE clients ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
-- The admin API lists a deployment's members in creation order, a page at a time.
CREATE INDEX users_by_deployment ON users (deployment_id, created_at, id);
