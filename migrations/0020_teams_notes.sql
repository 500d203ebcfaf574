-- Teams and notes of a guild's course. Every table carries the guild id so that every
-- query can be keyed by it; ids are global but never looked up without the guild.
CREATE TABLE teams (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL REFERENCES courses (guild_id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    -- Course posts name teams in any case (`notes: Team-5`): matched on this folded name.
    name_key   TEXT NOT NULL,
    -- A team tied to a Discord role: whoever carries the role is a member.
    role_id    INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (guild_id, name_key),
    UNIQUE (guild_id, role_id)
);

-- Members who joined by command. The key makes "one team per course" a constraint.
CREATE TABLE team_members (
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    team_id   INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
CREATE INDEX team_members_by_team ON team_members (team_id);

CREATE TABLE notes (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL REFERENCES courses (guild_id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL,
    -- The author's team when the note was written (NULL: no team); it stays with that
    -- team if the author moves.
    team_id    INTEGER REFERENCES teams (id) ON DELETE SET NULL,
    paper_id   INTEGER NOT NULL REFERENCES papers (id),
    -- The session whose readings contain the paper, when there is one.
    session_id INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
    body       TEXT NOT NULL,
    published  INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX notes_by_paper ON notes (guild_id, paper_id);
-- The hourly limit counts an author's recent notes.
CREATE INDEX notes_by_author ON notes (guild_id, author_id, created_at);

-- The text a note had before each edit.
CREATE TABLE note_revisions (
    id         INTEGER PRIMARY KEY,
    note_id    INTEGER NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    editor_id  INTEGER NOT NULL,
    replaced_at INTEGER NOT NULL
);
CREATE INDEX note_revisions_by_note ON note_revisions (note_id);

-- A course may make every note visible to the whole class as soon as it is written.
ALTER TABLE courses ADD COLUMN notes_public INTEGER NOT NULL DEFAULT 0;
