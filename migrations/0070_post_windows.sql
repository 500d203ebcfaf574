-- The window rule: the weekly post at an occurrence announces every session of its window
-- (from that occurrence up to the next), so one post may name several sessions, and a
-- session moved after it was announced is announced again. Reminders are keyed by session:
-- two sessions on one day have their reminders at the same instant.

-- `posts` again, without the table-level key on (guild, kind, instant) that two reminders of
-- one day broke; the keys are partial indexes below. Rebuilt before `post_sessions` exists,
-- so dropping the old table cascades into nothing.
CREATE TABLE posts_rebuilt (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL REFERENCES courses (guild_id) ON DELETE CASCADE,
    kind          TEXT NOT NULL DEFAULT 'weekly',
    occurrence_at INTEGER NOT NULL,
    -- The first session a weekly post announces (all of them: `post_sessions`), or the
    -- session a reminder is for.
    session_id    INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
    channel_id    INTEGER NOT NULL,
    -- `nothing`: an occurrence whose window had no session to announce (not a missed week).
    state         TEXT NOT NULL
                  CHECK (state IN ('claimed', 'sent', 'missed', 'failed', 'nothing')),
    parts         TEXT NOT NULL DEFAULT '[]',
    mentions      TEXT NOT NULL DEFAULT '{}',
    message_ids   TEXT NOT NULL DEFAULT '[]',
    attempts      INTEGER NOT NULL DEFAULT 0,
    lease_until   INTEGER,
    reason        TEXT,
    claimed_at    INTEGER NOT NULL,
    sent_at       INTEGER,
    reported      INTEGER NOT NULL DEFAULT 0
);
INSERT INTO posts_rebuilt (id, guild_id, kind, occurrence_at, session_id, channel_id, state,
    parts, mentions, message_ids, attempts, lease_until, reason, claimed_at, sent_at, reported)
SELECT id, guild_id, kind, occurrence_at, session_id, channel_id, state,
    parts, mentions, message_ids, attempts, lease_until, reason, claimed_at, sent_at, reported
FROM posts;
DROP TABLE posts;
ALTER TABLE posts_rebuilt RENAME TO posts;

-- One weekly post per occurrence: a second claim of the same week fails instead of posting.
CREATE UNIQUE INDEX posts_weekly_occurrence ON posts (guild_id, occurrence_at)
    WHERE kind = 'weekly';
-- One reminder per session, kind and instant; one live one per session and kind.
CREATE UNIQUE INDEX posts_reminder ON posts (session_id, kind, occurrence_at)
    WHERE kind LIKE 'reminder-%';
CREATE UNIQUE INDEX posts_one_reminder_per_session ON posts (session_id, kind)
    WHERE state IN ('claimed', 'sent') AND kind LIKE 'reminder-%';
CREATE INDEX posts_pending ON posts (state) WHERE state = 'claimed';
CREATE INDEX posts_by_guild ON posts (guild_id, occurrence_at);

-- The sessions a post announced (or, missed, would have), with the local date and time
-- each had then: a session whose date changes afterwards is announced again, as moved.
CREATE TABLE post_sessions (
    post_id    INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    date       TEXT NOT NULL,
    time       TEXT,
    PRIMARY KEY (post_id, session_id)
);
CREATE INDEX post_sessions_by_session ON post_sessions (session_id);
INSERT INTO post_sessions (post_id, session_id, date, time)
SELECT p.id, p.session_id, s.date, s.time FROM posts p JOIN sessions s ON s.id = p.session_id
WHERE p.kind = 'weekly';

-- A course whose claim fails keeps its error here (shown in `/course status`) and is tried
-- again at `claim_retry_at`, later after each failure, instead of every tick.
ALTER TABLE courses ADD COLUMN claim_error TEXT;
ALTER TABLE courses ADD COLUMN claim_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE courses ADD COLUMN claim_retry_at INTEGER;
CREATE INDEX courses_retrying ON courses (claim_retry_at) WHERE claim_retry_at IS NOT NULL;
