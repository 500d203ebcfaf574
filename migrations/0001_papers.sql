-- Papers as merged from every source. Identity: arXiv id, else DOI, else normalised title.
CREATE TABLE papers (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    title       TEXT NOT NULL,
    title_norm  TEXT NOT NULL,
    authors     TEXT NOT NULL DEFAULT '[]', -- JSON array of display names
    year        INTEGER,
    venue       TEXT,
    arxiv       TEXT UNIQUE,
    doi         TEXT UNIQUE,
    abstract    TEXT,
    note        TEXT,
    bibtex      TEXT
);
CREATE INDEX papers_title_norm ON papers (title_norm);
