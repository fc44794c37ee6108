-- imagine-bot schema, version 2: a job lifecycle that survives crashes.
-- Portable SQL (H2 2.x and PostgreSQL).

-- The platform update a job came from (for example "telegram:update:4711"): storing a command
-- twice (a redelivered update after a crash) finds the job made the first time.
ALTER TABLE jobs ADD COLUMN command_key VARCHAR(200);
CREATE UNIQUE INDEX jobs_command_key ON jobs (command_key);

-- The seed chosen when the job was created, so a resubmission after a crash makes the same image.
ALTER TABLE jobs ADD COLUMN planned_seed BIGINT;

-- Restarts that cut the job while it was on a Space; counted apart from failover attempts.
ALTER TABLE jobs ADD COLUMN restarts INTEGER DEFAULT 0 NOT NULL;

-- The Space's output files (JSON), stored as soon as the Space finished: a restart downloads
-- them instead of running the job again.
ALTER TABLE jobs ADD COLUMN result_files VARCHAR(20000);

-- When the user was shown the job's outcome (the platform accepted the final message). A finished
-- job without it is delivered at the next start. Jobs finished before this version count as
-- delivered.
ALTER TABLE jobs ADD COLUMN delivered_at TIMESTAMP WITH TIME ZONE;
UPDATE jobs SET delivered_at = finished_at WHERE finished_at IS NOT NULL;
CREATE INDEX jobs_undelivered ON jobs (delivered_at, finished_at);

-- Platform updates, stored before the platform is told they arrived (Telegram's offset, a
-- webhook's 200). One not yet handled when the bot stopped is handled at the next start.
CREATE TABLE inbox (
  platform     VARCHAR(40)     NOT NULL,
  update_key   VARCHAR(200)    NOT NULL,
  payload      VARCHAR(200000) NOT NULL,
  received_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  handled_at   TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (platform, update_key)
);
CREATE INDEX inbox_pending ON inbox (platform, handled_at, received_at);
