# Every command (docs/commands), used as a person would, against a real PostgreSQL.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Get-MigrationService' {
    BeforeAll {
        $examples = Join-Path $RepoRoot 'examples/services'
    }

    It 'finds the example services below a folder, with their config' {
        $services = Get-MigrationService $examples
        $services | ForEach-Object { $_ | Should -BeOfType ([SharedMigrations.ServiceInfo]) }
        $services.Name | Should -Be @('auth-service', 'billing-service', 'notification-service')
        $auth = $services | Where-Object Name -eq 'auth-service'
        $auth.Database | Should -Be 'auth_service'
        $auth.MigrationCount | Should -BeGreaterThan 3
        $auth.Path | Should -Be (Join-Path $examples 'auth-service')
        ($services | Where-Object Name -eq 'notification-service').ConfigPath | Should -BeLike '*config/config.yaml'
        ($services | Where-Object Name -eq 'notification-service').DependsOn | Should -Be @('auth-service')
    }

    It 'takes service folders from Get-ChildItem -Directory' {
        $names = Get-ChildItem $examples -Directory | Get-MigrationService | Select-Object -ExpandProperty Name
        $names | Should -Be @('auth-service', 'billing-service', 'notification-service')
    }

    It 'takes literal paths and wildcards, and works on each service once' {
        (Get-MigrationService -LiteralPath (Join-Path $examples 'auth-service')).Name | Should -Be 'auth-service'
        (Get-MigrationService (Join-Path $examples '*-service')).Count | Should -Be 3
        (Get-MigrationService (Join-Path $examples 'auth-service'), (Join-Path $examples 'auth-service'), $examples).Count | Should -Be 3
    }

    It 'finds services at any depth with -Recurse' {
        $root = New-TestRoot
        try {
            New-Item -ItemType Directory (Join-Path $root 'team-a/orders/migrations') -Force | Out-Null
            New-Item -ItemType Directory (Join-Path $root 'team-b/users/migrations') -Force | Out-Null
            Get-MigrationService $root -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            (Get-MigrationService $root -Recurse).Name | Sort-Object | Should -Be @('orders', 'users')
        }
        finally { Remove-Item $root -Recurse -Force }
    }

    It 'reports a missing folder as ServiceNotFound and goes on' {
        $result = Get-MigrationService (Join-Path $TestDrive 'nope'), (Join-Path $examples 'auth-service') -ErrorVariable errors -ErrorAction SilentlyContinue
        $result.Name | Should -Be 'auth-service'
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ServiceNotFound,*'
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'warns about unknown config keys with their path' {
        $root = New-TestRoot
        try {
            $svc = New-TestService -Root $root -Name 'typo' -ConnectionString '' -ExtraConfig "migration:`n  tabel_name: x"
            $null = Get-MigrationService $svc -WarningVariable warnings -WarningAction SilentlyContinue
            $warnings | Should -HaveCount 1
            "$warnings" | Should -BeLike "*migration.tabel_name*did you mean 'migration.table_name'*"
        }
        finally { Remove-Item $root -Recurse -Force }
    }
}

