-- Migration: create_roles
-- Description: Create roles and the user_roles join table

-- +++++ UP
CREATE TABLE roles (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    name        varchar(64) NOT NULL,
    description text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT roles_name_key UNIQUE (name),
    CONSTRAINT roles_name_format CHECK (name ~ '^[a-z][a-z0-9_]*$')
);

CREATE TABLE user_roles (
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id    uuid        NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    granted_at timestamptz NOT NULL DEFAULT now(),
    granted_by uuid        REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (user_id, role_id)
);

-- the primary key serves lookups by user; this one serves "who has role X"
CREATE INDEX user_roles_role_id_idx ON user_roles (role_id);

-- +++++ DOWN
DROP TABLE IF EXISTS user_roles;
DROP TABLE IF EXISTS roles;
