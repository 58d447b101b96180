using System.Globalization;

namespace SharedMigrations.Core.Parsing;

/// <summary>The rules for migration file names: <c>&lt;version&gt;_&lt;name&gt;.sql</c>.</summary>
internal static class MigrationFileName
{
    public const string Extension = ".sql";

    /// <summary>Whether a file is a migration candidate at all (it ends in .sql, in any case).</summary>
    public static bool IsCandidate(string fileName) =>
        fileName.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) && fileName.Length > Extension.Length;

    /// <summary>Reads version and name from a file name, or says what is wrong with it.</summary>
    public static bool TryParse(string fileName, out long version, out string name, out string? error)
    {
        version = 0;
        name = string.Empty;
        error = null;
        if (!fileName.EndsWith(Extension, StringComparison.Ordinal))
        {
            error = $"the extension must be '{Extension}' in lower case; rename it to " +
                $"'{Path.GetFileNameWithoutExtension(fileName)}{Extension}'";
            return false;
        }

        var stem = fileName.AsSpan(0, fileName.Length - Extension.Length);
        var underscore = stem.IndexOf('_');
        if (underscore <= 0)
        {
            error = "the name must be <version>_<name>.sql, for example 001_create_users.sql";
            return false;
        }

        var digits = stem[..underscore];
        if (!char.IsAsciiDigit(digits[0]))
        {
            error = "the name must start with a version number: <version>_<name>.sql, for example 001_create_users.sql";
            return false;
        }

        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                error = $"the version '{digits.ToString()}' must be digits only, for example 001_create_users.sql";
                return false;
            }
        }

        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out version))
        {
            error = $"the version '{digits.ToString()}' does not fit a 64-bit integer (at most {long.MaxValue})";
            return false;
        }

        if (version == 0)
        {
            error = "the version must be at least 1 (0 means 'before every migration' to Undo-Migration -Target)";
            return false;
        }

        var rest = stem[(underscore + 1)..];
        if (!IsValidName(rest))
        {
            error = $"the name '{rest.ToString()}' must be lower-case letters, digits and underscores";
            return false;
        }

        name = rest.ToString();
        return true;
    }

    /// <summary>Whether a migration name is lower-case letters, digits and underscores (and not empty).</summary>
    public static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
