-- Migration: create_invoice_lines
-- Description: Create invoice lines with a stored computed amount

-- +++++ UP
CREATE TABLE invoice_lines (
    id               uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    invoice_id       uuid          NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    line_no          integer       NOT NULL,
    description      text          NOT NULL,
    quantity         numeric(12,3) NOT NULL DEFAULT 1,
    unit_price_cents bigint        NOT NULL,
    amount_cents     bigint        GENERATED ALWAYS AS (round(quantity * unit_price_cents)::bigint) STORED,
    created_at       timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT invoice_lines_invoice_line_no_key UNIQUE (invoice_id, line_no),
    CONSTRAINT invoice_lines_line_no_check CHECK (line_no > 0),
    CONSTRAINT invoice_lines_quantity_check CHECK (quantity > 0),
    CONSTRAINT invoice_lines_unit_price_check CHECK (unit_price_cents >= 0)
);

-- +++++ DOWN
DROP TABLE IF EXISTS invoice_lines;
