<#
.SYNOPSIS
    Measures Test-Migration on 10,000 statements (100 files of 100 statements of every kind the analysis reads).

.DESCRIPTION
    Not a test: prints the time of a first run (cold: assemblies loaded and JIT-compiled) and the median of five warm
    runs, reading, parsing and analysing the whole folder offline. docs/lint.md quotes the figure.

.EXAMPLE
    dotnet pwsh bench/lint/Measure-Lint.ps1 -Module out/SharedMigrations/0.1.0/SharedMigrations.psd1
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Module,
    [int] $Files = 100,
    [int] $StatementsPerFile = 100
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $Module).ProviderPath -Force

$templates = @(
    'CREATE TABLE t{0} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL, total numeric);'
    'CREATE INDEX i{0} ON orders (total) WHERE total > {0};'
    'ALTER TABLE orders ADD CONSTRAINT c{0} CHECK (total >= 0) NOT VALID;'
    'ALTER TABLE orders ADD COLUMN col{0} text DEFAULT ''x'', ADD COLUMN n{0} int NOT NULL DEFAULT 0;'
    'ALTER TABLE users ALTER COLUMN name{0} TYPE text;'
    'UPDATE orders SET total = total + 1 WHERE id = {0};'
    'INSERT INTO audit (id, note) VALUES ({0}, ''-- lint:ignore is not a comment here; DROP TABLE x'');'
    'DROP INDEX IF EXISTS old_{0};'
    'ALTER TABLE orders ADD CONSTRAINT fk{0} FOREIGN KEY (user_id) REFERENCES users (id);'
    'CREATE OR REPLACE FUNCTION f{0}() RETURNS int LANGUAGE plpgsql AS $$ BEGIN DROP TABLE x; RETURN {0}; END $$;'
)

$root = Join-Path ([IO.Path]::GetTempPath()) ('sm-lint-bench-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
$service = Join-Path $root 'bench'
New-Item -ItemType Directory (Join-Path $service 'migrations') -Force | Out-Null
Set-Content (Join-Path $service 'config.yaml') "service:`n  name: bench`n"
$n = 0
for ($f = 1; $f -le $Files; $f++) {
    $sb = [System.Text.StringBuilder]::new()
    [void] $sb.Append("-- Migration: m$f`n-- +++++ UP`n")
    for ($s = 0; $s -lt $StatementsPerFile; $s++) {
        [void] $sb.Append(($templates[$n % $templates.Count] -f $n)).Append("`n")
        $n++
    }
    [void] $sb.Append("-- +++++ DOWN`nSELECT 1;`n")
    [IO.File]::WriteAllText((Join-Path $service ('migrations/{0:D4}_m{0}.sql' -f $f)), $sb.ToString())
}

try {
    $count = 0
    $cold = Measure-Command { $count = @(Test-Migration $service -CIFormat None).Count }
    $warm = 1..5 | ForEach-Object { (Measure-Command { Test-Migration $service -CIFormat None | Out-Null }).TotalMilliseconds } | Sort-Object
    [pscustomobject]@{
        Statements = $n
        Findings   = $count
        ColdMs     = [math]::Round($cold.TotalMilliseconds)
        WarmMedianMs = [math]::Round($warm[2])
        WarmMinMs  = [math]::Round($warm[0])
    } | Format-List | Out-String | Write-Host
}
finally {
    Remove-Item $root -Recurse -Force
}
