-- Email bodies carry single-use links (password reset, invitation, verification).
-- From now on they are sealed while queued and blanked once delivered or given up;
-- failed_at marks a message the sender gave up on for good.
ALTER TABLE email_outbox ADD COLUMN failed_at BIGINT;

-- Messages delivered before this change kept their links in clear: blank them.
UPDATE email_outbox SET text_body = '', html_body = '' WHERE sent_at IS NOT NULL;
