-- Migration: create_templates
-- Description: Create message templates, one per key, channel and locale

-- +++++ UP
CREATE TABLE templates (
    id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    template_key     varchar(64) NOT NULL,
    channel          text        NOT NULL,
    locale           varchar(10) NOT NULL DEFAULT 'en',
    subject_template text,
    body_template    text        NOT NULL,
    version          integer     NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT templates_key_channel_locale_key UNIQUE (template_key, channel, locale),
    CONSTRAINT templates_key_format CHECK (template_key ~ '^[a-z][a-z0-9_.]*$'),
    CONSTRAINT templates_channel_check CHECK (channel IN ('email', 'sms', 'push', 'in_app')),
    CONSTRAINT templates_version_check CHECK (version > 0)
);

-- +++++ DOWN
DROP TABLE IF EXISTS templates;