Describe 'Invoke-MigrationUp, Get-MigrationStatus, Undo-Migration on one service' {
    BeforeAll {
        $root = New-TestRoot
        $db = New-TestDatabase 'pester_up'
        $svc = New-TestService -Root $root -Name 'orders' -ConnectionString $db -Migrations ([ordered]@{
            '001_create_orders.sql' = @{ Up = 'CREATE TABLE orders (id int PRIMARY KEY);'; Down = 'DROP TABLE orders;' }
            '002_add_total.sql'     = @{ Up = 'ALTER TABLE orders ADD COLUMN total numeric;'; Down = 'ALTER TABLE orders DROP COLUMN total;' }
            '003_add_note.sql'      = @{ Up = 'ALTER TABLE orders ADD COLUMN note text;'; Down = 'ALTER TABLE orders DROP COLUMN note;' }
        })
    }

    AfterAll {
        Remove-TestDatabase $db
        Remove-Item $root -Recurse -Force
    }

    It '-WhatIf says what would run and changes nothing, not even the history table' {
        Invoke-MigrationUp $svc -WhatIf | Should -BeNullOrEmpty
        Get-TestScalar $db "SELECT to_regclass('schema_migrations') IS NULL" | Should -BeTrue
        Get-TestScalar $db "SELECT to_regclass('orders') IS NULL" | Should -BeTrue
    }

    It 'shows every migration Pending before the first run' {
        $status = Get-MigrationStatus $svc
        $status.State | Should -Be @('Pending', 'Pending', 'Pending')
        $status[0] | Should -BeOfType ([SharedMigrations.MigrationStatus])
        $status[0].Path | Should -Be $svc
        (Get-MigrationStatus $svc -Summary).State | Should -Be 'Pending'
    }

    It 'applies up to -Target, then -Count' {
        $first = Invoke-MigrationUp $svc -Target 1
        $first.Version | Should -Be 1
        $first.Succeeded | Should -BeTrue
        $first | Should -BeOfType ([SharedMigrations.MigrationResult])
        $first.Direction | Should -Be 'Up'
        $first.Path | Should -Be $svc
        (Invoke-MigrationUp $svc -Count 1).Version | Should -Be 2
        Get-TestColumn $db 'SELECT version FROM schema_migrations ORDER BY version' | Should -Be @(1, 2)
    }

    It 'applies the rest, then has nothing to do' {
        (Invoke-MigrationUp $svc).Version | Should -Be 3
        Invoke-MigrationUp $svc | Should -BeNullOrEmpty
        $summary = Get-MigrationStatus $svc -Summary
        $summary | Should -BeOfType ([SharedMigrations.ServiceStatus])
        $summary.State | Should -Be 'UpToDate'
        $summary.CurrentVersion | Should -Be 3
        $summary.LatestVersion | Should -Be 3
        $summary.Pending | Should -Be 0
        $summary.Database | Should -Match '^pester_up'
    }

    It 'tells each step and its time with -Verbose' {
        $verbose = Get-MigrationStatus $svc -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $verbose | Where-Object { $_ -like 'orders: loaded 3 migration file(s) from * (* ms).' } | Should -HaveCount 1
        $verbose | Where-Object { $_ -like 'orders: read 3 history row(s) from schema_migrations on * (* ms, read-only, no lock).' } | Should -HaveCount 1
        $verbose = Invoke-MigrationUp $svc -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $verbose | Should -Contain ($verbose | Where-Object { $_ -like 'orders: took the run lock (* ms).' })
        $verbose | Where-Object { $_ -like 'orders: read 3 history row(s) from schema_migrations (* ms, under the lock).' } | Should -Not -BeNullOrEmpty
    }

    It 'refuses to roll back without confirmation in a non-interactive session, and rolls back nothing' {
        { Undo-Migration $svc -ErrorAction Stop } | Should -Throw
        Get-TestColumn $db 'SELECT version FROM schema_migrations ORDER BY version' | Should -Be @(1, 2, 3)
    }

    It 'rolls back the newest migration with -Confirm:$false' {
        $result = Undo-Migration $svc -Confirm:$false
        $result.Version | Should -Be 3
        $result.Direction | Should -Be 'Down'
        Get-TestScalar $db "SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'note'" | Should -Be 0
    }

    It 'rolls back with -WhatIf changing nothing, then with -Force to a target' {
        Undo-Migration $svc -Target 0 -WhatIf | Should -BeNullOrEmpty
        Get-TestColumn $db 'SELECT version FROM schema_migrations ORDER BY version' | Should -Be @(1, 2)
        (Undo-Migration $svc -Target 0 -Force).Version | Should -Be @(2, 1)
        Get-TestScalar $db "SELECT to_regclass('orders') IS NULL" | Should -BeTrue
    }

    It 'refuses -Target together with -Count' {
        { Undo-Migration $svc -Target 1 -Count 1 -Force -ErrorAction Stop } | Should -Throw -ErrorId 'TargetAndCountTogether,*'
    }

    It 'lists every up and down in the history' {
        $events = Get-MigrationHistory $svc
        $events[0] | Should -BeOfType ([SharedMigrations.MigrationEvent])
        ($events | Where-Object Direction -eq 'Up').Count | Should -Be 3
        ($events | Where-Object Direction -eq 'Down').Count | Should -Be 3
        $events | ForEach-Object { $_.Succeeded | Should -BeTrue; $_.Path | Should -Be $svc; $_.Service | Should -Be 'orders' }
    }
}

