-- Migration: create_invoice_balances_view
-- Description: Create a view of each invoice's paid and outstanding amounts

-- +++++ UP
CREATE VIEW invoice_balances AS
SELECT i.id                                      AS invoice_id,
       i.invoice_number,
       i.customer_user_id,
       i.currency,
       i.status,
       i.total_cents,
       coalesce(p.paid_cents, 0)                 AS paid_cents,
       i.total_cents - coalesce(p.paid_cents, 0) AS outstanding_cents,
       i.due_at
FROM invoices i
LEFT JOIN (
    SELECT invoice_id, sum(amount_cents)::bigint AS paid_cents
    FROM payments
    WHERE status = 'succeeded'
    GROUP BY invoice_id
) p ON p.invoice_id = i.id;

COMMENT ON VIEW invoice_balances IS 'Per invoice: total, paid (succeeded payments) and outstanding, in cents';

-- +++++ DOWN
DROP VIEW IF EXISTS invoice_balances;
