# The module as a whole: manifest, exports, isolation of its dependencies, unload and reload.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $pwsh = Get-PwshPath

    function Invoke-FreshPwsh([string] $Script) {
        $output = & $pwsh -NoProfile -NonInteractive -Command $Script 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | Out-String) }
    }
}

Describe 'The module' {
    It 'exports exactly the twelve commands' {
        (Get-Command -Module SharedMigrations).Name | Sort-Object | Should -Be @(
            'Compare-MigrationSchema', 'Export-MigrationSchema', 'Get-MigrationHistory', 'Get-MigrationSchema',
            'Get-MigrationService', 'Get-MigrationStatus', 'Invoke-MigrationUp', 'New-Migration',
            'Repair-MigrationHistory', 'Test-Migration', 'Test-MigrationRoundTrip', 'Undo-Migration')
    }

    It 'declares PowerShell 7.4, Core edition, and no RequiredAssemblies or NestedModules' {
        $data = Import-PowerShellDataFile $ModuleManifest
        $data.PowerShellVersion | Should -Be '7.4'
        $data.CompatiblePSEditions | Should -Be @('Core')
        $data.Keys | Should -Not -Contain 'RequiredAssemblies'
        $data.Keys | Should -Not -Contain 'NestedModules'
    }

    It 'loads the engine and its dependencies into a private load context' {
        Get-MigrationService (Join-Path $RepoRoot 'examples/services/auth-service') | Out-Null
        $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'SharedMigrations.Core' }
        $core | Should -HaveCount 1
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($core).Name | Should -Be 'SharedMigrations'
        $yaml = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'YamlDotNet' -and $_.Location -like '*Dependencies*' }
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($yaml).Name | Should -Be 'SharedMigrations'
    }

    It 'maps every value of the engine''s enums to the output type of the same name, and back for -CIFormat' {
        # OutputMapper is internal and the engine's enums live in the private load context: reach both by reflection,
        # as loaded in this session, so that a value added to an engine enum without a mapping fails here.
        Get-MigrationService (Join-Path $RepoRoot 'examples/services/auth-service') | Out-Null
        $mapper = [SharedMigrations.MigrationState].Assembly.GetType('SharedMigrations.Infrastructure.OutputMapper', $true)
        $maps = @($mapper.GetMethods([System.Reflection.BindingFlags] 'Public, Static') | Where-Object Name -eq 'Map')
        $maps.Count | Should -Be 5
        foreach ($map in $maps) {
            $from = $map.GetParameters()[0].ParameterType
            $to = $map.ReturnType
            $mapped = foreach ($value in [Enum]::GetValues($from)) {
                $result = $map.Invoke($null, @($value))
                $result.ToString() | Should -Be $value.ToString() -Because "$($from.FullName).$value maps to $($to.FullName)"
                $result.ToString()
            }
            $mapped | Sort-Object | Should -Be ([Enum]::GetNames($to) | Sort-Object) -Because "every $($to.FullName) value is reached"
        }
    }

    It 'declares the output type of every command' {
        foreach ($command in Get-Command -Module SharedMigrations) {
            $command.OutputType | Should -Not -BeNullOrEmpty -Because "$($command.Name) should declare [OutputType]"
        }
    }

    It 'works in a session that already loaded another YamlDotNet and another Npgsql' -Tag 'Reliability' {
        if (-not $env:SHAREDMIGRATIONS_TEST_YAMLDOTNET -or -not (Test-Path $env:SHAREDMIGRATIONS_TEST_YAMLDOTNET)) {
            throw 'SHAREDMIGRATIONS_TEST_YAMLDOTNET / SHAREDMIGRATIONS_TEST_NPGSQL must name other versions of those assemblies: run the tests through "dotnet pwsh ./build.ps1 Test".'
        }

        $db = New-TestDatabase 'pester_coexist'
        $root = New-TestRoot
        try {
            $svc = New-TestService -Root $root -Name 'coexist' -ConnectionString $db -Migrations @{ '001_a.sql' = @{ Up = 'CREATE TABLE a (id int);'; Down = 'DROP TABLE a;' } }
            $script = @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$($env:SHAREDMIGRATIONS_TEST_YAMLDOTNET)'
Add-Type -Path '$($env:SHAREDMIGRATIONS_TEST_NPGSQL)'
`$before = [YamlDotNet.Serialization.Deserializer].Assembly.GetName().Version.Major, [Npgsql.NpgsqlConnection].Assembly.GetName().Version.Major
`$env:SM_TEST_PASSWORD = '$($env:SM_TEST_PASSWORD)'
Import-Module '$ModuleManifest'
`$result = Invoke-MigrationUp '$svc'
`$status = Get-MigrationStatus '$svc' -Summary
"yaml=`$(`$before[0]) npgsql=`$(`$before[1]) applied=`$(`$result.Version) state=`$(`$status.State)"
`$ours = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -in 'Npgsql', 'YamlDotNet' } | ForEach-Object { "`$(`$_.GetName().Name)/`$(`$_.GetName().Version.Major)" } | Sort-Object
"loaded=`$(`$ours -join ',')"
"@
            $run = Invoke-FreshPwsh $script
            $run.Output | Should -BeLike '*yaml=13 npgsql=8 applied=1 state=UpToDate*'
            $run.Output | Should -BeLike '*loaded=Npgsql/10,Npgsql/8,YamlDotNet/13,YamlDotNet/18*'
            $run.ExitCode | Should -Be 0
        }
        finally {
            Remove-TestDatabase $db
            Remove-Item $root -Recurse -Force
        }
    }

    It 'can be removed and imported again in the same session' -Tag 'Reliability' {
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModuleManifest'
`$a = (Get-MigrationService '$RepoRoot/examples/services').Count
Remove-Module SharedMigrations
Import-Module '$ModuleManifest'
`$b = (Get-MigrationService '$RepoRoot/examples/services').Count
"counts=`$a,`$b"
"@
        $run = Invoke-FreshPwsh $script
        $run.Output | Should -BeLike '*counts=3,3*'
        $run.ExitCode | Should -Be 0
    }
}