Describe 'States (docs/migrations.md) and Repair-MigrationHistory' {
    BeforeAll {
        $root = New-TestRoot
        $db = New-TestDatabase 'pester_states'
        $svc = New-TestService -Root $root -Name 'states' -ConnectionString $db -Migrations ([ordered]@{
            '001_a.sql' = @{ Up = 'CREATE TABLE a (id int);'; Down = 'DROP TABLE a;' }
            '003_c.sql' = @{ Up = 'CREATE TABLE c (id int);'; Down = 'DROP TABLE c;' }
            '004_d.sql' = @{ Up = 'CREATE TABLE d (id int);'; Down = 'DROP TABLE d;' }
        })
        Invoke-MigrationUp $svc | Out-Null
        Set-TestMigration $svc '001_a.sql' @{ Up = 'CREATE TABLE a (id int); -- edited'; Down = 'DROP TABLE a;' }
        Set-TestMigration $svc '002_b.sql' @{ Up = 'CREATE TABLE b (id int);'; Down = 'DROP TABLE b;' }
        Remove-Item (Join-Path $svc 'migrations/003_c.sql')
        Set-TestMigration $svc '005_e.sql' @{ Headers = '-- Transaction: none'; Up = "CREATE INDEX CONCURRENTLY d_id ON d (id);`nCREATE INDEX CONCURRENTLY d_x ON d (x);"; Down = 'DROP INDEX CONCURRENTLY IF EXISTS d_id;' }
        Set-TestMigration $svc '006_f.sql' @{ Up = 'CREATE TABLE f (id int);'; Down = 'DROP TABLE f;' }
    }

    AfterAll {
        Remove-TestDatabase $db
        Remove-Item $root -Recurse -Force
    }

    It 'shows Applied, Modified, OutOfOrder, Missing and Pending' {
        $status = Get-MigrationStatus $svc
        ($status | ForEach-Object { "$($_.Version):$($_.State)" }) | Should -Be @('1:Modified', '2:OutOfOrder', '3:Missing', '4:Applied', '5:Pending', '6:Pending')
        ($status | Where-Object Version -eq 3).File | Should -BeNullOrEmpty
        (Get-MigrationStatus $svc -Summary).State | Should -Be 'Drifted'
        (Get-MigrationStatus $svc -Summary).Problems.Count | Should -Be 3
    }

    It 'refuses to run up while a file is Modified, applying nothing, with ChecksumMismatch' {
        Invoke-MigrationUp $svc -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ChecksumMismatch,*'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $failures[0].TargetObject | Should -Be $svc
        Get-TestScalar $db "SELECT to_regclass('f') IS NULL" | Should -BeTrue
    }

    It 'accepts the edit with Repair-MigrationHistory -Force, then refuses OutOfOrder until allowed' {
        $events = Repair-MigrationHistory $svc -Force
        $events.Version | Should -Be 1
        $events.Direction | Should -Be 'Repair'
        { Invoke-MigrationUp $svc -ErrorAction Stop } | Should -Throw -ErrorId 'OutOfOrderMigration,*'
    }

    It 'leaves a Transaction: none migration that stops part way Failed, with its statement' {
        Invoke-MigrationUp $svc -AllowOutOfOrder -ErrorVariable failures -ErrorAction SilentlyContinue | Out-Null
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'MigrationFailed,*'
        "$($failures[0])" | Should -BeLike '*005_e.sql line 6*'
        $status = Get-MigrationStatus $svc | Where-Object Version -eq 5
        $status.State | Should -Be 'Failed'
        $status.Detail | Should -BeLike '*statement 2 of 2*'
        (Get-MigrationStatus $svc | Where-Object Version -eq 6).State | Should -Be 'Pending'
        { Invoke-MigrationUp $svc -ErrorAction Stop } | Should -Throw -ErrorId 'FailedMigrationBlocksRun,*'
    }

    It 'clears a Failed record with Repair-MigrationHistory so it runs again' {
        Repair-MigrationHistory $svc -WhatIf | Should -BeNullOrEmpty
        (Get-MigrationStatus $svc | Where-Object Version -eq 5).State | Should -Be 'Failed'
        Invoke-TestSql $db 'DROP INDEX d_id'
        Set-TestMigration $svc '005_e.sql' @{ Headers = '-- Transaction: none'; Up = 'CREATE INDEX CONCURRENTLY d_id ON d (id);'; Down = 'DROP INDEX CONCURRENTLY IF EXISTS d_id;' }
        (Repair-MigrationHistory $svc -Confirm:$false).Version | Should -Be 5
        (Invoke-MigrationUp $svc).Version | Should -Be @(5, 6)
        (Get-MigrationStatus $svc -Summary).Problems | Should -HaveCount 1 -Because 'only the Missing file is left'
    }
}

