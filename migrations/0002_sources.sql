-- Which file said what about which paper. Tags, links and citation edges belong to the
-- source that stated them, so re-importing a changed file drops exactly its own claims,
-- and a guild (scope) sees only what its own and the global imports stated.
CREATE TABLE files (
    id          INTEGER PRIMARY KEY,
    scope       INTEGER NOT NULL,
    path        TEXT NOT NULL,
    format      TEXT NOT NULL,
    hash        TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (scope, path)
);

CREATE TABLE sources (
    id       INTEGER PRIMARY KEY,
    file_id  INTEGER NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    scope    INTEGER NOT NULL,
    section  TEXT,
    line     INTEGER NOT NULL,
    UNIQUE (file_id, paper_id)
);
CREATE INDEX sources_paper ON sources (paper_id, scope);
