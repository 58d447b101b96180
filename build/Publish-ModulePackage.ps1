<#
.SYNOPSIS
    Writes the built module as a PowerShell Gallery package (<name>.<version>.nupkg) into a folder, the way
    Publish-PSResource writes it to any repository, so that Install-PSResource installs it from there.

.DESCRIPTION
    "build.ps1 Package" runs this in a child pwsh, so the build session keeps its modules and repositories as they were.
    Publish-PSResource needs a registered repository: this registers a temporary local one under a unique name that
    points at the destination folder, publishes, and unregisters it in `finally`, so the user's repository
    registrations are left as they were even when publishing fails. On Linux the build also points XDG_DATA_HOME at a
    temporary folder for this process, so PSResourceGet's registration file in the user's profile is not even opened.
#>
[CmdletBinding()]
param(
    # The built module folder: out/SharedMigrations/<version>.
    [Parameter(Mandatory)] [string] $ModulePath,
    # Where the .nupkg goes: out/packages.
    [Parameter(Mandatory)] [string] $Destination
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$ModulePath = (Resolve-Path $ModulePath).ProviderPath
$Destination = (Resolve-Path $Destination).ProviderPath

# PSResourceGet falls back to paths relative to the current folder when its data folder is missing; work elsewhere.
$scratch = Join-Path ([IO.Path]::GetTempPath()) ("sm-publish-" + [guid]::NewGuid().ToString('N').Substring(0, 10))
New-Item -ItemType Directory -Path $scratch | Out-Null
Push-Location $scratch

$repository = 'SharedMigrationsBuild-' + [guid]::NewGuid().ToString('N')
try {
    Register-PSResourceRepository -Name $repository -Uri $Destination -Trusted
    try {
        Publish-PSResource -Path $ModulePath -Repository $repository
    }
    finally {
        Unregister-PSResourceRepository -Name $repository
    }
}
finally {
    Pop-Location
    Remove-Item $scratch -Recurse -Force -ErrorAction Ignore
}

$data = Import-PowerShellDataFile (Join-Path $ModulePath 'SharedMigrations.psd1')
$package = Join-Path $Destination "SharedMigrations.$($data.ModuleVersion).nupkg"
if (-not (Test-Path $package)) {
    throw "Publish-PSResource reported no error but $package was not written."
}
