<#
.SYNOPSIS
    The cold path of issue 12: Import-Module and the first no-op Invoke-MigrationUp, in fresh pwsh processes.

.DESCRIPTION
    Runs -Count fresh `pwsh -NoProfile -NonInteractive -Command` processes per module build (after one warm-up round),
    round-robin: Import-Module of an empty manifest module (PowerShell's floor), then for each -ModuleManifest
    Import-Module, a first and a second no-op Invoke-MigrationUp -Path -Service. Inside each process it measures per
    part: wall ms (Stopwatch), CPU ms of the whole process (all threads) and the methods JIT-compiled
    ([System.Runtime.JitInfo], all threads). Prints medians with min-max, and the load average. The service must be
    applied already, so that each Invoke-MigrationUp is a no-op, and the environment its config.yaml reads (a password
    variable) set in this process: the children inherit it. Round-robin keeps builds comparable on a loaded machine.

.EXAMPLE
    dotnet pwsh bench/cold/Measure-ColdPath.ps1 -ModuleManifest out/SharedMigrations/0.1.0/SharedMigrations.psd1 -Service /dev/shm/svc -Count 9
#>
[CmdletBinding()]
param(
    # One or more builds of the module, compared round-robin.
    [Parameter(Mandatory)] [string[]] $ModuleManifest,
    [Parameter(Mandatory)] [string] $Service,
    [int] $Count = 9,
    # The pwsh to measure: its own executable, not `dotnet pwsh` (whose tool lookup would be timed too).
    [string] $Pwsh = (Join-Path $PSHOME 'pwsh'),
    # Extra environment for the children (for example DOTNET_TieredPGO=0), NAME=VALUE each.
    [string[]] $Environment = @()
)

$ErrorActionPreference = 'Stop'
$ModuleManifest = $ModuleManifest -split ',' | Where-Object { $_ } # -File passes a list as one string
$empty = Join-Path ([IO.Path]::GetTempPath()) 'sm-cold-empty'
New-Item -ItemType Directory -Force $empty | Out-Null
Set-Content (Join-Path $empty 'Empty.psd1') "@{ ModuleVersion = '1.0'; GUID = 'a0b1c2d3-0000-4000-8000-000000000001' }"

# A probe: wall ms, CPU ms of the process, methods JIT-compiled so far. The types are touched once before the clock starts.
$probe = '$w.Elapsed.TotalMilliseconds, $p.TotalProcessorTime.TotalMilliseconds, [System.Runtime.JitInfo]::GetCompiledMethodCount($false)'
function Get-Script([string] $manifest, [bool] $commands) {
    $s = '$ErrorActionPreference = ''Stop''; $p = [Diagnostics.Process]::GetCurrentProcess(); $null = [System.Runtime.JitInfo]::GetCompiledMethodCount($false); ' +
        '$w = [Diagnostics.Stopwatch]::StartNew(); $p.Refresh(); $a = ' + $probe + "; Import-Module '$manifest'; `$p.Refresh(); `$b = $probe; "
    if ($commands) {
        $s += "Invoke-MigrationUp -Path '$Service'; `$p.Refresh(); `$c = $probe; Invoke-MigrationUp -Path '$Service'; `$p.Refresh(); `$d = $probe; "
    }
    else {
        $s += '$c = $b; $d = $b; '
    }
    $s + '[Console]::Out.WriteLine("@@`t" + (($a + $b + $c + $d) -join "`t"))'
}

foreach ($pair in $Environment | Where-Object { $_ }) {
    $name, $value = $pair -split '=', 2
    Set-Item "env:$name" $value
}

$kinds = [ordered]@{ 'empty module' = Get-Script (Join-Path $empty 'Empty.psd1') $false }
foreach ($manifest in $ModuleManifest) {
    $path = (Resolve-Path $manifest).ProviderPath
    $kinds[$path] = Get-Script $path $true
}

$samples = @{}
foreach ($kind in $kinds.Keys) { $samples[$kind] = [Collections.Generic.List[double[]]]::new() }
for ($n = 0; $n -le $Count; $n++) {
    foreach ($kind in $kinds.Keys) {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $output = & $Pwsh -NoProfile -NonInteractive -Command $kinds[$kind] 2>&1
        $wall = $watch.Elapsed.TotalMilliseconds
        $line = $output | Where-Object { "$_".StartsWith('@@') } | Select-Object -Last 1
        if (-not $line -or $LASTEXITCODE -ne 0) { throw "$kind failed: $($output -join "`n")" }
        if ($n -eq 0) { continue } # warm-up round: file cache
        $samples[$kind].Add([double[]](@("$line".Split("`t") | Select-Object -Skip 1) + $wall))
    }
}

function Get-Median([double[]] $Values) {
    $sorted = [double[]]($Values | Sort-Object)
    $m = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$m] } else { ($sorted[$m - 1] + $sorted[$m]) / 2 }
}

"load average at the end: $((Get-Content /proc/loadavg -ErrorAction Ignore) -replace ' \d+/\d+ \d+$', ''); $Count fresh processes per build, round-robin; environment: $($Environment -join ' ')"
# process: the whole pwsh process as its parent sees it (start-up, the script, exit).
'{0,-16} {1,-8} {2,26} {3,26} {4,12}' -f 'build', 'part', 'wall ms: median (min-max)', 'CPU ms: median (min-max)', 'JIT methods'
foreach ($kind in $kinds.Keys) {
    $label = if ($kind -eq 'empty module') { $kind } else { Split-Path (Split-Path (Split-Path (Split-Path $kind))) -Leaf }
    $parts = if ($kind -eq 'empty module') { , @('import') } else { @('import', 'first up', 'second up') }
    for ($i = 0; $i -lt $parts.Count; $i++) {
        $row = foreach ($k in 0..2) {
            $v = $samples[$kind] | ForEach-Object { $_[3 * ($i + 1) + $k] - $_[3 * $i + $k] }
            , [double[]]$v
        }
        $fmt = { param($v) '{0,7:N1} ({1:N0}-{2:N0})' -f (Get-Median $v), ($v | Measure-Object -Minimum).Minimum, ($v | Measure-Object -Maximum).Maximum }
        '{0,-16} {1,-8} {2,26} {3,26} {4,12}' -f $label, $parts[$i], (& $fmt $row[0]), (& $fmt $row[1]), (Get-Median $row[2])
    }
    $whole = [double[]]($samples[$kind] | ForEach-Object { $_[12] })
    '{0,-16} {1,-8} {2,26}' -f $label, 'process', (& $fmt $whole)
}
