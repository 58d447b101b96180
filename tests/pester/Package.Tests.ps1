# The packages that "build.ps1 Package" writes into out/packages (build.ps1 Test writes them before this runs):
# the module installs with Install-PSResource from a local repository exactly as from a gallery (docs/ci.md), and the
# engine's NuGet package has what a NuGet consumer needs.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Add-Type -AssemblyName System.IO.Compression.FileSystem

    $packages = Join-Path $RepoRoot 'out/packages'
    $version = (Import-PowerShellDataFile $ModuleManifest).ModuleVersion
    $modulePackage = Join-Path $packages "SharedMigrations.$version.nupkg"
    $enginePackage = Join-Path $packages "SharedMigrations.Core.$version.nupkg"
    $engineSymbols = Join-Path $packages "SharedMigrations.Core.$version.snupkg"
    foreach ($file in $modulePackage, $enginePackage, $engineSymbols) {
        if (-not (Test-Path $file)) {
            throw "$file does not exist: run the tests through 'dotnet pwsh ./build.ps1 Test', which writes the packages first (or run 'build.ps1 Package')."
        }
    }

    # The entries of a package, and its nuspec as XML.
    function Read-Package([string] $Path) {
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Path)
        try {
            $nuspecEntry = $zip.Entries | Where-Object { $_.FullName -notlike '*/*' -and $_.Name -like '*.nuspec' } | Select-Object -First 1
            $reader = [IO.StreamReader]::new($nuspecEntry.Open())
            try { [xml] $nuspec = $reader.ReadToEnd() } finally { $reader.Dispose() }
            [pscustomobject]@{
                Entries  = @($zip.Entries | ForEach-Object { [uri]::UnescapeDataString($_.FullName) })
                Metadata = $nuspec.package.metadata
            }
        }
        finally {
            $zip.Dispose()
        }
    }
}

