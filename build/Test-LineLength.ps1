#Requires -Version 7.4
<#
.SYNOPSIS
    Fails when a C# line is longer than the limit of .editorconfig (max_line_length = 140).

.DESCRIPTION
    Checks every *.cs file under src/, tests/ and bench/ (obj/ and bin/ skipped) and writes one line per offence,
    "file:line: N characters (limit 140)", then throws when there is any. Called by `build.ps1 Build` before it
    compiles. Only C#: the PowerShell scripts (build/, tests/pester) have too many longer lines to enforce it there yet.
    Length is counted in characters (UTF-16 code units), tabs as one.
#>
[CmdletBinding()]
param(
    [string] $Root = (Split-Path $PSScriptRoot),
    [int] $Limit = 140
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$offences = [System.Collections.Generic.List[string]]::new()
foreach ($folder in 'src', 'tests', 'bench') {
    $path = Join-Path $Root $folder
    if (-not (Test-Path $path)) { continue }
    $files = Get-ChildItem $path -Recurse -File -Filter '*.cs' |
        Where-Object { $_.FullName -notmatch '[\\/](obj|bin)[\\/]' } |
        Sort-Object FullName
    foreach ($file in $files) {
        $number = 0
        foreach ($line in [IO.File]::ReadLines($file.FullName)) {
            $number++
            if ($line.Length -gt $Limit) {
                $relative = [IO.Path]::GetRelativePath($Root, $file.FullName)
                $offences.Add("${relative}:${number}: $($line.Length) characters (limit $Limit)")
            }
        }
    }
}

if ($offences.Count -gt 0) {
    $offences | ForEach-Object { Write-Host $_ }
    throw "$($offences.Count) line(s) of C# longer than $Limit characters (max_line_length in .editorconfig): wrap them."
}
