@{
    RootModule           = 'SharedMigrations.Cmdlets.dll'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Core')
    GUID                 = '6f1d2c1e-5b7a-4c55-9d59-2f3c0b8e7a41'
    Author               = 'SharedMigrations contributors'
    CompanyName          = 'SharedMigrations'
    Copyright            = '(c) SharedMigrations contributors. MIT License.'
    Description          = 'One migration engine for PostgreSQL shared by every service of a microservice system: service folders of SQL migrations, run, rolled back, checked and reported from the PowerShell pipeline, one service or a whole fleet at a time.'
    PowerShellVersion    = '7.4'

    # The engine and its dependencies (Npgsql, YamlDotNet, ...) live in Dependencies/ and are loaded into a
    # private AssemblyLoadContext by the module itself: never list them in RequiredAssemblies or NestedModules.
    FormatsToProcess     = @('SharedMigrations.format.ps1xml')

    CmdletsToExport      = @(
        'Get-MigrationService'
        'Get-MigrationStatus'
        'Invoke-MigrationUp'
        'Undo-Migration'
        'New-Migration'
        'Get-MigrationHistory'
        'Repair-MigrationHistory'
        'Test-Migration'
        'Get-MigrationSchema'
        'Export-MigrationSchema'
        'Compare-MigrationSchema'
        'Test-MigrationRoundTrip'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()

    PrivateData          = @{
        PSData = @{
            Tags         = @('PostgreSQL', 'Migrations', 'Database', 'Microservices', 'DevOps', 'CI')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
        }
    }
}
