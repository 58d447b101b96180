# The host never dies (issue 14): a fault injected on a worker thread, in a continuation on the thread pool, in an
# observer callback and in an action posted to the pipeline thread, each in a fresh pwsh (-NoProfile -NonInteractive -File)
# that imports the built module. Each time: the process lives on and ends normally, an UnexpectedError record names the
# failed service with the injected exception inside, the other service of the fleet still runs, and under
# -ErrorAction Stop the exit code is not zero. The fault comes from SHAREDMIGRATIONS_TEST_FAULT, a test-only switch
# (src/SharedMigrations.Core/Diagnostics/FaultInjection.cs).
# Run only these: dotnet pwsh ./build.ps1 Test -Tag HostSurvives

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Pwsh = Get-PwshPath

    # Runs a script in a fresh pwsh with the fault switched on; returns its exit code and everything it printed.
    function Invoke-FaultedPwsh([string] $Fault, [string] $Script) {
        $file = Join-Path $root ("run-" + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.ps1')
        Set-Content -Path $file -Value ("Import-Module '$ModuleManifest'`n" + $Script)
        $info = [System.Diagnostics.ProcessStartInfo]::new($Pwsh)
        foreach ($argument in '-NoProfile', '-NonInteractive', '-File', $file) { $info.ArgumentList.Add($argument) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.UseShellExecute = $false
        $info.Environment['SHAREDMIGRATIONS_TEST_FAULT'] = $Fault
        $info.Environment['NO_COLOR'] = '1'
        $process = [System.Diagnostics.Process]::Start($info)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit(180000)) { $process.Kill($true); throw "The pwsh run with $Fault did not end in 180 s." }
        $process.WaitForExit()
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout.Result + $stderr.Result }
    }

    # Two services on one fresh database (history tables of their own), two migrations each, DOWNs included.
    function New-Fleet([string] $Name) {
        $db = New-TestDatabase "pester_host_$Name"
        $script:Databases += $db
        $folder = Join-Path $root $Name
        foreach ($service in 'alpha', 'beta') {
            New-TestService -Root $folder -Name $service -ConnectionString $db -ExtraConfig "migration:`n  table_name: ${service}_history" -Migrations ([ordered]@{
                "001_${service}_one.sql" = @{ Up = "CREATE TABLE ${service}_one (id int);"; Down = "DROP TABLE ${service}_one;" }
                "002_${service}_two.sql" = @{ Up = "CREATE TABLE ${service}_two (id int);"; Down = "DROP TABLE ${service}_two;" }
            }) | Out-Null
        }

        [pscustomobject]@{ Db = $db; Alpha = Join-Path $folder 'alpha'; Beta = Join-Path $folder 'beta' }
    }

    # What the child prints: results, then one line per error record, then ALIVE if the script got to its end.
    $script:Report = @'
"RESULT " + (($r | ForEach-Object { "$($_.Service)/$($_.Version)" }) -join ',')
foreach ($x in $e) { "ERROR $($x.FullyQualifiedErrorId)|$($x.CategoryInfo.Category)|$($x.Exception.GetType().Name)|$($x.Exception.InnerException.GetType().Name):$($x.Exception.InnerException.OriginalTypeName -replace '^.*\.')|$($x.TargetObject)|$($x.Exception.Message)" }
'ALIVE'
'@

    function Get-Errors($Run) { @($Run.Output -split "`n" | Where-Object { $_ -like 'ERROR *' }) }
    function Get-Applied($Fleet, [string] $Service) {
        if (Get-TestScalar $Fleet.Db "SELECT to_regclass('${Service}_history') IS NULL") { return @() }
        @(Get-TestColumn $Fleet.Db "SELECT version FROM ${Service}_history WHERE state = 'applied' ORDER BY version")
    }
}

AfterAll {
    foreach ($db in $script:Databases) { Remove-TestDatabase $db }
    Remove-Item $root -Recurse -Force -ErrorAction Ignore
}

