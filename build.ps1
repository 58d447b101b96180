#Requires -Version 7.4
<#
.SYNOPSIS
    The one entry point of the SharedMigrations build.

.DESCRIPTION
    Tasks:
      Build    check the code layout (dotnet format whitespace, C# lines at most 140 characters: build/Test-LineLength.ps1), compile (code style checked), assemble the module in out/SharedMigrations/<version>/ (cmdlets at the root, the engine and its
               dependencies in Dependencies/), generate the MAML help from docs/commands, check the file list.
      Test     Build, start a throwaway PostgreSQL (tests/TestDatabase), run the xunit engine tests and the Pester
               module tests against it. Writes the packages first (as Package does), so the Package tests can install them.
               Ends with a smoke run of the benchmark (Bench -Smoke: tiny sizes, no timing asserted) so that it cannot rot.
      Package  Build, then write the packages into out/packages/: the module as a PowerShell Gallery package
               (SharedMigrations.<version>.nupkg, written by Publish-PSResource, installed with Install-PSResource from
               a local or feed repository) and the engine as the NuGet package SharedMigrations.Core.<version>.nupkg
               with its symbols (.snupkg) and Source Link.
      Demo     Build, start a throwaway PostgreSQL, create the example services' roles and databases, migrate them all,
               show the status, roll one service back one step, show the status again, clean up.
      Bench    Build, then measure the engine, the module in a warm session and the whole pwsh process beside psql -f,
               sql-migrate, dbmate (whole processes; installed into out/bench-tools / with apt-get when missing), DbUp
               and Evolve (in-process and as fresh processes) on one throwaway PostgreSQL (data directory on /dev/shm where there is one): apply 200
               and 1,000 migrations, no-op up, status, Import-Module, 10,000 files, a fleet of 50 services; with round
               trips counted. Writes out/bench/performance.md and the generated section of docs/performance.md
               (10-15 minutes on two cores). With -Smoke: tiny sizes, one iteration each, docs/ untouched (what CI
               runs, about a minute after the build). Not part of Test: it is not a timed test.
      Soak     Build, start a throwaway PostgreSQL, then run fresh `pwsh -NoProfile -NonInteractive -File` processes one
               after another (-Parallel at a time): Invoke-MigrationUp, Undo-Migration (DOWNs that succeed and DOWNs that
               fail), Get-MigrationStatus, fleet runs of parallel services and Ctrl+C (SIGINT) at random moments, each
               cycle's exit code and output checked (build/Invoke-Soak.ps1). Unexpected cycles are kept in out/soak/cycles/
               with their output and, for a crash, a dump; the summary by kind is out/soak/summary.md. -Cycles, -Minutes (a
               time budget), -Parallel, -Seed, -Flavor (ReadyToRun, IL or Both), -Overwrite (the experiment of
               docs/reliability.md: module files rewritten under the running cycles). Not part of Test.
      Clean    Remove out/ and the build output.

.EXAMPLE
    dotnet tool restore
    dotnet pwsh ./build.ps1 Test

.EXAMPLE
    dotnet pwsh ./build.ps1 Bench -Smoke
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Package', 'Demo', 'Bench', 'Soak', 'Clean')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Test: run only the tests whose Pester tags / xunit traits match (for example Reliability).
    [string[]] $Tag,

    # Bench: tiny sizes and one iteration each, to prove the benchmark still runs (CI); docs/performance.md is not touched.
    [switch] $Smoke,

    # Soak: how many fresh-process cycles (and a time budget in minutes, 0 for none), how many at a time, the random seed (0: a new one), which build of the module.
    [int] $Cycles = 1000,
    [double] $Minutes = 0,
    [int] $Parallel = 2,
    [int] $Seed = 0,
    [ValidateSet('ReadyToRun', 'IL', 'Both')]
    [string] $Flavor = 'Both',

    # Soak: rewrite the module's assemblies under the running cycles, in place or atomically (the issue 14 experiment).
    [ValidateSet('None', 'InPlace', 'InPlaceNoTruncate', 'Atomic')]
    [string] $Overwrite = 'None'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Root = $PSScriptRoot
