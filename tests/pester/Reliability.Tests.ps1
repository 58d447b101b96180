# Reliability and security through the built module, in real separate pwsh processes (issue 6; figures in docs/reliability.md):
# 8 processes migrating one service at once, SIGKILL in the middle of a migration, a secrets sweep of every stream, and
# malformed input. The engine-level suite is tests/unit/Reliability (xunit, trait Category=Reliability).
# Run only these: dotnet pwsh ./build.ps1 Test -Tag Reliability

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    if (-not (Test-Path $Pwsh)) { $script:Pwsh = (Get-Process -Id $PID).Path }

    # Starts a pwsh of its own (the module imported there, never in this session) with stdout and stderr captured.
    function Start-Pwsh([string[]] $Arguments) {
        $info = [System.Diagnostics.ProcessStartInfo]::new($Pwsh)
        foreach ($argument in @('-NoProfile', '-NonInteractive') + $Arguments) { $info.ArgumentList.Add($argument) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($info)
        [pscustomobject]@{
            Process = $process
            Stdout  = $process.StandardOutput.ReadToEndAsync()
            Stderr  = $process.StandardError.ReadToEndAsync()
        }
    }

    function Wait-Until([scriptblock] $Condition, [int] $TimeoutSeconds, [string] $What) {
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $TimeoutSeconds s waiting for $What." }
            Start-Sleep -Milliseconds 50
        }
    }

    function Write-Figure([string] $Text) { Write-Host "FIGURE $Text" }
}

