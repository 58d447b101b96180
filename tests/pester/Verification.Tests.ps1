# Verification before production, used as a person would: schema snapshots, the schema file, drift and round trips.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Get-MigrationSchema and Export-MigrationSchema' -Tag 'Verification' {
    BeforeAll {
        $root = New-TestRoot
        $db = New-TestDatabase 'pester_schema'
        $svc = New-TestService -Root $root -Name 'catalog' -ConnectionString $db -ExtraConfig "migration:`n  schema_file: db/schema.sql" -Migrations ([ordered]@{
            '001_items.sql' = @{ Up = "CREATE TYPE item_state AS ENUM ('new', 'sold');`nCREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, state item_state);"; Down = 'DROP TABLE items; DROP TYPE item_state;' }
            '002_price.sql' = @{ Up = 'ALTER TABLE items ADD COLUMN price numeric(10,2);'; Down = 'ALTER TABLE items DROP COLUMN price;' }
        })
        $schemaFile = Join-Path $svc 'db/schema.sql'
    }

    AfterAll {
        Remove-TestDatabase $db
        Remove-Item $root -Recurse -Force
    }

    It 'rewrites the schema file after an up and after a down' {
        Invoke-MigrationUp $svc | Out-Null
        $afterUp = Get-Content $schemaFile -Raw
        $afterUp | Should -BeLike "*-- Column: public.items.price`nprice numeric(10,2)`n*"
        $afterUp | Should -Not -BeLike '*schema_migrations*'
        Undo-Migration $svc -Confirm:$false | Out-Null
        $afterDown = Get-Content $schemaFile -Raw
        $afterDown | Should -Not -BeLike '*price*'
        $afterDown | Should -BeLike '*-- Type: public.item_state*'
        Invoke-MigrationUp $svc | Out-Null
        Get-Content $schemaFile -Raw | Should -BeExactly $afterUp
    }

    It 'emits typed objects in the snapshot order, columns after their table in column order' {
        $objects = Get-MigrationSchema $svc
        $objects | ForEach-Object { $_ | Should -BeOfType ([SharedMigrations.SchemaObject]) }
        $objects[0].Path | Should -Be $svc
        ($objects | Where-Object Kind -ne 'Schema').Kind | Select-Object -First 6 | Should -Be @('Type', 'Table', 'Column', 'Column', 'Column', 'Column')
        ($objects | Where-Object { $_.Kind -eq 'Column' }).Name | Should -Be @('id', 'name', 'state', 'price')
        ($objects | Where-Object Name -eq 'item_state').Definition | Should -Be "CREATE TYPE public.item_state AS ENUM ('new', 'sold')"
        ($objects | Where-Object { $_.Kind -eq 'Constraint' }).Definition | Should -Be 'PRIMARY KEY (id)'
    }

    It 'exports a byte-identical file for the same database, to -Destination or the schema file' {
        $a = Export-MigrationSchema $svc -Destination (Join-Path $TestDrive 'a.sql')
        $a | Should -BeOfType ([System.IO.FileInfo])
        Export-MigrationSchema $svc -Destination (Join-Path $TestDrive 'b.sql') | Out-Null
        (Get-FileHash (Join-Path $TestDrive 'a.sql')).Hash | Should -Be (Get-FileHash (Join-Path $TestDrive 'b.sql')).Hash
        (Get-FileHash $schemaFile).Hash | Should -Be (Get-FileHash (Join-Path $TestDrive 'a.sql')).Hash
        (Export-MigrationSchema $svc).FullName | Should -Be $schemaFile
        Export-MigrationSchema $svc -Destination (Join-Path $TestDrive 'c.sql') -WhatIf | Should -BeNullOrEmpty
        Test-Path (Join-Path $TestDrive 'c.sql') | Should -BeFalse
    }
}

