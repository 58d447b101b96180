# Cases for Compare-Squawk.ps1, written for this comparison. Each: the squawk rule and our rule(s) for the concern, the
# migration's UP, whether a correct linter flags it (Expect), and optional '-- Transaction: none' (None) and PostgreSQL
# version (Pg). Kind: Flagged (the risky form), Accepted (the safe recipe), Context (safe because of the run's context).
@{
Cases = @(
    @{ Id = 'field-default-volatile'; Squawk = 'adding-field-with-default'; Ours = 'VolatileDefault'; Kind = 'Flagged'; Expect = $true; Sql = 'ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();' }
    @{ Id = 'field-default-constant'; Squawk = 'adding-field-with-default'; Ours = 'VolatileDefault'; Kind = 'Accepted'; Expect = $false; Sql = "ALTER TABLE orders ADD COLUMN status text DEFAULT 'new';" }
    @{ Id = 'field-default-now'; Squawk = 'adding-field-with-default'; Ours = 'VolatileDefault'; Kind = 'Context'; Expect = $false; Sql = 'ALTER TABLE orders ADD COLUMN seen_at timestamptz DEFAULT now();' }
    @{ Id = 'field-default-new-table'; Squawk = 'adding-field-with-default'; Ours = 'VolatileDefault'; Kind = 'Context'; Expect = $false; Sql = "CREATE TABLE carts (id bigint);`nALTER TABLE carts ADD COLUMN public_id uuid DEFAULT gen_random_uuid();" }

    @{ Id = 'fk-in-one-step'; Squawk = 'adding-foreign-key-constraint'; Ours = 'ForeignKeyWithoutNotValid'; Kind = 'Flagged'; Expect = $true; Sql = 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);' }
    @{ Id = 'fk-not-valid'; Squawk = 'adding-foreign-key-constraint'; Ours = 'ForeignKeyWithoutNotValid'; Kind = 'Accepted'; Expect = $false; Sql = 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;' }
    @{ Id = 'fk-new-table'; Squawk = 'adding-foreign-key-constraint'; Ours = 'ForeignKeyWithoutNotValid'; Kind = 'Context'; Expect = $false; Sql = "CREATE TABLE payments (id bigint, order_id bigint);`nALTER TABLE payments ADD CONSTRAINT payments_order_fk FOREIGN KEY (order_id) REFERENCES orders (id);" }

    @{ Id = 'set-not-null'; Squawk = 'adding-not-nullable-field'; Ours = 'SetNotNull'; Kind = 'Flagged'; Expect = $true; Sql = 'ALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;' }
    @{ Id = 'not-null-check-not-valid'; Squawk = 'adding-not-nullable-field'; Ours = 'SetNotNull'; Kind = 'Accepted'; Expect = $false; Sql = 'ALTER TABLE orders ADD CONSTRAINT orders_user_nn CHECK (user_id IS NOT NULL) NOT VALID;' }
    @{ Id = 'set-not-null-new-table'; Squawk = 'adding-not-nullable-field'; Ours = 'SetNotNull'; Kind = 'Context'; Expect = $false; Sql = "CREATE TABLE carts (id bigint, owner bigint);`nALTER TABLE carts ALTER COLUMN owner SET NOT NULL;" }

    @{ Id = 'required-field'; Squawk = 'adding-required-field'; Ours = 'NotNullWithoutDefault'; Kind = 'Flagged'; Expect = $true; Sql = 'ALTER TABLE orders ADD COLUMN region text NOT NULL;' }
    @{ Id = 'required-field-default'; Squawk = 'adding-required-field'; Ours = 'NotNullWithoutDefault'; Kind = 'Accepted'; Expect = $false; Sql = "ALTER TABLE orders ADD COLUMN region text NOT NULL DEFAULT 'eu';" }
    @{ Id = 'required-field-new-table'; Squawk = 'adding-required-field'; Ours = 'NotNullWithoutDefault'; Kind = 'Context'; Expect = $false; Sql = "CREATE TABLE carts (id bigint);`nALTER TABLE carts ADD COLUMN region text NOT NULL;" }

    @{ Id = 'serial-pk'; Squawk = 'adding-serial-primary-key-field'; Ours = 'SerialPrimaryKey,PrimaryKeyWithoutIndex'; Kind = 'Flagged'; Expect = $true; Sql = 'ALTER TABLE events ADD COLUMN id bigserial PRIMARY KEY;' }
    @{ Id = 'pk-on-existing-column'; Squawk = 'adding-serial-primary-key-field'; Ours = 'SerialPrimaryKey,PrimaryKeyWithoutIndex'; Kind = 'Flagged'; Expect = $true; Sql = 'ALTER TABLE events ADD PRIMARY KEY (id);' }
    @{ Id = 'pk-using-index'; Squawk = 'adding-serial-primary-key-field'; Ours = 'SerialPrimaryKey,PrimaryKeyWithoutIndex'; Kind = 'Accepted'; Expect = $false; Sql = 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;' }
    @{ Id = 'pk-new-table'; Squawk = 'adding-serial-primary-key-field'; Ours = 'SerialPrimaryKey,PrimaryKeyWithoutIndex'; Kind = 'Context'; Expect = $false; Sql = "CREATE TABLE carts (id bigint);`nALTER TABLE carts ADD PRIMARY KEY (id);" }

    @{ Id = 'concurrent-in-transaction'; Squawk = 'ban-concurrent-index-creation-in-transaction'; Ours = 'NeedsTransactionNone'; Kind = 'Flagged'; Expect = $true; Sql = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_total ON orders (total);' }
    @{ Id = 'concurrent-no-transaction'; Squawk = 'ban-concurrent-index-creation-in-transaction'; Ours = 'NeedsTransactionNone'; Kind = 'Accepted'; Expect = $false; None = $true; Sql = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_total ON orders (total);' }

    @{ Id = 'drop-column'; Squawk = 'ban-drop-column'; Ours = 'DropColumn'; Kind = 'Flagged'; Expect = $true; Sql = 'ALTER TABLE orders DROP COLUMN legacy_code;' }
    @{ Id = 'drop-constraint'; Squawk = 'ban-drop-column'; Ours = 'DropColumn'; Kind = 'Accepted'; Expect = $false; Sql = 'ALTER TABLE orders DROP CONSTRAINT orders_total_check;' }
    @{ Id = 'drop-column-new-table'; Squawk = 'ban-drop-column'; Ours = 'DropColumn'; Kind = 'Context'; Expect = $false; Sql = "CREATE TABLE carts (id bigint, tmp int);`nALTER TABLE carts DROP COLUMN tmp;" }

    @{ Id = 'drop-database'; Squawk = 'ban-drop-database'; Ours = 'DropDatabase'; Kind = 'Flagged'; Expect = $true; None = $true; Sql = 'DROP DATABASE legacy;' }
    @{ Id = 'drop-schema'; Squawk = 'ban-drop-database'; Ours = 'DropDatabase'; Kind = 'Accepted'; Expect = $false; Sql = 'DROP SCHEMA IF EXISTS scratch;' }

    @{ Id = 'drop-not-null'; Squawk = 'ban-drop-not-null'; Ours = 'DropNotNull'; Kind = 'Flagged'; Expect = $true; Sql = 'ALTER TABLE orders ALTER COLUMN user_id DROP NOT NULL;' }
    @{ Id = 'drop-default'; Squawk = 'ban-drop-not-null'; Ours = 'DropNotNull'; Kind = 'Accepted'; Expect = $false; Sql = 'ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;' }
    @{ Id = 'drop-not-null-new-table'; Squawk = 'ban-drop-not-null'; Ours = 'DropNotNull'; Kind = 'Context'; Expect = $false; Sql = "CREATE TABLE carts (id bigint NOT NULL);`nALTER TABLE carts ALTER COLUMN id DROP NOT NULL;" }

    @{ Id = 'drop-table'; Squawk = 'ban-drop-table'; Ours = 'DropTable'; Kind = 'Flagged'; Expect = $true; Sql = 'DROP TABLE legacy_orders;' }
    @{ Id = 'drop-view'; Squawk = 'ban-drop-table'; Ours = 'DropTable'; Kind = 'Accepted'; Expect = $false; Sql = 'DROP VIEW IF EXISTS order_totals;' }
    @{ Id = 'drop-helper-table'; Squawk = 'ban-drop-table'; Ours = 'DropTable'; Kind = 'Context'; Expect = $false; Sql = "CREATE TABLE tmp_ids (id bigint);`nINSERT INTO tmp_ids SELECT id FROM orders;`nDROP TABLE tmp_ids;" }

    @{ Id = 'column-type'; Squawk = 'changing-column-type'; Ours = 'ColumnTypeChange'; Kind = 'Flagged'; Expect = $true; Sql = 'ALTER TABLE orders ALTER COLUMN total TYPE bigint;' }
    @{ Id = 'column-default'; Squawk = 'changing-column-type'; Ours = 'ColumnTypeChange'; Kind = 'Accepted'; Expect = $false; Sql = 'ALTER TABLE orders ALTER COLUMN total SET DEFAULT 0;' }
    @{ Id = 'column-type-new-table'; Squawk = 'changing-column-type'; Ours = 'ColumnTypeChange'; Kind = 'Context'; Expect = $false; Sql = "CREATE TABLE carts (id int);`nALTER TABLE carts ALTER COLUMN id TYPE bigint;" }

    @{ Id = 'check-in-one-step'; Squawk = 'constraint-missing-not-valid'; Ours = 'ConstraintWithoutNotValid,ValidateInSameTransaction'; Kind = 'Flagged'; Expect = $true; Sql = 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);' }
    @{ Id = 'validate-same-transaction'; Squawk = 'constraint-missing-not-valid'; Ours = 'ConstraintWithoutNotValid,ValidateInSameTransaction'; Kind = 'Flagged'; Expect = $true; Sql = "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;`nALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;" }
    @{ Id = 'check-not-valid'; Squawk = 'constraint-missing-not-valid'; Ours = 'ConstraintWithoutNotValid,ValidateInSameTransaction'; Kind = 'Accepted'; Expect = $false; Sql = 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;' }
    @{ Id = 'check-new-table'; Squawk = 'constraint-missing-not-valid'; Ours = 'ConstraintWithoutNotValid,ValidateInSameTransaction'; Kind = 'Context'; Expect = $false; Sql = "CREATE TABLE carts (total int);`nALTER TABLE carts ADD CONSTRAINT carts_total_check CHECK (total >= 0);" }

    @{ Id = 'unique-constraint'; Squawk = 'disallowed-unique-constraint'; Ours = 'UniqueWithoutIndex'; Kind = 'Flagged'; Expect = $true; Sql = 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);' }
    @{ Id = 'unique-using-index'; Squawk = 'disallowed-unique-constraint'; Ours = 'UniqueWithoutIndex'; Kind = 'Accepted'; Expect = $false; Sql = 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;' }
    @{ Id = 'unique-new-table'; Squawk = 'disallowed-unique-constraint'; Ours = 'UniqueWithoutIndex'; Kind = 'Context'; Expect = $false; Sql = "CREATE TABLE carts (token text);`nALTER TABLE carts ADD CONSTRAINT carts_token_key UNIQUE (token);" }

    @{ Id = 'rename-column'; Squawk = 'renaming-column'; Ours = 'RenameColumn'; Kind = 'Flagged'; Expect = $true; Sql = 'ALTER TABLE orders RENAME COLUMN total TO amount;' }
    @{ Id = 'rename-constraint'; Squawk = 'renaming-column'; Ours = 'RenameColumn'; Kind = 'Accepted'; Expect = $false; Sql = 'ALTER TABLE orders RENAME CONSTRAINT orders_pk TO orders_pkey;' }
    @{ Id = 'rename-column-new-table'; Squawk = 'renaming-column'; Ours = 'RenameColumn'; Kind = 'Context'; Expect = $false; Sql = "CREATE TABLE carts (amt int);`nALTER TABLE carts RENAME COLUMN amt TO amount;" }

    @{ Id = 'rename-table'; Squawk = 'renaming-table'; Ours = 'RenameTable'; Kind = 'Flagged'; Expect = $true; Sql = 'ALTER TABLE orders RENAME TO purchases;' }
    @{ Id = 'rename-index'; Squawk = 'renaming-table'; Ours = 'RenameTable'; Kind = 'Accepted'; Expect = $false; Sql = 'ALTER INDEX orders_total RENAME TO orders_total_idx;' }
    @{ Id = 'rename-table-new'; Squawk = 'renaming-table'; Ours = 'RenameTable'; Kind = 'Context'; Expect = $false; Sql = "CREATE TABLE carts_new (id bigint);`nALTER TABLE carts_new RENAME TO carts;" }

    @{ Id = 'index-blocking'; Squawk = 'require-concurrent-index-creation'; Ours = 'NonConcurrentIndex'; Kind = 'Flagged'; Expect = $true; Sql = 'CREATE INDEX orders_total ON orders (total);' }
    @{ Id = 'index-concurrent'; Squawk = 'require-concurrent-index-creation'; Ours = 'NonConcurrentIndex'; Kind = 'Accepted'; Expect = $false; None = $true; Sql = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_total ON orders (total);' }
    @{ Id = 'index-new-table'; Squawk = 'require-concurrent-index-creation'; Ours = 'NonConcurrentIndex'; Kind = 'Context'; Expect = $false; Sql = "CREATE TABLE carts (id bigint, owner bigint);`nCREATE INDEX carts_owner ON carts (owner);" }

    @{ Id = 'drop-index-blocking'; Squawk = 'require-concurrent-index-deletion'; Ours = 'NonConcurrentDropIndex'; Kind = 'Flagged'; Expect = $true; Sql = 'DROP INDEX orders_total;' }
    @{ Id = 'drop-index-concurrent'; Squawk = 'require-concurrent-index-deletion'; Ours = 'NonConcurrentDropIndex'; Kind = 'Accepted'; Expect = $false; None = $true; Sql = 'DROP INDEX CONCURRENTLY IF EXISTS orders_total;' }
    @{ Id = 'drop-index-new'; Squawk = 'require-concurrent-index-deletion'; Ours = 'NonConcurrentDropIndex'; Kind = 'Context'; Expect = $false; Sql = "CREATE TABLE carts (id bigint);`nCREATE INDEX carts_id ON carts (id);`nDROP INDEX carts_id;" }

    @{ Id = 'nested-transaction'; Squawk = 'transaction-nesting'; Ours = 'TransactionControl'; Kind = 'Flagged'; Expect = $true; Sql = "BEGIN;`nALTER TABLE orders ADD COLUMN note text;`nCOMMIT;" }
    @{ Id = 'no-transaction-control'; Squawk = 'transaction-nesting'; Ours = 'TransactionControl'; Kind = 'Accepted'; Expect = $false; Sql = 'ALTER TABLE orders ADD COLUMN note text;' }

    @{ Id = 'uncommitted'; Squawk = 'ban-uncommitted-transaction'; Ours = 'UncommittedTransaction'; Kind = 'Flagged'; Expect = $true; None = $true; Sql = "BEGIN;`nALTER TABLE orders ADD COLUMN note text;" }
    @{ Id = 'committed'; Squawk = 'ban-uncommitted-transaction'; Ours = 'UncommittedTransaction'; Kind = 'Accepted'; Expect = $false; None = $true; Sql = "BEGIN;`nALTER TABLE orders ADD COLUMN note text;`nCOMMIT;" }

    @{ Id = 'domain-check'; Squawk = 'ban-create-domain-with-constraint'; Ours = 'DomainWithConstraint'; Kind = 'Flagged'; Expect = $true; Sql = 'CREATE DOMAIN positive_int AS int CHECK (VALUE > 0);' }
    @{ Id = 'domain-plain'; Squawk = 'ban-create-domain-with-constraint'; Ours = 'DomainWithConstraint'; Kind = 'Accepted'; Expect = $false; Sql = 'CREATE DOMAIN email AS text;' }

    @{ Id = 'alter-domain-check'; Squawk = 'ban-alter-domain-with-add-constraint'; Ours = 'DomainWithConstraint'; Kind = 'Flagged'; Expect = $true; Sql = 'ALTER DOMAIN positive_int ADD CONSTRAINT positive CHECK (VALUE > 0);' }
    @{ Id = 'alter-domain-not-valid'; Squawk = 'ban-alter-domain-with-add-constraint'; Ours = 'DomainWithConstraint'; Kind = 'Accepted'; Expect = $false; Sql = 'ALTER DOMAIN positive_int ADD CONSTRAINT positive CHECK (VALUE > 0) NOT VALID;' }

    @{ Id = 'truncate-cascade'; Squawk = 'ban-truncate-cascade'; Ours = 'TruncateCascade'; Kind = 'Flagged'; Expect = $true; Sql = 'TRUNCATE orders CASCADE;' }
    @{ Id = 'truncate'; Squawk = 'ban-truncate-cascade'; Ours = 'TruncateCascade'; Kind = 'Accepted'; Expect = $false; Sql = 'TRUNCATE order_events;' }

    @{ Id = 'no-timeout'; Squawk = 'require-timeout-settings'; Ours = '-'; Kind = 'Context'; Expect = $false; Sql = 'ALTER TABLE orders ADD COLUMN note text;' }

    @{ Id = 'detach-blocking'; Squawk = 'require-concurrent-partition-detach'; Ours = 'NonConcurrentDetachPartition'; Kind = 'Flagged'; Expect = $true; Pg = 14; Sql = 'ALTER TABLE measurements DETACH PARTITION measurements_2019;' }
    @{ Id = 'detach-concurrent'; Squawk = 'require-concurrent-partition-detach'; Ours = 'NonConcurrentDetachPartition'; Kind = 'Accepted'; Expect = $false; Pg = 14; None = $true; Sql = 'ALTER TABLE measurements DETACH PARTITION measurements_2019 CONCURRENTLY;' }

    @{ Id = 'reindex-blocking'; Squawk = 'require-concurrent-reindex'; Ours = 'NonConcurrentReindex'; Kind = 'Flagged'; Expect = $true; Sql = 'REINDEX TABLE orders;' }
    @{ Id = 'reindex-concurrent'; Squawk = 'require-concurrent-reindex'; Ours = 'NonConcurrentReindex'; Kind = 'Accepted'; Expect = $false; None = $true; Sql = 'REINDEX TABLE CONCURRENTLY orders;' }
    @{ Id = 'reindex-new-table'; Squawk = 'require-concurrent-reindex'; Ours = 'NonConcurrentReindex'; Kind = 'Context'; Expect = $false; Sql = "CREATE TABLE carts (id bigint);`nCREATE INDEX carts_id ON carts (id);`nREINDEX TABLE carts;" }

    @{ Id = 'vacuum-full'; Squawk = 'prefer-repack'; Ours = 'TableRewrite'; Kind = 'Flagged'; Expect = $true; None = $true; Sql = 'VACUUM FULL orders;' }
    @{ Id = 'cluster'; Squawk = 'prefer-repack'; Ours = 'TableRewrite'; Kind = 'Flagged'; Expect = $true; Sql = 'CLUSTER orders USING orders_pkey;' }
    @{ Id = 'vacuum'; Squawk = 'prefer-repack'; Ours = 'TableRewrite'; Kind = 'Accepted'; Expect = $false; None = $true; Sql = 'VACUUM (ANALYZE) orders;' }

    @{ Id = 'robust-concurrent'; Squawk = 'prefer-robust-stmts'; Ours = 'NotIdempotent'; Kind = 'Flagged'; Expect = $true; None = $true; Sql = 'CREATE INDEX CONCURRENTLY orders_total ON orders (total);' }
    @{ Id = 'robust-if-not-exists'; Squawk = 'prefer-robust-stmts'; Ours = 'NotIdempotent'; Kind = 'Accepted'; Expect = $false; None = $true; Sql = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_total ON orders (total);' }
    @{ Id = 'robust-in-transaction'; Squawk = 'prefer-robust-stmts'; Ours = 'NotIdempotent'; Kind = 'Context'; Expect = $false; Sql = "ALTER TABLE orders ADD COLUMN note text;`nCREATE TABLE carts (id bigint);" }

    @{ Id = 'history-table'; Squawk = '-'; Ours = 'HistoryTableChange'; Kind = 'Flagged'; Expect = $true; Sql = 'DROP TABLE IF EXISTS schema_migrations;' }
)
}
