-- Recovery codes: single-use look-up secrets that stand in for an SMS code.
-- Only their digests are kept; a used code keeps its row (used_at set) so the
-- account page can say how many are left.
CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_digest TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_id, code_digest)
);
