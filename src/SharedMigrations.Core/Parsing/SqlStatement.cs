namespace SharedMigrations.Core.Parsing;

/// <summary>
/// One statement of a migration file.
/// </summary>
/// <param name="Text">
/// The exact text of the statement: <c>sql.Substring(Offset, Length) == Text</c>. It starts at the first token of the
/// statement (leading whitespace and comments are skipped) and ends at its last token (the terminating ';', trailing
/// whitespace and trailing comments are not part of it). Comments between tokens are kept verbatim.
/// </param>
/// <param name="Offset">The index in the input where <paramref name="Text"/> starts.</param>
internal readonly record struct SqlStatement(string Text, int Offset)
{
    /// <summary>The length of <see cref="Text"/>.</summary>
    public int Length => Text.Length;
}
