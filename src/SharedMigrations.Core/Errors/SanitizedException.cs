using System.Text;
using SharedMigrations.Core.Database;

namespace SharedMigrations.Core.Errors;

/// <summary>
/// A copy of an exception that nothing of ours raised on purpose, safe to hand to a caller: the original type's name, its
/// message and stack trace text with every password and connection secret masked, and its inner exceptions copied the same
/// way. The original is not kept, so no property, ToString() or inner exception of it can carry a secret further.
/// </summary>
public sealed class SanitizedException : Exception
{
    private readonly string? _stackTrace;

    private SanitizedException(Exception original)
        : base(Redact(original.Message), original.InnerException is null ? null : new SanitizedException(original.InnerException))
    {
        OriginalTypeName = original.GetType().FullName ?? original.GetType().Name;
        _stackTrace = original.StackTrace is null ? null : Redact(original.StackTrace);
        HResult = original.HResult;
        Source = original.Source;
    }

    /// <summary>The full name of the type of the exception this is a copy of.</summary>
    public string OriginalTypeName { get; }

    public override string? StackTrace => _stackTrace;

    /// <summary>The sanitized copy of <paramref name="exception"/> (itself when it is one already).</summary>
    internal static SanitizedException From(Exception exception) => exception as SanitizedException ?? new SanitizedException(exception);

    /// <summary>Like <see cref="Exception.ToString"/>, with the original type's name.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(OriginalTypeName);
        if (Message.Length > 0)
        {
            text.Append(": ").Append(Message);
        }

        if (InnerException is not null)
        {
            text.Append(" ---> ").Append(InnerException).AppendLine().Append("   --- End of inner exception stack trace ---");
        }

        if (_stackTrace is not null)
        {
            text.AppendLine().Append(_stackTrace);
        }

        return text.ToString();
    }

    private static string Redact(string text) => SecretRedactor.Redact(text, KnownSecrets.All);
}
