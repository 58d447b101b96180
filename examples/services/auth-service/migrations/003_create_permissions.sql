-- Migration: create_permissions
-- Description: Create permissions and the role_permissions join table

-- +++++ UP
CREATE TABLE permissions (
    id          uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    name        varchar(128) NOT NULL,
    description text         NOT NULL DEFAULT '',
    created_at  timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT permissions_name_key UNIQUE (name),
    -- "<resource>:<action>", e.g. users:read, billing:write
    CONSTRAINT permissions_name_format CHECK (name ~ '^[a-z][a-z_]*:[a-z][a-z_]*$')
);

CREATE TABLE role_permissions (
    role_id       uuid        NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission_id uuid        NOT NULL REFERENCES permissions (id) ON DELETE CASCADE,
    granted_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (role_id, permission_id)
);

CREATE INDEX role_permissions_permission_id_idx ON role_permissions (permission_id);

-- +++++ DOWN
DROP TABLE IF EXISTS role_permissions;
DROP TABLE IF EXISTS permissions;
