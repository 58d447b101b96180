# Test-Migration's safety analysis as a user runs it: the diagnostic's new properties, the 80-column view, SARIF, -Online.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Test-Migration safety analysis' -Tag 'Lint' {
    BeforeAll {
        $root = New-TestRoot
        $svc = New-TestService -Root $root -Name 'orders' -ConnectionString '' -Migrations ([ordered]@{
            '001_orders.sql' = @{
                Up   = "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);`nCREATE INDEX orders_total ON orders (total);"
                Down = 'DROP INDEX CONCURRENTLY IF EXISTS orders_total;'
                Headers = '-- Transaction: none'
            }
        })
    }

    AfterAll { Remove-Item $root -Recurse -Force }

    It 'gives each finding its table, lock, statement, column and fix' {
        $findings = Test-Migration $svc
        $fk = $findings | Where-Object Rule -eq 'ForeignKeyWithoutNotValid'
        $fk.Table | Should -Be 'orders'
        $fk.Lock | Should -Be 'ShareRowExclusive'
        $fk.Line | Should -Be 5
        $fk.Column | Should -Be 1
        $fk.Statement | Should -BeLike 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk*'
        $fk.Fix | Should -BeLike '*NOT VALID*VALIDATE CONSTRAINT*'
        ($findings | Where-Object Rule -eq 'NonConcurrentIndex').Lock | Should -Be 'Share'
    }

    It 'shows findings in a table that fits 80 columns' {
        $lines = (Test-Migration $svc | Format-Table | Out-String -Width 80) -split "`n"
        $lines | Where-Object { $_ -match 'NonConcurrentIndex' } | Should -Not -BeNullOrEmpty
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        ($lines | Where-Object { $_ -match '^Service' }) | Should -Match 'Lock'
    }

    It 'writes SARIF 2.1.0 to -OutFile and outputs the file' {
        Push-Location $root
        try {
            $file = Test-Migration $svc -Format Sarif -OutFile 'lint.sarif'
        } finally { Pop-Location }
        $file | Should -BeOfType ([System.IO.FileInfo])
        $sarif = Get-Content (Join-Path $root 'lint.sarif') -Raw | ConvertFrom-Json
        $sarif.version | Should -Be '2.1.0'
        $run = $sarif.runs[0]
        $run.tool.driver.rules.id | Should -Contain 'ForeignKeyWithoutNotValid'
        $result = $run.results | Where-Object ruleId -eq 'ForeignKeyWithoutNotValid'
        $result.locations[0].physicalLocation.artifactLocation.uri | Should -Be 'orders/migrations/001_orders.sql'
        $result.locations[0].physicalLocation.region.startLine | Should -Be 5
    }

    It 'refuses -Format Sarif without -OutFile' {
        { Test-Migration $svc -Format Sarif -ErrorAction Stop } | Should -Throw -ErrorId 'SarifOutFileMissing,SharedMigrations.Commands.TestMigrationCommand'
    }

    It 'honours lint:ignore and the lint: section of config.yaml' {
        Set-TestMigration -Service $svc -FileName '002_drop.sql' -Content @{
            Up   = "-- lint:ignore DropColumn the column is unused since release 41`nALTER TABLE orders DROP COLUMN legacy;"
            Down = 'ALTER TABLE orders ADD COLUMN legacy text;'
        }
        Add-Content (Join-Path $svc 'config.yaml') "lint:`n  severity:`n    NonConcurrentIndex: Error`n  disable: [Nope]`n"
        $findings = Test-Migration $svc
        $findings | Where-Object Rule -eq 'DropColumn' | Should -BeNullOrEmpty
        ($findings | Where-Object Rule -eq 'NonConcurrentIndex').Severity | Should -Be 'Error'
        ($findings | Where-Object Rule -eq 'LintPolicy').Message | Should -BeLike "*unknown rule 'Nope'*"
        Test-Migration $svc -Quiet | Should -BeFalse
    }
}

Describe 'Test-Migration -Online' -Tag 'Lint' {
    BeforeAll {
        $root = New-TestRoot
        $cs = New-TestDatabase
        Invoke-TestSql $cs 'CREATE TABLE orders (id int, total int); INSERT INTO orders SELECT g, g FROM generate_series(1, 1000) g;'
        $svc = New-TestService -Root $root -Name 'shop' -ConnectionString $cs -Migrations ([ordered]@{
            '001_index.sql' = @{ Up = "CREATE INDEX orders_total ON orders (total);`nCREATE INDEX later_x ON created_later (x);"; Down = 'SELECT 1;' }
            '002_later.sql' = @{ Up = 'CREATE TABLE created_later (x int);'; Down = 'DROP TABLE created_later;' }
        })
    }

    AfterAll {
        Remove-Item $root -Recurse -Force
        Remove-TestDatabase $cs
    }

    It 'reads the database: the size of existing tables, nothing on tables that do not exist yet' {
        (Test-Migration $svc | Where-Object Rule -eq 'NonConcurrentIndex').Table | Should -Be @('orders', 'created_later')
        $online = Test-Migration $svc -Online | Where-Object Rule -eq 'NonConcurrentIndex'
        $online.Table | Should -Be 'orders'
        $online.Message | Should -Match '\(orders is \d+(\.\d)? kB now\)$'
        Get-TestScalar $cs "SELECT count(*) FROM pg_class WHERE relname = 'orders_total'" | Should -Be 0
    }
}
