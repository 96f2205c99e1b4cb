-- Languages (issue 14): the language a person picked (their `locale` claim,
-- the language of their emails and texts), and the language an invitation
-- was written in, used until the person picks one. NULL: not chosen.
ALTER TABLE users ADD COLUMN locale TEXT;
ALTER TABLE invitations ADD COLUMN locale TEXT;