Describe 'Concurrency: 8 pwsh processes run Invoke-MigrationUp on one service with 50 migrations' -Tag 'Reliability' {
    BeforeAll {
        $root = New-TestRoot
        $db = New-TestDatabase 'pester_reliability_fleet'
        $migrations = [ordered]@{ '001_log.sql' = @{ Up = 'CREATE TABLE log (n int NOT NULL, backend int NOT NULL DEFAULT pg_backend_pid());' } }
        foreach ($i in 2..50) {
            $migrations['{0:000}_step_{0}.sql' -f $i] = @{ Up = "INSERT INTO log (n) VALUES ($i);`nSELECT pg_sleep(0.02);" }
        }
        $svc = New-TestService -Root $root -Name 'fleet' -ConnectionString $db -Migrations $migrations

        $child = Join-Path $root 'up.ps1'
        Set-Content -Path $child -Value @'
param([string] $Manifest, [string] $Service, [string] $Ready, [string] $Go, [string] $Out)
$ErrorActionPreference = 'Continue'
Import-Module $Manifest
New-Item -ItemType File -Path $Ready | Out-Null
$deadline = [DateTime]::UtcNow.AddMinutes(3)
while (-not (Test-Path $Go)) {
    if ([DateTime]::UtcNow -gt $deadline) { exit 3 }
    Start-Sleep -Milliseconds 5
}
$records = Invoke-MigrationUp $Service -Verbose -WarningVariable warnings -ErrorVariable failures -WarningAction SilentlyContinue 4>&1
$results = @($records | Where-Object { $_ -is [SharedMigrations.MigrationResult] })
[pscustomobject]@{
    Pid      = $PID
    Applied  = @($results | Where-Object Succeeded | ForEach-Object Version)
    Failed   = @($results | Where-Object { -not $_.Succeeded }).Count
    Warnings = @($warnings | ForEach-Object { "$_" })
    Verbose  = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
    Errors   = @($failures | ForEach-Object { "$_" })
} | ConvertTo-Json -Depth 4 | Set-Content -Path $Out
exit ($failures.Count -gt 0 ? 1 : 0)
'@

        $started = [System.Diagnostics.Stopwatch]::StartNew()
        $processes = foreach ($n in 1..8) {
            Start-Pwsh @('-File', $child, '-Manifest', $ModuleManifest, '-Service', $svc,
                '-Ready', (Join-Path $root "ready-$n"), '-Go', (Join-Path $root 'go'), '-Out', (Join-Path $root "out-$n.json"))
        }
        # All eight have imported the module and wait at the line; then they start together.
        Wait-Until { @(Get-ChildItem $root -Filter 'ready-*').Count -eq 8 -or @($processes | Where-Object { $_.Process.HasExited }).Count -gt 0 } 240 'eight pwsh processes to import the module'
        $ready = $started.Elapsed
        New-Item -ItemType File -Path (Join-Path $root 'go') | Out-Null
        foreach ($p in $processes) {
            if (-not $p.Process.WaitForExit(240000)) { $p.Process.Kill($true) }
        }
        $elapsed = $started.Elapsed - $ready
        $outcomes = foreach ($n in 1..8) {
            $out = Join-Path $root "out-$n.json"
            if (Test-Path $out) { Get-Content $out -Raw | ConvertFrom-Json } else { $null }
        }
    }

    AfterAll {
        foreach ($p in $processes) { if (-not $p.Process.HasExited) { $p.Process.Kill($true) } }
        Remove-TestDatabase $db
        Remove-Item $root -Recurse -Force -ErrorAction Ignore
    }

    It 'every process ends successfully' {
        foreach ($p in $processes) {
            $p.Process.ExitCode | Should -Be 0 -Because "stdout: $($p.Stdout.Result) stderr: $($p.Stderr.Result)"
        }
        $outcomes | Should -HaveCount 8
        foreach ($o in $outcomes) {
            $o.Errors | Should -BeNullOrEmpty
            $o.Failed | Should -Be 0
        }
    }

    It 'applies every migration exactly once' {
        $applied = @($outcomes | ForEach-Object { $_.Applied })
        $applied | Should -HaveCount 50
        $applied | Sort-Object | Should -Be (1..50)
        Get-TestScalar $db 'SELECT count(*) FROM log' | Should -Be 49
        Get-TestScalar $db 'SELECT count(DISTINCT n) FROM log' | Should -Be 49
        Get-TestScalar $db "SELECT count(*) FROM schema_migrations WHERE state = 'applied'" | Should -Be 50
        Get-TestScalar $db "SELECT count(*) FROM schema_migrations_log WHERE direction = 'up' AND succeeded" | Should -Be 50
        Get-TestScalar $db 'SELECT count(*) FROM schema_migrations_log WHERE NOT succeeded' | Should -Be 0
    }

    It 'a process that waited for another one says so with a warning, and only then' {
        $waited = 0
        foreach ($o in $outcomes) {
            # The holder is named (pid *, application 'SharedMigrations fleet@...') unless it let go just between the two queries.
            $warned = @($o.Warnings | Where-Object { $_ -like 'fleet: another run holds the migration lock of this database (*); waiting for it (migration.lock_wait).' }).Count
            $tookAfterWaiting = @($o.Verbose | Where-Object { $_ -like 'fleet: took the run lock after waiting * s for another run.' }).Count
            $warned | Should -Be $tookAfterWaiting -Because "process $($o.Pid) warned $warned time(s) and its verbose output says it waited $tookAfterWaiting time(s)"
            $warned | Should -BeLessOrEqual 1
            $waited += $warned
        }
        $waited | Should -BeGreaterOrEqual 1 -Because 'eight runs released at the same moment cannot all find the lock free'
        Get-TestScalar $db "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())" | Should -Be 0
        Write-Figure ("concurrency-module: 8 pwsh processes, 50 migrations, each applied once, {0} process(es) waited and said so, all exit codes 0; {1:0.0} s to start and import, {2:0.0} s to migrate" -f $waited, $ready.TotalSeconds, $elapsed.TotalSeconds)
    }
}

