#Requires -Version 7.4
<#
.SYNOPSIS
    The soak: thousands of fresh pwsh processes running the module's commands, every exit code and output checked.

.DESCRIPTION
    Started by `build.ps1 Soak` (the module built, a throwaway PostgreSQL running). Each cycle is one fresh
    `pwsh -NoProfile -NonInteractive -File` process that imports the module and runs one command against generated services
    on that server:
      up          Invoke-MigrationUp of a service from empty (3 migrations)
      up-noop     Invoke-MigrationUp of a service already up to date
      down        Undo-Migration -Force of its newest migration (the DOWN succeeds)
      down-fail   Undo-Migration -Force whose DOWN fails in PostgreSQL (schema does not exist), -ErrorAction Stop (exit 1)
                  or Continue (an error record, exit 0)
      status      Get-MigrationStatus
      fleet-up    Invoke-MigrationUp of 4 services in parallel (one depends on another) from empty
      fleet-down  Undo-Migration -Target 0 -Force of those 4 services
      ctrlc       Invoke-MigrationUp of 8 slow migrations, SIGINT 0-4 s after the import; afterwards the history must be a
                  whole prefix (no half-applied migration, no Failed row, tables exactly for the applied versions) and no
                  run lock held. A cycle is "finished" when its script printed its last line, else "stopped" (pwsh -File
                  exits 0 when Ctrl+C stops its script, so the exit code does not tell); the child gets the default SIGINT
                  disposition (env --default-signal=INT) even when the harness was started with SIGINT ignored
    The harness resets each service's state before a cycle from its own session (the module imported once, warm).
    A cycle whose exit code or output is not what it should be is kept in out/soak/cycles/<n>/ with its full output;
    a crash (exit by a signal, "Unhandled exception", a dump) also leaves a crash dump there (DOTNET_DbgEnableMiniDump).
    Each cycle runs the ReadyToRun build of the module or its plain-IL build (-Flavor), to compare them.

    -Overwrite InPlace|InPlaceNoTruncate|Atomic tests the root cause of the issue 14 crash: while the cycles run, a writer rewrites the
    module's assemblies under them every 300 ms, either in place (cp over the file: same inode, what a rebuild used to do)
    or atomically (a new file renamed over the old one: what the build does now). Not a test of the product.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $AdminConnectionString,
    [Parameter(Mandatory)] [string] $FixturePath,
    [Parameter(Mandatory)] [string] $OutPath,
    # The plain-IL assemblies of the module (build output before ReadyToRun), same layout as the module folder.
    [string] $IlPath,
    [int] $Cycles = 200,
    # Stop starting cycles after this many minutes (0: no limit); the summary counts the cycles that ran.
    [double] $Minutes = 0,
    [int] $Parallel = 2,
    [int] $Seed = 0,
    [ValidateSet('ReadyToRun', 'IL', 'Both')] [string] $Flavor = 'Both',
    [ValidateSet('None', 'InPlace', 'InPlaceNoTruncate', 'Atomic')] [string] $Overwrite = 'None',
    [ValidateSet('up', 'up-noop', 'down', 'down-fail', 'status', 'fleet-up', 'fleet-down', 'ctrlc')]
    [string[]] $Kind = @('up', 'up-noop', 'down', 'down-fail', 'status', 'fleet-up', 'fleet-down', 'ctrlc'),
    [string] $Pwsh = (Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh'))
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
if ($Seed -eq 0) { $Seed = Get-Random -Minimum 1 -Maximum 1000000 }
$random = [System.Random]::new($Seed)
$started = [DateTime]::UtcNow

Remove-Item $OutPath -Recurse -Force -ErrorAction Ignore
New-Item -ItemType Directory -Path (Join-Path $OutPath 'cycles') -Force | Out-Null
$env:SHAREDMIGRATIONS_TEST_CONNECTION = $AdminConnectionString    # the fixture's Sql class creates the databases there
Add-Type -Path $FixturePath
Import-Module $ModuleManifest -Force

# The module copies the cycles import: the ReadyToRun build, and the plain-IL one (the same files with the IL assemblies).
$sourceFolder = Split-Path $ModuleManifest
$modules = [ordered]@{}
if ($Flavor -in 'ReadyToRun', 'Both') { $modules['ReadyToRun'] = Join-Path $OutPath 'module-r2r' }
if ($Flavor -in 'IL', 'Both') {
    if (-not $IlPath -or -not (Test-Path (Join-Path $IlPath 'SharedMigrations.Cmdlets.dll'))) {
        if ($Flavor -eq 'IL') { throw "No plain-IL build at '$IlPath' (build.ps1 Build writes it to out/obj/il on Linux x64)." }
        Write-Warning "No plain-IL build at '$IlPath': every cycle runs the ReadyToRun build."
    }
    else {
        $modules['IL'] = Join-Path $OutPath 'module-il'
    }
}

foreach ($name in $modules.Keys) {
    Copy-Item $sourceFolder $modules[$name] -Recurse
    if ($name -eq 'IL') { Copy-Item (Join-Path $IlPath '*') $modules[$name] -Recurse -Force }
}

$flavors = @($modules.Keys)
$manifestName = Split-Path $ModuleManifest -Leaf

# ---- services: one database per parallel slot, so that the state of each cycle is known ----------------------------------
$builder = [System.Data.Common.DbConnectionStringBuilder]::new()
$builder.set_ConnectionString($AdminConnectionString)
$env:SM_SOAK_PASSWORD = $builder['Password']

function New-SoakService([string] $Root, [string] $Name, [string] $Database, [System.Collections.IDictionary] $Migrations, [string[]] $DependsOn) {
    $b = [System.Data.Common.DbConnectionStringBuilder]::new()
    $b.set_ConnectionString($Database)
    $folder = Join-Path $Root $Name
    New-Item -ItemType Directory -Path (Join-Path $folder 'migrations') -Force | Out-Null
    $config = "service:`n  name: $Name`n"
    if ($DependsOn) { $config += "  depends_on: [$($DependsOn -join ', ')]`n" }
    $config += "database:`n  host: $($b['Host'])`n  port: $($b['Port'])`n  username: $($b['Username'])`n  password: `${SM_SOAK_PASSWORD}`n"
    $config += "  database: $($b['Database'])`n  connect_retries: 0`nmigration:`n  table_name: $($Name.Replace('-', '_'))_history`n"
    Set-Content -Path (Join-Path $folder 'config.yaml') -Value $config -NoNewline
    foreach ($file in $Migrations.Keys) {
        $m = $Migrations[$file]
        $text = "-- Migration: $([IO.Path]::GetFileNameWithoutExtension($file))`n`n-- +++++ UP`n$($m.Up)`n`n-- +++++ DOWN`n$($m.Down)`n"
        [IO.File]::WriteAllText((Join-Path $folder "migrations/$file"), $text)
    }

    return $folder
}

$slots = foreach ($slot in 1..$Parallel) {
    $db = [SharedMigrations.Testing.Sql]::NewDatabase("soak_$slot")
    $root = Join-Path $OutPath "services/slot$slot"
    $single = [ordered]@{}
    foreach ($v in 1..3) { $single["00${v}_t$v.sql"] = @{ Up = "CREATE TABLE single_t$v (id int);"; Down = "DROP TABLE single_t$v;" } }
    $slow = [ordered]@{}
    foreach ($v in 1..8) { $slow["00${v}_s$v.sql"] = @{ Up = "SELECT pg_sleep(0.25);`nCREATE TABLE slow_s$v (id int);"; Down = "DROP TABLE slow_s$v;" } }
    $fleet = foreach ($name in 'fa', 'fb', 'fc', 'fd') {
        $m = [ordered]@{
            "001_${name}_one.sql" = @{ Up = "CREATE TABLE ${name}_one (id int);"; Down = "DROP TABLE ${name}_one;" }
            "002_${name}_two.sql" = @{ Up = "CREATE TABLE ${name}_two (id int);"; Down = "DROP TABLE ${name}_two;" }
        }
        New-SoakService (Join-Path $root 'fleet') $name $db $m ($name -eq 'fb' ? @('fa') : $null)
    }

    [pscustomobject]@{
        Slot    = $slot
        Db      = $db
        Single  = New-SoakService $root 'single' $db $single
        Failing = New-SoakService $root 'failing' $db ([ordered]@{
                '001_f1.sql' = @{ Up = 'CREATE TABLE failing_f1 (id int);'; Down = 'DROP TABLE no_such_schema_soak.failing_f1;' }
            })
        Slow    = New-SoakService $root 'slow' $db $slow
        Fleet   = @($fleet)
        Run     = $null
    }
}

foreach ($s in $slots) { Invoke-MigrationUp $s.Failing -ErrorAction Stop | Out-Null }

# ---- the cycles -------------------------------------------------------------------------------------------------------------
function Get-Applied([string] $Db, [string] $Table) {
    if ([SharedMigrations.Testing.Sql]::Scalar($Db, "SELECT to_regclass('$Table') IS NULL")) { return @() }
    @([SharedMigrations.Testing.Sql]::Column($Db, "SELECT version FROM $Table WHERE state = 'applied' ORDER BY version"))
}

# Sets the state the cycle starts from (in this warm session) and returns what the child runs and what it must produce.
function New-Cycle([int] $Number, $Slot) {
    $kind = $Kind[$random.Next($Kind.Count)]
    $flavor = $flavors[$random.Next($flavors.Count)]
    $quiet = @{ ErrorAction = 'Stop'; Confirm = $false }
    $expect = @{ Exit = 0; Objects = 0; End = $true; Match = $null; Errors = 0 }
    switch ($kind) {
        'up' {
            Undo-Migration $Slot.Single -Target 0 -Force @quiet | Out-Null
            $command = "Invoke-MigrationUp '$($Slot.Single)'"
            $expect.Objects = 3
        }
        'up-noop' {
            Invoke-MigrationUp $Slot.Single @quiet | Out-Null
            $command = "Invoke-MigrationUp '$($Slot.Single)'"
        }
        'down' {
            Invoke-MigrationUp $Slot.Single @quiet | Out-Null
            $command = "Undo-Migration '$($Slot.Single)' -Force"
            $expect.Objects = 1
        }
        'down-fail' {
            if ($random.Next(2) -eq 0) {
                $command = "Undo-Migration '$($Slot.Failing)' -Force -ErrorAction Stop"
                $expect.Exit = 1
                $expect.End = $false
            }
            else {
                $command = "Undo-Migration '$($Slot.Failing)' -Force"
                $expect.Errors = 1
            }

            $expect.Objects = 1    # the failed step's result (Succeeded = False), then its error record

            $expect.Match = 'schema "no_such_schema_soak" does not exist'
        }
        'status' {
            $command = "Get-MigrationStatus '$($Slot.Single)'"
            $expect.Objects = 3
        }
        'fleet-up' {
            Undo-Migration $Slot.Fleet -Target 0 -Force @quiet | Out-Null
            $command = "Invoke-MigrationUp $(($Slot.Fleet | ForEach-Object { "'$_'" }) -join ',') -ThrottleLimit 4"
            $expect.Objects = 8
        }
        'fleet-down' {
            Invoke-MigrationUp $Slot.Fleet @quiet | Out-Null
            $command = "Undo-Migration $(($Slot.Fleet | ForEach-Object { "'$_'" }) -join ',') -Target 0 -Force -ThrottleLimit 4"
            $expect.Objects = 8
        }
        'ctrlc' {
            Undo-Migration $Slot.Slow -Target 0 -Force @quiet | Out-Null
            $command = "Invoke-MigrationUp '$($Slot.Slow)'"
        }
    }

    $folder = Join-Path $OutPath "cycles/$Number"
    New-Item -ItemType Directory -Path $folder -Force | Out-Null
    $script = Join-Path $folder 'cycle.ps1'
    @"
Import-Module '$(Join-Path $modules[$flavor] $manifestName)'
New-Item -ItemType File -Path '$(Join-Path $folder 'imported')' | Out-Null
$command -ErrorVariable soakErrors | ForEach-Object { "OBJ `$(`$_.Service) `$(`$_.Version) `$(`$_.PSObject.Properties['Succeeded'] ? `$_.Succeeded : '')" }
foreach (`$x in `$soakErrors) { "ERR `$(`$x.FullyQualifiedErrorId): `$(`$x.Exception.Message)" }
'END'
"@ | Set-Content -Path $script

    # On Linux the child starts through `env --default-signal=INT`: a harness started in the background of a non-interactive
    # shell (`build.ps1 Soak &`, nohup, a CI step) inherits SIGINT ignored, every child would inherit that too, and .NET does
    # not install its Ctrl+C handler for a signal ignored at start: pwsh would not see the SIGINT of a ctrlc cycle at all.
    $info = [System.Diagnostics.ProcessStartInfo]::new($IsWindows ? $Pwsh : 'env')
    if (-not $IsWindows) { foreach ($a in '--default-signal=INT', $Pwsh) { $info.ArgumentList.Add($a) } }
    foreach ($a in '-NoProfile', '-NonInteractive', '-File', $script) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.RedirectStandardInput = $true
    $info.UseShellExecute = $false
    $info.Environment['NO_COLOR'] = '1'
    $info.Environment['DOTNET_DbgEnableMiniDump'] = '1'
    $info.Environment['DOTNET_DbgMiniDumpType'] = '2'    # heap: enough to read the managed state of the crash
    $info.Environment['DOTNET_DbgMiniDumpName'] = (Join-Path $folder 'crash-%p.dmp')
    $info.Environment['DOTNET_CreateDumpDiagnostics'] = '1'
    $process = [System.Diagnostics.Process]::Start($info)
    $process.StandardInput.Close()
    [pscustomobject]@{
        Number   = $Number
        Kind     = $kind
        Flavor   = $flavor
        Folder   = $folder
        Command  = $command
        Expect   = $expect
        Process  = $process
        Stdout   = $process.StandardOutput.ReadToEndAsync()
        Stderr   = $process.StandardError.ReadToEndAsync()
        Started  = [DateTime]::UtcNow
        # SIGINT a random 0-4 s after the module is imported (the migrations take about 2 s, plus the connection).
        SigintDelay = if ($kind -eq 'ctrlc') { $random.Next(0, 4000) } else { $null }
        SigintAt = $null
        Sigint   = $false
    }
}

# What went wrong with a finished cycle ($null when nothing), and whether it was a crash.
function Test-Cycle($Run, $Slot) {
    $output = $Run.Stdout.Result + "`n" + $Run.Stderr.Result
    $exit = $Run.Process.ExitCode
    $dumps = @(Get-ChildItem $Run.Folder -Filter 'crash-*' -ErrorAction Ignore)
    # Killed by SIGABRT (what an unhandled .NET exception ends in), SIGSEGV, SIGBUS, SIGILL or SIGFPE, or said so, or dumped.
    # Exit code 130 (128 + SIGINT) is not a crash: the signal the ctrlc cycles send ended the process before PowerShell
    # had its Ctrl+C handler in place (during start-up); the state checks below still apply.
    if ($exit -in 132, 134, 135, 136, 139 -or $output -match 'Unhandled exception|process will exit|Fatal error|Segmentation fault' -or $dumps) {
        return [pscustomobject]@{ Crash = $true; Problem = "host crash: exit code $exit" }
    }

    if ($exit -ge 128 -and -not ($Run.Sigint -and $exit -eq 130)) {
        return [pscustomobject]@{ Crash = $true; Problem = "killed by signal $($exit - 128)" }
    }

    $lines = $Run.Stdout.Result -split "`n"
    $objects = @($lines | Where-Object { $_ -like 'OBJ *' })
    $errors = @($lines | Where-Object { $_ -like 'ERR *' })
    $problems = @()
    if ($Run.Kind -eq 'ctrlc') {
        # Finished before the signal (the script reached END, exit 0, 8 applied), or stopped by it (PowerShell stops the
        # pipeline: the script does not reach END; pwsh -File then exits 0): either way a whole prefix, no lock held.
        $reachedEnd = $lines -contains 'END'
        if (-not $reachedEnd -and -not $Run.Sigint) { $problems += "the script did not reach its end without a SIGINT (exit $exit)" }
        if ($reachedEnd -and $exit -ne 0) { $problems += "exit code $exit after reaching the end" }
        if ($output -match 'UnexpectedError') { $problems += 'an UnexpectedError' }
        $applied = @(Get-Applied $Slot.Db 'slow_history')
        $failed = if ([SharedMigrations.Testing.Sql]::Scalar($Slot.Db, "SELECT to_regclass('slow_history') IS NULL")) { 0 } else {
            [SharedMigrations.Testing.Sql]::Scalar($Slot.Db, "SELECT count(*) FROM slow_history WHERE state <> 'applied'")
        }
        $tables = @([SharedMigrations.Testing.Sql]::Column($Slot.Db, "SELECT substr(relname, 7)::int FROM pg_class WHERE relname ~ '^slow_s[0-9]+$' AND relkind = 'r' ORDER BY 1"))
        # The run lock is a session advisory lock: the server drops it when the stopped process's session ends. Its backend
        # may take a moment to see the closed socket after the exit, so the check waits for the session (at most 10 s).
        $lockQuery = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        $lockDeadline = [DateTime]::UtcNow.AddSeconds(10)
        while (($locks = [SharedMigrations.Testing.Sql]::Scalar($Slot.Db, $lockQuery)) -ne 0 -and [DateTime]::UtcNow -lt $lockDeadline) { Start-Sleep -Milliseconds 100 }
        $prefix = @(if ($applied.Count) { 1..$applied.Count })
        if (($applied -join ',') -ne ($prefix -join ',')) { $problems += "applied versions $($applied -join ',') are not a prefix" }
        if (($tables -join ',') -ne ($applied -join ',')) { $problems += "tables for $($tables -join ',') but history $($applied -join ',')" }
        if ($failed -ne 0) { $problems += "$failed Failed history row(s)" }
        if ($locks -ne 0) { $problems += "$locks run lock(s) still held 10 s after the exit" }
        if ($reachedEnd -and $applied.Count -ne 8) { $problems += "only $($applied.Count) of 8 applied although the script reached its end" }
        if ($reachedEnd -and $objects.Count -ne 8) { $problems += "$($objects.Count) results although the script reached its end" }
        if ($objects.Count -gt $applied.Count) { $problems += "$($objects.Count) results but $($applied.Count) applied" }
        $Run | Add-Member -NotePropertyName Outcome -NotePropertyValue ($reachedEnd ? 'finished' : "stopped at $($applied.Count) of 8 (exit $exit)")
        $Run | Add-Member -NotePropertyName StoppedAt -NotePropertyValue ($reachedEnd ? $null : $applied.Count)
    }
    else {
        $e = $Run.Expect
        if ($exit -ne $e.Exit) { $problems += "exit code $exit, expected $($e.Exit)" }
        if ($objects.Count -ne $e.Objects) { $problems += "$($objects.Count) objects, expected $($e.Objects)" }
        if ($errors.Count -ne $e.Errors) { $problems += "$($errors.Count) error records, expected $($e.Errors)" }
        if ($e.End -ne ($lines -contains 'END')) { $problems += ($e.End ? 'the script did not reach its end' : 'the script went on after -ErrorAction Stop') }
        if ($e.Match -and ($output -replace '\s+\|\s+', ' ' -replace '\s+', ' ') -notmatch [regex]::Escape($e.Match)) { $problems += "no '$($e.Match)' in the output" }
        if ($Run.Kind -ne 'down-fail' -and ($objects | Where-Object { $_ -match ' False$' })) { $problems += 'a result with Succeeded = False' }
        if ($Run.Kind -eq 'down-fail' -and $errors.Count -and $errors[0] -notlike 'ERR MigrationFailed,*') { $problems += "error $($errors[0])" }
    }

    if ($problems) { return [pscustomobject]@{ Crash = $false; Problem = $problems -join '; ' } }
    return $null
}

# The writer of -Overwrite: rewrites the ReadyToRun copy's assemblies under the running cycles, IL and R2R in turn.
$writer = $null
if ($Overwrite -ne 'None') {
    if (-not $modules.Contains('ReadyToRun') -or -not $IlPath) { throw '-Overwrite needs the ReadyToRun build and the IL build.' }
    $target = $modules['ReadyToRun']
    $lines = @('while true; do')
    foreach ($source in $IlPath, $sourceFolder) {
        foreach ($relative in 'SharedMigrations.Cmdlets.dll', 'Dependencies/SharedMigrations.Core.dll', 'Dependencies/Npgsql.dll', 'Dependencies/YamlDotNet.dll') {
            $src = Join-Path $source $relative
            $dst = Join-Path $target $relative
            # InPlace: cp truncates and rewrites the existing file (same inode, the mapped pages change under the readers).
            # Atomic: a new file renamed over the old one (a new inode; a process that mapped the old one keeps it intact).
            # InPlaceNoTruncate: the new bytes written over the old ones without truncating first (no SIGBUS window).
            $lines += switch ($Overwrite) {
                'InPlace' { "  cp '$src' '$dst'" }
                'InPlaceNoTruncate' { "  dd if='$src' of='$dst' conv=notrunc status=none" }
                default { "  cp '$src' '$dst.new' && mv -f '$dst.new' '$dst'" }
            }
        }
        $lines += '  sleep 0.3'
    }
    $lines += 'done'
    $bash = $lines -join "`n"
    $writerInfo = [System.Diagnostics.ProcessStartInfo]::new('bash')
    $writerInfo.ArgumentList.Add('-c')
    $writerInfo.ArgumentList.Add($bash)
    $writer = [System.Diagnostics.Process]::Start($writerInfo)
    Write-Host "Overwrite $Overwrite`: the module's assemblies in $target are rewritten every 300 ms (writer pid $($writer.Id))"
}

Write-Host "Soak: $Cycles cycles, $Parallel at a time, seed $Seed, flavors $($flavors -join ' and '), overwrite $Overwrite"
$results = [System.Collections.Generic.List[object]]::new()
$next = 1
try {
    while ($results.Count -lt $Cycles) {
        if ($Minutes -gt 0 -and ([DateTime]::UtcNow - $started).TotalMinutes -ge $Minutes -and -not @($slots | Where-Object Run)) { break }
        foreach ($slot in $slots) {
            $run = $slot.Run
            if ($null -eq $run) {
                if ($next -le $Cycles -and ($Minutes -le 0 -or ([DateTime]::UtcNow - $started).TotalMinutes -lt $Minutes)) {
                    $slot.Run = New-Cycle $next $slot
                    $next++
                }

                continue
            }

            if ($null -ne $run.SigintDelay -and $null -eq $run.SigintAt -and (Test-Path (Join-Path $run.Folder 'imported'))) {
                $run.SigintAt = [DateTime]::UtcNow.AddMilliseconds($run.SigintDelay)
            }

            if ($run.SigintAt -and -not $run.Sigint -and -not $run.Process.HasExited -and [DateTime]::UtcNow -ge $run.SigintAt) {
                & kill -s INT $run.Process.Id 2>$null
                $run.Sigint = $true
            }

            if ($run.Process.HasExited -or ([DateTime]::UtcNow - $run.Started).TotalSeconds -gt 300) {
                $hung = -not $run.Process.HasExited
                if ($hung) { $run.Process.Kill($true) }
                $run.Process.WaitForExit()
                $verdict = if ($hung) { [pscustomobject]@{ Crash = $false; Problem = 'hung: killed after 300 s' } } else { Test-Cycle $run $slot }
                $record = [pscustomobject]@{
                    Cycle   = $run.Number
                    Kind    = $run.Kind
                    Flavor  = $run.Flavor
                    Exit    = $run.Process.ExitCode
                    Seconds = [math]::Round(([DateTime]::UtcNow - $run.Started).TotalSeconds, 1)
                    Sigint  = $run.Sigint
                    Outcome = if ($run.PSObject.Properties['Outcome']) { $run.Outcome } else { $null }
                    Crash   = [bool]($verdict -and $verdict.Crash)
                    Problem = $verdict ? $verdict.Problem : $null
                    # What the runtime said, for the table of failure signatures.
                    Signature = if ($verdict) {
                        $all = $run.Stdout.Result + "`n" + $run.Stderr.Result
                        $m = [regex]::Match($all, '(Unhandled exception\. [^\r\n]*|COMException \(0x[0-9A-Fa-f]+\)[^\r\n]*|Could not load file or assembly[^\r\n]*|Bad IL format|BadImageFormatException[^\r\n]*|TypeLoadException[^\r\n]*|InvalidProgramException[^\r\n]*|MissingMethodException[^\r\n]*|Crashing thread \w+ signal \d+)')
                        $m.Success ? $m.Value.Trim() : $verdict.Problem
                    }
                    else { $null }
                }
                $results.Add($record)
                if ($verdict) {
                    Set-Content (Join-Path $run.Folder 'output.txt') ("command: $($run.Command)`nflavor: $($run.Flavor)`nexit: $($run.Process.ExitCode)`nproblem: $($verdict.Problem)`n`n--- stdout`n$($run.Stdout.Result)`n--- stderr`n$($run.Stderr.Result)")
                    Write-Host ("cycle {0} {1} ({2}): {3}" -f $run.Number, $run.Kind, $run.Flavor, $verdict.Problem) -ForegroundColor Red
                }
                elseif ($run.Kind -eq 'ctrlc' -and $run.Process.ExitCode -ne 0) {
                    # As expected, but the exit code of a stopped run is worth reading: its output is kept too.
                    Set-Content (Join-Path $run.Folder 'output.txt') ("command: $($run.Command)`nflavor: $($run.Flavor)`nexit: $($run.Process.ExitCode)`noutcome: $($record.Outcome)`n`n--- stdout`n$($run.Stdout.Result)`n--- stderr`n$($run.Stderr.Result)")
                }
                else {
                    Remove-Item $run.Folder -Recurse -Force -ErrorAction Ignore
                }

                if ($results.Count % 50 -eq 0) { Write-Host "  $($results.Count) of $Cycles cycles done ($(@($results | Where-Object Problem).Count) unexpected)" }
                $slot.Run = $null
            }
        }

        Start-Sleep -Milliseconds 20
    }
}
finally {
    if ($writer) { $writer.Kill($true) }
    foreach ($slot in $slots) { if ($slot.Run -and -not $slot.Run.Process.HasExited) { $slot.Run.Process.Kill($true) } }
    $results | Export-Csv (Join-Path $OutPath 'cycles.csv') -NoTypeInformation
}

# ---- the summary ----------------------------------------------------------------------------------------------------------
$table = $results | Group-Object Kind, Flavor | ForEach-Object {
    $g = $_.Group
    [pscustomobject]@{
        Kind       = $g[0].Kind
        Flavor     = $g[0].Flavor
        Cycles     = $g.Count
        Ok         = @($g | Where-Object { -not $_.Problem }).Count
        Unexpected = @($g | Where-Object { $_.Problem -and -not $_.Crash }).Count
        Crashes    = @($g | Where-Object Crash).Count
        MeanSec    = [math]::Round(($g | Measure-Object Seconds -Average).Average, 1)
    }
} | Sort-Object Kind, Flavor
$elapsed = [DateTime]::UtcNow - $started
$markdown = @(
    "Soak of $(Get-Date -Format 'yyyy-MM-dd HH:mm') UTC: $($results.Count) fresh-process cycles, $Parallel at a time, seed $Seed, overwrite $Overwrite, $([math]::Round($elapsed.TotalMinutes, 1)) min"
    ''
    '| Kind | Module | Cycles | As expected | Unexpected | Host crashes | Mean s |'
    '|---|---|---:|---:|---:|---:|---:|'
    foreach ($r in $table) { "| $($r.Kind) | $($r.Flavor) | $($r.Cycles) | $($r.Ok) | $($r.Unexpected) | $($r.Crashes) | $($r.MeanSec) |" }
    "| **all** | | **$($results.Count)** | **$(@($results | Where-Object { -not $_.Problem }).Count)** | **$(@($results | Where-Object { $_.Problem -and -not $_.Crash }).Count)** | **$(@($results | Where-Object Crash).Count)** | |"
)
$ctrl = @($results | Where-Object Kind -eq 'ctrlc')
if ($ctrl) {
    $markdown += ''
    $stopped = @($ctrl | Where-Object { $_.Outcome -like 'stopped*' })
    $where = ($stopped | Group-Object { [int]($_.Outcome -replace '^stopped at (\d+) .*$', '$1') } | Sort-Object { [int]$_.Name } |
            ForEach-Object { "$($_.Count) after $($_.Name)" }) -join ', '
    $markdown += "Ctrl+C cycles: $(@($ctrl | Where-Object { $_.Outcome -eq 'finished' }).Count) finished before the signal, $($stopped.Count) stopped by it" +
        " mid-run (migrations applied when stopped, of 8: $(if ($where) { $where } else { 'none' }); exit codes: $((@($stopped | ForEach-Object Exit) | Sort-Object -Unique) -join ', '))" +
        ", $(@($ctrl | Where-Object { -not $_.Outcome }).Count) ended otherwise (see the table)."
}
$signatures = @($results | Where-Object Problem | Group-Object Signature | Sort-Object Count -Descending)
if ($signatures) {
    $markdown += ''
    $markdown += '| Unexpected cycles by what the process said | Cycles |'
    $markdown += '|---|---:|'
    foreach ($g in $signatures) { $markdown += "| $($g.Name -replace '\|', '/') | $($g.Count) |" }
}

$markdown | Set-Content (Join-Path $OutPath 'summary.md')
$markdown | Write-Host
foreach ($slot in $slots) { [SharedMigrations.Testing.Sql]::DropDatabase($slot.Db) }
Remove-Module SharedMigrations -ErrorAction Ignore

$crashes = @($results | Where-Object Crash).Count
$unexpected = @($results | Where-Object Problem).Count
if ($Overwrite -eq 'None' -and $unexpected -gt 0) {
    Write-Host "Kept in $(Join-Path $OutPath 'cycles'): every unexpected cycle with its output (and a crash dump for a crash)." -ForegroundColor Red
    exit 1
}

exit 0
