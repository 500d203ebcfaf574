-- Reading progress: which member marked which paper read in a guild's course. One row per
-- (guild, member, paper), so marking a paper twice changes nothing.
CREATE TABLE reading_progress (
    guild_id INTEGER NOT NULL REFERENCES courses (guild_id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL,
    paper_id INTEGER NOT NULL REFERENCES papers (id),
    done_at  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, paper_id)
);
-- `/course progress` counts readers per paper.
CREATE INDEX reading_progress_by_paper ON reading_progress (guild_id, paper_id);