Describe 'Crash: SIGKILL in the middle of a migration' -Tag 'Reliability' {
    BeforeAll {
        $root = New-TestRoot
        $db = New-TestDatabase 'pester_reliability_crash'

        # Runs Invoke-MigrationUp in a pwsh of its own, waits until the service's migration sleeps, and kills that process (SIGKILL).
        function Invoke-KilledRun([string] $Service, [string] $Name) {
            $sleeping = "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'SharedMigrations $Name@%' AND state = 'active' AND query LIKE '%pg_sleep%'"
            $lockHeld = "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE 'SharedMigrations $Name@%'"
            $child = Start-Pwsh @('-Command', "Import-Module '$ModuleManifest'; Invoke-MigrationUp '$Service'")
            Wait-Until { (Get-TestScalar $db $sleeping) -gt 0 -or $child.Process.HasExited } 120 "the migration of $Name to sleep"
            if ($child.Process.HasExited) { throw "The run of $Name ended before it was killed; it said: $($child.Stdout.Result) $($child.Stderr.Result)" }
            Get-TestScalar $db $lockHeld | Should -Be 1 -Because 'the killed run holds the run lock'

            $child.Process.Kill()    # SIGKILL: no finally block, no cleanup, the sockets just close
            $child.Process.WaitForExit()
            $killed = [System.Diagnostics.Stopwatch]::StartNew()
            Wait-Until { (Get-TestScalar $db "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'SharedMigrations $Name@%'") -eq 0 } 30 "the killed run's sessions to end"
            [pscustomobject]@{ SessionsGoneAfter = $killed.Elapsed; ExitCode = $child.Process.ExitCode }
        }
    }

    AfterAll {
        Remove-TestDatabase $db
        Remove-Item $root -Recurse -Force -ErrorAction Ignore
    }

    It 'leaves nothing of a transactional migration, no history row and no lock, and the next run completes it' {
        $svc = New-TestService -Root $root -Name 'crash-tx' -ConnectionString $db -ExtraConfig "migration:`n  table_name: crash_tx_history" -Migrations ([ordered]@{
            '001_ctl.sql'   = @{ Up = "CREATE TABLE crash_tx_ctl (seconds float NOT NULL);`nINSERT INTO crash_tx_ctl VALUES (30);" }
            '002_slow.sql'  = @{ Up = "CREATE TABLE crash_tx_slow (id int);`nINSERT INTO crash_tx_slow VALUES (1);`nSELECT pg_sleep((SELECT seconds FROM crash_tx_ctl));" }
            '003_after.sql' = @{ Up = 'CREATE TABLE crash_tx_after (id int);' }
        })

        $kill = Invoke-KilledRun $svc 'crash-tx'

        # The server stops the orphaned statement within about a second (client_connection_check_interval), long before its 30 s sleep ends.
        $kill.SessionsGoneAfter.TotalSeconds | Should -BeLessThan 15
        Get-TestColumn $db 'SELECT version FROM crash_tx_history ORDER BY version' | Should -Be @(1)
        Get-TestScalar $db "SELECT to_regclass('crash_tx_slow') IS NULL" | Should -BeTrue
        Get-TestScalar $db "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())" | Should -Be 0
        (Get-MigrationStatus $svc | Where-Object Version -eq 2).State | Should -Be 'Pending'

        Invoke-TestSql $db 'UPDATE crash_tx_ctl SET seconds = 0'
        (Invoke-MigrationUp $svc).Version | Should -Be @(2, 3)
        Get-TestColumn $db 'SELECT version FROM crash_tx_history ORDER BY version' | Should -Be @(1, 2, 3)
        Get-TestScalar $db 'SELECT count(*) FROM crash_tx_slow' | Should -Be 1
        Write-Figure ("crash-transactional: 1 SIGKILL during pg_sleep(30); server sessions gone {0:0.0} s after the kill; nothing of 002 left, no history row, no lock; next run applied 2 and 3" -f $kill.SessionsGoneAfter.TotalSeconds)
    }

    It 'leaves a Transaction: none migration Failed at the statement reached; Repair-MigrationHistory and a re-run recover' {
        $svc = New-TestService -Root $root -Name 'crash-none' -ConnectionString $db -ExtraConfig "migration:`n  table_name: crash_none_history" -Migrations ([ordered]@{
            '001_ctl.sql'   = @{ Up = "CREATE TABLE crash_none_ctl (seconds float NOT NULL);`nINSERT INTO crash_none_ctl VALUES (30);" }
            '002_index.sql' = @{
                Headers = '-- Transaction: none'
                Up      = "CREATE TABLE IF NOT EXISTS crash_none_a (id int);`nCREATE INDEX CONCURRENTLY IF NOT EXISTS crash_none_a_id ON crash_none_a (id);`nSELECT pg_sleep((SELECT seconds FROM crash_none_ctl));`nCREATE TABLE IF NOT EXISTS crash_none_b (id int);"
                Down    = 'DROP TABLE IF EXISTS crash_none_b; DROP TABLE IF EXISTS crash_none_a;'
            }
        })

        $kill = Invoke-KilledRun $svc 'crash-none'

        $kill.SessionsGoneAfter.TotalSeconds | Should -BeLessThan 15
        $entry = Get-MigrationStatus $svc | Where-Object Version -eq 2
        $entry.State | Should -Be 'Failed'
        $entry.Detail | Should -BeLike 'UP stopped at statement 3 of 4*'
        Get-TestScalar $db 'SELECT statements_done FROM crash_none_history WHERE version = 2' | Should -Be 2
        Get-TestScalar $db "SELECT to_regclass('crash_none_a_id') IS NOT NULL" | Should -BeTrue
        Get-TestScalar $db "SELECT to_regclass('crash_none_b') IS NULL" | Should -BeTrue
        Get-TestScalar $db "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())" | Should -Be 0

        Invoke-MigrationUp $svc -ErrorVariable refused -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'FailedMigrationBlocksRun,*'

        $repair = Repair-MigrationHistory $svc -Force
        $repair.Version | Should -Be 2
        (Get-MigrationStatus $svc | Where-Object Version -eq 2).State | Should -Be 'Pending'
        Invoke-TestSql $db 'UPDATE crash_none_ctl SET seconds = 0'
        (Invoke-MigrationUp $svc).Version | Should -Be 2
        (Get-MigrationStatus $svc | Where-Object Version -eq 2).State | Should -Be 'Applied'
        Get-TestScalar $db "SELECT to_regclass('crash_none_b') IS NOT NULL" | Should -BeTrue
        Write-Figure ("crash-transaction-none: 1 SIGKILL during statement 3 of 4; server sessions gone {0:0.0} s after the kill; state Failed at statement 3, run refused until Repair-MigrationHistory, then applied" -f $kill.SessionsGoneAfter.TotalSeconds)
    }
}

