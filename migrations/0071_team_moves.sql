-- Moves between teams. A student does not leave or change a team by themself (a team's
-- unpublished notes are private to it, so a walk through the teams would read them all):
-- an instructor moves them, and each move is kept here, with who made it, so a team's
-- roster can say who arrived or left and when.
CREATE TABLE team_moves (
    id        INTEGER PRIMARY KEY,
    guild_id  INTEGER NOT NULL REFERENCES courses (guild_id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    -- NULL: the member had joined no team before.
    from_team INTEGER REFERENCES teams (id) ON DELETE SET NULL,
    -- NULL: the instructor took the member out of their team.
    to_team   INTEGER REFERENCES teams (id) ON DELETE SET NULL,
    moved_by  INTEGER NOT NULL,
    moved_at  INTEGER NOT NULL
);
CREATE INDEX team_moves_by_guild ON team_moves (guild_id, moved_at);
