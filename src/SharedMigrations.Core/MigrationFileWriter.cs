using System.Globalization;
using System.Text;
using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core;

/// <summary>Writes new migration files from templates: the next version (sequential or timestamp), placeholders filled in.</summary>
internal static partial class MigrationFileWriter
{
    /// <summary>The folder under the migrations folder where a service keeps its own templates.</summary>
    public const string ServiceTemplatesFolder = "templates";

    private static readonly IReadOnlyDictionary<string, string> BuiltIn = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["default"] =
            "-- Migration: {{name}}\n-- Description: {{description}}\n\n-- +++++ UP\n\n\n-- +++++ DOWN\n\n",
        ["create_table"] =
            "-- Migration: {{name}}\n-- Description: {{description}}\n\n-- +++++ UP\nCREATE TABLE table_name (\n    id uuid PRIMARY KEY " +
                "DEFAULT gen_random_uuid(),\n    created_at timestamptz NOT NULL DEFAULT now(),\n    updated_at timestamptz NOT NULL " +
                    "DEFAULT now()\n);\n\n-- +++++ DOWN\nDROP TABLE IF EXISTS table_name;\n",
        ["add_column"] =
            "-- Migration: {{name}}\n-- Description: {{description}}\n\n-- +++++ UP\nALTER TABLE table_name ADD COLUMN column_name " +
                "text;\n\n-- +++++ DOWN\nALTER TABLE table_name DROP COLUMN IF EXISTS column_name;\n",
        ["add_index"] =
            "-- Migration: {{name}}\n-- Description: {{description}}\n-- Transaction: none\n\n-- +++++ UP\nCREATE INDEX CONCURRENTLY IF " +
                "NOT EXISTS index_name ON table_name (column_name);\n\n-- +++++ DOWN\nDROP INDEX CONCURRENTLY IF EXISTS index_name;\n",
    };

    /// <summary>The team templates folder named by migration.templates, resolved against the service folder.</summary>
    public static string? TeamTemplatesFolder(ServiceDefinition service) =>
        service.Configuration.Migration.Templates is { } folder ? System.IO.Path.GetFullPath(folder, service.Path) : null;

    /// <summary>
    /// Every template a service can use: its own (migrations/templates), its team's (migration.templates), then the built-in ones; the
    /// first of a name wins.
    /// </summary>
    public static IReadOnlyList<MigrationTemplate> ListTemplates(string migrationsPath, string? teamTemplatesFolder)
    {
        var found = new Dictionary<string, MigrationTemplate>(StringComparer.OrdinalIgnoreCase);
        void AddFolder(string? folder, string source)
        {
            if (folder is null || !Directory.Exists(folder))
            {
                return;
            }

            foreach (var file in Directory.EnumerateFiles(folder, "*.sql").OrderBy(f => f, StringComparer.Ordinal))
            {
                found.TryAdd(
                    System.IO.Path.GetFileNameWithoutExtension(file),
                    new MigrationTemplate(System.IO.Path.GetFileNameWithoutExtension(file), source, file));
            }
        }

        AddFolder(System.IO.Path.Combine(migrationsPath, ServiceTemplatesFolder), "service");
        AddFolder(teamTemplatesFolder, "team");
        foreach (var name in BuiltIn.Keys)
        {
            found.TryAdd(name, new MigrationTemplate(name, "built-in", null));
        }

        return found.Values.ToArray();
    }

    /// <summary>
    /// Turns free text into a migration name: lower-case ASCII letters and digits, accented letters transliterated
    /// (é → e, ß → ss, ø → o, …), runs of other characters one underscore. Throws a <see cref="MigrationCreationException"/>
    /// (MigrationNameUnrepresentable) naming the letters that have no ASCII form: none is dropped in silence.
    /// </summary>
    public static string NormalizeName(string name) => NormalizeName(name, null);

    /// <inheritdoc cref="NormalizeName(string)"/>
    /// <param name="name">The free text.</param>
    /// <param name="serviceName">The service, named in the error.</param>
    public static string NormalizeName(string name, string? serviceName)
    {
        ArgumentNullException.ThrowIfNull(name);
        return MigrationNameText.Normalize(name, out var unrepresentable) ?? throw new MigrationCreationException(
            $"{(serviceName is null ? string.Empty : serviceName + ": ")}the migration name '{name.Trim()}' has characters with no ASCII " +
            $"form: {MigrationNameText.Describe(unrepresentable)}. Migration names are ASCII letters, digits and underscores " +
            "(accented letters are transliterated, é becomes e); write those words in Latin letters, for example -Name 'add user email'.",
            "MigrationNameUnrepresentable",
            MigrationErrorKind.InvalidArgument)
        { Service = serviceName };
    }

    /// <summary>The version the next file gets.</summary>
    public static long NextVersion(IEnumerable<long> existing, VersioningScheme scheme, DateTimeOffset now)
    {
        var max = existing.DefaultIfEmpty(0).Max();
        if (scheme == VersioningScheme.Timestamp)
        {
            var stamp = long.Parse(now.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            return stamp > max ? stamp : max + 1;
        }

        return max + 1;
    }

    /// <summary>
    /// Writes the next migration file and returns it. Nothing is written when the name, template or target file is wrong.
    /// </summary>
    public static FileInfo Create(
        string migrationsPath,
        string name,
        string? description,
        string? template,
        VersioningScheme versioning,
        string serviceName,
        string? teamTemplatesFolder,
        DateTimeOffset? now = null)
    {
        var normalized = NormalizeName(name ?? string.Empty, serviceName);
        if (!MigrationFileName.IsValidName(normalized))
        {
            throw new MigrationCreationException(
                $"{serviceName}: '{name}' gives no usable migration name; use letters and digits, for example add_user_email.",
                "MigrationNameInvalid",
                MigrationErrorKind.InvalidArgument)
            { Service = serviceName };
        }

        var templateName = string.IsNullOrWhiteSpace(template) ? "default" : template.Trim();
        var templates = ListTemplates(migrationsPath, teamTemplatesFolder);
        var chosen = templates.FirstOrDefault(t => string.Equals(t.Name, templateName, StringComparison.OrdinalIgnoreCase))
            ?? throw new MigrationCreationException(
                $"{serviceName}: there is no template '{templateName}'. Available: {string.Join(", ", templates.Select(t => t.Name))}.",
                "MigrationTemplateNotFound",
                MigrationErrorKind.ObjectNotFound)
            { Service = serviceName };
        var text = chosen.Path is null ? BuiltIn[chosen.Name] : Checksum.Normalize(File.ReadAllText(chosen.Path));

        var existing = new List<long>();
        var width = 3;
        if (Directory.Exists(migrationsPath))
        {
            foreach (var file in Directory.EnumerateFiles(migrationsPath, "*.sql"))
            {
                var fileName = System.IO.Path.GetFileName(file);
                if (MigrationFileName.TryParse(fileName, out var version, out _, out _))
                {
                    existing.Add(version);
                    var digits = fileName.IndexOf('_');
                    if (versioning == VersioningScheme.Sequential && digits > width && digits < 14)
                    {
                        width = digits;
                    }
                }
            }
        }

        var next = NextVersion(existing, versioning, now ?? DateTimeOffset.UtcNow);
        var versionText = versioning == VersioningScheme.Timestamp
            ? next.ToString(CultureInfo.InvariantCulture)
            : next.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
        var target = System.IO.Path.Combine(migrationsPath, $"{versionText}_{normalized}.sql");
        if (File.Exists(target))
        {
            throw new MigrationCreationException(
                $"{serviceName}: {target} already exists.",
                "MigrationFileExists",
                MigrationErrorKind.ResourceExists)
            { Service = serviceName };
        }

        var descriptionText = string.IsNullOrWhiteSpace(description)
            ? normalized.Replace('_', ' ')
            : description.Trim().ReplaceLineEndings(" ");
        var content = text
            .Replace("{{name}}", normalized, StringComparison.Ordinal)
            .Replace("{{description}}", descriptionText, StringComparison.Ordinal)
            .Replace("{{version}}", versionText, StringComparison.Ordinal)
            .Replace("{{service}}", serviceName, StringComparison.Ordinal);

        var parsed = MigrationParser.Parse(target, content);
        if (parsed.HasErrors)
        {
            throw new MigrationCreationException(
                $"{serviceName}: template '{chosen.Name}' ({chosen.Path ?? "built-in"}) does not give a valid " +
                    $"migration: {string.Join("; ", parsed.Diagnostics.Select(d => d.Message))}.",
                "MigrationTemplateInvalid",
                MigrationErrorKind.InvalidData)
            { Service = serviceName };
        }

        Directory.CreateDirectory(migrationsPath);
        using (var stream = new FileStream(target, FileMode.CreateNew, FileAccess.Write))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            writer.Write(content);
        }

        return new FileInfo(target);
    }
}
