-- Migration: create_users
-- Description: Create the users table that holds login accounts

-- +++++ UP
CREATE TABLE users (
    id            uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    username      varchar(32)  NOT NULL,
    email         varchar(254) NOT NULL,
    password_hash text         NOT NULL,
    is_active     boolean      NOT NULL DEFAULT true,
    last_login_at timestamptz,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT users_username_key UNIQUE (username),
    CONSTRAINT users_username_format CHECK (username ~ '^[a-z0-9_.-]{3,32}$'),
    CONSTRAINT users_email_format CHECK (position('@' IN email) > 1)
);

COMMENT ON TABLE users IS 'Login accounts; users.id is the user id every other service stores';

-- +++++ DOWN
DROP TABLE IF EXISTS users;
