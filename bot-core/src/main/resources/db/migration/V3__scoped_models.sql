-- imagine-bot schema, version 3: what a chat's admins add stays in their chat.
-- Portable SQL (H2 2.x and PostgreSQL), as in V1.

-- Models a chat's admin added: visible in that chat only. Global models stay in "models".
CREATE TABLE chat_models (
  chat_key       VARCHAR(200)   NOT NULL,
  alias          VARCHAR(100)   NOT NULL,
  display_name   VARCHAR(200)   NOT NULL,
  backends_json  VARCHAR(100000) NOT NULL,
  created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (chat_key, alias)
);

-- The chat an admin action happened in, so a chat's admins see their chat's entries only.
-- Null for entries written before this version (bot admins still see them).
ALTER TABLE audit ADD COLUMN chat_key VARCHAR(200);
CREATE INDEX audit_chat ON audit (chat_key, id);

-- /history in a chat lists the jobs made in that chat.
CREATE INDEX jobs_user_chat_created ON jobs (user_key, chat_key, created_at);
