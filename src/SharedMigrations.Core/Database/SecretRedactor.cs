using System.Text.RegularExpressions;

namespace SharedMigrations.Core.Database;

/// <summary>The one place that removes secrets from text before it reaches a message, a log line or an object.</summary>
internal static partial class SecretRedactor
{
    public const string Mask = "***";

    [GeneratedRegex(
        @"(?i)\b(password|pwd|passfile|sslpassword|ssl password)\s*=\s*(""[^""]*""|'[^']*'|[^;]*)",
        RegexOptions.CultureInvariant)]
    private static partial Regex PasswordAssignment();

    [GeneratedRegex(@"(?i)(postgres(?:ql)?://[^:/@\s]*:)[^@\s]*@", RegexOptions.CultureInvariant)]
    private static partial Regex UrlPassword();

    /// <summary>
    /// Masks every known secret, every <c>Password=…</c> of a connection string and every password of a postgres:// URL in
    /// <paramref name="text"/>.
    /// </summary>
    public static string Redact(string? text, IEnumerable<string?>? secrets = null)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var result = PasswordAssignment().Replace(text, m => m.Groups[1].Value + "=" + Mask);
        result = UrlPassword().Replace(result, m => m.Groups[1].Value + Mask + "@");
        if (secrets is null)
        {
            return result;
        }

        foreach (var secret in secrets)
        {
            if (string.IsNullOrEmpty(secret))
            {
                continue;
            }

            result = secret.Length >= 4
                ? result.Replace(secret, Mask, StringComparison.Ordinal)
                : Regex.Replace(result, @"(?<![\w])" + Regex.Escape(secret) + @"(?![\w])", Mask);
        }

        return result;
    }

    /// <summary>A connection string with its password masked.</summary>
    public static string RedactConnectionString(string? connectionString) => Redact(connectionString);
}