Describe 'Many services through the pipeline' {
    BeforeAll {
        $root = New-TestRoot
        $dbs = 1..3 | ForEach-Object { New-TestDatabase "pester_fleet$_" }
        $one = New-TestService -Root $root -Name 'one' -ConnectionString $dbs[0] -Migrations @{ '001_a.sql' = @{ Up = 'CREATE TABLE a (id int);'; Down = 'DROP TABLE a;' } }
        $two = New-TestService -Root $root -Name 'two' -ConnectionString $dbs[1] -Migrations ([ordered]@{
            '001_a.sql' = @{ Up = 'CREATE TABLE a (id int);'; Down = 'DROP TABLE a;' }
            '002_bad.sql' = @{ Up = "CREATE TABLE b (id int);`nINSERT INTO nowhere VALUES (1);"; Down = 'DROP TABLE b;' }
        })
        $three = New-TestService -Root $root -Name 'three' -ConnectionString $dbs[2] -Migrations @{ '001_a.sql' = @{ Up = 'CREATE TABLE a (id int);'; Down = 'DROP TABLE a;' } }
    }

    AfterAll {
        $dbs | ForEach-Object { Remove-TestDatabase $_ }
        Remove-Item $root -Recurse -Force
    }

    It 'reports one failing service as a non-terminating error and runs the others' {
        $results = Get-ChildItem $root -Directory | Invoke-MigrationUp -ErrorVariable failures -ErrorAction SilentlyContinue
        ($results | Where-Object Succeeded).Service | Sort-Object | Should -Be @('one', 'three', 'two')
        ($results | Where-Object { -not $_.Succeeded }).Name | Should -Be 'bad'
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'MigrationFailed,SharedMigrations.Commands.InvokeMigrationUpCommand'
        $failures[0].Exception.Service | Should -Be 'two'
        $failures[0].Exception.Line | Should -Be 5
        $failures[0].Exception.SqlState | Should -Be '42P01'
        "$($failures[0])" | Should -BeLike 'two: 002_bad.sql line 5: relation "nowhere" does not exist*'
        Get-TestScalar $dbs[1] "SELECT to_regclass('b') IS NULL" | Should -BeTrue
        Get-TestScalar $dbs[2] "SELECT to_regclass('a') IS NOT NULL" | Should -BeTrue
    }

    It 'stops at the first failure with -ErrorAction Stop' {
        { Get-MigrationService $root | Invoke-MigrationUp -ErrorAction Stop } | Should -Throw -ErrorId 'MigrationFailed,*'
    }

    It 'pipes the objects of one command into another' {
        $summary = Get-MigrationService $root | Get-MigrationStatus -Summary
        ($summary | Sort-Object Service).State | Should -Be @('UpToDate', 'UpToDate', 'Pending')
        (Get-MigrationStatus $root | Where-Object State -eq Pending | Get-MigrationStatus -Summary).Service | Should -Be 'two'
        (Get-MigrationService $root | Test-Migration -Quiet) | Should -BeTrue
    }

    It 'shows a service whose database cannot be reached as Unreachable, with the reason' {
        $down = New-TestService -Root $root -Name 'down' -ConnectionString 'Host=127.0.0.1;Port=1;Username=u;Password=pw-never-shown;Database=d'
        try {
            $row = Get-MigrationStatus $down, $one -Summary | Where-Object Service -eq 'down'
            $row.State | Should -Be 'Unreachable'
            $row.Reason | Should -BeLike '*127.0.0.1:1*refused*'
            $row.Reason | Should -Not -BeLike '*pw-never-shown*'
        }
        finally { Remove-Item $down -Recurse -Force }
    }
}