$Version = (Select-Xml -Path (Join-Path $Root 'Directory.Build.props') -XPath '//Version').Node.InnerText
$ModuleRoot = Join-Path $Root "out/SharedMigrations/$Version"
$ModuleManifest = Join-Path $ModuleRoot 'SharedMigrations.psd1'

function Write-Step([string] $Message) {
    Write-Host "==> $Message" -ForegroundColor Cyan
}

# Runs a program and fails the build when it fails. No param block on purpose: every argument (-c, -o, ...) goes to the program.
function Invoke-Native {
    $command, $arguments = $args
    & $command @arguments
    if ($LASTEXITCODE -ne 0) {
        # The arguments may carry a connection string (the throwaway server's password): never print a password.
        $line = "$command $($arguments -join ' ')" -replace '(?i)(password|pwd)\s*=\s*[^;''"\s]*', '$1=***'
        throw "'$line' failed with exit code $LASTEXITCODE."
    }
}

function Get-PackagesFolder {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    $line = & dotnet nuget locals global-packages --list
    return ($line -replace '^global-packages:\s*', '').Trim()
}

<#
 Builds the module in a staging folder and only then swaps it into out/SharedMigrations/<version> by renaming folders.
 A file of the module is never written over in place: a pwsh that has the module imported (a test, a soak, a script in
 another terminal) has its assemblies memory-mapped, and rewriting a mapped file changes the pages under it, which is what
 killed processes with "COMException (0x80131130): Unable to get nested type properties", SIGBUS and "Bad IL format"
 (issue 14, docs/reliability.md). A rename leaves the old files, whole, to the processes that still use them.
#>
function Invoke-Build {
    # Layout (indentation, spaces, braces, final newlines) as .editorconfig says: a file-based check, no restore, offline.
    # The code-style rules (naming, usings, namespaces) are checked by the compiler (EnforceCodeStyleInBuild).
    Write-Step 'Checking the code layout (dotnet format whitespace --verify-no-changes)'
    Invoke-Native dotnet format whitespace $Root --folder --verify-no-changes --exclude (Join-Path $Root 'out')
    Write-Step 'Checking the line length (C# lines of src/, tests/, bench/ at most 140 characters)'
    & (Join-Path $Root 'build/Test-LineLength.ps1') -Root $Root

    $final = $ModuleRoot
    $stage = Join-Path $Root "out/obj/stage/$Version"
    $script:ModuleRoot = $stage
    $script:ModuleManifest = Join-Path $stage 'SharedMigrations.psd1'
    try {
        Build-Module
    }
    finally {
        $script:ModuleRoot = $final
        $script:ModuleManifest = Join-Path $final 'SharedMigrations.psd1'
    }

    Publish-StagedModule -Stage $stage -Destination $final
    Write-Step "Module ready: $ModuleManifest"
}

# Moves the staged module into place by renames only: the old folder (if any) aside first, then the new one in, then the old one deleted.
function Publish-StagedModule([string] $Stage, [string] $Destination) {
    New-Item -ItemType Directory -Path (Split-Path $Destination) -Force | Out-Null
    $retired = Join-Path $Root ("out/obj/retired-" + [guid]::NewGuid().ToString('N').Substring(0, 10))
    if (Test-Path $Destination) {
        [IO.Directory]::Move($Destination, $retired)
    }

    [IO.Directory]::Move($Stage, $Destination)
    # Unlinking is safe: a process that mapped a retired file keeps it until it exits.
    Remove-Item $retired -Recurse -Force -ErrorAction Ignore
}

