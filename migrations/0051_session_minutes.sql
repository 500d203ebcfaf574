-- How long a session lasts, in minutes: the end of its presentations in the `.ics`.
-- New courses get 75 from the course service; a course set up before this keeps the hour
-- its events always had, so its calendar does not change under anyone's feet.
ALTER TABLE courses ADD COLUMN session_minutes INTEGER NOT NULL DEFAULT 75;
UPDATE courses SET session_minutes = 60;