Describe 'Drift: Compare-MigrationSchema, Get-MigrationStatus -Summary, Invoke-MigrationUp' -Tag 'Verification' {
    BeforeAll {
        $root = New-TestRoot
        $db = New-TestDatabase 'pester_drift'
        $svc = New-TestService -Root $root -Name 'billing' -ConnectionString $db -Migrations ([ordered]@{
            '001_invoices.sql' = @{ Up = "CREATE TABLE invoices (id int PRIMARY KEY, amount int CONSTRAINT amount_positive CHECK (amount > 0));`nCREATE FUNCTION total() RETURNS bigint LANGUAGE sql AS 'SELECT sum(amount) FROM invoices';"; Down = 'DROP FUNCTION total(); DROP TABLE invoices;' }
        })
        Invoke-MigrationUp $svc | Out-Null
    }

    AfterAll {
        Remove-TestDatabase $db
        Remove-Item $root -Recurse -Force
    }

    It 'finds nothing right after a run' {
        Compare-MigrationSchema $svc | Should -BeNullOrEmpty
        Compare-MigrationSchema $svc -Quiet | Should -BeTrue
        (Get-MigrationStatus $svc -Summary).State | Should -Be 'UpToDate'
    }

    It 'names a hand-made column, index, dropped constraint and replaced function body' {
        Invoke-TestSql $db @'
ALTER TABLE invoices ADD COLUMN hotfix text;
CREATE INDEX invoices_amount_by_hand ON invoices (amount);
ALTER TABLE invoices DROP CONSTRAINT amount_positive;
CREATE OR REPLACE FUNCTION total() RETURNS bigint LANGUAGE sql AS 'SELECT 42::bigint';
'@
        $differences = Compare-MigrationSchema $svc
        $differences | ForEach-Object { $_ | Should -BeOfType ([SharedMigrations.SchemaDifference]) }
        ($differences | ForEach-Object { "$($_.Kind) $($_.Name) $($_.Change)" }) | Sort-Object | Should -Be @(
            'Column public.hotfix Added'
            'Constraint public.amount_positive Removed'
            'Function public.total() Changed'
            'Index public.invoices_amount_by_hand Added')
        ($differences | Where-Object Kind -eq 'Function').Actual | Should -BeLike '*42*'
        ($differences | Where-Object Kind -eq 'Constraint').Expected | Should -Be 'CHECK ((amount > 0))'
        $differences[0].Path | Should -Be $svc
        Compare-MigrationSchema $svc -Quiet | Should -BeFalse
    }

    It 'reports the service Drifted with the recorded version and time, naming Compare-MigrationSchema' {
        $summary = Get-MigrationStatus $svc -Summary
        $summary.State | Should -Be 'Drifted'
        "$($summary.Problems)" | Should -BeLike '*recorded at version 1 on *Compare-MigrationSchema*'
    }

    It 'refuses to apply with on_drift: refuse, and applies nothing' {
        $refusing = New-TestService -Root $root -Name 'billing-refuse' -ConnectionString $db -ExtraConfig "migration:`n  on_drift: refuse"
        Copy-Item (Join-Path $svc 'migrations/*') (Join-Path $refusing 'migrations')
        Set-TestMigration -Service $refusing -FileName '002_paid.sql' -Content @{ Up = 'ALTER TABLE invoices ADD COLUMN paid boolean;'; Down = 'ALTER TABLE invoices DROP COLUMN paid;' }
        Invoke-MigrationUp $refusing -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'SchemaDrifted,*'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        Get-TestColumn $db 'SELECT version FROM schema_migrations ORDER BY version' | Should -Be @(1)
    }

    It 'warns by default, applies, and records a snapshot that includes the hand-made change' {
        Set-TestMigration -Service $svc -FileName '002_paid.sql' -Content @{ Up = 'ALTER TABLE invoices ADD COLUMN paid boolean;'; Down = 'ALTER TABLE invoices DROP COLUMN paid;' }
        $result = Invoke-MigrationUp $svc -WarningVariable warnings -WarningAction SilentlyContinue
        $result.Version | Should -Be 2
        "$warnings" | Should -BeLike '*billing: the schema differs from the snapshot recorded at version 1*Compare-MigrationSchema*'
        Compare-MigrationSchema $svc | Should -BeNullOrEmpty
        (Get-MigrationStatus $svc -Summary).State | Should -Be 'UpToDate'
        Get-TestScalar $db 'SELECT count(*) FROM schema_migrations_schema' | Should -Be 2
    }

    It 'compares with the schema file, and says when there is none' {
        Compare-MigrationSchema $svc -Reference File -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'SchemaFileNotFound,*'
        Export-MigrationSchema $svc | Out-Null
        Compare-MigrationSchema $svc -Reference File | Should -BeNullOrEmpty
        Invoke-TestSql $db 'CREATE INDEX invoices_paid_by_hand ON invoices (paid);'
        (Compare-MigrationSchema $svc -Reference File).Name | Should -Be 'public.invoices_paid_by_hand'
    }
}

