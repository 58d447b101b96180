using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Model;

/// <summary>How a migration is run: in one transaction together with its history row, or statement by statement.</summary>
public enum TransactionMode
{
    /// <summary>The whole migration and its history row in one transaction (the default).</summary>
    PerMigration,

    /// <summary><c>-- Transaction: none</c>: each statement on its own, outside a transaction.</summary>
    None,
}
