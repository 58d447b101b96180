namespace SharedMigrations.Core.Parsing;

/// <summary>
/// Why a script could not be split completely: the input ends inside a quoted string, a quoted identifier, a
/// dollar-quoted string or a block comment.
/// </summary>
/// <param name="Message">E.g. <c>unterminated dollar-quoted string $body$</c>.</param>
/// <param name="Offset">The index in the input where the unterminated construct starts.</param>
internal sealed record SqlSplitError(string Message, int Offset);
