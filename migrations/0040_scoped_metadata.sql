-- A guild can never change what another guild sees. `papers` holds the merge of the global
-- (scope 0) sources only (and serves identity matching instance-wide); what a guild sees of
-- a paper it imported itself is its row in `paper_views`: the global row, if any, merged with
-- what the guild's own sources said, which `source_meta` keeps so that the view can be
-- merged again when either side changes.
CREATE TABLE source_meta (
    source_id INTEGER PRIMARY KEY REFERENCES sources (id) ON DELETE CASCADE,
    said      TEXT NOT NULL -- JSON array: each entry of the file that named this paper
);

CREATE TABLE paper_views (
    paper_id   INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    scope      INTEGER NOT NULL,
    key        TEXT NOT NULL COLLATE NOCASE,
    title      TEXT NOT NULL,
    title_norm TEXT NOT NULL,
    authors    TEXT NOT NULL DEFAULT '[]',
    year       INTEGER,
    venue      TEXT,
    arxiv      TEXT,
    doi        TEXT,
    abstract   TEXT,
    note       TEXT,
    bibtex     TEXT,
    PRIMARY KEY (paper_id, scope)
);
CREATE INDEX paper_views_key ON paper_views (scope, key);

-- An alias a guild's import brought resolves only in that guild.
ALTER TABLE key_aliases ADD COLUMN scope INTEGER NOT NULL DEFAULT 0;
UPDATE key_aliases SET scope = (
    SELECT MIN(s.scope) FROM sources s WHERE s.paper_id = key_aliases.paper_id
) WHERE EXISTS (SELECT 1 FROM sources s WHERE s.paper_id = key_aliases.paper_id)
    AND NOT EXISTS (
        SELECT 1 FROM sources s WHERE s.paper_id = key_aliases.paper_id AND s.scope = 0
    );

-- A tag's name as first written in each scope: a guild's spelling never renames the tag
-- for the global catalog or another guild.
CREATE TABLE tag_names (
    tag_id INTEGER NOT NULL REFERENCES tags (id),
    scope  INTEGER NOT NULL,
    name   TEXT NOT NULL,
    PRIMARY KEY (tag_id, scope)
);
INSERT OR IGNORE INTO tag_names (tag_id, scope, name)
SELECT DISTINCT pt.tag_id, s.scope, t.name FROM paper_tags pt
JOIN sources s ON s.id = pt.source_id JOIN tags t ON t.id = pt.tag_id;

-- Guild sources imported before this migration did not record what they said: they are
-- taken to have said the paper's row as it stands.
INSERT INTO source_meta (source_id, said)
SELECT s.id, json_array(json_object(
    'title', p.title, 'authors', json(p.authors), 'year', p.year, 'venue', p.venue,
    'arxiv', p.arxiv, 'doi', p.doi, 'abstract', p.abstract, 'note', p.note,
    'bibtex', p.bibtex))
FROM sources s JOIN papers p ON p.id = s.paper_id WHERE s.scope != 0;
-- ... and to have been shown the paper under its key as it stands: a paper only a guild
-- listed keeps that key there when the global catalog later lists it under another.
INSERT OR IGNORE INTO paper_views (paper_id, scope, key, title, title_norm, authors, year,
    venue, arxiv, doi, abstract, note, bibtex)
SELECT p.id, s.scope, p.key, p.title, p.title_norm, p.authors, p.year, p.venue, p.arxiv,
    p.doi, p.abstract, p.note, p.bibtex
FROM sources s JOIN papers p ON p.id = s.paper_id WHERE s.scope != 0 GROUP BY p.id, s.scope;
