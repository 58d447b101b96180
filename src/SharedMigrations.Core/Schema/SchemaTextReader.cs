using System.Text;

namespace SharedMigrations.Core.Schema;

/// <summary>
/// Reads a schema file written by <see cref="SchemaTextWriter"/> back into a snapshot (for Compare-MigrationSchema -Reference File).
/// </summary>
public static class SchemaTextReader
{
    /// <summary>Reads the file's text; <paramref name="source"/> names it in errors.</summary>
    public static SchemaSnapshot Read(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var objects = new List<SchemaObject>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var i = 0;
        while (i < lines.Length)
        {
            if (!(i > 0 && lines[i - 1].Length == 0 && TryHeader(lines[i], out var kind, out var parts)))
            {
                i++;
                continue;
            }

            var headerLine = i + 1;
            var body = new List<string>();
            i++;
            while (i < lines.Length && !(lines[i].Length == 0 && i + 1 < lines.Length && TryHeader(lines[i + 1], out _, out _)))
            {
                body.Add(lines[i]);
                i++;
            }

            while (body.Count > 0 && body[^1].Length == 0)
            {
                body.RemoveAt(body.Count - 1);
            }

            if (parts.Count != 2 && parts.Count != 3)
            {
                throw new FormatException($"{source} line {headerLine}: '{lines[headerLine - 1]}' is not '-- Kind: schema.name' or '-- " +
                    $"Kind: schema.table.name'.");
            }

            var definition = string.Join("\n", body);
            var name = parts[^1];
            var position = 0;
            if (kind == SchemaObjectKind.Column)
            {
                var prefix = SchemaTextWriter.Quote(name) + " ";
                if (definition.StartsWith(prefix, StringComparison.Ordinal))
                {
                    definition = definition[prefix.Length..];
                }

                var table = parts[0] + "\t" + parts[1];
                position = positions.GetValueOrDefault(table) + 1;
                positions[table] = position;
            }

            objects.Add(new SchemaObject
            {
                Schema = parts[0],
                Kind = kind,
                Name = name,
                Table = parts.Count == 3 ? parts[1] : null,
                Position = position,
                Definition = definition,
            });
        }

        return new SchemaSnapshot(objects);
    }

    private static bool TryHeader(string line, out SchemaObjectKind kind, out List<string> parts)
    {
        kind = default;
        parts = new List<string>();
        if (!line.StartsWith(SchemaTextWriter.HeaderPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        if (colon < 0 || !Enum.TryParse(line[SchemaTextWriter.HeaderPrefix.Length..colon], ignoreCase: false, out kind) ||
            !Enum.IsDefined(kind) || char.IsDigit(line[SchemaTextWriter.HeaderPrefix.Length]))
        {
            return false;
        }

        var rest = line[(colon + 2)..];
        var current = new StringBuilder();
        var quoted = false;
        for (var k = 0; k < rest.Length; k++)
        {
            var c = rest[k];
            if (quoted)
            {
                if (c == '"' && k + 1 < rest.Length && rest[k + 1] == '"')
                {
                    current.Append('"');
                    k++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == '.')
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        parts.Add(current.ToString());
        return !quoted;
    }
}
