-- A sentence-embedding vector per paper and model, of its title and abstract
-- (`src/embed`). Derived data: computed in the background from `papers`, recomputed when the
-- text changes (text_hash). Each model's vectors are kept apart, so two processes configured
-- with different models never undo each other's work; the recommender reads the model with
-- the most vectors. A backup carries it so a restore need not recompute it.
CREATE TABLE embeddings (
    paper_id  INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    model     TEXT NOT NULL,
    text_hash INTEGER NOT NULL,
    vector    BLOB NOT NULL,
    PRIMARY KEY (paper_id, model)
);
CREATE INDEX embeddings_model ON embeddings (model);
