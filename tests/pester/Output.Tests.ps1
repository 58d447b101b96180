# What a person reads: the default views as a CI log prints them. A fresh pwsh with its output redirected (as in a CI
# step, where the host reports 80 columns) runs the commands over three services migrated in parallel; the test reads
# what the host printed, and what Out-String -Width 120 gives.

BeforeDiscovery {
    # Every default table view: the command that shows it and the column labels it must print on one header line.
    $script:Views = @(
        @{ Section = 'up'; Labels = 'Service', 'Migration', 'Result', 'Duration', 'Error' }
        @{ Section = 'status'; Labels = 'Service', 'Migration', 'State', 'AppliedAt', 'Detail' }
        @{ Section = 'summary'; Labels = 'Service', 'State', 'Current', 'Latest', 'Pending', 'Problems' }
        @{ Section = 'services'; Labels = 'Name', 'Database', 'Migrations', 'DependsOn', 'Path' }
        @{ Section = 'history'; Labels = 'Service', 'StartedAt', 'Migration', 'Result', 'Client' }
        @{ Section = 'lint'; Labels = 'Service', 'File', 'Severity', 'Lock', 'Message' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Names = 'auth-service', 'notification-service', 'billing-service'
    $script:Root = New-TestRoot
    $script:Databases = @()
    foreach ($name in $Names) {
        $connection = New-TestDatabase 'pester_output'
        $script:Databases += $connection
        $migrations = [ordered]@{}
        foreach ($i in 1..3) {
            # Long enough that the three services' results interleave as they stream.
            $migrations["00${i}_create_table_$i.sql"] = @{ Up = "CREATE TABLE t$i (id int); SELECT pg_sleep(0.05);"; Down = "DROP TABLE t$i;" }
        }

        if ($name -eq 'billing-service') {
            $migrations['004_duplicate_table.sql'] = @{ Up = 'CREATE TABLE t1 (id int);' }
        }

        New-TestService -Root $Root -Name $name -ConnectionString $connection -Migrations $migrations | Out-Null
    }

    # One child pwsh prints every view twice: as its host does (80 columns without a terminal) and through
    # Out-String -Width 120. Sections are marked so that each table can be found.
    $commands = [ordered]@{
        up       = 'Get-MigrationService . | Invoke-MigrationUp -ErrorAction SilentlyContinue'
        status   = 'Get-MigrationService . | Get-MigrationStatus'
        summary  = 'Get-MigrationService . | Get-MigrationStatus -Summary'
        services = 'Get-MigrationService .'
        history  = 'Get-MigrationService . | Get-MigrationHistory'
        lint     = 'Get-MigrationService . | Test-Migration'
    }
    $script:Width80 = @{}
    $script:Width120 = @{}
    foreach ($width in 80, 120) {
        $script = @(
            "Import-Module '$ModuleManifest'"
            "Set-Location '$Root'"
            "`$PSStyle.OutputRendering = 'PlainText'"
            "`$Host.UI.RawUI.BufferSize.Width | ForEach-Object { 'HOSTWIDTH ' + `$_ }"
            foreach ($section in $commands.Keys) {
                "'##SECTION $section'"
                # Out-Default per command, as each command of a CI step is its own statement on the host.
                if ($width -eq 80) { "$($commands[$section]) | Out-Default" } else { "$($commands[$section]) | Out-String -Width 120 -Stream" }
            }
        ) -join "`n"
        # The second run (120) finds only the failing migration still pending: it fails again, and prints that row.
        $lines = & (Get-PwshPath) -NoProfile -NonInteractive -Command $script 2>$null
        $sections = if ($width -eq 80) { $script:Width80 } else { $script:Width120 }
        $current = $null
        foreach ($line in $lines) {
            $text = $line -replace '\x1b\[[0-9;?]*[A-Za-z]', ''
            if ($text -match '^HOSTWIDTH (\d+)') { $sections['hostwidth'] = [int]$Matches[1]; continue }
            if ($text -match '^##SECTION (\w+)') { $current = $Matches[1]; $sections[$current] = [System.Collections.Generic.List[string]]::new(); continue }
            if ($current) { $sections[$current].Add($text) }
        }
    }

    # The header line of a table with these labels (in order, on one line), the dashes below it and the rows up to the
    # next blank line. Fails when the header is not there in one piece.
    function Get-PrintedTable([string[]] $Lines, [string[]] $Labels) {
        $pattern = '^' + (($Labels | ForEach-Object { '\s*' + [regex]::Escape($_) }) -join '\s+') + '\s*$'
        $headers = @(for ($i = 0; $i -lt $Lines.Count; $i++) { if ($Lines[$i] -match $pattern) { $i } })
        $rows = [System.Collections.Generic.List[string]]::new()
        foreach ($h in $headers) {
            $Lines[$h + 1] | Should -Match '^[\s-]+$' -Because 'the dashes follow the header directly (no header wrapped onto a second line)'
            for ($j = $h + 2; $j -lt $Lines.Count -and $Lines[$j].Trim(); $j++) { $rows.Add($Lines[$j]) }
        }

        [pscustomobject]@{ HeaderCount = $headers.Count; Rows = $rows }
    }
}

AfterAll {
    foreach ($connection in $Databases) { Remove-TestDatabase $connection }
    Remove-Item $Root -Recurse -Force -ErrorAction Ignore
}

Describe 'What the host prints' -Tag 'Output' {
    It 'is a host of 80 columns, as in a CI step' {
        $Width80['hostwidth'] | Should -Be 80
    }

    It 'prints parallel services as one table, each row naming its service, with no group headers' {
        $lines = $Width80['up']
        $lines | Where-Object { $_ -match '^\s*Service:' } | Should -BeNullOrEmpty
        $table = Get-PrintedTable $lines 'Service', 'Migration', 'Result', 'Duration', 'Error'
        $table.HeaderCount | Should -Be 1 -Because "the interleaved results of three services are one table:`n$($lines -join "`n")"
        $table.Rows.Count | Should -Be 10
        foreach ($row in $table.Rows) {
            $row | Should -Match '^(auth-service|notification-service|billing-service)\s+00\d_\w+\s+(Applied|Failed)\s'
        }
    }

    It 'shows the failed migration with the error from its line on' {
        $failed = (Get-PrintedTable $Width80['up'] 'Service', 'Migration', 'Result', 'Duration', 'Error').Rows |
            Where-Object { $_ -match 'Failed' }
        $failed | Should -HaveCount 1
        $failed | Should -Match '^billing-service\s+004_duplicate_table\s+Failed\s+\d+ ms line \d+: '
    }

    It 'prints <Section> with every header on one line, within 80 columns' -ForEach $Views {
        $lines = $Width80[$Section]
        $table = Get-PrintedTable $lines $Labels
        $table.HeaderCount | Should -Be 1 -Because "the $Section view prints one header:`n$($lines -join "`n")"
        $table.Rows.Count | Should -BeGreaterThan 0
        $lines | Where-Object Length -gt 80 | Should -BeNullOrEmpty
        $lines | Where-Object { $_ -match '^\s*Service:' } | Should -BeNullOrEmpty
    }

    It 'prints <Section> within 120 columns, one header, the free text wider' -ForEach $Views {
        $lines = $Width120[$Section]
        $table = Get-PrintedTable $lines $Labels
        $table.HeaderCount | Should -Be 1 -Because "the $Section view prints one header:`n$($lines -join "`n")"
        $lines | Where-Object Length -gt 120 | Should -BeNullOrEmpty
        $narrow = (Get-PrintedTable $Width80[$Section] $Labels).Rows
        ($table.Rows | Measure-Object Length -Maximum).Maximum | Should -BeGreaterOrEqual ($narrow | Measure-Object Length -Maximum).Maximum
    }

    It 'shows more of the error at 120 columns' {
        $row = (Get-PrintedTable $Width120['up'] 'Service', 'Migration', 'Result', 'Duration', 'Error').Rows | Where-Object { $_ -match 'Failed' }
        $row | Should -Match 'line \d+: relation "t1" already exists'
    }

    It 'shows the rule and message of a Test-Migration finding' {
        $row = (Get-PrintedTable $Width120['lint'] 'Service', 'File', 'Severity', 'Lock', 'Message').Rows | Where-Object { $_ -match 'billing-service' }
        $row | Should -Match '^billing-service\s+004_duplicate_table\.sql\s+Warning\s+MissingDown: has no DOWN'
    }
}

Describe 'New-Migration names in other alphabets' -Tag 'Output' {
    BeforeAll {
        $script:NameRoot = New-TestRoot
        $script:NameService = New-TestService -Root $NameRoot -Name 'names' -ConnectionString ''
    }

    AfterAll { Remove-Item $NameRoot -Recurse -Force -ErrorAction Ignore }

    It 'transliterates accented letters into the file name' {
        $file = New-Migration $NameService -Name 'Ünïcode naming'
        $file.Name | Should -Be '001_unicode_naming.sql'
        (New-Migration $NameService -Name 'Straße für Smørrebrød').Name | Should -Be '002_strasse_fur_smorrebrod.sql'
    }

    It 'refuses letters with no ASCII form, naming them, and writes nothing (also with -WhatIf)' {
        $before = @(Get-ChildItem (Join-Path $NameService 'migrations') -Filter *.sql).Count
        $result = New-Migration $NameService -Name 'добавить email' -ErrorVariable failures -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'MigrationNameUnrepresentable,*'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].Exception.Message | Should -BeLike "names: the migration name 'добавить email' has characters with no ASCII form: 'д' (U+0434)*"
        { New-Migration $NameService -Name 'λ' -WhatIf -ErrorAction Stop } | Should -Throw -ErrorId 'MigrationNameUnrepresentable,*'
        @(Get-ChildItem (Join-Path $NameService 'migrations') -Filter *.sql).Count | Should -Be $before
    }
}

Describe "PostgreSQL's DETAIL in the error a person reads" -Tag 'Output' {
    BeforeAll {
        $script:DetailRoot = New-TestRoot
        $script:DetailDatabase = New-TestDatabase 'pester_detail'
        $script:DetailService = New-TestService -Root $DetailRoot -Name 'catalog' -ConnectionString $DetailDatabase -Migrations ([ordered]@{
                '001_products.sql' = @{ Up = "CREATE TABLE products (sku text UNIQUE);`nCREATE VIEW cheap AS SELECT * FROM products;`nINSERT INTO products VALUES ('sku-secret-4711');" }
                '002_change.sql'   = @{ Up = 'DROP TABLE products;' }
            })
    }

    AfterAll {
        Remove-TestDatabase $DetailDatabase
        Remove-Item $DetailRoot -Recurse -Force -ErrorAction Ignore
    }

    It 'shows the objects that depend on a dropped table, and the hint' {
        $null = Invoke-MigrationUp $DetailService -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures | Should -HaveCount 1
        $message = $failures[0].Exception.Message
        $message | Should -BeLike '*cannot drop table products because other objects depend on it (SQLSTATE 2BP01). DETAIL: view cheap depends on table products. HINT: Use DROP ... CASCADE*'
        $message | Should -Not -BeLike '*connection string*'
        $message | Should -Not -BeLike '*Include Error Detail*'
    }

    It 'withholds the key value of a unique violation, saying how to show it' {
        Set-TestMigration -Service $DetailService -FileName '002_change.sql' -Content @{ Up = 'INSERT INTO products SELECT sku FROM products;' }
        $null = Invoke-MigrationUp $DetailService -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures | Should -HaveCount 1
        $text = ($failures[0] | Format-List * -Force | Out-String -Width 4096) + $failures[0].Exception.ToString()
        $text | Should -Not -BeLike '*sku-secret-4711*'
        $failures[0].Exception.Message | Should -BeLike '*(SQLSTATE 23505). (PostgreSQL''s DETAIL is not shown: for SQLSTATE class 23 it can quote table rows; set migration.error_detail: true in config.yaml to show it.)*'
        (Get-MigrationHistory $DetailService | Where-Object { -not $_.Succeeded }).Error | Should -Not -BeLike '*sku-secret-4711*'
    }
}