Describe 'An exception on a worker, in a continuation or in an observer never ends the process' -Tag 'HostSurvives', 'Reliability' {
    BeforeAll {
        $script:root = New-TestRoot
        $script:Databases = @()
    }

    It 'Invoke-MigrationUp, fault <Fault>: alpha fails with UnexpectedError, beta is migrated, the process lives on' -ForEach @(
        @{ Fault = 'Worker:alpha'; AlphaApplied = @() }
        @{ Fault = 'Observer:alpha'; AlphaApplied = @() }
        @{ Fault = 'Continuation:alpha'; AlphaApplied = @(1, 2) }
        @{ Fault = 'Posted:alpha'; AlphaApplied = @(1, 2) }
    ) {
        $fleet = New-Fleet ('up_' + $Fault.Split(':')[0].ToLowerInvariant())
        $run = Invoke-FaultedPwsh $Fault ("`$r = Invoke-MigrationUp '$($fleet.Alpha)', '$($fleet.Beta)' -ThrottleLimit 2 -ErrorVariable e -ErrorAction SilentlyContinue`n" + $Report)

        $run.Output | Should -Not -Match 'Unhandled exception|process will exit'
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match '(?m)^ALIVE' -Because $run.Output
        $errors = @(Get-Errors $run)
        $errors.Count | Should -BeGreaterThan 0 -Because $run.Output
        foreach ($line in $errors) {
            $line | Should -Match '^ERROR UnexpectedError,SharedMigrations\.Commands\.InvokeMigrationUpCommand\|OperationStopped\|UnexpectedErrorException\|SanitizedException:InjectedFaultException\|'
            $line | Should -Match 'alpha'
            $line | Should -Not -Match 'beta'
        }

        Get-Applied $fleet 'beta' | Should -Be @(1, 2) -Because 'the other service of the fleet still runs'
        @(Get-Applied $fleet 'alpha') | Should -Be $AlphaApplied
        $run.Output | Should -Match 'RESULT .*beta/2'
    }

    It 'Undo-Migration, fault <Fault>: alpha fails with UnexpectedError, beta is rolled back, the process lives on' -ForEach @(
        @{ Fault = 'Worker:alpha' }
        @{ Fault = 'Continuation:alpha' }
    ) {
        $fleet = New-Fleet ('down_' + $Fault.Split(':')[0].ToLowerInvariant())
        Invoke-MigrationUp $fleet.Alpha, $fleet.Beta | Out-Null
        $run = Invoke-FaultedPwsh $Fault ("`$r = Undo-Migration '$($fleet.Alpha)', '$($fleet.Beta)' -Target 0 -Force -ErrorVariable e -ErrorAction SilentlyContinue`n" + $Report)

        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match '(?m)^ALIVE'
        $errors = @(Get-Errors $run)
        $errors.Count | Should -Be 1 -Because $run.Output
        $errors[0] | Should -Match '^ERROR UnexpectedError,SharedMigrations\.Commands\.UndoMigrationCommand\|OperationStopped\|UnexpectedErrorException\|SanitizedException:InjectedFaultException\|.*alpha'
        @(Get-Applied $fleet 'beta').Count | Should -Be 0 -Because 'beta rolled back all the way'
    }

    It 'Get-MigrationStatus, fault <Fault>: alpha fails with UnexpectedError, beta reports, the process lives on' -ForEach @(
        @{ Fault = 'Worker:alpha' }
        @{ Fault = 'Continuation:alpha' }
    ) {
        $fleet = New-Fleet ('status_' + $Fault.Split(':')[0].ToLowerInvariant())
        $run = Invoke-FaultedPwsh $Fault ("`$r = Get-MigrationStatus '$($fleet.Alpha)', '$($fleet.Beta)' -ErrorVariable e -ErrorAction SilentlyContinue`n" + $Report)

        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match '(?m)^ALIVE'
        $errors = @(Get-Errors $run)
        $errors.Count | Should -Be 1 -Because $run.Output
        $errors[0] | Should -Match '^ERROR UnexpectedError,SharedMigrations\.Commands\.GetMigrationStatusCommand\|.*alpha'
        $run.Output | Should -Match 'RESULT beta/1,beta/2'
    }

    It 'a fault whose message holds the database password (<Fault>): the record, its message and its inner exception never show it' -ForEach @(
        @{ Fault = 'Worker' }
        @{ Fault = 'Continuation' }
    ) {
        $fleet = New-Fleet ('secret_' + $Fault.ToLowerInvariant())
        $password = $env:SM_TEST_PASSWORD
        $password | Should -Not -BeNullOrEmpty -Because 'the services read their password from SM_TEST_PASSWORD'
        # The password bare, in a connection string and in a URL (no comma: the switch is a comma-separated list).
        $setting = "${Fault}:alpha:login with $password refused; Host=db;Password=$password; postgres://app:$password@db/x"
        $dump = @'
$r = Invoke-MigrationUp '__ALPHA__', '__BETA__' -ThrottleLimit 2 -ErrorVariable e -ErrorAction SilentlyContinue
foreach ($x in $e) {
    "ERROR $($x.FullyQualifiedErrorId)|$($x.Exception.InnerException.OriginalTypeName)|$($x.Exception.InnerException.Message)"
    $x.Exception.ToString()
    $x.Exception.InnerException.ToString()
    $x | Format-List * -Force | Out-String -Width 400
    $x.Exception | Format-List * -Force | Out-String -Width 400
    $x.Exception.InnerException | Format-List * -Force | Out-String -Width 400
}
'ALIVE'
'@
        $dump = $dump.Replace('__ALPHA__', $fleet.Alpha).Replace('__BETA__', $fleet.Beta)
        $run = Invoke-FaultedPwsh $setting $dump

        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match '(?m)^ALIVE'
        $errors = @(Get-Errors $run)
        $errors.Count | Should -Be 1 -Because $run.Output
        $errors[0] | Should -Match ('^ERROR UnexpectedError,\S+\|SharedMigrations\.Core\.Diagnostics\.InjectedFaultException\|Injected fault at ' +
            $Fault + " for service 'alpha' .*login with \*\*\* refused; Host=db;Password=\*\*\*; postgres://app:\*\*\*@db/x")
        $run.Output | Should -Match 'FaultInjection\.At' -Because 'the stack trace text is kept'
        $run.Output.Contains($password) | Should -BeFalse -Because 'the password must not reach the record or anything in it'
        Get-Applied $fleet 'beta' | Should -Be @(1, 2)
    }

    It 'under -ErrorAction Stop the injected fault <Fault> ends the script with a non-zero exit code and the error, not a crash' -ForEach @(
        @{ Fault = 'Worker:alpha' }
        @{ Fault = 'Continuation:alpha' }
        @{ Fault = 'Posted:alpha' }
    ) {
        $fleet = New-Fleet ('stop_' + $Fault.Split(':')[0].ToLowerInvariant())
        $run = Invoke-FaultedPwsh $Fault "Invoke-MigrationUp '$($fleet.Alpha)' -ErrorAction Stop`n'NOT REACHED'"

        $run.ExitCode | Should -Not -Be 0 -Because $run.Output
        $run.Output | Should -Not -Match 'NOT REACHED|Unhandled exception|process will exit'
        $run.Output | Should -Match 'alpha: the work on this service stopped on an unexpected error'
    }
}
