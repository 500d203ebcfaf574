-- How long a session lasts, in minutes: the end of its presentations in the `.ics`.
ALTER TABLE courses ADD COLUMN session_minutes INTEGER NOT NULL DEFAULT 75;