Describe 'Secrets: a full workflow with -Verbose and -Debug never shows the password or the connection string' -Tag 'Reliability' {
    BeforeAll {
        $root = New-TestRoot
        $secret = 'Sm-Secret-' + [guid]::NewGuid().ToString('N')
        $wrong = 'Sm-Wrong-' + [guid]::NewGuid().ToString('N')
        $role = 'sm_pester_' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $admin = [SharedMigrations.Testing.Sql]::AdminConnectionString()
        Invoke-TestSql $admin "CREATE ROLE $role LOGIN PASSWORD '$secret'"
        $db = New-TestDatabase 'pester_reliability_secrets'
        $builder = [System.Data.Common.DbConnectionStringBuilder]::new()
        $builder.set_ConnectionString($db)
        Invoke-TestSql $admin "ALTER DATABASE `"$($builder['Database'])`" OWNER TO $role"
        $userConnection = "Host=$($builder['Host']);Port=$($builder['Port']);Username=$role;Password=$secret;Database=$($builder['Database'])"

        $svc = Join-Path $root 'vault'
        New-Item -ItemType Directory (Join-Path $svc 'migrations') -Force | Out-Null
        Set-Content (Join-Path $svc 'config.yaml') "service:`n  name: vault`ndatabase:`n  host: $($builder['Host'])`n  port: $($builder['Port'])`n  username: $role`n  password: `${SM_SECRET_PW}`n  database: $($builder['Database'])`n  connect_retries: 0`n"
        Set-TestMigration -Service $svc -FileName '001_create.sql' -Content @{ Up = 'CREATE TABLE items (id int);'; Down = 'DROP TABLE items;' }
        Set-TestMigration -Service $svc -FileName '002_fill.sql' -Content @{ Up = "INSERT INTO items SELECT generate_series(1, 10);`nSELECT pg_sleep(0.2);"; Down = 'DELETE FROM items;' }
        Set-TestMigration -Service $svc -FileName '003_fails.sql' -Content @{ Up = "SELECT 'Host=db;Password=hunter2;Username=app'::int;" }
        $bad = Join-Path $root 'badconfig'
        New-Item -ItemType Directory (Join-Path $bad 'migrations') -Force | Out-Null
        Set-Content (Join-Path $bad 'config.yaml') "database:`n  connection_string: `"Host=$($builder['Host']);Password=$secret;Bogus=1`"`n"

        $child = Join-Path $root 'sweep.ps1'
        Set-Content -Path $child -Value @'
param([string] $Manifest, [string] $Service, [string] $BadService, [string] $Out)
$ErrorActionPreference = 'Continue'
$texts = [System.Collections.Generic.List[string]]::new()
$counts = [ordered]@{ Objects = 0; Errors = 0; Exceptions = 0; Warnings = 0; Verbose = 0; Debug = 0; Information = 0; Progress = 0 }
function Add-Text($Text) { if ($null -ne $Text) { $texts.Add([string]$Text) } }
function Add-Object($Object) {
    if ($null -eq $Object) { return }
    Add-Text ($Object | Out-String -Width 4096)
    Add-Text ($Object | Format-List * -Force | Out-String -Width 4096)
    Add-Text ($Object | Format-Table * -Force | Out-String -Width 4096)
    Add-Text $Object.ToString()
    foreach ($property in $Object.PSObject.Properties) { try { Add-Text "$($property.Name)=$($property.Value)" } catch { } }
    try { Add-Text ($Object | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue) } catch { }
}
function Add-Exception($Exception) {
    for ($e = $Exception; $null -ne $e; $e = $e.InnerException) {
        $counts.Exceptions++
        Add-Text $e.ToString()
        Add-Object $e
    }
}
function Add-ErrorRecord($Record) {
    $counts.Errors++
    Add-Text $Record.ToString()
    Add-Text ($Record | Format-List * -Force | Out-String -Width 4096)
    Add-Text ($Record | Out-String -Width 4096)
    Add-Text $Record.FullyQualifiedErrorId
    Add-Text $Record.CategoryInfo.ToString()
    Add-Text $Record.ErrorDetails
    Add-Text $Record.ErrorDetails.RecommendedAction
    Add-Text $Record.ScriptStackTrace
    Add-Text $Record.InvocationInfo.PositionMessage
    Add-Object $Record.TargetObject
    Add-Exception $Record.Exception
}

$ps = [powershell]::Create()
$null = $ps.AddScript({
    param($Manifest, $Service, $BadService)
    Import-Module $Manifest
    $wrong = [pscredential]::new('nobody', (ConvertTo-SecureString $env:SM_SECRET_WRONG -AsPlainText -Force))
    $connection = $env:SM_SECRET_CS
    Get-MigrationService $Service -Verbose -Debug
    Test-Migration $Service -Verbose -Debug
    Invoke-MigrationUp $Service -WhatIf -Verbose -Debug
    Invoke-MigrationUp $Service -Verbose -Debug
    Get-MigrationStatus $Service -Verbose -Debug
    Get-MigrationStatus $Service -Summary -Verbose -Debug
    Get-MigrationHistory $Service -Verbose -Debug
    Undo-Migration $Service -Force -Verbose -Debug
    Get-MigrationStatus $Service -Credential $wrong -Verbose -Debug
    Get-MigrationStatus $Service -Summary -Credential $wrong -Verbose -Debug
    Invoke-MigrationUp $Service -ConnectionString $connection -Verbose -Debug
    Get-MigrationStatus $Service -ConnectionString "$connection;Port=1" -Verbose -Debug
    Get-MigrationStatus $Service -Summary -ConnectionString "$connection;Port=1" -Verbose -Debug
    Get-MigrationService $BadService -Verbose -Debug
    Invoke-MigrationUp $BadService -Verbose -Debug
    Get-MigrationStatus $BadService -Summary -Verbose -Debug
    Set-Content (Join-Path $Service 'migrations/001_create.sql') "-- +++++ UP`nCREATE TABLE items (id int); -- edited`n-- +++++ DOWN`nDROP TABLE items;`n"
    Repair-MigrationHistory $Service -Force -Verbose -Debug
    New-Migration $Service -Name added -Verbose -Debug
    Get-MigrationHistory $Service -Verbose -Debug
}).AddArgument($Manifest).AddArgument($Service).AddArgument($BadService)

foreach ($object in $ps.Invoke()) { $counts.Objects++; Add-Object $object }
foreach ($record in $ps.Streams.Error) { Add-ErrorRecord $record }
foreach ($record in $ps.Streams.Warning) { $counts.Warnings++; Add-Text $record.Message; Add-Text $record.ToString() }
foreach ($record in $ps.Streams.Verbose) { $counts.Verbose++; Add-Text $record.Message }
foreach ($record in $ps.Streams.Debug) { $counts.Debug++; Add-Text $record.Message }
foreach ($record in $ps.Streams.Information) { $counts.Information++; Add-Text $record.ToString() }
foreach ($record in $ps.Streams.Progress) { $counts.Progress++; Add-Text "$($record.Activity) | $($record.StatusDescription) | $($record.CurrentOperation) | $record" }
foreach ($record in @($ps.Runspace.SessionStateProxy.GetVariable('Error'))) {
    if ($record -is [System.Management.Automation.ErrorRecord]) { Add-ErrorRecord $record } elseif ($record -is [Exception]) { Add-Exception $record }
}
$ps.Dispose()

# The same commands at the top level of this process, where PowerShell renders errors and verbose lines to the console.
Import-Module $Manifest
$wrong = [pscredential]::new('nobody', (ConvertTo-SecureString $env:SM_SECRET_WRONG -AsPlainText -Force))
Get-MigrationStatus $Service -Credential $wrong -Verbose -Debug
Invoke-MigrationUp $Service -Verbose -Debug
Invoke-MigrationUp $BadService -Verbose -Debug
$Error | ForEach-Object { Add-ErrorRecord $_ }
$Error | Get-Error | Out-String -Width 4096 | ForEach-Object { Add-Text $_ }

Set-Content -Path $Out -Value ($texts -join "`n--8<--`n")
$counts | ConvertTo-Json | Set-Content -Path "$Out.counts.json"
'@

        $env:SM_SECRET_PW = $secret
        $env:SM_SECRET_WRONG = $wrong
        $env:SM_SECRET_CS = $userConnection
        try {
            $out = Join-Path $root 'swept.txt'
            $run = Start-Pwsh @('-File', $child, '-Manifest', $ModuleManifest, '-Service', $svc, '-BadService', $bad, '-Out', $out)
            if (-not $run.Process.WaitForExit(300000)) { $run.Process.Kill($true); throw 'the secrets workflow did not finish in 5 minutes' }
        }
        finally {
            Remove-Item env:SM_SECRET_PW, env:SM_SECRET_WRONG, env:SM_SECRET_CS -ErrorAction Ignore
        }

        $swept = (Get-Content $out -Raw) + "`n" + $run.Stdout.Result + "`n" + $run.Stderr.Result
        $counts = Get-Content "$out.counts.json" -Raw | ConvertFrom-Json
    }

    AfterAll {
        Remove-TestDatabase $db
        Invoke-TestSql $admin "DROP ROLE IF EXISTS $role"
        Remove-Item $root -Recurse -Force -ErrorAction Ignore
    }

    It 'ran the whole workflow and swept every stream' {
        $run.Process.ExitCode | Should -Be 0 -Because $run.Stderr.Result
        $counts.Objects | Should -BeGreaterThan 10
        $counts.Errors | Should -BeGreaterOrEqual 6
        $counts.Verbose | Should -BeGreaterThan 10
        $counts.Progress | Should -BeGreaterThan 0
        foreach ($expected in 'DatabaseAuthenticationFailed', 'DatabaseUnreachable', 'MigrationFailed', 'ConfigurationInvalid', 'Password=***', 'Unreachable') {
            $swept | Should -BeLike "*$expected*"
        }
    }

    It 'shows neither the password, nor the wrong password, nor the connection string, anywhere' {
        $leaks = foreach ($needle in $secret, $wrong, $userConnection, 'hunter2') {
            if ($swept.Contains($needle)) { $needle.Substring(0, 12) }
        }
        $leaks | Should -BeNullOrEmpty
        $unmasked = [regex]::Matches($swept, '(?i)\b(password|pwd)\s*=\s*(?!\*\*\*)[^\s;''"]') | ForEach-Object {
            $swept.Substring([Math]::Max(0, $_.Index - 80), [Math]::Min(160, $swept.Length - [Math]::Max(0, $_.Index - 80)))
        }
        $unmasked | Should -BeNullOrEmpty
        Write-Figure ("secrets-module: {0} objects, {1} error records, {2} exceptions (with inner ones), {3} warnings, {4} verbose, {5} debug, {6} progress records, {7:N0} characters swept with the console output; leaks found: 0" -f
            $counts.Objects, $counts.Errors, $counts.Exceptions, $counts.Warnings, $counts.Verbose, $counts.Debug, $counts.Progress, $swept.Length)
    }
}

