-- Migration: create_invoices
-- Description: Create invoices; customer_user_id holds auth-service users.id and access is checked against auth-service's billing:* permissions, so auth-service must be at version 3 first. Each service has its own database, so there is no cross-database foreign key: the requirement only orders deployment.
-- Requires: auth-service@3

-- +++++ UP
CREATE TABLE invoices (
    id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    invoice_number   varchar(32) NOT NULL,
    customer_user_id uuid        NOT NULL,
    currency         char(3)     NOT NULL DEFAULT 'EUR',
    status           text        NOT NULL DEFAULT 'draft',
    total_cents      bigint      NOT NULL DEFAULT 0,
    issued_at        timestamptz,
    due_at           timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT invoices_invoice_number_key UNIQUE (invoice_number),
    CONSTRAINT invoices_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT invoices_status_check CHECK (status IN ('draft', 'issued', 'paid', 'void')),
    CONSTRAINT invoices_total_check CHECK (total_cents >= 0),
    CONSTRAINT invoices_issued_check CHECK (status = 'draft' OR issued_at IS NOT NULL),
    CONSTRAINT invoices_due_check CHECK (due_at IS NULL OR (issued_at IS NOT NULL AND due_at >= issued_at))
);

COMMENT ON COLUMN invoices.customer_user_id IS 'users.id in auth-service (separate database, not a foreign key)';

CREATE INDEX invoices_customer_user_id_idx ON invoices (customer_user_id, created_at DESC);
CREATE INDEX invoices_open_due_at_idx ON invoices (due_at) WHERE status = 'issued';

-- +++++ DOWN
DROP TABLE IF EXISTS invoices;
