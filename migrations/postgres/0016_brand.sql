-- The platform's brand, per deployment (issue 14): what people call the
-- platform, its logo, its colours and whom to ask. NULL: careid's defaults.
ALTER TABLE deployments ADD COLUMN product_name TEXT;
ALTER TABLE deployments ADD COLUMN logo_url TEXT;
ALTER TABLE deployments ADD COLUMN primary_color TEXT;
ALTER TABLE deployments ADD COLUMN accent_color TEXT;
ALTER TABLE deployments ADD COLUMN support_email TEXT;
ALTER TABLE deployments ADD COLUMN support_url TEXT;
-- The From name of a queued email (the product name of the recipient's
-- deployment); the address stays the configured one. NULL: smtp.from's name.
ALTER TABLE email_outbox ADD COLUMN from_name TEXT;
