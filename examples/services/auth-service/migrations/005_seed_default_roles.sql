-- Migration: seed_default_roles
-- Description: Seed the default roles and permissions and grant permissions to roles

-- +++++ UP
INSERT INTO roles (name, description) VALUES
    ('admin',   'Full access to every service'),
    ('support', 'Reads accounts and billing, manages notifications'),
    ('member',  'A signed-up user')
ON CONFLICT (name) DO NOTHING;

INSERT INTO permissions (name, description) VALUES
    ('users:read',          'Read user accounts'),
    ('users:write',         'Create, change and deactivate user accounts'),
    ('roles:manage',        'Grant and revoke roles'),
    ('billing:read',        'Read invoices and payments'),
    ('billing:write',       'Issue invoices and record payments'),
    ('notifications:send',  'Send notifications to users')
ON CONFLICT (name) DO NOTHING;

INSERT INTO role_permissions (role_id, permission_id)
SELECT r.id, p.id
FROM (VALUES
        ('admin',   'users:read'),
        ('admin',   'users:write'),
        ('admin',   'roles:manage'),
        ('admin',   'billing:read'),
        ('admin',   'billing:write'),
        ('admin',   'notifications:send'),
        ('support', 'users:read'),
        ('support', 'billing:read'),
        ('support', 'notifications:send'),
        ('member',  'billing:read')
     ) AS g (role_name, permission_name)
JOIN roles r       ON r.name = g.role_name
JOIN permissions p ON p.name = g.permission_name
ON CONFLICT (role_id, permission_id) DO NOTHING;

-- +++++ DOWN
DELETE FROM role_permissions rp
USING roles r, permissions p
WHERE rp.role_id = r.id
  AND rp.permission_id = p.id
  AND (r.name, p.name) IN (
        ('admin',   'users:read'),
        ('admin',   'users:write'),
        ('admin',   'roles:manage'),
        ('admin',   'billing:read'),
        ('admin',   'billing:write'),
        ('admin',   'notifications:send'),
        ('support', 'users:read'),
        ('support', 'billing:read'),
        ('support', 'notifications:send'),
        ('member',  'billing:read')
      );

DELETE FROM permissions
WHERE name IN ('users:read', 'users:write', 'roles:manage',
               'billing:read', 'billing:write', 'notifications:send');

DELETE FROM roles
WHERE name IN ('admin', 'support', 'member');
