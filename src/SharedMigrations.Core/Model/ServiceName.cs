namespace SharedMigrations.Core.Model;

/// <summary>The rule for service names: letters, digits, '.', '_' and '-', starting with a letter or digit.</summary>
public static class ServiceName
{
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 128 || !char.IsAsciiLetterOrDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
