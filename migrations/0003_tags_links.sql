-- Tags are looked up by a folded key (case, spaces and punctuation ignored) and shown as
-- first written.
CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    key  TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE paper_tags (
    source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    paper_id  INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    tag_id    INTEGER NOT NULL REFERENCES tags (id),
    PRIMARY KEY (source_id, tag_id)
);
CREATE INDEX paper_tags_tag ON paper_tags (tag_id, paper_id);
CREATE INDEX paper_tags_paper ON paper_tags (paper_id);

CREATE TABLE links (
    source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    paper_id  INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    url       TEXT NOT NULL,
    PRIMARY KEY (source_id, url)
);
CREATE INDEX links_paper ON links (paper_id);

-- "citing cites cited", as a source stated it (a citation-hub page).
CREATE TABLE cites (
    source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    citing    INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    cited     INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    PRIMARY KEY (source_id, citing, cited)
);
CREATE INDEX cites_cited ON cites (cited);
