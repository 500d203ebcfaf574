-- The change log: every catalog write appends, in its own transaction, the papers it
-- touched. The generation only grows (AUTOINCREMENT never reuses a number, and writers are
-- serialised by SQLite's write lock, so generations commit in order). The search index
-- records the generation it has reached in its commit payload and catches up from here, in
-- whichever process holds its writer.
CREATE TABLE changes (
    generation INTEGER PRIMARY KEY AUTOINCREMENT,
    papers     TEXT NOT NULL -- JSON array of paper ids
);
