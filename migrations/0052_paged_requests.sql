-- The requests behind Previous/Next buttons. A button carries only a row's id, so a press
-- after a restart, or answered by another process on the same folder, re-runs the same
-- request at another page. Keyed by guild (0 outside a guild): a press is looked up in
-- the guild it comes from. Rows older than a week are pruned whenever one is added; the
-- id is AUTOINCREMENT so a pruned button's id is never handed to a newer request.
CREATE TABLE paged_requests (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('search', 'tag', 'tags')),
    query       TEXT,
    tag         TEXT,
    max_results INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE INDEX paged_requests_by_age ON paged_requests (created_at);