function Build-Module {
    Write-Step "Building SharedMigrations $Version ($Configuration)"
    Invoke-Native dotnet build (Join-Path $Root 'SharedMigrations.sln') -c $Configuration --nologo -v quiet '-clp:NoSummary'

    Write-Step "Assembling the module in $ModuleRoot"
    $publish = Join-Path $Root "out/obj/publish"
    Remove-Item $publish -Recurse -Force -ErrorAction Ignore
    Invoke-Native dotnet publish (Join-Path $Root 'src/SharedMigrations.Cmdlets') -c $Configuration --no-build --nologo -v quiet -o $publish

    Remove-Item $ModuleRoot -Recurse -Force -ErrorAction Ignore
    $dependencies = Join-Path $ModuleRoot 'Dependencies'
    New-Item -ItemType Directory -Path $dependencies, (Join-Path $ModuleRoot 'en-US') -Force | Out-Null

    Copy-Item (Join-Path $publish 'SharedMigrations.Cmdlets.dll') $ModuleRoot
    Copy-Item (Join-Path $publish 'SharedMigrations.Cmdlets.xml') $ModuleRoot -ErrorAction Ignore
    Get-ChildItem $publish -Filter *.dll |
        Where-Object { $_.Name -notin 'SharedMigrations.Cmdlets.dll', 'System.Management.Automation.dll' } |
        Copy-Item -Destination $dependencies

    $manifest = Get-Content (Join-Path $Root 'module/SharedMigrations.psd1') -Raw
    $manifest = $manifest -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion        = '$Version'"
    Set-Content -Path $ModuleManifest -Value $manifest -NoNewline
    Copy-Item (Join-Path $Root 'module/SharedMigrations.format.ps1xml') $ModuleRoot
    Copy-Item (Join-Path $Root 'module/en-US/*') (Join-Path $ModuleRoot 'en-US')
    Copy-Item (Join-Path $Root 'LICENSE') $ModuleRoot -ErrorAction Ignore

    Write-Step 'Generating help from docs/commands'
    Push-Location $Root
    try {
        Invoke-Native dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'build/New-MamlHelp.ps1') `
            -ModuleManifest $ModuleManifest `
            -MarkdownPath (Join-Path $Root 'docs/commands') `
            -OutputPath (Join-Path $ModuleRoot 'en-US/SharedMigrations.Cmdlets.dll-Help.xml')
    }
    finally {
        Pop-Location
    }

    Test-ModuleLayout
    Invoke-ReadyToRun
}

<#
 Compiles the module's assemblies ahead of time (ReadyToRun) for .NET 10, the runtime of PowerShell 7.6, on Linux x64
 build machines: a fresh pwsh (every CI step) then runs our commands without JIT-compiling them first. The IL stays in
 the files, so on any other runtime or platform the module works as before. Skipped, with a note, where crossgen2 is not
 available.
#>
function Invoke-ReadyToRun {
    if (-not $IsLinux -or [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture -ne 'X64') {
        Write-Step 'ReadyToRun skipped (crossgen2 is fetched for Linux x64 only); the module runs as IL'
        return
    }

    # The build runs on the pinned pwsh 7.6, that is on .NET 10: compile against the very runtime it runs on.
    $runtime = Get-Item ([System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory())
    if ([Environment]::Version.Major -ne 10) {
        Write-Step "ReadyToRun skipped (the build runs on .NET $([Environment]::Version), not 10); the module runs as IL"
        return
    }

    & dotnet restore (Join-Path $Root 'build/Crossgen.csproj') --nologo -v quiet | Out-Null
    $crossgen = Join-Path (Get-PackagesFolder) 'microsoft.netcore.app.crossgen2.linux-x64/10.0.12/tools/crossgen2'
    if ($LASTEXITCODE -ne 0 -or -not (Test-Path $crossgen)) {
        Write-Step 'ReadyToRun skipped (crossgen2 could not be restored); the module runs as IL'
        return
    }

    Write-Step "Compiling the module ReadyToRun for .NET $($runtime.Name)"
    $dependencies = Join-Path $ModuleRoot 'Dependencies'
    $il = Join-Path $Root 'out/obj/il'
    Remove-Item $il -Recurse -Force -ErrorAction Ignore
    New-Item -ItemType Directory -Path (Join-Path $il 'Dependencies') -Force | Out-Null

    # References, each simple name once: the runtime's own, then ours, then PowerShell's (System.Management.Automation).
    $references = [ordered]@{}
    foreach ($folder in $runtime.FullName, $dependencies, $PSHOME) {
        foreach ($file in Get-ChildItem $folder -Filter *.dll) {
            if (-not $references.Contains($file.BaseName)) { $references[$file.BaseName] = $file.FullName }
        }
    }

    # Our assemblies, not those the runtime has itself (its copy is the one loaded on .NET 10).
    $assemblies = @(Get-ChildItem $dependencies -Filter *.dll | Where-Object { $references[$_.BaseName] -eq $_.FullName }) +
        @(Get-Item (Join-Path $ModuleRoot 'SharedMigrations.Cmdlets.dll'))
    $referenceArguments = foreach ($path in $references.Values) {
        $ilCopy = if ($path.StartsWith($ModuleRoot)) { Join-Path $il ([IO.Path]::GetRelativePath($ModuleRoot, $path)) } else { $path }
        '-r', $ilCopy
    }

    foreach ($assembly in $assemblies) {
        $relative = [IO.Path]::GetRelativePath($ModuleRoot, $assembly.FullName)
        Copy-Item $assembly.FullName (Join-Path $il $relative)
    }

    foreach ($assembly in Get-ChildItem $dependencies -Filter *.dll | Where-Object { -not (Test-Path (Join-Path $il "Dependencies/$($_.Name)")) }) {
        Copy-Item $assembly.FullName (Join-Path $il "Dependencies/$($assembly.Name)")
    }

    foreach ($assembly in $assemblies) {
        $relative = [IO.Path]::GetRelativePath($ModuleRoot, $assembly.FullName)
        # Written to a new file, then renamed over the IL one: never rewritten in place (see Invoke-Build).
        $compiled = "$($assembly.FullName).r2r"
        $output = & $crossgen (Join-Path $il $relative) -o $compiled @referenceArguments --targetos:linux --targetarch:x64 -O 2>&1
        if ($LASTEXITCODE -eq 0) {
            Move-Item $compiled $assembly.FullName -Force
        }
        else {
            # Keep the IL build: slower to start, same behaviour.
            Remove-Item $compiled -Force -ErrorAction Ignore
            Write-Warning "ReadyToRun compilation of $relative failed; it stays IL. $($output | Select-Object -Last 3)"
        }
    }
}

function Test-ModuleLayout {
    $expected = @(
        'SharedMigrations.psd1'
        'SharedMigrations.Cmdlets.dll'
        'SharedMigrations.format.ps1xml'
        'en-US/SharedMigrations.Cmdlets.dll-Help.xml'
        'en-US/about_SharedMigrations.help.txt'
        'Dependencies/SharedMigrations.Core.dll'
        'Dependencies/Npgsql.dll'
        'Dependencies/YamlDotNet.dll'
        'Dependencies/Microsoft.Extensions.Logging.Abstractions.dll'
    )
    $missing = $expected | Where-Object { -not (Test-Path (Join-Path $ModuleRoot $_)) }
    if ($missing) {
        throw "The module in $ModuleRoot is incomplete; missing: $($missing -join ', ')"
    }

    $stray = Get-ChildItem $ModuleRoot -Filter *.dll | Where-Object Name -ne 'SharedMigrations.Cmdlets.dll'
    if ($stray) {
        throw "Only the cmdlets assembly belongs at the module root; move to Dependencies/: $($stray.Name -join ', ')"
    }

    if (Test-Path (Join-Path $ModuleRoot 'Dependencies/System.Management.Automation.dll')) {
        throw 'System.Management.Automation.dll must not ship with the module.'
    }

    $data = Import-PowerShellDataFile $ModuleManifest
    foreach ($key in 'RequiredAssemblies', 'NestedModules') {
        if ($data.ContainsKey($key) -and $data[$key]) {
            throw "The manifest must not list $key; the engine is loaded into a private AssemblyLoadContext."
        }
    }

    Write-Step "Module layout checked: $ModuleManifest"
}

function Restore-TestTools {
    Invoke-Native dotnet restore (Join-Path $Root 'build/TestTools.csproj') --nologo -v quiet
    $packages = Get-PackagesFolder
    $pester = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $pester)) {
        throw "Pester 5.7.1 was not found at $pester after restoring build/TestTools.csproj."
    }

    return [pscustomobject]@{
        Pester     = $pester
        YamlDotNet = Join-Path $packages 'yamldotnet/13.7.1/lib/net7.0/YamlDotNet.dll'
        Npgsql     = Join-Path $packages 'npgsql/8.0.5/lib/net8.0/Npgsql.dll'
    }
}

<#
 A throwaway PostgreSQL for the tests and the demo, from the same fixture the xunit tests use
 (SHAREDMIGRATIONS_TEST_CONNECTION, else Testcontainers when Docker answers, else the server binaries on the machine).
 It lives as long as its stdin is open.
#>
function Start-TestDatabase {
    $fixture = Join-Path $Root "tests/TestDatabase/bin/$Configuration/net10.0/SharedMigrations.TestDatabase.dll"
    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $info.ArgumentList.Add($fixture)
    $info.ArgumentList.Add('serve')
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $false
    $info.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($info)
    $line = $process.StandardOutput.ReadLine()
    if (-not $line) {
        $process.WaitForExit()
        throw "No PostgreSQL for the tests (the fixture exited with code $($process.ExitCode); its message is above). Set SHAREDMIGRATIONS_TEST_CONNECTION to a server you own, or install Docker or the PostgreSQL server binaries."
    }

    $server = $line | ConvertFrom-Json
    Write-Step "Test PostgreSQL: $($server.source)"
    return [pscustomobject]@{ Process = $process; ConnectionString = $server.connectionString; Host = $server.host; Port = $server.port }
}

function Stop-TestDatabase($Database) {
    if ($null -eq $Database) { return }
    try { $Database.Process.StandardInput.Close() } catch { }
    if (-not $Database.Process.WaitForExit(60000)) {
        $Database.Process.Kill($true)
    }
}

function Invoke-Test {
    Invoke-Build
    if (-not $Tag -or $Tag -contains 'Package') { New-Packages }
    $tools = Restore-TestTools
    $database = Start-TestDatabase
    $saved = $env:SHAREDMIGRATIONS_TEST_CONNECTION
    $failures = @()
    try {
        $env:SHAREDMIGRATIONS_TEST_CONNECTION = $database.ConnectionString

        Write-Step 'Engine tests (xunit)'
        $filter = if ($Tag) { @('--filter', (($Tag | ForEach-Object { "Category=$_" }) -join '|')) } else { @() }
        & dotnet test (Join-Path $Root 'tests/unit') -c $Configuration --no-build --nologo @filter
        if ($LASTEXITCODE -ne 0) { $failures += 'xunit' }

        Write-Step 'Module tests (Pester, in a fresh pwsh)'
        $pesterArguments = @(
            '-ModuleManifest', $ModuleManifest, '-PesterPath', $tools.Pester,
            '-YamlDotNetPath', $tools.YamlDotNet, '-NpgsqlPath', $tools.Npgsql,
            '-FixturePath', (Join-Path $Root "tests/TestDatabase/bin/$Configuration/net10.0/SharedMigrations.TestDatabase.dll"))
        if ($Tag) { $pesterArguments += @('-Tag', ($Tag -join ',')) }
        & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/pester/Invoke-PesterSuite.ps1') @pesterArguments
        if ($LASTEXITCODE -ne 0) { $failures += 'Pester' }

        if (-not $Tag) {
            # Not a timed test: a smoke run with tiny sizes, so that the benchmark cannot rot (its figures mean nothing).
            try { Invoke-Benchmark -Smoke } catch { Write-Host $_ -ForegroundColor Red; $failures += 'Bench -Smoke' }
        }
    }
    finally {
        $env:SHAREDMIGRATIONS_TEST_CONNECTION = $saved
        Stop-TestDatabase $database
    }

    if ($failures) {
        throw "Tests failed: $($failures -join ', ')."
    }

    Write-Step 'All tests passed.'
}

function Invoke-Demo {
    Invoke-Build
    $database = Start-TestDatabase
    try {
        Invoke-Native dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'build/Demo.ps1') `
            -ModuleManifest $ModuleManifest -AdminConnectionString $database.ConnectionString `
            -ServicesPath (Join-Path $Root 'examples/services')
    }
    finally {
        Stop-TestDatabase $database
    }
}

function Invoke-Bench {
    Invoke-Build
    Invoke-Benchmark -Smoke:$Smoke
}

# Runs the benchmark harness over the module already built.
function Invoke-Benchmark([switch] $Smoke) {
    $harness = Join-Path $Root "bench/SharedMigrations.Benchmarks/bin/$Configuration/net10.0/SharedMigrations.Benchmarks.dll"
    $arguments = @('--module', $ModuleManifest, '--work', (Join-Path $Root 'out/bench/work'))
    # The pwsh running this build (its own launcher, not `dotnet pwsh`, whose tool lookup would be timed too).
    $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    if (Test-Path $pwsh) { $arguments += @('--pwsh', $pwsh) }
    $arguments += Get-BenchPeers -Install:(-not $Smoke)
    if ($Smoke) {
        Write-Step 'Benchmark, smoke run (tiny sizes; the figures mean nothing)'
        $arguments += @('--smoke', '--report', (Join-Path $Root 'out/bench/performance-smoke.md'))
    }
    else {
        Write-Step 'Benchmark, full run (10-15 minutes; keep the machine otherwise idle for figures worth keeping)'
        $arguments += @('--report', (Join-Path $Root 'out/bench/performance.md'), '--docs', (Join-Path $Root 'docs/performance.md'))
    }

    Invoke-Native dotnet $harness @arguments
}

# The Go peers measured beside us as whole processes: sql-migrate (Debian package) and dbmate (npm package that ships
# its binary). A full run installs what is missing (dbmate into out/bench-tools with npm; sql-migrate with apt-get when
# running as root); the smoke run only uses what is there. A peer that is not there is reported as not run, with why.
function Get-BenchPeers([switch] $Install) {
    $arguments = @()
    $tools = Join-Path $Root 'out/bench-tools'
    $dbmate = Join-Path $tools 'node_modules/.bin/dbmate'
    if (-not (Test-Path $dbmate) -and -not (Get-Command dbmate -ErrorAction Ignore) -and $Install -and (Get-Command npm -ErrorAction Ignore)) {
        Write-Step 'Installing the peer dbmate 2.36.0 into out/bench-tools (npm; the benchmark only)'
        New-Item -ItemType Directory -Force $tools | Out-Null
        & npm install --prefix $tools --no-audit --no-fund --silent 'dbmate@2.36.0' 2>&1 | Write-Host
    }
    if (Test-Path $dbmate) { $arguments += @('--dbmate', $dbmate) }

    if (-not (Get-Command sql-migrate -ErrorAction Ignore) -and $Install -and $IsLinux -and (Get-Command apt-get -ErrorAction Ignore) -and
        ((& id -u) -eq '0')) {
        Write-Step 'Installing the peer sql-migrate (apt-get; the benchmark only)'
        $env:DEBIAN_FRONTEND = 'noninteractive'
        # A fresh machine has no package lists yet: without them apt-get cannot find the package.
        & apt-get update -qq 2>&1 | Write-Host
        & apt-get install -y -qq sql-migrate 2>&1 | Write-Host
    }

    return $arguments
}

function Invoke-Package {
    Invoke-Build
    New-Packages
}

# The module and the engine as packages in out/packages (after Invoke-Build).
function New-Packages {
    $packages = Join-Path $Root 'out/packages'
    Remove-Item $packages -Recurse -Force -ErrorAction Ignore
    New-Item -ItemType Directory -Path $packages | Out-Null

    Test-GalleryManifest
    Write-Step "Packing the module into $packages (Publish-PSResource, in a child pwsh)"
    # On Linux PSResourceGet keeps its repository registrations under XDG_DATA_HOME: give the child a folder of its own,
    # so the user's registrations are not even opened (elsewhere the script's unique name and finally do the job).
    $saved = $env:XDG_DATA_HOME
    $data = Join-Path ([IO.Path]::GetTempPath()) ("sm-package-" + [guid]::NewGuid().ToString('N').Substring(0, 10))
    New-Item -ItemType Directory -Path $data | Out-Null
    Push-Location $Root
    try {
        if ($IsLinux) { $env:XDG_DATA_HOME = $data }
        Invoke-Native dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'build/Publish-ModulePackage.ps1') `
            -ModulePath $ModuleRoot -Destination $packages
    }
    finally {
        $env:XDG_DATA_HOME = $saved
        Pop-Location
        Remove-Item $data -Recurse -Force -ErrorAction Ignore
    }

    Write-Step 'Packing the engine (SharedMigrations.Core, with symbols and Source Link)'
    Invoke-Native dotnet pack (Join-Path $Root 'src/SharedMigrations.Core') -c $Configuration --no-build --nologo -v quiet -o $packages

    foreach ($file in Get-ChildItem $packages -File | Sort-Object Name) {
        Write-Host ('    {0,-45} {1,8:N0} KB' -f $file.Name, ($file.Length / 1KB))
    }
}

