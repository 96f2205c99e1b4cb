-- Who acted, by kind (issue 17): person (on their own account), administrator
-- (through the Admin API), operator (at the command line) or careid (itself).
-- NULL for rows written before this column.
ALTER TABLE audit_events ADD COLUMN actor_kind TEXT;
