-- Presentation slots: a team presents a paper that is a reading of a session, at that
-- session's time. A paper is presented at most once per course (the unique key), so two
-- concurrent claims cannot both win.
CREATE TABLE slots (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL REFERENCES courses (guild_id) ON DELETE CASCADE,
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    paper_id   INTEGER NOT NULL REFERENCES papers (id),
    team_id    INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    -- Who claimed or assigned it (0: the command line).
    claimed_by INTEGER NOT NULL,
    claimed_at INTEGER NOT NULL,
    UNIQUE (guild_id, paper_id)
);
CREATE INDEX slots_by_team ON slots (guild_id, team_id);
CREATE INDEX slots_by_session ON slots (session_id);

-- A swap two teams asked for, waiting for both to confirm with buttons. Kept here, not in
-- memory, so a restart between the two presses loses nothing; applied in one transaction
-- when the second team confirms, only if both slots still belong to the teams recorded.
CREATE TABLE slot_swaps (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL REFERENCES courses (guild_id) ON DELETE CASCADE,
    slot_a       INTEGER NOT NULL REFERENCES slots (id) ON DELETE CASCADE,
    slot_b       INTEGER NOT NULL REFERENCES slots (id) ON DELETE CASCADE,
    team_a       INTEGER NOT NULL,
    team_b       INTEGER NOT NULL,
    confirmed_a  INTEGER NOT NULL DEFAULT 0,
    confirmed_b  INTEGER NOT NULL DEFAULT 0,
    state        TEXT NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'done', 'declined')),
    requested_by INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX slot_swaps_by_guild ON slot_swaps (guild_id, state);

-- How many presentations one team may hold in a course.
ALTER TABLE courses ADD COLUMN slots_per_team INTEGER NOT NULL DEFAULT 3;
