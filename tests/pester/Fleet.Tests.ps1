# Many services as one run (docs/fleet.md): ordering, parallelism, failure isolation, requirements outside the run.
# Order and overlap are read from the databases (clock_timestamp() written by the migrations), not from output order.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # A migration that records when it ran (start and end) in its own database.
    function Step([string] $Service, [int] $Version, [string] $Requires, [double] $Sleep = 0) {
        $headers = if ($Requires) { "-- Requires: $Requires" } else { $null }
        @{
            Headers = $headers
            Up      = @"
CREATE TABLE IF NOT EXISTS ran (service text, version int, started timestamptz, finished timestamptz);
INSERT INTO ran VALUES ('$Service', $Version, clock_timestamp(), NULL);
SELECT pg_sleep($Sleep);
UPDATE ran SET finished = clock_timestamp() WHERE service = '$Service' AND version = $Version;
"@
            Down    = "DELETE FROM ran WHERE version = $Version;"
        }
    }

    function Get-Ran([string] $ConnectionString) {
        [SharedMigrations.Testing.Sql]::Rows($ConnectionString, 'SELECT service, version, started, finished FROM ran ORDER BY started') |
            ForEach-Object { [pscustomobject]@{ Service = $_['service']; Version = $_['version']; Started = $_['started']; Finished = $_['finished'] } }
    }
}

Describe 'Ordering across services' {
    BeforeAll {
        $root = New-TestRoot
        $db = @{ auth = New-TestDatabase 'fleet_auth'; billing = New-TestDatabase 'fleet_billing'; notify = New-TestDatabase 'fleet_notify' }
        New-TestService -Root $root -Name 'auth' -ConnectionString $db.auth -Migrations ([ordered]@{
            '001_a.sql' = (Step 'auth' 1 $null 0.2); '002_b.sql' = (Step 'auth' 2 $null 0.2); '003_c.sql' = (Step 'auth' 3 $null 0.2); '004_d.sql' = (Step 'auth' 4 $null 0.2)
        }) | Out-Null
        New-TestService -Root $root -Name 'billing' -ConnectionString $db.billing -Migrations ([ordered]@{
            '001_a.sql' = (Step 'billing' 1 $null 0); '002_b.sql' = (Step 'billing' 2 'auth@3' 0)
        }) | Out-Null
        New-TestService -Root $root -Name 'notify' -ConnectionString $db.notify -DependsOn auth -Migrations ([ordered]@{
            '001_a.sql' = (Step 'notify' 1 $null 0)
        }) | Out-Null
    }

    AfterAll {
        $db.Values | ForEach-Object { Remove-TestDatabase $_ }
        Remove-Item $root -Recurse -Force
    }

    It 'runs a Requires: after the required version and depends_on after the whole service' {
        $results = Get-MigrationService $root | Invoke-MigrationUp
        ($results | Where-Object Succeeded).Count | Should -Be 7
        $auth = Get-Ran $db.auth
        $billing = Get-Ran $db.billing
        $notify = Get-Ran $db.notify
        $auth3 = $auth | Where-Object Version -eq 3
        $auth4 = $auth | Where-Object Version -eq 4
        ($billing | Where-Object Version -eq 2).Started | Should -BeGreaterThan $auth3.Finished
        ($billing | Where-Object Version -eq 1).Started | Should -BeLessThan $auth3.Finished -Because 'billing@1 requires nothing and runs beside auth'
        ($notify | Where-Object Version -eq 1).Started | Should -BeGreaterThan $auth4.Finished
    }
}

