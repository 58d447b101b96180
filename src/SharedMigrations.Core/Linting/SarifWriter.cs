using System.Text.Json.Nodes;
using System.Text.Json;
using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Linting;

/// <summary>
/// Writes Test-Migration's findings as SARIF 2.1.0 for code scanning (GitHub uploads it with
/// github/codeql-action/upload-sarif): one run, the rules it reported with their metadata, and each finding with its
/// file as a URI relative to the repository root (%SRCROOT%), its line and column.
/// </summary>
internal static class SarifWriter
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
    private const string RootId = "%SRCROOT%";

    /// <summary>The SARIF document as JSON text.</summary>
    /// <param name="findings">Each finding with the service it belongs to.</param>
    /// <param name="root">The folder file URIs are relative to (the repository root; usually the current directory).</param>
    /// <param name="toolVersion">The module's version.</param>
    public static string Build(IEnumerable<(string Service, MigrationDiagnostic Diagnostic)> findings, string root, string toolVersion)
    {
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(root);
        var list = findings.ToList();

        var ruleIds = list.Select(f => f.Diagnostic.Rule).Distinct(StringComparer.Ordinal).ToList();
        var rules = new JsonArray();
        foreach (var id in ruleIds)
        {
            var rule = LintRules.Find(id);
            var summary = rule?.Summary ?? id;
            rules.Add(new JsonObject
            {
                ["id"] = id,
                ["name"] = id,
                ["shortDescription"] = new JsonObject { ["text"] = summary },
                ["fullDescription"] = new JsonObject { ["text"] = summary },
                ["helpUri"] = $"https://github.com/sharedmigrations/sharedmigrations/blob/main/docs/lint.md#{id.ToLowerInvariant()}",
                ["help"] = new JsonObject { ["text"] = $"{summary} See docs/lint.md, rule {id}." },
                ["defaultConfiguration"] = new JsonObject { ["level"] = Level(rule?.Severity ?? DiagnosticSeverity.Warning) },
            });
        }

        var results = new JsonArray();
        foreach (var (service, d) in list)
        {
            var region = new JsonObject { ["startLine"] = d.Line ?? 1 };
            if (d.Column is { } column)
            {
                region["startColumn"] = column;
            }

            if (d.Statement is { } statement)
            {
                region["snippet"] = new JsonObject { ["text"] = statement };
            }

            var text = $"{service}: {d.Message.TrimEnd('.')}." + (d.Fix is { } fix ? $" Fix: {fix}" : string.Empty);
            var properties = new JsonObject { ["service"] = service };
            if (d.Table is { } table)
            {
                properties["table"] = table;
            }

            if (d.Lock is { } @lock)
            {
                properties["lock"] = @lock;
            }

            results.Add(new JsonObject
            {
                ["ruleId"] = d.Rule,
                ["ruleIndex"] = ruleIds.IndexOf(d.Rule),
                ["level"] = Level(d.Severity),
                ["message"] = new JsonObject { ["text"] = text },
                ["locations"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["physicalLocation"] = new JsonObject
                        {
                            ["artifactLocation"] = ArtifactLocation(root, d.FilePath),
                            ["region"] = region,
                        },
                    },
                },
                ["partialFingerprints"] = new JsonObject
                {
                    ["primaryLocationLineHash"] = Fingerprint(
                        $"{service}|{RelativeUri(root, d.FilePath)}|{d.Rule}|{d.Statement ?? d.Message}"),
                },
                ["properties"] = properties,
            });
        }

        var document = new JsonObject
        {
            ["$schema"] = SchemaUri,
            ["version"] = "2.1.0",
            ["runs"] = new JsonArray
            {
                new JsonObject
                {
                    ["tool"] = new JsonObject
                    {
                        ["driver"] = new JsonObject
                        {
                            ["name"] = "SharedMigrations",
                            ["informationUri"] = "https://github.com/sharedmigrations/sharedmigrations",
                            ["version"] = toolVersion,
                            ["semanticVersion"] = toolVersion,
                            ["rules"] = rules,
                        },
                    },
                    ["originalUriBaseIds"] = new JsonObject
                    {
                        [RootId] = new JsonObject { [
                            "uri"] = new Uri(
                                Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar).AbsoluteUri },
                    },
                    ["results"] = results,
                },
            },
        };

        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Writes the document to a file (UTF-8 without BOM).</summary>
    public static void Write(
        string path,
        IEnumerable<(string Service, MigrationDiagnostic Diagnostic)> findings,
        string root,
        string toolVersion) =>
        File.WriteAllText(path, Build(findings, root, toolVersion), new System.Text.UTF8Encoding(false));

    private static JsonObject ArtifactLocation(string root, string path)
    {
        var uri = RelativeUri(root, path);
        var location = new JsonObject { ["uri"] = uri };
        if (!uri.StartsWith("file:", StringComparison.Ordinal))
        {
            location["uriBaseId"] = RootId;
        }

        return location;
    }

    private static string Level(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        _ => "note",
    };

    /// <summary>
    /// The path relative to the root, with '/' separators and each segment escaped; a file outside the root keeps its absolute file URI.
    /// </summary>
    private static string RelativeUri(string root, string path)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(root), Path.GetFullPath(path));
        if (Path.IsPathRooted(relative) || relative.StartsWith("..", StringComparison.Ordinal))
        {
            return new Uri(Path.GetFullPath(path)).AbsoluteUri;
        }

        return string.Join('/', relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Select(Uri.EscapeDataString));
    }

    private static string Fingerprint(string text) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..32]
            .ToLowerInvariant();
}
