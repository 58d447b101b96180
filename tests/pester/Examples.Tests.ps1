# The examples that can run here: the per-service Makefile (examples/services/auth-service/Makefile), driven by GNU
# make against a throwaway database. (The CI YAML examples are parsed and checked by the xunit tests in
# tests/unit/Examples; the dotnet-service example is run as a process there too.)

BeforeDiscovery {
    # The Makefile is an example for machines with GNU make (Linux and macOS CI runners, this one); on a machine without
    # make (a Windows developer box) there is nothing to run it with, so only there these tests are skipped.
    $script:noMake = -not (Get-Command make -CommandType Application -ErrorAction Ignore)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # Runs make in a service folder with the built module and this pwsh; returns the exit code and all output.
    function Invoke-Make([string] $Folder, [string[]] $Arguments) {
        $output = & make -C $Folder --no-print-directory @Arguments "MODULE=$ModuleManifest" "PWSH=$(Get-PwshPath)" 2>&1
        # Colours stripped: the tests read the text.
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = (($output | Out-String) -replace '\x1b\[[0-9;]*m', '') }
    }
}

# Skipped only where GNU make is absent (a Windows developer box): nothing there could run a Makefile. Here and in CI it runs.
Describe 'The per-service Makefile' -Tag 'Examples' -Skip:$noMake {
    BeforeAll {
        $db = New-TestDatabase 'make'
        $root = New-TestRoot
        # A copy of auth-service (its Makefile, config.yaml and migrations), so migrate-create writes into the copy.
        Copy-Item (Join-Path $RepoRoot 'examples/services/auth-service') $root -Recurse
        $service = Join-Path $root 'auth-service'
        # The real config names auth_user and auth_service; CONFIG_FILE points the service at the test database instead.
        $builder = [System.Data.Common.DbConnectionStringBuilder]::new()
        $builder.set_ConnectionString($db)
        $env:SM_MAKE_PASSWORD = $builder['Password']
        $config = Join-Path $root 'test-config.yaml'
        Set-Content $config @"
service:
  name: auth-service
database:
  host: $($builder['Host'])
  port: $($builder['Port'])
  username: $($builder['Username'])
  password: `${SM_MAKE_PASSWORD}
  database: $($builder['Database'])
"@
        $configArgument = "CONFIG_FILE=$config"
    }

    AfterAll {
        Remove-TestDatabase $db
        Remove-Item $root -Recurse -Force -ErrorAction Ignore
        Remove-Item env:SM_MAKE_PASSWORD -ErrorAction Ignore
    }

    It 'migrate-status shows every migration Pending before the first run' {
        $result = Invoke-Make $service 'migrate-status', $configArgument
        $result.ExitCode | Should -Be 0 -Because $result.Output
        $result.Output | Should -Match 'Checking migration status'
        $result.Output | Should -Match '\b1 +create_users +Pending'
        $result.Output | Should -Not -Match ([regex]::Escape($env:SM_MAKE_PASSWORD))
    }

    It 'migrate-up applies them all, and migrate-status then shows them Applied' {
        $result = Invoke-Make $service 'migrate-up', $configArgument
        $result.ExitCode | Should -Be 0 -Because $result.Output
        Get-TestColumn $db 'SELECT version FROM schema_migrations ORDER BY version' | Should -Be @(1, 2, 3, 4, 5)

        $status = Invoke-Make $service 'migrate-status', $configArgument
        $status.ExitCode | Should -Be 0
        $status.Output | Should -Match '\b5 +seed_default_roles +Applied'
        $status.Output | Should -Not -Match 'Pending'
    }

    It 'migrate-down TARGET=3 rolls back to version 3' {
        $result = Invoke-Make $service 'migrate-down', 'TARGET=3', $configArgument
        $result.ExitCode | Should -Be 0 -Because $result.Output
        Get-TestColumn $db 'SELECT version FROM schema_migrations ORDER BY version' | Should -Be @(1, 2, 3)
    }

    It 'migrate-create NAME= writes the next file; without NAME it says how to call it' {
        $result = Invoke-Make $service 'migrate-create', 'NAME=add_users_locale', 'TEMPLATE=add_column', $configArgument
        $result.ExitCode | Should -Be 0 -Because $result.Output
        Join-Path $service 'migrations/006_add_users_locale.sql' | Should -Exist
        $result.Output | Should -Match '006_add_users_locale\.sql'

        $usage = Invoke-Make $service 'migrate-create'
        $usage.ExitCode | Should -Not -Be 0
        $usage.Output | Should -Match 'usage: make migrate-create NAME='
    }

    It 'fails (non-zero exit) when a migration fails, naming the file and line' {
        Set-Content (Join-Path $service 'migrations/007_broken.sql') "-- Migration: broken`n`n-- +++++ UP`nSELECT * FROM no_such_table;`n`n-- +++++ DOWN`nSELECT 1;`n"
        Remove-Item (Join-Path $service 'migrations/006_add_users_locale.sql')
        $result = Invoke-Make $service 'migrate-up', $configArgument
        $result.ExitCode | Should -Not -Be 0
        $result.Output | Should -Match '007_broken\.sql line 4'
        Get-TestColumn $db 'SELECT version FROM schema_migrations ORDER BY version' | Should -Be @(1, 2, 3, 4, 5)
    }
}
