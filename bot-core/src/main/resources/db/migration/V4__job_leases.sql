-- imagine-bot schema, version 4: job leases, so several instances can share one database.
-- Portable SQL (H2 2.x and PostgreSQL).

-- The instance working on a job and until when (renewed while it works). A job whose lease ran
-- out (its instance died) is claimed by another instance.
ALTER TABLE jobs ADD COLUMN lease_owner VARCHAR(200);
ALTER TABLE jobs ADD COLUMN lease_until TIMESTAMP WITH TIME ZONE;
CREATE INDEX jobs_lease ON jobs (lease_until);
