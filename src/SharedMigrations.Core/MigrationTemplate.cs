using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core;

/// <summary>A template for new migration files.</summary>
internal sealed record MigrationTemplate(string Name, string Source, string? Path)
{
    public override string ToString() => Name;
}
