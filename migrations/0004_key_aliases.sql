-- A paper keeps the key first issued for it; BibTeX keys that later sources use for the
-- same paper become aliases, so `/cite vaswani2017attention` finds it whatever came first.
CREATE TABLE key_aliases (
    alias    TEXT PRIMARY KEY COLLATE NOCASE,
    paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE
);