# What a gallery needs from the manifest: Description, Author, Tags, a license; a ProjectUri only when it is a real one.
function Test-GalleryManifest {
    $data = Import-PowerShellDataFile $ModuleManifest
    $psData = $data.PrivateData.PSData
    $problems = @()
    if (-not "$($data['Description'])".Trim()) { $problems += 'Description' }
    if (-not "$($data['Author'])".Trim()) { $problems += 'Author' }
    if (-not $psData -or -not $psData['Tags']) { $problems += 'PrivateData.PSData.Tags' }
    if (-not $psData -or -not $psData['LicenseUri']) { $problems += 'PrivateData.PSData.LicenseUri' }
    if (-not (Test-Path (Join-Path $ModuleRoot 'LICENSE'))) { $problems += 'the LICENSE file in the module folder' }
    foreach ($key in 'LicenseUri', 'ProjectUri', 'IconUri') {
        if ($psData -and $psData[$key] -and -not ([uri]::IsWellFormedUriString($psData[$key], 'Absolute') -and $psData[$key] -like 'https://*')) {
            $problems += "PrivateData.PSData.$key (not an https URL: $($psData[$key]))"
        }
    }

    if ($problems) {
        throw "The module manifest $ModuleManifest lacks what a gallery needs: $($problems -join ', ')."
    }
}

