-- A sentence-embedding vector per paper, of its title and abstract (`src/embed`). Derived
-- data: computed in the background from `papers`, recomputed when the text (text_hash) or
-- the model changes; a backup carries it so a restore need not recompute it.
CREATE TABLE embeddings (
    paper_id  INTEGER PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
    model     TEXT NOT NULL,
    text_hash INTEGER NOT NULL,
    vector    BLOB NOT NULL
);
