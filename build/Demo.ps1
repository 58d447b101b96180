<#
.SYNOPSIS
    The demo that "build.ps1 Demo" runs: the example services migrated on a throwaway PostgreSQL, as a user would.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $AdminConnectionString,
    [Parameter(Mandatory)] [string] $ServicesPath,
    [string] $FixturePath
)

$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
if (-not $FixturePath) {
    $FixturePath = Get-ChildItem (Join-Path $root 'tests/TestDatabase/bin') -Recurse -Filter SharedMigrations.TestDatabase.dll |
        Sort-Object LastWriteTime -Descending | Select-Object -First 1 -ExpandProperty FullName
}
Add-Type -Path $FixturePath
$sql = [SharedMigrations.Testing.Sql]

function Show([string] $Text) { Write-Host "`n### $Text" -ForegroundColor Green }

# Tables at a readable width even when the output is a pipe or a CI log (not a terminal).
function Out-Table { $input | Format-Table | Out-String -Width 150 | Write-Host }

# Each example service gets its own role and database, as in production; passwords are random and only ever
# travel through the environment variables that the services' config.yaml files name with ${VAR}.
$admin = [System.Data.Common.DbConnectionStringBuilder]::new()
$admin.set_ConnectionString($AdminConnectionString)
$env:DB_HOST = $admin['Host']
$env:DB_PORT = $admin['Port']
$services = @(
    @{ Role = 'auth_user'; Database = 'auth_service'; Variable = 'AUTH_DB_PASSWORD' }
    @{ Role = 'notification_user'; Database = 'notification_service'; Variable = 'NOTIFICATION_DB_PASSWORD' }
    @{ Role = 'billing_user'; Database = 'billing_service'; Variable = 'BILLING_DB_PASSWORD' }
)

Show 'Creating a role and a database for each example service'
foreach ($s in $services) {
    $password = [Convert]::ToHexString([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(16))
    Set-Item "env:$($s.Variable)" $password
    $sql::Execute($AdminConnectionString, "DROP DATABASE IF EXISTS $($s.Database) WITH (FORCE)")
    $sql::Execute($AdminConnectionString, "DROP ROLE IF EXISTS $($s.Role)")
    $sql::Execute($AdminConnectionString, "CREATE ROLE $($s.Role) LOGIN PASSWORD '$password'")
    $sql::Execute($AdminConnectionString, "CREATE DATABASE $($s.Database) OWNER $($s.Role)")
    Write-Host "  $($s.Database) owned by $($s.Role) (password in `$env:$($s.Variable))"
}

try {
    Import-Module $ModuleManifest

    Show "Get-MigrationService $ServicesPath"
    Get-MigrationService $ServicesPath | Out-Table

    Show 'Get-MigrationService ./examples/services | Invoke-MigrationUp'
    Get-MigrationService $ServicesPath | Invoke-MigrationUp -ErrorAction Stop | Out-Table

    Show 'Get-MigrationStatus -Summary'
    Get-MigrationService $ServicesPath | Get-MigrationStatus -Summary | Out-Table

    Show 'Undo-Migration billing-service (the newest migration, one step)'
    Undo-Migration (Join-Path $ServicesPath 'billing-service') -Confirm:$false -ErrorAction Stop | Out-Table

    Show 'Get-MigrationStatus -Summary, again'
    Get-MigrationService $ServicesPath | Get-MigrationStatus -Summary | Out-Table

    Show 'Get-MigrationStatus billing-service'
    Get-MigrationStatus (Join-Path $ServicesPath 'billing-service') | Out-Table

    Show 'Invoke-MigrationUp -WhatIf: what would run now (only the rolled-back billing migration)'
    Get-MigrationService $ServicesPath | Invoke-MigrationUp -WhatIf
    Write-Host "`nDemo finished." -ForegroundColor Green
}
finally {
    Remove-Module SharedMigrations -ErrorAction Ignore
    Show 'Cleaning up the databases and roles'
    foreach ($s in $services) {
        $sql::Execute($AdminConnectionString, "DROP DATABASE IF EXISTS $($s.Database) WITH (FORCE)")
        $sql::Execute($AdminConnectionString, "DROP ROLE IF EXISTS $($s.Role)")
    }
}
