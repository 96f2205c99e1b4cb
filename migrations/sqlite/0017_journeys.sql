-- Journeys that end where people expect (issue 14): the client an invitation
-- leads to, each deployment's default client for staff and for patients, and
-- a client's OIDC third-party-initiated login endpoint (initiate_login_uri).
-- NULL: none given (an invitation falls back to its deployment's default).
ALTER TABLE invitations ADD COLUMN client_id TEXT;
ALTER TABLE deployments ADD COLUMN staff_client TEXT;
ALTER TABLE deployments ADD COLUMN patient_client TEXT;
ALTER TABLE clients ADD COLUMN initiate_login_uri TEXT;
