-- Every `paperclub restore`: when the copy was put in place, and from which file. A post
-- whose occurrence is at or before the last restore may have reached its channel from the
-- database the restore replaced, so its delivery looks for it in the channel first.
CREATE TABLE restores (
    id          INTEGER PRIMARY KEY,
    restored_at INTEGER NOT NULL,
    source      TEXT NOT NULL
);
