using System.Management.Automation;
using SharedMigrations.Core;
using SharedMigrations.Core.Ci;
using SharedMigrations.Core.Database;
using SharedMigrations.Core.Errors;

namespace SharedMigrations.Infrastructure;

/// <summary>Commands that connect to the database: -ConnectionString and -Credential on top of ServiceCommandBase.</summary>
public abstract class DatabaseCommandBase : ServiceCommandBase
{
    /// <summary>A full Npgsql connection string; its keys win over the config and the PG* variables.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConnectionString { get; set; }

    /// <summary>User name and password that replace the config's.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Opens the engine for a service folder, or writes the error and returns null.</summary>
    internal MigrationService? OpenEngine(string folder)
    {
        var definition = OpenService(folder);
        if (definition is null)
        {
            return null;
        }

        try
        {
            return MigrationService.ForService(definition, Overrides());
        }
        catch (MigrationException ex)
        {
            WriteMigrationError(ex, folder);
            return null;
        }
    }

    internal ConnectionOverrides Overrides() => new()
    {
        ConnectionString = ConnectionString,
        Username = Credential?.UserName,
        Password = Credential?.GetNetworkCredential().Password,
    };
}
