using Npgsql;

namespace SharedMigrations.Core.Database;

/// <summary>
/// What of PostgreSQL's DETAIL and HINT the message of a failing statement shows (docs/errors.md in the repository).
/// <para>
/// The engine asks Npgsql for the real DETAIL (<c>Include Error Detail</c> on every connection it opens) and decides
/// here, by SQLSTATE class, what a message may carry. Errors about objects, statements and sessions say in their DETAIL
/// which objects depend on which, what exists or is missing, which process waits for which: that is shown, because it
/// is what the user needs to fix the migration. Errors about data (integrity violations, class 23: "Key (email)=(…)
/// already exists"; data exceptions, class 22; PL/pgSQL's RAISE, class P0; and every class not listed) can quote the
/// rows of a table, so their DETAIL and HINT are withheld unless <c>migration.error_detail: true</c>.
/// </para>
/// </summary>
internal static class PostgresErrorDetail
{
    /// <summary>
    /// SQLSTATE classes whose DETAIL and HINT describe objects, statements or sessions, never the rows of a table:
    /// 0A feature not supported, 25 invalid transaction state, 2B dependent objects still exist, 3D invalid catalog
    /// name, 3F invalid schema name, 40 transaction rollback (deadlocks), 42 syntax error or access rule violation
    /// (undefined and duplicate objects, syntax, privileges), 55 object not in prerequisite state.
    /// </summary>
    public static readonly IReadOnlyList<string> ObjectClasses = ["0A", "25", "2B", "3D", "3F", "40", "42", "55"];

    /// <summary>The start of the text that Npgsql puts in place of DETAIL when a connection does not include it.</summary>
    private const string NpgsqlPlaceholder = "Detail redacted as it may contain sensitive data";

    /// <summary>Whether errors of this SQLSTATE describe objects only, so that their DETAIL and HINT are shown by default.</summary>
    public static bool DescribesObjectsOnly(string? sqlState) =>
        sqlState is { Length: 5 } && ObjectClasses.Contains(sqlState[..2], StringComparer.Ordinal);

    /// <summary>
    /// The text to append to a failing statement's message: " DETAIL: … HINT: …" when they may be shown (or
    /// <paramref name="showAll"/>), else a sentence saying that they were withheld and how to show them; empty when
    /// PostgreSQL sent neither. Line breaks (a DETAIL listing dependent objects has one per object) become "; ".
    /// </summary>
    public static string Describe(PostgresException error, bool showAll) =>
        Describe(error.SqlState, error.Detail, error.Hint, showAll);

    /// <inheritdoc cref="Describe(PostgresException, bool)"/>
    public static string Describe(string? sqlState, string? detail, string? hint, bool showAll)
    {
        if (detail is not null && detail.StartsWith(NpgsqlPlaceholder, StringComparison.Ordinal))
        {
            // A connection made without Include Error Detail (a caller's own data source): there is nothing to show.
            detail = null;
        }

        var hasDetail = !string.IsNullOrWhiteSpace(detail);
        var hasHint = !string.IsNullOrWhiteSpace(hint);
        if (!hasDetail && !hasHint)
        {
            return string.Empty;
        }

        if (showAll || DescribesObjectsOnly(sqlState))
        {
            return (hasDetail ? " DETAIL: " + OneLine(detail!) : string.Empty) + (hasHint ? " HINT: " + OneLine(hint!) : string.Empty);
        }

        var what = hasDetail && hasHint ? "DETAIL and HINT are" : hasDetail ? "DETAIL is" : "HINT is";
        var errorClass = sqlState is { Length: 5 } ? $"SQLSTATE class {sqlState[..2]}" : "this kind of error";
        return $" (PostgreSQL's {what} not shown: for {errorClass} it can quote table rows; " +
            "set migration.error_detail: true in config.yaml to show it.)";
    }

    private static string OneLine(string text) =>
        string.Join("; ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.', ';') + ".";
}