Describe 'New-Migration' {
    BeforeEach {
        $root = New-TestRoot
        $svc = New-TestService -Root $root -Name 'newsvc' -ConnectionString '' -Migrations @{ '007_existing.sql' = @{ Up = 'SELECT 1;'; Down = 'SELECT 1;' } }
    }

    AfterEach { Remove-Item $root -Recurse -Force }

    It 'writes the next sequential file from the default template' {
        $file = New-Migration $svc -Name 'Add user email' -Description 'Email for users'
        $file | Should -BeOfType ([System.IO.FileInfo])
        $file.Name | Should -Be '008_add_user_email.sql'
        $text = Get-Content $file -Raw
        $text | Should -BeLike '*-- Migration: add_user_email*'
        $text | Should -BeLike '*-- Description: Email for users*'
        (Test-Migration $svc | Where-Object Severity -eq 'Error') | Should -BeNullOrEmpty
    }

    It 'uses a built-in template: add_index is concurrent with Transaction: none' {
        $file = New-Migration $svc -Name idx -Template add_index
        Get-Content $file -Raw | Should -BeLike '*-- Transaction: none*CREATE INDEX CONCURRENTLY*'
    }

    It "uses the service's own template with placeholders filled in" {
        New-Item -ItemType Directory (Join-Path $svc 'migrations/templates') | Out-Null
        Set-Content (Join-Path $svc 'migrations/templates/audit.sql') "-- Migration: {{name}}`n-- Description: {{description}} for {{service}} v{{version}}`n-- +++++ UP`nSELECT 1;`n-- +++++ DOWN`nSELECT 1;`n"
        $file = New-Migration $svc -Name trail -Template audit
        Get-Content $file -Raw | Should -BeLike '*-- Description: trail for newsvc v008*'
    }

    It 'fails with MigrationTemplateNotFound for an unknown template and writes nothing' {
        { New-Migration $svc -Name x -Template nope -ErrorAction Stop } | Should -Throw -ErrorId 'MigrationTemplateNotFound,*'
        (Get-ChildItem (Join-Path $svc 'migrations') -Filter *.sql).Count | Should -Be 1
    }

    It 'writes nothing with -WhatIf' {
        New-Migration $svc -Name x -WhatIf | Should -BeNullOrEmpty
        (Get-ChildItem (Join-Path $svc 'migrations') -Filter *.sql).Count | Should -Be 1
    }

    It 'completes -Template and -Target on Tab' {
        $line = "New-Migration -Path '$svc' -Name x -Template add_"
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Be @('add_column', 'add_index')
        $line = "Undo-Migration -Path '$svc' -Target "
        (TabExpansion2 $line $line.Length).CompletionMatches.CompletionText | Should -Contain '7'
    }
}

Describe 'Test-Migration' {
    BeforeAll {
        $root = New-TestRoot
        $svc = New-TestService -Root $root -Name 'lint' -ConnectionString '' -Migrations ([ordered]@{
            '001_ok.sql'   = @{ Up = 'CREATE TABLE t (id int);'; Down = 'DROP TABLE t;' }
            '002_idx.sql'  = @{ Up = 'CREATE INDEX CONCURRENTLY t_id ON t (id);'; Down = 'DROP INDEX t_id;' }
            'bad name.sql' = '-- +++++ UP'
        })
    }

    AfterAll { Remove-Item $root -Recurse -Force }

    It 'reports format errors with file and line, offline' {
        $findings = Test-Migration $svc
        $findings[0] | Should -BeOfType ([SharedMigrations.MigrationDiagnostic])
        $errors = $findings | Where-Object Severity -eq 'Error'
        ($errors | Where-Object { $_.File -like '*002_idx.sql' }).Line | Should -Be 4
        ($errors | Where-Object { $_.File -like '*002_idx.sql' }).Message | Should -BeLike '*-- Transaction: none*'
        $errors | Where-Object { $_.File -like '*bad name.sql' } | Should -Not -BeNullOrEmpty
        $findings | ForEach-Object { $_.Path | Should -Be $svc }
    }

    It 'answers $false with -Quiet when there is an error, $true when there is none' {
        Test-Migration $svc -Quiet | Should -BeFalse
        Remove-Item (Join-Path $svc 'migrations/bad name.sql'), (Join-Path $svc 'migrations/002_idx.sql')
        Test-Migration $svc -Quiet | Should -BeTrue
    }
}