Describe 'The module package' -Tag 'Package' {
    # Skipped on Windows, where the profile folders do not follow HOME: the install would go to the real user's profile.
    It 'installs with Install-PSResource from a local repository, imports by name and runs' -Skip:$IsWindows {
        # A fresh pwsh whose profile folders are a temp folder: nothing touches the real user's repositories or modules
        # (Linux: XDG_DATA_HOME; macOS: HOME/Library/Application Support for PSResourceGet, HOME/.local/share for modules).
        $isolated = New-TestRoot
        $data = Join-Path $isolated '.local/share'
        New-Item -ItemType Directory -Path $data, (Join-Path $isolated 'Library/Application Support') | Out-Null
        $script = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name SharedMigrationsLocal -Uri '$packages' -Trusted
Install-PSResource -Name SharedMigrations -Version '$version' -Repository SharedMigrationsLocal -Scope CurrentUser -TrustRepository -Quiet
Import-Module SharedMigrations
`$module = Get-Module SharedMigrations
`$services = Get-MigrationService '$(Join-Path $RepoRoot 'examples/services')'
[pscustomobject]@{
    Version   = `$module.Version.ToString()
    Base      = `$module.ModuleBase
    Installed = (Get-InstalledPSResource SharedMigrations -Scope CurrentUser).Version.ToString()
    Services  = @(`$services.Name)
    Valid     = `$services | Test-Migration -Quiet
    Commands  = @((Get-Command -Module SharedMigrations).Name)
} | ConvertTo-Json -Compress
"@
        $saved = @{ HOME = $env:HOME; XDG_DATA_HOME = $env:XDG_DATA_HOME; PSModulePath = $env:PSModulePath }
        try {
            $env:HOME = $isolated
            $env:XDG_DATA_HOME = $data
            $env:PSModulePath = $null   # the child builds its own: its user folder (in the temp HOME) and $PSHOME's
            $output = & (Get-PwshPath) -NoProfile -NonInteractive -Command $script 2>&1
            $exitCode = $LASTEXITCODE
        }
        finally {
            foreach ($name in $saved.Keys) { Set-Item "env:$name" $saved[$name] }
        }

        $exitCode | Should -Be 0 -Because ($output | Out-String)
        $result = ($output | Select-Object -Last 1) | ConvertFrom-Json
        $result.Version | Should -Be $version
        $result.Installed | Should -Be $version
        $result.Base | Should -BeLike "$isolated*" -Because 'the module was installed into the (temporary) user scope'
        $result.Services | Should -Be @('auth-service', 'billing-service', 'notification-service')
        $result.Valid | Should -BeTrue
        $result.Commands | Should -HaveCount 12
        Remove-Item $isolated -Recurse -Force
    }

    It 'holds the module folder, and a manifest with what a gallery needs' {
        $package = Read-Package $modulePackage
        foreach ($file in 'SharedMigrations.psd1', 'SharedMigrations.Cmdlets.dll', 'SharedMigrations.format.ps1xml', 'LICENSE',
            'Dependencies/SharedMigrations.Core.dll', 'Dependencies/Npgsql.dll', 'Dependencies/YamlDotNet.dll',
            'en-US/SharedMigrations.Cmdlets.dll-Help.xml', 'en-US/about_SharedMigrations.help.txt') {
            $package.Entries | Should -Contain $file
        }
        $package.Entries | Where-Object { $_ -like '*System.Management.Automation.dll' } | Should -BeNullOrEmpty
        $package.Metadata.id | Should -Be 'SharedMigrations'
        $package.Metadata.version | Should -Be $version
        $package.Metadata.authors | Should -Not -BeNullOrEmpty
        $package.Metadata.description | Should -Not -BeNullOrEmpty
        $package.Metadata.licenseUrl | Should -Not -BeNullOrEmpty
        $package.Metadata.tags -split ' ' | Should -Contain 'PSModule'
        $package.Metadata.tags -split ' ' | Should -Contain 'PostgreSQL'
    }

    It 'left no temporary repository registered in the user profile' {
        $registrations = Join-Path ([Environment]::GetFolderPath('LocalApplicationData')) 'PSResourceGet/PSResourceRepository.xml'
        if (Test-Path $registrations) {
            Get-Content $registrations -Raw | Should -Not -Match 'SharedMigrationsBuild-'
        }
        Join-Path $RepoRoot 'PSResourceGet' | Should -Not -Exist -Because 'PSResourceGet writes there when its data folder is missing'
    }
}

Describe 'The engine package' -Tag 'Package' {
    BeforeAll {
        $package = Read-Package $enginePackage
    }

    It 'holds the library for net8.0 with its XML docs, and the README' {
        $package.Entries | Should -Contain 'lib/net8.0/SharedMigrations.Core.dll'
        $package.Entries | Should -Contain 'lib/net8.0/SharedMigrations.Core.xml'
        $package.Entries | Should -Contain 'README.md'
        $package.Entries | Where-Object { $_ -like 'lib/*' -and $_ -notlike 'lib/net8.0/*' } | Should -BeNullOrEmpty
    }

    It 'declares the id, the MIT license expression, the readme, tags and the repository commit' {
        $package.Metadata.id | Should -Be 'SharedMigrations.Core'
        $package.Metadata.version | Should -Be $version
        $package.Metadata.license.type | Should -Be 'expression'
        $package.Metadata.license.'#text' | Should -Be 'MIT'
        $package.Metadata.readme | Should -Be 'README.md'
        $package.Metadata.description | Should -Not -BeNullOrEmpty
        $package.Metadata.tags -split ' ' | Should -Contain 'postgresql'
        if (Test-Path (Join-Path $RepoRoot '.git')) {
            $package.Metadata.repository.type | Should -Be 'git'
            $package.Metadata.repository.commit | Should -Match '^[0-9a-f]{40}$'
        }
    }

    It 'depends on Npgsql, YamlDotNet and the logging abstractions only (Source Link is build-time only)' {
        $dependencies = @($package.Metadata.dependencies.group | Where-Object targetFramework -eq 'net8.0' | ForEach-Object { $_.dependency.id })
        $dependencies | Sort-Object | Should -Be @('Microsoft.Extensions.Logging.Abstractions', 'Npgsql', 'YamlDotNet')
    }

    It 'comes with a symbol package holding the portable PDB' {
        (Read-Package $engineSymbols).Entries | Should -Contain 'lib/net8.0/SharedMigrations.Core.pdb'
    }
}
