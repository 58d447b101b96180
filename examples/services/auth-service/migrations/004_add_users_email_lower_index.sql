-- Migration: add_users_email_lower_index
-- Description: Enforce case-insensitive unique e-mail addresses without locking users against writes
-- Transaction: none

-- +++++ UP
-- CONCURRENTLY cannot run inside a transaction block, hence the Transaction: none
-- header: each statement runs on its own. If the build fails part way (e.g. on a
-- duplicate address) it leaves an INVALID index behind, and IF NOT EXISTS would then
-- skip it: fix the data, remove the invalid index (this DOWN does that), re-run.
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_lower_key
    ON users (lower(email));

COMMENT ON INDEX users_email_lower_key IS 'Case-insensitive uniqueness of users.email; look users up by lower(email)';

-- +++++ DOWN
DROP INDEX CONCURRENTLY IF EXISTS users_email_lower_key;
