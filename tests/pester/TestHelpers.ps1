# Shared by the Pester tests: dot-source it in BeforeAll.
#   - imports the built module ($env:SHAREDMIGRATIONS_MODULE_MANIFEST, set by Invoke-PesterSuite.ps1)
#   - loads the test database fixture (the same one the xunit tests use) for creating databases and reading rows

if (-not $env:SHAREDMIGRATIONS_MODULE_MANIFEST) {
    throw 'SHAREDMIGRATIONS_MODULE_MANIFEST is not set: run the tests through "dotnet pwsh ./build.ps1 Test".'
}

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
$script:ModuleManifest = $env:SHAREDMIGRATIONS_MODULE_MANIFEST
$script:FixturePath = if ($env:SHAREDMIGRATIONS_TEST_FIXTURE) { $env:SHAREDMIGRATIONS_TEST_FIXTURE } else {
    Get-ChildItem (Join-Path $RepoRoot 'tests/TestDatabase/bin') -Recurse -Filter SharedMigrations.TestDatabase.dll |
        Sort-Object LastWriteTime -Descending | Select-Object -First 1 -ExpandProperty FullName
}

Import-Module $ModuleManifest -Force
if (-not ('SharedMigrations.Testing.Sql' -as [type])) {
    Add-Type -Path $FixturePath
}

function New-TestDatabase([string] $Prefix = 'pester') {
    [SharedMigrations.Testing.Sql]::NewDatabase($Prefix)
}

function Remove-TestDatabase([string] $ConnectionString) {
    if ($ConnectionString) { [SharedMigrations.Testing.Sql]::DropDatabase($ConnectionString) }
}

function Invoke-TestSql([string] $ConnectionString, [string] $Sql) {
    [SharedMigrations.Testing.Sql]::Execute($ConnectionString, $Sql)
}

function Get-TestScalar([string] $ConnectionString, [string] $Sql) {
    [SharedMigrations.Testing.Sql]::Scalar($ConnectionString, $Sql)
}

function Get-TestColumn([string] $ConnectionString, [string] $Sql) {
    [SharedMigrations.Testing.Sql]::Column($ConnectionString, $Sql)
}

<#
 Writes a service folder under $Root: config.yaml pointing at the database (the password through ${VAR}, as users
 write it) and the given migrations: a hashtable of file name -> @{ Up = ...; Down = ...; Headers = ... } or raw text.
#>
function New-TestService {
    param(
        [Parameter(Mandatory)] [string] $Root,
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [AllowEmptyString()] [string] $ConnectionString,
        [System.Collections.IDictionary] $Migrations = @{},
        [string] $ExtraConfig = '',
        [string[]] $DependsOn,
        [string] $PasswordVariable = 'SM_TEST_PASSWORD'
    )

    $folder = Join-Path $Root $Name
    New-Item -ItemType Directory -Path (Join-Path $folder 'migrations') -Force | Out-Null
    $config = "service:`n  name: $Name`n"
    if ($DependsOn) { $config += "  depends_on: [$($DependsOn -join ', ')]`n" }
    if ($ConnectionString) {
        $builder = [System.Data.Common.DbConnectionStringBuilder]::new()
        $builder.set_ConnectionString($ConnectionString)
        Set-Item "env:$PasswordVariable" $builder['Password']
        $config += @"
database:
  host: $($builder['Host'])
  port: $($builder['Port'])
  username: $($builder['Username'])
  password: `${$PasswordVariable}
  database: $($builder['Database'])
  connect_retries: 0

"@
    }

    if ($ExtraConfig) { $config += $ExtraConfig.Trim() + "`n" }
    Set-Content -Path (Join-Path $folder 'config.yaml') -Value $config -NoNewline
    foreach ($file in $Migrations.Keys) {
        Set-TestMigration -Service $folder -FileName $file -Content $Migrations[$file]
    }

    return $folder
}

function Set-TestMigration {
    param([string] $Service, [string] $FileName, $Content)
    $text = if ($Content -is [string]) { $Content } else {
        $t = "-- Migration: $([IO.Path]::GetFileNameWithoutExtension($FileName))`n"
        if ($Content.Headers) { $t += ($Content.Headers.TrimEnd() + "`n") }
        $t += "`n-- +++++ UP`n$($Content.Up.TrimEnd())`n"
        if ($null -ne $Content.Down) { $t += "`n-- +++++ DOWN`n$($Content.Down.TrimEnd())`n" }
        $t
    }
    [IO.File]::WriteAllText((Join-Path $Service "migrations/$FileName"), $text)
}

function New-TestRoot {
    $path = Join-Path ([IO.Path]::GetTempPath()) ("sm-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 10))
    New-Item -ItemType Directory -Path $path | Out-Null
    return $path
}

# The pwsh executable of this PowerShell (under "dotnet pwsh" the process itself is dotnet).
function Get-PwshPath {
    $candidate = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    if (Test-Path $candidate) { return $candidate }
    return (Get-Process -Id $PID).Path
}
