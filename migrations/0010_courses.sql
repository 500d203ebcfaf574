-- Courses, one per guild: where and when the weekly reading post goes. Instants are UTC
-- unix seconds; local dates and times are read in the course's IANA zone.
CREATE TABLE courses (
    guild_id        INTEGER PRIMARY KEY,
    channel_id      INTEGER NOT NULL,
    timezone        TEXT NOT NULL,
    -- The schedule as typed (`MON 09:00`) and as the cron expression it was read as.
    schedule_input  TEXT NOT NULL,
    schedule        TEXT NOT NULL,
    start_date      TEXT,
    end_date        TEXT,
    instructor_role INTEGER,
    grace_hours     INTEGER NOT NULL DEFAULT 24,
    -- Presenter reminders, days before a session: `7,1`; empty for none.
    reminder_days   TEXT NOT NULL DEFAULT '7,1',
    -- The next schedule occurrence still to handle; NULL when the schedule is over.
    next_post_at    INTEGER,
    -- When to look for due presenter reminders next (set to now whenever sessions change).
    next_reminder_at INTEGER,
    -- Set when posting stopped (channel deleted, permission lost); setup or edit clears it.
    paused_reason   TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX courses_due ON courses (next_post_at) WHERE paused_reason IS NULL;
CREATE INDEX courses_reminders_due ON courses (next_reminder_at) WHERE paused_reason IS NULL;

CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL REFERENCES courses (guild_id) ON DELETE CASCADE,
    -- Local date (YYYY-MM-DD) and optional local time (HH:MM); `starts_at` is their
    -- instant (midnight when there is no time), kept for ordering.
    date        TEXT NOT NULL,
    time        TEXT,
    starts_at   INTEGER NOT NULL,
    title       TEXT NOT NULL,
    tags        TEXT NOT NULL DEFAULT '[]',
    notes_team  TEXT,
    video_team  TEXT,
    presenters  TEXT,
    skipped     INTEGER NOT NULL DEFAULT 0,
    -- The course post it was imported from, so importing it again updates it.
    source      TEXT,
    UNIQUE (guild_id, source)
);
CREATE INDEX sessions_by_guild ON sessions (guild_id, starts_at);

CREATE TABLE session_readings (
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    paper_id   INTEGER NOT NULL REFERENCES papers (id),
    required   INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (session_id, paper_id)
);

-- One row per message the scheduler owes a channel: the weekly post of a schedule
-- occurrence (`weekly`) or a presenter reminder (`reminder-7`: seven days before). Claimed
-- before anything is sent (exactly once), then sent, missed (down past the grace window)
-- or failed.
CREATE TABLE posts (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL REFERENCES courses (guild_id) ON DELETE CASCADE,
    kind          TEXT NOT NULL DEFAULT 'weekly',
    occurrence_at INTEGER NOT NULL,
    session_id    INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
    channel_id    INTEGER NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('claimed', 'sent', 'missed', 'failed')),
    -- The messages to send, rendered at claim time so a retry sends the same text.
    parts         TEXT NOT NULL DEFAULT '[]',
    -- Who the message may ping: {"roles": [..], "users": [..]}; nobody by default.
    mentions      TEXT NOT NULL DEFAULT '{}',
    message_ids   TEXT NOT NULL DEFAULT '[]',
    attempts      INTEGER NOT NULL DEFAULT 0,
    lease_until   INTEGER,
    reason        TEXT,
    claimed_at    INTEGER NOT NULL,
    sent_at       INTEGER,
    -- A missed week is mentioned once, in the next post.
    reported      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (guild_id, kind, occurrence_at)
);
CREATE UNIQUE INDEX posts_one_per_session ON posts (session_id, kind)
    WHERE state IN ('claimed', 'sent');
CREATE INDEX posts_pending ON posts (state) WHERE state = 'claimed';
