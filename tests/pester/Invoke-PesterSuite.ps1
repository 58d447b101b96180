<#
.SYNOPSIS
    Runs the Pester suite in this (fresh) pwsh: build.ps1 Test starts it with the built module, Pester and the test
    database already prepared. Exits with the number of failed tests.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $PesterPath,
    [string] $YamlDotNetPath,
    [string] $NpgsqlPath,
    [string] $FixturePath,
    [string[]] $Tag
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force

$env:SHAREDMIGRATIONS_MODULE_MANIFEST = (Resolve-Path $ModuleManifest).ProviderPath
if ($YamlDotNetPath) { $env:SHAREDMIGRATIONS_TEST_YAMLDOTNET = $YamlDotNetPath }
if ($NpgsqlPath) { $env:SHAREDMIGRATIONS_TEST_NPGSQL = $NpgsqlPath }
if ($FixturePath) { $env:SHAREDMIGRATIONS_TEST_FIXTURE = $FixturePath }

$configuration = New-PesterConfiguration
$configuration.Run.Path = $PSScriptRoot
$configuration.Run.Exit = $true
$configuration.Run.Throw = $false
$configuration.Output.Verbosity = 'Detailed'
$configuration.Output.RenderMode = 'Plaintext'
# -File passes '-Tag A,B' as one string: split it.
if ($Tag) { $configuration.Filter.Tag = @($Tag -split ',' | ForEach-Object Trim) }
Invoke-Pester -Configuration $configuration
