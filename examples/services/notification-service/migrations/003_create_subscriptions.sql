-- Migration: create_subscriptions
-- Description: Create per-user subscriptions to notification topics and channels

-- +++++ UP
CREATE TABLE subscriptions (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid        NOT NULL,
    topic      varchar(64) NOT NULL,
    channel    text        NOT NULL,
    enabled    boolean     NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT subscriptions_user_topic_channel_key UNIQUE (user_id, topic, channel),
    CONSTRAINT subscriptions_channel_check CHECK (channel IN ('email', 'sms', 'push', 'in_app'))
);

CREATE INDEX subscriptions_topic_idx ON subscriptions (topic) WHERE enabled;

-- +++++ DOWN
DROP TABLE IF EXISTS subscriptions;
