using System.Text;

namespace SharedMigrations.Core.Schema;

/// <summary>
/// The schema file: a deterministic text form of a snapshot for review in pull requests. One object per paragraph
/// (a <c>-- Kind: schema.name</c> line, then its definition), LF line ends, no time stamps: the same database gives the
/// same bytes. <see cref="SchemaTextReader"/> reads it back.
/// </summary>
public static class SchemaTextWriter
{
    internal const string HeaderPrefix = "-- ";

    /// <summary>The file's text for a snapshot of <paramref name="service"/>.</summary>
    public static string Write(SchemaSnapshot snapshot, string service)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var text = new StringBuilder();
        text.Append("-- Schema of ").Append(service).Append(", written by SharedMigrations (Export-MigrationSchema).\n");
        text.Append("-- Generated from the database's catalog; do not edit. Fingerprint: sha256:")
            .Append(snapshot.Fingerprint)
            .Append('\n');
        foreach (var o in snapshot.Objects)
        {
            text.Append('\n');
            text.Append(HeaderPrefix).Append(o.Kind).Append(": ").Append(Header(o)).Append('\n');
            text.Append(o.Kind == SchemaObjectKind.Column ? $"{Quote(o.Name)} {o.Definition}" : o.Definition).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Writes the file (UTF-8 without BOM) only when its content changes; returns whether it was written.</summary>
    public static bool WriteFile(string path, SchemaSnapshot snapshot, string service)
    {
        var text = Write(snapshot, service);
        if (File.Exists(path) && File.ReadAllText(path) == text)
        {
            return false;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllText(path, text, new UTF8Encoding(false));
        return true;
    }

    /// <summary>The header's name part: <c>schema.name</c>, or <c>schema.table.name</c> for objects of a table.</summary>
    internal static string Header(SchemaObject o) =>
        o.Table is null ? $"{Quote(o.Schema)}.{Quote(o.Name)}" : $"{Quote(o.Schema)}.{Quote(o.Table)}.{Quote(o.Name)}";

    /// <summary>A name as written in the header: bare when it is a plain lower-case identifier, else in double quotes.</summary>
    internal static string Quote(string name)
    {
        var plain = name.Length > 0 && (char.IsAsciiLetterLower(name[0]) || name[0] == '_') &&
            name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_' || c == '$');
        return plain ? name : "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
