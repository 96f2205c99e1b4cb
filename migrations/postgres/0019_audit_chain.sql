-- A tamper-evident audit trail (issue 17). Rows are written as before and
-- sealed shortly after, in order, by whichever node takes the chain's row:
-- `seq` is a row's place in the chain and `hash` the SHA-256 of the previous
-- row's hash and this row's content, so an edited, removed or re-ordered row
-- breaks every hash after it. `request_id` is the request's X-Request-Id;
-- `outcome` is success or failure.
ALTER TABLE audit_events ADD COLUMN request_id TEXT;
ALTER TABLE audit_events ADD COLUMN outcome TEXT NOT NULL DEFAULT 'success';
ALTER TABLE audit_events ADD COLUMN seq BIGINT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_events_seq ON audit_events (seq);
CREATE INDEX audit_events_unsealed ON audit_events (at, id) WHERE seq IS NULL;

-- The chain's head (its last sealed row) and its checkpoint (the last row a
-- retention purge removed: the chain starts after it), each with a MAC under
-- a key derived from the key-encryption key, so rewriting the whole chain
-- needs that key too.
CREATE TABLE audit_chain (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    mac TEXT NOT NULL,
    checkpoint_seq BIGINT NOT NULL,
    checkpoint_hash TEXT NOT NULL,
    checkpoint_at BIGINT NOT NULL,
    checkpoint_mac TEXT NOT NULL
);
INSERT INTO audit_chain (id, seq, hash, mac, checkpoint_seq, checkpoint_hash, checkpoint_at, checkpoint_mac)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', '', 0,
        '0000000000000000000000000000000000000000000000000000000000000000', 0, '');
