-- Migration: create_order_lines
-- Description: The lines of an order

-- +++++ UP
CREATE TABLE order_lines (
    order_id   bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no    int NOT NULL,
    sku        text NOT NULL,
    quantity   int NOT NULL CHECK (quantity > 0),
    unit_price numeric(12, 2) NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

-- +++++ DOWN
DROP TABLE IF EXISTS order_lines;
