# CI integration (docs/ci.md): annotations at file and line, step summaries, and a failing step, run as a CI system would:
# a fresh pwsh with the CI's environment variables, its standard output read back.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $pwsh = Get-PwshPath

    # Runs a script in a fresh pwsh with the given environment (and no CI variables of this session's own).
    function Invoke-CiStep([hashtable] $Environment, [string] $Script) {
        $info = [System.Diagnostics.ProcessStartInfo]::new($pwsh)
        foreach ($argument in '-NoProfile', '-NonInteractive', '-Command', $Script) { $info.ArgumentList.Add($argument) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.UseShellExecute = $false
        foreach ($name in 'GITHUB_ACTIONS', 'TF_BUILD', 'GITHUB_STEP_SUMMARY', 'GITHUB_WORKSPACE', 'BUILD_SOURCESDIRECTORY', 'AGENT_TEMPDIRECTORY') {
            $info.Environment.Remove($name) | Out-Null
        }
        $info.Environment['SM_TEST_PASSWORD'] = $env:SM_TEST_PASSWORD
        $info.Environment['NO_COLOR'] = '1'
        foreach ($key in $Environment.Keys) { $info.Environment[$key] = $Environment[$key] }
        $process = [System.Diagnostics.Process]::Start($info)
        $stderr = $process.StandardError.ReadToEndAsync()
        $stdout = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        [pscustomobject]@{ ExitCode = $process.ExitCode; Lines = ($stdout -split "`r?`n"); Output = $stdout + $stderr.Result }
    }

    $root = New-TestRoot
    $db = New-TestDatabase 'pester_ci'
    $okDb = New-TestDatabase 'pester_ci_ok'
    $svc = New-TestService -Root $root -Name 'orders' -ConnectionString $db -Migrations ([ordered]@{
        '001_a.sql'   = @{ Up = 'CREATE TABLE a (id int);'; Down = 'DROP TABLE a;' }
        '002_bad.sql' = @{ Up = "CREATE TABLE b (id int);`nINSERT INTO nowhere VALUES (1);"; Down = 'DROP TABLE b;' }
    })
    $ok = New-TestService -Root $root -Name 'users' -ConnectionString $okDb -Migrations @{ '001_a.sql' = @{ Up = 'CREATE TABLE a (id int);'; Down = 'DROP TABLE a;' } }
    $up = "Import-Module '$ModuleManifest'; Get-MigrationService '$root' | Invoke-MigrationUp | Out-Null"
}

AfterAll {
    Remove-TestDatabase $db
    Remove-TestDatabase $okDb
    Remove-Item $root -Recurse -Force
}

