-- Clients may ask people to accept the deployment's current terms and disclaimer first.
ALTER TABLE clients ADD COLUMN require_terms BOOLEAN NOT NULL DEFAULT FALSE;