Describe 'Plans that cannot run' {
    BeforeEach {
        $root = New-TestRoot
        $dbA = New-TestDatabase 'fleet_cycle_a'
        $dbB = New-TestDatabase 'fleet_cycle_b'
    }

    AfterEach {
        Remove-TestDatabase $dbA; Remove-TestDatabase $dbB
        Remove-Item $root -Recurse -Force
    }

    It 'refuses a cycle, naming it in full, with nothing applied' {
        New-TestService -Root $root -Name 'a' -ConnectionString $dbA -Migrations ([ordered]@{ '001_x.sql' = (Step 'a' 1); '002_y.sql' = (Step 'a' 2); '003_z.sql' = (Step 'a' 3 'b@1') }) | Out-Null
        New-TestService -Root $root -Name 'b' -ConnectionString $dbB -Migrations @{ '001_x.sql' = (Step 'b' 1 'a@3') } | Out-Null
        Get-MigrationService $root | Invoke-MigrationUp -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'DependencyCycle,*'
        "$($failures[0])" | Should -BeLike '*a@3 → b@1 → a@3*'
        Get-TestScalar $dbA "SELECT to_regclass('schema_migrations') IS NULL" | Should -BeTrue
        Get-TestScalar $dbB "SELECT to_regclass('schema_migrations') IS NULL" | Should -BeTrue
    }

    It 'refuses a requirement on an unknown service, with nothing applied' {
        New-TestService -Root $root -Name 'a' -ConnectionString $dbA -Migrations @{ '001_x.sql' = (Step 'a' 1 'ghost@2') } | Out-Null
        New-TestService -Root $root -Name 'b' -ConnectionString $dbB -Migrations @{ '001_x.sql' = (Step 'b' 1) } | Out-Null
        Get-MigrationService $root | Invoke-MigrationUp -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'DependencyNotFound,*'
        "$($failures[0])" | Should -BeLike "*001_x.sql line 2 requires ghost@2*"
        Get-TestScalar $dbB "SELECT to_regclass('ran') IS NULL" | Should -BeTrue
    }
}

Describe 'Failure isolation' {
    BeforeAll {
        $root = New-TestRoot
        $db = @{ core = New-TestDatabase 'fleet_core'; dep = New-TestDatabase 'fleet_dep'; free = New-TestDatabase 'fleet_free' }
        New-TestService -Root $root -Name 'core' -ConnectionString $db.core -Migrations ([ordered]@{
            '001_a.sql' = (Step 'core' 1); '002_bad.sql' = @{ Up = 'SELECT * FROM nowhere;'; Down = 'SELECT 1;' }
        }) | Out-Null
        New-TestService -Root $root -Name 'dep' -ConnectionString $db.dep -Migrations ([ordered]@{
            '001_a.sql' = (Step 'dep' 1 'core@1'); '002_b.sql' = (Step 'dep' 2 'core@2')
        }) | Out-Null
        New-TestService -Root $root -Name 'free' -ConnectionString $db.free -Migrations @{ '001_a.sql' = (Step 'free' 1) } | Out-Null
    }

    AfterAll {
        $db.Values | ForEach-Object { Remove-TestDatabase $_ }
        Remove-Item $root -Recurse -Force
    }

    It 'stops only the work that depends on a failed service, and says why' {
        $results = Get-MigrationService $root | Invoke-MigrationUp -ErrorVariable failures -ErrorAction SilentlyContinue
        ($results | Where-Object Succeeded | ForEach-Object { "$($_.Service)@$($_.Version)" } | Sort-Object) | Should -Be @('core@1', 'dep@1', 'free@1')
        $failures.FullyQualifiedErrorId | ForEach-Object { $_.Split(',')[0] } | Sort-Object | Should -Be @('DependencyFailed', 'MigrationFailed')
        $skipped = $failures | Where-Object { $_.FullyQualifiedErrorId -like 'DependencyFailed,*' }
        "$skipped" | Should -BeLike 'dep: skipped: 002_b.sql line 2 requires core@2, but core failed*'
        $skipped.TargetObject | Should -Be (Join-Path $root 'dep')
        Get-TestColumn $db.dep 'SELECT version FROM schema_migrations ORDER BY version' | Should -Be 1
    }
}

Describe 'Parallel fan-out' {
    BeforeAll {
        $root = New-TestRoot
        $dbs = 1..4 | ForEach-Object { New-TestDatabase "fleet_par$_" }
        1..4 | ForEach-Object { New-TestService -Root $root -Name "s$_" -ConnectionString $dbs[$_ - 1] -Migrations @{ '001_a.sql' = (Step "s$_" 1 $null 0.5) } | Out-Null }

        function Get-Spans {
            $dbs | ForEach-Object { Get-Ran $_ } | Sort-Object Started
        }

        function Test-Overlap($Spans) {
            for ($i = 1; $i -lt $Spans.Count; $i++) {
                if ($Spans[$i].Started -lt $Spans[$i - 1].Finished) { return $true }
            }
            return $false
        }
    }

    AfterAll {
        $dbs | ForEach-Object { Remove-TestDatabase $_ }
        Remove-Item $root -Recurse -Force
    }

    It 'runs one service at a time with -ThrottleLimit 1' {
        (Get-MigrationService $root | Invoke-MigrationUp -ThrottleLimit 1).Count | Should -Be 4
        Test-Overlap (Get-Spans) | Should -BeFalse
        Get-MigrationService $root | Undo-Migration -Force | Out-Null
    }

    It 'runs services side by side with -ThrottleLimit 4' {
        (Get-MigrationService $root | Invoke-MigrationUp -ThrottleLimit 4).Count | Should -Be 4
        Test-Overlap (Get-Spans) | Should -BeTrue
    }
}

