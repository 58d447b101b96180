using System.Globalization;

namespace SharedMigrations.Core.Configuration;

/// <summary>Durations as written in config.yaml: <c>500ms</c>, <c>60s</c>, <c>5m</c>, <c>1h</c>, or <c>0</c> for none.</summary>
public static class Duration
{
    /// <summary>Reads a duration; false when the text is not one.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (s == "0")
        {
            return true;
        }

        var digits = 0;
        while (digits < s.Length && char.IsAsciiDigit(s[digits]))
        {
            digits++;
        }

        if (digits == 0 || !long.TryParse(s.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        var unit = s.Substring(digits).Trim().ToLowerInvariant();
        double milliseconds = unit switch
        {
            "ms" => amount,
            "s" => amount * 1000.0,
            "m" or "min" => amount * 60_000.0,
            "h" => amount * 3_600_000.0,
            _ => double.NaN,
        };
        if (double.IsNaN(milliseconds) || milliseconds > int.MaxValue)
        {
            // PostgreSQL's timeouts are int milliseconds; anything longer is a typo.
            return false;
        }

        value = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    /// <summary>Writes a duration the way config.yaml does.</summary>
    public static string Format(TimeSpan value)
    {
        var ms = (long)value.TotalMilliseconds;
        if (ms == 0)
        {
            return "0";
        }

        if (ms % 3_600_000 == 0)
        {
            return $"{ms / 3_600_000}h";
        }

        if (ms % 60_000 == 0)
        {
            return $"{ms / 60_000}m";
        }

        return ms % 1000 == 0 ? $"{ms / 1000}s" : $"{ms}ms";
    }
}