Describe 'Hostile input through the module' -Tag 'Reliability' {
    BeforeAll {
        $root = New-TestRoot
        $db = New-TestDatabase 'pester_reliability_hostile'
        $bombs = "a: &a [x, x, x, x, x, x, x, x, x]`nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]`nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]`n"
        # Migration files are written into valid services; configs are valid ones with something hostile added.
        $cases = [ordered]@{
            'bad-name'   = @{ File = 'migrations/001_Create Users.sql'; Text = "-- +++++ UP`nSELECT 1;`n"; ErrorId = 'MigrationFileInvalid' }
            'dollar'     = @{ File = 'migrations/001_a.sql'; Text = "-- +++++ UP`nSELECT 1;`nDO `$body`$ BEGIN`n"; ErrorId = 'MigrationFileInvalid'; Line = 3 }
            'concurrent' = @{ File = 'migrations/001_a.sql'; Text = "-- +++++ UP`nCREATE INDEX CONCURRENTLY i ON t (id);`n"; ErrorId = 'MigrationFileInvalid'; Line = 2 }
            'utf16'      = @{ File = 'migrations/001_a.sql'; Bytes = [byte[]](@(0xFF, 0xFE) + [Text.Encoding]::Unicode.GetBytes("-- +++++ UP`nSELECT 1;`n")); ErrorId = 'MigrationFileInvalid'; Line = 1 }
            'bomb'       = @{ File = 'config.yaml'; Edit = { param($c) $bombs + ($c -replace '(?m)^  name: bomb$', "  name: bomb`n  depends_on: *c") }; ErrorId = 'ConfigurationInvalid' }
            'nesting'    = @{ File = 'config.yaml'; Edit = { param($c) $c -replace '(?m)^  name: nesting$', ("  name: nesting`n  depends_on: " + ('[' * 50000) + (']' * 50000)) }; ErrorId = 'ConfigurationInvalid'; Line = 3 }
            'table'      = @{ File = 'config.yaml'; Edit = { param($c) $c.TrimEnd() + "`nmigration:`n  table_name: `"x'); DROP TABLE users; --`"`n" }; ErrorId = 'ConfigurationInvalid' }
        }
        foreach ($name in $cases.Keys) {
            $case = $cases[$name]
            $folder = New-TestService -Root $root -Name $name -ConnectionString $db
            $path = Join-Path $folder $case.File
            if ($case.Edit) {
                Set-TestMigration -Service $folder -FileName '001_a.sql' -Content @{ Up = 'SELECT 1;' }
                Set-Content -Path $path -Value (& $case.Edit (Get-Content $path -Raw)) -NoNewline
            }
            elseif ($case.Bytes) { [IO.File]::WriteAllBytes($path, $case.Bytes) }
            else { [IO.File]::WriteAllText($path, $case.Text) }
            $case.Path = $path
        }
        Invoke-TestSql $db 'CREATE TABLE users (id int); INSERT INTO users VALUES (1);'
    }

    AfterAll {
        Remove-TestDatabase $db
        Remove-Item $root -Recurse -Force -ErrorAction Ignore
    }

    It 'gives one error record per service, of the project''s own type and id, naming the file and line, and touches no database' {
        $output = Get-ChildItem $root -Directory | Invoke-MigrationUp -ErrorVariable errors -ErrorAction SilentlyContinue
        $output | Should -BeNullOrEmpty
        $errors | Should -HaveCount $cases.Count
        foreach ($name in $cases.Keys) {
            $case = $cases[$name]
            $record = @($errors | Where-Object { $_.Exception.FilePath -eq $case.Path })
            $record | Should -HaveCount 1 -Because "$name should fail once, naming $($case.Path)"
            $record[0].FullyQualifiedErrorId | Should -BeLike "$($case.ErrorId),*"
            $record[0].Exception.GetType().BaseType.FullName | Should -Be 'SharedMigrations.Core.Errors.MigrationException'
            $record[0].Exception.Message | Should -BeLike "*$(Split-Path $case.Path -Leaf)*"
            if ($case.Line) {
                $record[0].Exception.Line | Should -Be $case.Line
                $record[0].Exception.Message | Should -BeLike "*line $($case.Line)*"
            }
        }
        Get-TestScalar $db "SELECT to_regclass('schema_migrations') IS NULL" | Should -BeTrue
        Get-TestScalar $db 'SELECT count(*) FROM users' | Should -Be 1
    }

    It 'Test-Migration reports the migration files offline with file and line' {
        $diagnostics = Get-ChildItem $root -Directory | Where-Object Name -in 'bad-name', 'dollar', 'concurrent', 'utf16' | Test-Migration -ErrorAction SilentlyContinue |
            Where-Object Severity -eq 'Error'
        $diagnostics | Should -HaveCount 4
        ($diagnostics | Where-Object { $_.File -like '*dollar*' }).Line | Should -Be 3
    }
}
