namespace SharedMigrations.Core.Parsing;

/// <summary>The result of <see cref="SqlStatementSplitter.Split"/>.</summary>
internal sealed class SqlSplitResult
{
    /// <summary>Creates a result.</summary>
    public SqlSplitResult(IReadOnlyList<SqlStatement> statements, SqlSplitError? error)
    {
        ArgumentNullException.ThrowIfNull(statements);
        Statements = statements;
        Error = error;
    }

    /// <summary>
    /// The statements, in input order. When <see cref="Error"/> is set, these are the complete statements that precede
    /// the statement containing the unterminated construct.
    /// </summary>
    public IReadOnlyList<SqlStatement> Statements { get; }

    /// <summary>Set when the input ends inside a quote, quoted identifier, dollar quote or block comment.</summary>
    public SqlSplitError? Error { get; }
}
