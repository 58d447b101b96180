using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Linting;

/// <summary>Tables and indexes created by earlier migrations of the folder that are still pending (online only): new and
/// empty when the later migrations run, so locks on them harm nobody.</summary>
internal sealed class PendingObjects
{
    private readonly HashSet<string> _relations = new(StringComparer.Ordinal);
    private readonly HashSet<string> _indexes = new(StringComparer.Ordinal);

    public bool HasRelation(SqlName name) => _relations.Contains(name.Key);

    public bool HasIndex(SqlName name) => _indexes.Contains(name.Key);

    public void Add(Migration migration)
    {
        var settings = new LintSettingsView(LintOptions.DefaultPostgresVersion, migration.Transaction, new HashSet<string>());
        foreach (var statement in migration.Up.Statements)
        {
            var tokens = SqlTokenList.Read(statement.Text);
            foreach (var created in StatementFacts.Of(tokens).Creates)
            {
                if (created.Kind is SqlObjectKind.Table or SqlObjectKind.View)
                {
                    _relations.Add(created.Name.Key);
                }
            }

            foreach (var index in StatementModel.Of(tokens, "UP", settings).CreatedIndexes)
            {
                _indexes.Add(index.Key);
            }
        }
    }
}
