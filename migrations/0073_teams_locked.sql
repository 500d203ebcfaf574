-- A course may lock its teams: then a student without a team cannot join one by themself;
-- an instructor places them (`/team move`).
ALTER TABLE courses ADD COLUMN teams_locked INTEGER NOT NULL DEFAULT 0;