Describe 'GitHub Actions' {
    It 'annotates the failed migration at its file and line, writes the step summary and fails the step' {
        $summary = Join-Path $root 'github-summary.md'
        $run = Invoke-CiStep @{ GITHUB_ACTIONS = 'true'; GITHUB_WORKSPACE = $root; GITHUB_STEP_SUMMARY = $summary } "`$ErrorActionPreference = 'Stop'; $up"
        $run.ExitCode | Should -Not -Be 0
        $error = $run.Lines | Where-Object { $_ -like '::error *' }
        $error | Should -HaveCount 1
        $error | Should -BeLike '::error file=orders/migrations/002_bad.sql,line=5,title=MigrationFailed::orders: 002_bad.sql line 5: relation "nowhere" does not exist (SQLSTATE 42P01).*'
        $error | Should -Not -Match "`e"
        $table = Get-Content $summary -Raw
        $table | Should -BeLike '*### SharedMigrations: Invoke-MigrationUp*| Service | Database | Version | Migrations | Duration | Outcome |*'
        $table | Should -BeLike '*| orders | pester_ci_* | 0 → 1 | 1 | * s | ❌ Failed (MigrationFailed): orders: 002_bad.sql line 5*'
        $table | Should -BeLike '*| users | pester_ci_ok_* | 0 → 1 | 1 | * s | ✅ Succeeded |*'
    }

    It 'annotates drift and lint as warnings' {
        Invoke-MigrationUp $ok | Out-Null
        $original = Get-Content (Join-Path $ok 'migrations/001_a.sql') -Raw
        try {
            Set-TestMigration $ok '001_a.sql' @{ Up = 'CREATE TABLE a (id bigint);'; Down = 'DROP TABLE a;' }
            Set-TestMigration $ok '002_drop.sql' @{ Up = 'DROP TABLE a;' }
            $run = Invoke-CiStep @{ GITHUB_ACTIONS = 'true'; GITHUB_WORKSPACE = $root } "Import-Module '$ModuleManifest'; Get-MigrationStatus '$ok' | Out-Null; Test-Migration '$ok' | Out-Null"
            $lines = $run.Lines -join "`n"
            $run.ExitCode | Should -Be 0 -Because $lines
            $run.Lines | Where-Object { $_ -like '::warning file=users/migrations/001_a.sql,title=MigrationModified::users: 001_a.sql is Modified*' } | Should -HaveCount 1 -Because $lines
            # The missing DOWN is the one cause of the lost restore (no DropWithoutRestore); dropping the table breaks running code.
            $run.Lines | Where-Object { $_ -like '::warning file=users/migrations/002_drop.sql,line=4,title=DropTable::*' } | Should -HaveCount 1 -Because $lines
            $run.Lines | Where-Object { $_ -like '*title=DropWithoutRestore*' } | Should -BeNullOrEmpty -Because $lines
            $run.Lines | Where-Object { $_ -like '::warning file=users/migrations/002_drop.sql,title=MissingDown::*' } | Should -HaveCount 1 -Because $lines
        }
        finally {
            Remove-Item (Join-Path $ok 'migrations/002_drop.sql') -ErrorAction Ignore
            [IO.File]::WriteAllText((Join-Path $ok 'migrations/001_a.sql'), $original)
        }
    }

    It 'prints nothing for CI with -CIFormat None or $SharedMigrationsCIFormat = None' {
        $run = Invoke-CiStep @{ GITHUB_ACTIONS = 'true'; GITHUB_WORKSPACE = $root } "Import-Module '$ModuleManifest'; Get-MigrationService '$root' | Invoke-MigrationUp -CIFormat None -ErrorAction SilentlyContinue | Out-Null; `$SharedMigrationsCIFormat = 'None'; Test-Migration '$svc' | Out-Null"
        $run.Lines | Where-Object { $_ -like '::*' } | Should -BeNullOrEmpty
    }
}

Describe 'Azure DevOps' {
    It 'logs the issue at its file and line, uploads the summary and fails the step' {
        $temp = Join-Path $root 'agent-temp'
        New-Item -ItemType Directory $temp -Force | Out-Null
        $run = Invoke-CiStep @{ TF_BUILD = 'True'; BUILD_SOURCESDIRECTORY = $root; AGENT_TEMPDIRECTORY = $temp } "`$ErrorActionPreference = 'Stop'; $up"
        $run.ExitCode | Should -Not -Be 0
        $issue = $run.Lines | Where-Object { $_ -like '##vso`[task.logissue*' }
        $issue | Should -HaveCount 1
        $issue | Should -BeLike '##vso`[task.logissue type=error;sourcepath=orders/migrations/002_bad.sql;linenumber=5;code=MigrationFailed`]orders: 002_bad.sql line 5: relation "nowhere" does not exist*'
        $upload = $run.Lines | Where-Object { $_ -like '##vso`[task.uploadsummary`]*' }
        $upload | Should -HaveCount 1
        $file = $upload.Substring('##vso[task.uploadsummary]'.Length)
        $file | Should -BeLike "$temp*"
        Get-Content $file -Raw | Should -BeLike '*| orders |*❌ Failed (MigrationFailed)*'
    }
}

Describe 'Outside CI' {
    It 'prints no workflow commands, and a failure still ends the process with a non-zero exit code under -ErrorAction Stop' {
        $run = Invoke-CiStep @{} "Import-Module '$ModuleManifest'; Get-MigrationService '$root' | Invoke-MigrationUp -ErrorAction Stop | Out-Null"
        $run.ExitCode | Should -Not -Be 0
        $run.Lines | Where-Object { $_ -like '::*' -or $_ -like '##vso*' } | Should -BeNullOrEmpty
        $run.Output | Should -BeLike '*002_bad.sql line 5*'
    }

    It 'exits 0 when every service is up to date' {
        Set-TestMigration $svc '002_bad.sql' @{ Up = 'CREATE TABLE b (id int);'; Down = 'DROP TABLE b;' }
        $run = Invoke-CiStep @{} "`$ErrorActionPreference = 'Stop'; $up"
        $run.ExitCode | Should -Be 0
    }
}
