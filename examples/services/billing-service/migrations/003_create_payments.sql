-- Migration: create_payments
-- Description: Create the payment_method enum (idempotently, in a DO block) and the payments table

-- +++++ UP
-- CREATE TYPE has no IF NOT EXISTS; a DO block checks the catalog first so the
-- migration also succeeds on a database where the type was created by hand.
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1
        FROM pg_type t
        JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typname = 'payment_method'
          AND n.nspname = current_schema()
    ) THEN
        CREATE TYPE payment_method AS ENUM ('card', 'bank_transfer', 'direct_debit', 'voucher');
    END IF;
END;
$$;

CREATE TABLE payments (
    id           uuid           PRIMARY KEY DEFAULT gen_random_uuid(),
    invoice_id   uuid           NOT NULL REFERENCES invoices (id) ON DELETE RESTRICT,
    amount_cents bigint         NOT NULL,
    currency     char(3)        NOT NULL,
    method       payment_method NOT NULL,
    status       text           NOT NULL DEFAULT 'pending',
    external_ref varchar(128),
    received_at  timestamptz,
    created_at   timestamptz    NOT NULL DEFAULT now(),
    CONSTRAINT payments_external_ref_key UNIQUE (external_ref),
    CONSTRAINT payments_amount_check CHECK (amount_cents > 0),
    CONSTRAINT payments_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT payments_status_check CHECK (status IN ('pending', 'succeeded', 'failed', 'refunded')),
    CONSTRAINT payments_received_check CHECK (status <> 'succeeded' OR received_at IS NOT NULL)
);

CREATE INDEX payments_invoice_id_idx ON payments (invoice_id);

-- +++++ DOWN
DROP TABLE IF EXISTS payments;
DROP TYPE IF EXISTS payment_method;