Describe 'Test-MigrationRoundTrip' -Tag 'Verification' {
    BeforeAll {
        $root = New-TestRoot
        $db = New-TestDatabase 'pester_rt'
    }

    AfterAll {
        Remove-TestDatabase $db
        Remove-Item $root -Recurse -Force
    }

    It 'passes a folder whose DOWNs are correct, and drops its scratch database' {
        $good = New-TestService -Root $root -Name 'good' -ConnectionString $db -Migrations ([ordered]@{
            '001_a.sql' = @{ Up = 'CREATE TABLE a (id int PRIMARY KEY);'; Down = 'DROP TABLE a;' }
            '002_b.sql' = @{ Up = 'ALTER TABLE a ADD COLUMN b text; CREATE INDEX a_b ON a (b);'; Down = 'DROP INDEX a_b; ALTER TABLE a DROP COLUMN b;' }
        })
        $before = Get-TestScalar $db 'SELECT count(*) FROM pg_database'
        $results = Test-MigrationRoundTrip $good
        $results | ForEach-Object { $_ | Should -BeOfType ([SharedMigrations.RoundTripResult]) }
        $results.Result | Should -Be @('Passed', 'Passed')
        $results[0].Path | Should -Be $good
        Get-TestScalar $db 'SELECT count(*) FROM pg_database' | Should -Be $before
        Get-TestScalar $db "SELECT to_regclass('schema_migrations') IS NULL" | Should -BeTrue
    }

    It 'reports every broken migration of a folder in one run, and the later ones are still tested' {
        $bad = New-TestService -Root $root -Name 'bad' -ConnectionString $db -Migrations ([ordered]@{
            '001_items.sql'     = @{ Up = 'CREATE TABLE items (id int PRIMARY KEY, name text);'; Down = 'DROP TABLE items;' }
            '002_syntax.sql'    = @{ Up = 'ALTER TABLE items ADD COLUMN price int;'; Down = "ALTER TABLE items DROP COLUMN price`nDROP TABLE nothing;" }
            '003_type.sql'      = @{ Up = "CREATE TYPE state AS ENUM ('new');`nALTER TABLE items ADD COLUMN state state;"; Down = 'ALTER TABLE items DROP COLUMN state;' }
            '004_again.sql'     = @{ Up = "ALTER TABLE items ADD COLUMN flag int;`nINSERT INTO items (id) VALUES (1);"; Down = 'ALTER TABLE items DROP COLUMN flag;' }
            '005_empty_down.sql' = @{ Up = 'CREATE INDEX items_name ON items (name);' }
            '006_view.sql'      = @{ Up = 'CREATE VIEW named AS SELECT id, name FROM items;'; Down = 'DROP VIEW named;' }
        })
        $results = Test-MigrationRoundTrip $bad -ErrorVariable errors -ErrorAction SilentlyContinue -WarningVariable warnings -WarningAction SilentlyContinue
        ($results | ForEach-Object { "$($_.Version) $($_.Result) $($_.Stage)".Trim() }) | Should -Be @(
            '1 Passed', '2 Failed Down', '3 Failed Restore', '4 Failed Reapply', '5 Irreversible', '6 Passed')
        $errors.Count | Should -Be 3
        $errors | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'RoundTripFailed,*' }
        $errors[0].Exception.Message | Should -BeLike 'bad: the DOWN of 002_syntax.sql failed*'
        $restore = $results | Where-Object Version -eq 3
        $restore.Differences.Name | Should -Be 'public.state'
        $restore.Differences.Change | Should -Be 'Added'
        (Get-Content (Join-Path $bad 'migrations/003_type.sql'))[$restore.Line - 1] | Should -Be '-- +++++ DOWN'
        ($results | Where-Object Version -eq 2).Line | Should -Not -BeNullOrEmpty
        "$warnings" | Should -BeLike '*005_empty_down.sql is Irreversible*'
    }

    It 'fails a CI step with ErrorActionPreference Stop' {
        $bad = Join-Path $root 'bad'
        { $ErrorActionPreference = 'Stop'; Test-MigrationRoundTrip $bad -Target 2 -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'RoundTripFailed*'
    }

    It 'refuses a non-empty scratch database and the service''s own, touching nothing' {
        $scratch = New-TestDatabase 'pester_rt_scratch'
        try {
            $good = Join-Path $root 'good'
            Invoke-TestSql $scratch 'CREATE TABLE keep_me (id int);'
            $name = ([System.Data.Common.DbConnectionStringBuilder]@{ ConnectionString = $scratch })['Database']
            Test-MigrationRoundTrip $good -ScratchConnectionString "Database=$name" -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'ScratchDatabaseNotEmpty,*'
            "$($errors[0])" | Should -BeLike '*keep_me*'
            Get-TestColumn $scratch "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'" | Should -Be @('keep_me')
            $own = ([System.Data.Common.DbConnectionStringBuilder]@{ ConnectionString = $db })['Database']
            Test-MigrationRoundTrip $good -ScratchConnectionString "Database=$own" -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'ScratchDatabaseIsServiceDatabase,*'

            Invoke-TestSql $scratch 'DROP TABLE keep_me;'
            (Test-MigrationRoundTrip $good -ScratchConnectionString "Database=$name").Result | Should -Be @('Passed', 'Passed')
            Get-TestColumn $scratch "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' AND tablename = 'a'" | Should -Be @('a')
            # The round trip's change log (a schema and two event triggers) is gone from a database that stays.
            Get-TestScalar $scratch "SELECT count(*) FROM pg_namespace WHERE nspname = 'sharedmigrations_roundtrip'" | Should -Be 0
            Get-TestScalar $scratch 'SELECT count(*) FROM pg_event_trigger' | Should -Be 0
        }
        finally { Remove-TestDatabase $scratch }
    }

    It 'keeps the created database with -KeepDatabase and says its name' {
        $good = Join-Path $root 'good'
        Test-MigrationRoundTrip $good -Target 1 -KeepDatabase -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
        "$warnings" | Should -Match 'kept the scratch database .*/(pester_rt\w*_rt_[0-9a-f]{8})'
        $kept = [regex]::Match("$warnings", '/(\w+_rt_[0-9a-f]{8})').Groups[1].Value
        Get-TestScalar $db "SELECT count(*) FROM pg_database WHERE datname = '$kept'" | Should -Be 1
        Get-TestScalar "$db;Database=$kept" "SELECT count(*) FROM pg_namespace WHERE nspname = 'sharedmigrations_roundtrip'" | Should -Be 0
        Get-TestScalar "$db;Database=$kept" 'SELECT count(*) FROM pg_event_trigger' | Should -Be 0
        Get-TestScalar "$db;Database=$kept" "SELECT to_regclass('public.a') IS NOT NULL" | Should -BeTrue
        Invoke-TestSql $db "DROP DATABASE `"$kept`" WITH (FORCE)"
    }

    It 'reads its snapshots through the change log when the role may create event triggers' {
        $out = Test-MigrationRoundTrip (Join-Path $root 'good') -Verbose 4>&1
        "$($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })" | Should -BeLike '*change log (event triggers)*'
        ($out | Where-Object { $_ -is [SharedMigrations.RoundTripResult] }).Result | Should -Be @('Passed', 'Passed')
    }

    It 'gives the same results to a role that may create databases but not event triggers (table stamps)' {
        $bad = Join-Path $root 'bad'
        $role = 'pester_rt_' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $password = 'pw-' + [guid]::NewGuid().ToString('N')
        Invoke-TestSql $db "CREATE ROLE $role LOGIN CREATEDB PASSWORD '$password'"
        try {
            $results = Test-MigrationRoundTrip $bad -ConnectionString "$db;Username=$role;Password=$password" -Verbose 4>&1 -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            $verbose = $results | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            "$verbose" | Should -BeLike '*may not create event triggers*table stamps*'
            ($results | Where-Object { $_ -is [SharedMigrations.RoundTripResult] } | ForEach-Object { "$($_.Version) $($_.Result) $($_.Stage)".Trim() }) | Should -Be @(
                '1 Passed', '2 Failed Down', '3 Failed Restore', '4 Failed Reapply', '5 Irreversible', '6 Passed')
        }
        finally { Invoke-TestSql $db "DROP ROLE $role" }
    }

    It 'creates no database when the files do not load' {
        $broken = New-TestService -Root $root -Name 'broken' -ConnectionString $db -Migrations ([ordered]@{ '001_x.sql' = "-- +++++ DOWN`nSELECT 1;`n" })
        $before = Get-TestScalar $db 'SELECT count(*) FROM pg_database'
        Test-MigrationRoundTrip $broken -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'MigrationFileInvalid,*'
        Get-TestScalar $db 'SELECT count(*) FROM pg_database' | Should -Be $before
    }

    It 'tests several services from the pipeline in parallel' {
        $results = Get-Item (Join-Path $root 'good'), (Join-Path $root 'bad') | Test-MigrationRoundTrip -ThrottleLimit 2 -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        ($results | Group-Object Service -NoElement | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Count)" }) | Should -Be @('bad=6', 'good=2')
    }
}
