#Requires -Version 7.4
<#
.SYNOPSIS
    A warm PowerShell session for the benchmark: imports the module once, then runs one command per request.

.DESCRIPTION
    Reads requests from stdin, one a line: <operation><TAB><path>, where operation is
      up            Invoke-MigrationUp -Path <path>
      status        Get-MigrationStatus -Path <path>
      fleet-up      Get-MigrationService -Path <path> | Invoke-MigrationUp
      fleet-status  Get-MigrationService -Path <path> | Get-MigrationStatus -Summary
    and answers each with one line: @@BENCH<TAB><milliseconds><TAB><objects emitted><TAB><error, or nothing><TAB><CPU ms>,
    the time (and the session's CPU time) measured here around the command alone. Other lines it may print (warnings) are not answers.
    Ends when stdin closes.
#>
param(
    [Parameter(Mandatory)]
    [string] $ModuleManifest
)

$ErrorActionPreference = 'Stop'
$watch = [System.Diagnostics.Stopwatch]::StartNew()
Import-Module $ModuleManifest
$import = $watch.Elapsed.TotalMilliseconds
$out = [Console]::Out
$self = [System.Diagnostics.Process]::GetCurrentProcess()
$out.WriteLine("@@BENCH`tready`t$import`t$($PSVersionTable.PSVersion)")
$out.Flush()

while ($null -ne ($line = [Console]::In.ReadLine())) {
    $operation, $path = $line.Split("`t", 2)
    $count = 0
    $failure = ''
    $self.Refresh()
    $cpu = $self.TotalProcessorTime.TotalMilliseconds
    $watch.Restart()
    try {
        $count = switch ($operation) {
            'up' { @(Invoke-MigrationUp -Path $path).Count }
            'status' { @(Get-MigrationStatus -Path $path).Count }
            'fleet-up' { @(Get-MigrationService -Path $path | Invoke-MigrationUp).Count }
            'fleet-status' { @(Get-MigrationService -Path $path | Get-MigrationStatus -Summary).Count }
            default { throw "unknown operation '$operation'" }
        }
    }
    catch {
        $failure = "$_" -replace '\s+', ' '
    }

    $elapsed = $watch.Elapsed.TotalMilliseconds
    $self.Refresh()
    $cpu = $self.TotalProcessorTime.TotalMilliseconds - $cpu
    $out.WriteLine("@@BENCH`t$elapsed`t$count`t$failure`t$cpu")
    $out.Flush()
}
