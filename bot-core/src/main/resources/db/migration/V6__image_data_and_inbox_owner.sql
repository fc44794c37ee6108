-- imagine-bot schema, version 6: image bytes in the database as well as in the data directory.
-- Portable SQL (H2 2.x and PostgreSQL).

-- Instances sharing a PostgreSQL database each have their own data directory: any of them may
-- deliver a job another one made, so the bytes of every stored image are here too, and an
-- instance that lacks a file writes it from this table first. Only PostgreSQL fills it (H2
-- serves one process, whose files are all there).
CREATE TABLE image_data (
  sha256  VARCHAR(64) NOT NULL PRIMARY KEY,
  data    BYTEA       NOT NULL
);

-- The instance that stored an update. At its next start an instance takes back what its earlier
-- run stored and did not handle; another instance's updates only once they are older than a job
-- lease (until then the live instance that stored one is handling it).
ALTER TABLE inbox ADD COLUMN received_by VARCHAR(100);