Describe 'Requirements on a service outside the run' {
    BeforeAll {
        $root = New-TestRoot
        $dbAuth = New-TestDatabase 'fleet_out_auth'
        $dbApp = New-TestDatabase 'fleet_out_app'
        $auth = New-TestService -Root $root -Name 'auth' -ConnectionString $dbAuth -Migrations ([ordered]@{ '001_a.sql' = (Step 'auth' 1); '002_b.sql' = (Step 'auth' 2) })
        $app = New-TestService -Root $root -Name 'app' -ConnectionString $dbApp -Migrations @{ '001_a.sql' = (Step 'app' 1 'auth@2') }
    }

    AfterAll {
        Remove-TestDatabase $dbAuth; Remove-TestDatabase $dbApp
        Remove-Item $root -Recurse -Force
    }

    It 'fails naming both services when the other database is behind' {
        Invoke-MigrationUp $auth -Target 1 | Out-Null
        Invoke-MigrationUp $app -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'DependencyNotSatisfied,*'
        "$($failures[0])" | Should -BeLike 'app: 001_a.sql line 2 requires auth@2 (outside this run,*), but auth is at version 1*-WaitForDependency*'
        Get-TestScalar $dbApp "SELECT to_regclass('ran') IS NULL" | Should -BeTrue
    }

    It 'waits with -WaitForDependency until the other service catches up' {
        $pwsh = Get-PwshPath
        $catchUp = "Start-Sleep -Seconds 2; `$env:SM_TEST_PASSWORD = '$($env:SM_TEST_PASSWORD)'; Import-Module '$ModuleManifest'; Invoke-MigrationUp '$auth' | Out-Null"
        $other = Start-Process $pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command', $catchUp -PassThru
        try {
            $result = Invoke-MigrationUp $app -WaitForDependency '00:01:00'
            $result.Succeeded | Should -BeTrue
            $authDone = (Get-Ran $dbAuth | Where-Object Version -eq 2).Finished
            (Get-Ran $dbApp).Started | Should -BeGreaterThan $authDone
        }
        finally { $other.WaitForExit(60000) | Out-Null }
    }

    It 'passes at once when the other database is far enough' {
        Invoke-MigrationUp $app | Should -BeNullOrEmpty -Because 'app@1 is applied already'
        Undo-Migration $app -Force | Out-Null
        (Invoke-MigrationUp $app).Succeeded | Should -BeTrue
    }
}

Describe 'Rolling back a fleet' {
    BeforeAll {
        $root = New-TestRoot
        $dbAuth = New-TestDatabase 'fleet_down_auth'
        $dbApp = New-TestDatabase 'fleet_down_app'
        $auth = New-TestService -Root $root -Name 'auth' -ConnectionString $dbAuth -Migrations ([ordered]@{ '001_a.sql' = (Step 'auth' 1); '002_b.sql' = (Step 'auth' 2) })
        $app = New-TestService -Root $root -Name 'app' -ConnectionString $dbApp -Migrations @{ '001_a.sql' = (Step 'app' 1 'auth@2') }
        Get-MigrationService $root | Invoke-MigrationUp | Out-Null
    }

    AfterAll {
        Remove-TestDatabase $dbAuth; Remove-TestDatabase $dbApp
        Remove-Item $root -Recurse -Force
    }

    It 'refuses to roll a service back below what a dependant still requires' {
        Undo-Migration $auth -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'RollbackBlockedByDependant,*'
        "$($failures[0])" | Should -BeLike '*would break app, whose applied 001_a.sql requires auth@2*'
        Get-TestColumn $dbAuth 'SELECT version FROM schema_migrations ORDER BY version' | Should -Be @(1, 2)
    }

    It 'rolls back the dependant first when both are in the run' {
        $results = Get-MigrationService $root | Undo-Migration -Target 0 -Confirm:$false
        ($results | ForEach-Object { "$($_.Service)@$($_.Version)" }) | Should -Be @('app@1', 'auth@2', 'auth@1')
        Get-TestScalar $dbAuth 'SELECT count(*) FROM schema_migrations' | Should -Be 0
    }
}
