-- The deployments a client serves: a client with rows here admits only the
-- members of those deployments; a client with none serves every deployment.
-- A bound deployment cannot be deleted (no cascade from deployments): its
-- bindings go first, so a client never silently starts serving everyone.
CREATE TABLE client_deployments (
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    deployment_id TEXT NOT NULL REFERENCES deployments (id),
    PRIMARY KEY (client_id, deployment_id)
);
CREATE INDEX client_deployments_by_deployment ON client_deployments (deployment_id);
