-- imagine-bot schema, version 5: one fair queue shared by every instance on the database.
-- Portable SQL (H2 2.x and PostgreSQL).

-- The backend whose slot a job holds since it was started from the shared queue; null while it
-- waits. A job holds its slot until it reaches a terminal state (also across a takeover), so the
-- per-user, per-backend and global running caps are counts over these rows.
ALTER TABLE jobs ADD COLUMN slot_backend VARCHAR(500);
-- Jobs already on a Space when this version is installed hold a slot there.
UPDATE jobs SET slot_backend = COALESCE(backend, model) WHERE state IN ('SUBMITTED', 'RUNNING');
CREATE INDEX jobs_slot ON jobs (slot_backend, state);

-- The cluster-wide order jobs were started in (1, 2, ...); null for jobs never started here.
ALTER TABLE jobs ADD COLUMN start_seq BIGINT;

-- A job put back to try another backend: it starts again before anyone's next turn.
ALTER TABLE jobs ADD COLUMN queue_retry BOOLEAN DEFAULT FALSE NOT NULL;

-- The rotation's clock, in one row. Every fair claim locks this row first, so claims from all
-- instances are serialized and each sees the slots the previous one took.
CREATE TABLE queue_state (
  id             INTEGER PRIMARY KEY,
  current_round  BIGINT  NOT NULL,
  next_place     BIGINT  NOT NULL,
  started        BIGINT  NOT NULL
);
INSERT INTO queue_state (id, current_round, next_place, started) VALUES (1, 0, 0, 0);

-- Each user's place in the rotation: (place_round, place_seq), lowest first; null while nothing
-- of theirs waits. next_round is the lowest round they may be served in next (one past the round
-- of their last turn). Rows of users with no place and no pending turn are removed.
CREATE TABLE queue_users (
  user_key     VARCHAR(200) NOT NULL PRIMARY KEY,
  place_round  BIGINT,
  place_seq    BIGINT,
  next_round   BIGINT       NOT NULL
);
