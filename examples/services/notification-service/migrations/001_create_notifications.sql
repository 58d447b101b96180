-- Migration: create_notifications
-- Description: Create the notifications table for messages sent to users

-- +++++ UP
-- user_id is auth-service's users.id; that table lives in another database,
-- so there is no foreign key here.
CREATE TABLE notifications (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid        NOT NULL,
    channel    text        NOT NULL,
    subject    text,
    body       text        NOT NULL,
    status     text        NOT NULL DEFAULT 'pending',
    attempts   integer     NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz,
    read_at    timestamptz,
    CONSTRAINT notifications_channel_check CHECK (channel IN ('email', 'sms', 'push', 'in_app')),
    CONSTRAINT notifications_status_check CHECK (status IN ('pending', 'sent', 'failed', 'read')),
    CONSTRAINT notifications_attempts_check CHECK (attempts >= 0)
);

CREATE INDEX notifications_user_id_created_at_idx ON notifications (user_id, created_at DESC);
CREATE INDEX notifications_pending_idx ON notifications (created_at) WHERE status = 'pending';

-- +++++ DOWN
DROP TABLE IF EXISTS notifications;