function Invoke-Soak {
    Invoke-Build
    $database = Start-TestDatabase
    try {
        Invoke-Native dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'build/Invoke-Soak.ps1') `
            -ModuleManifest $ModuleManifest -AdminConnectionString $database.ConnectionString `
            -FixturePath (Join-Path $Root "tests/TestDatabase/bin/$Configuration/net10.0/SharedMigrations.TestDatabase.dll") `
            -OutPath (Join-Path $Root 'out/soak') -IlPath (Join-Path $Root 'out/obj/il') `
            -Cycles $Cycles -Minutes $Minutes -Parallel $Parallel -Seed $Seed -Flavor $Flavor -Overwrite $Overwrite `
            -Pwsh (Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh'))
    }
    finally {
        Stop-TestDatabase $database
    }
}

function Invoke-Clean {
    Remove-Item (Join-Path $Root 'out') -Recurse -Force -ErrorAction Ignore
    Invoke-Native dotnet clean (Join-Path $Root 'SharedMigrations.sln') -c $Configuration --nologo -v quiet
}

foreach ($name in $Task) {
    switch ($name) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Package' { Invoke-Package }
        'Demo' { Invoke-Demo }
        'Bench' { Invoke-Bench }
        'Soak' { Invoke-Soak }
        'Clean' { Invoke-Clean }
    }
}
