<#
.SYNOPSIS
    Runs squawk and Test-Migration over the cases of cases.psd1 and counts how many each gets right.

.DESCRIPTION
    Not part of the build or the tests: squawk is installed by hand in a scratch folder outside the repository
    (npm install squawk-cli@2.66.0), and its path given with -Squawk. Each case becomes a migration file of a service
    folder (for Test-Migration) and a plain .sql file with the same UP (for squawk). squawk runs with
    --assume-in-transaction unless the case is a '-- Transaction: none' migration, since that is how the engine runs the
    file, and with --pg-version 13 (or the case's Pg). A tool gets a case right when it raises the case's rule
    (squawk's rule, or one of ours) exactly when a correct linter should (Expect).

.EXAMPLE
    dotnet pwsh bench/lint/Compare-Squawk.ps1 -Squawk /tmp/squawk/node_modules/.bin/squawk -Module out/SharedMigrations/0.1.0/SharedMigrations.psd1
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Squawk,
    [Parameter(Mandatory)] [string] $Module,
    [string] $Report
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $Module).ProviderPath -Force
$cases = (Import-PowerShellDataFile (Join-Path $PSScriptRoot 'cases.psd1')).Cases

$work = Join-Path ([IO.Path]::GetTempPath()) ('sm-lint-compare-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory $work | Out-Null
$rows = foreach ($case in $cases) {
    $pg = if ($case.Pg) { $case.Pg } else { 13 }
    $service = Join-Path $work $case.Id
    New-Item -ItemType Directory (Join-Path $service 'migrations') -Force | Out-Null
    Set-Content (Join-Path $service 'config.yaml') "service:`n  name: $($case.Id)`nmigration:`n  postgres_version: $pg`n"
    $header = if ($case.None) { "-- Transaction: none`n" } else { '' }
    Set-Content (Join-Path $service 'migrations/001_case.sql') "-- Migration: case`n$header-- +++++ UP`n$($case.Sql)`n-- +++++ DOWN`nSELECT 1;`n"
    $sqlFile = Join-Path $work "$($case.Id).sql"
    Set-Content $sqlFile $case.Sql

    $ourRules = @(Test-Migration $service -CIFormat None | Select-Object -ExpandProperty Rule)
    $squawkArgs = @('--reporter', 'json', '--pg-version', "$pg.0")
    if (-not $case.None) { $squawkArgs += '--assume-in-transaction' }
    $json = & $Squawk @squawkArgs $sqlFile 2>$null
    $squawkRules = @(($json | Out-String | ConvertFrom-Json) | ForEach-Object { $_.rule_name })

    $oursFlag = @($case.Ours -split ',' | Where-Object { $ourRules -contains $_ }).Count -gt 0
    $squawkFlag = $case.Squawk -ne '-' -and $squawkRules -contains $case.Squawk
    [pscustomobject]@{
        Case = $case.Id; Kind = $case.Kind; Squawk = $case.Squawk; Ours = $case.Ours; Expect = $case.Expect
        SquawkFlags = $squawkFlag; OursFlags = $oursFlag
        SquawkRight = ($squawkFlag -eq $case.Expect); OursRight = ($oursFlag -eq $case.Expect)
        SquawkAll = ($squawkRules | Sort-Object -Unique) -join ' '; OursAll = ($ourRules | Sort-Object -Unique) -join ' '
    }
}
Remove-Item $work -Recurse -Force

$rows | Format-Table Case, Kind, Expect, SquawkFlags, OursFlags, SquawkRight, OursRight -AutoSize | Out-String -Width 160 | Write-Host
$summary = foreach ($kind in 'Flagged', 'Accepted', 'Context', 'All') {
    $set = if ($kind -eq 'All') { $rows } else { $rows | Where-Object Kind -eq $kind }
    [pscustomobject]@{
        Kind = $kind; Cases = @($set).Count
        Squawk = @($set | Where-Object SquawkRight).Count; SharedMigrations = @($set | Where-Object OursRight).Count
    }
}
$summary | Format-Table -AutoSize | Out-String | Write-Host

if ($Report) {
    $md = @('| Case | Kind | squawk rule | our rule | should flag | squawk | SharedMigrations |', '|---|---|---|---|---|---|---|')
    foreach ($r in $rows) {
        $mark = { param($ok, $flag) "$(if ($flag) { 'flags' } else { 'silent' })$(if ($ok) { '' } else { ' (wrong)' })" }
        $md += "| $($r.Case) | $($r.Kind) | $($r.Squawk) | $($r.Ours -replace ',', ', ') | $(if ($r.Expect) { 'yes' } else { 'no' }) | $(& $mark $r.SquawkRight $r.SquawkFlags) | $(& $mark $r.OursRight $r.OursFlags) |"
    }
    $md += ''
    $md += '| Cases | Count | squawk right | SharedMigrations right |'
    $md += '|---|---|---|---|'
    foreach ($s in $summary) { $md += "| $($s.Kind) | $($s.Cases) | $($s.Squawk) | $($s.SharedMigrations) |" }
    Set-Content $Report ($md -join "`n")
}
