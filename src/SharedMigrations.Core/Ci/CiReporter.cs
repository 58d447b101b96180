using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SharedMigrations.Core.Ci;

/// <summary>
/// Turns problems into the workflow commands of the CI system the run is in (annotations at file and line), and
/// writes the step summary. Outside CI it prints nothing. Detection follows Pester's: GITHUB_ACTIONS=true, TF_BUILD=True.
/// </summary>
internal sealed partial class CiReporter
{
    private readonly Func<string, string?> _getVariable;

    public CiReporter(CiFormat format, Func<string, string?>? getVariable = null, string? currentDirectory = null)
    {
        _getVariable = getVariable ?? Environment.GetEnvironmentVariable;
        Format = format == CiFormat.Auto ? Detect(_getVariable) : format;
        Workspace = Format switch
        {
            CiFormat.GitHubActions => _getVariable("GITHUB_WORKSPACE"),
            CiFormat.AzureDevOps => _getVariable("BUILD_SOURCESDIRECTORY") ?? _getVariable("SYSTEM_DEFAULTWORKINGDIRECTORY"),
            _ => null,
        } ?? currentDirectory ?? Environment.CurrentDirectory;
    }

    /// <summary>The CI system in effect (never Auto).</summary>
    public CiFormat Format { get; }

    /// <summary>The folder annotation paths are relative to.</summary>
    public string Workspace { get; }

    public bool Enabled => Format is CiFormat.GitHubActions or CiFormat.AzureDevOps;

    [GeneratedRegex(@"\x1B\[[0-9;?]*[ -/]*[@-~]")]
    private static partial Regex AnsiEscape();

    /// <summary>The CI system named by the environment, or None.</summary>
    public static CiFormat Detect(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        if (string.Equals(getVariable("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return CiFormat.GitHubActions;
        }

        return string.Equals(getVariable("TF_BUILD"), "True", StringComparison.OrdinalIgnoreCase) ? CiFormat.AzureDevOps : CiFormat.None;
    }

    /// <summary>The workflow command line for an annotation, or null outside CI.</summary>
    public string? FormatAnnotation(Annotation annotation)
    {
        var message = AnsiEscape().Replace(annotation.Message, string.Empty);
        var file = annotation.FilePath is null ? null : RelativePath(annotation.FilePath);
        switch (Format)
        {
            case CiFormat.GitHubActions:
            {
                var properties = new List<string>();
                if (file is not null)
                {
                    properties.Add("file=" + GitHubProperty(file));
                    if (annotation.Line is { } line)
                    {
                        properties.Add("line=" + line.ToString(CultureInfo.InvariantCulture));
                    }
                }

                if (annotation.Title is not null)
                {
                    properties.Add("title=" + GitHubProperty(annotation.Title));
                }

                var command = annotation.Level == AnnotationLevel.Error ? "error" : "warning";
                return $"::{command}{(properties.Count > 0 ? " " + string.Join(",", properties) : string.Empty)}::{GitHubData(message)}";
            }

            case CiFormat.AzureDevOps:
            {
                var properties = new List<string> { "type=" + (annotation.Level == AnnotationLevel.Error ? "error" : "warning") };
                if (file is not null)
                {
                    properties.Add("sourcepath=" + AzureProperty(file));
                    if (annotation.Line is { } line)
                    {
                        properties.Add("linenumber=" + line.ToString(CultureInfo.InvariantCulture));
                    }
                }

                if (annotation.Title is not null)
                {
                    properties.Add("code=" + AzureProperty(annotation.Title));
                }

                return $"##vso[task.logissue {string.Join(";", properties)}]{AzureData(message)}";
            }

            default:
                return null;
        }
    }

    /// <summary>
    /// Writes the step summary of a run: appended to $GITHUB_STEP_SUMMARY, or (Azure DevOps) written to a file whose
    /// upload command is returned for printing. Returns null when there is nothing to print.
    /// </summary>
    public string? WriteSummary(string title, IReadOnlyList<SummaryRow> rows)
    {
        if (!Enabled || rows.Count == 0)
        {
            return null;
        }

        var markdown = SummaryMarkdown(title, rows);
        if (Format == CiFormat.GitHubActions)
        {
            var path = _getVariable("GITHUB_STEP_SUMMARY");
            if (string.IsNullOrEmpty(path))
            {
                return null;
            }

            File.AppendAllText(path, markdown, new UTF8Encoding(false));
            return null;
        }

        var folder = _getVariable("AGENT_TEMPDIRECTORY") is { Length: > 0 } temp ? temp : Path.GetTempPath();
        var file = Path.Combine(folder, $"sharedmigrations-summary-{Guid.NewGuid():N}.md");
        File.WriteAllText(file, markdown, new UTF8Encoding(false));
        return $"##vso[task.uploadsummary]{AzureData(file)}";
    }

    /// <summary>The Markdown table of a run: service, database, from → to, migrations run, duration, outcome.</summary>
    public static string SummaryMarkdown(string title, IReadOnlyList<SummaryRow> rows)
    {
        var text = new StringBuilder();
        text.Append("### ").Append(title).Append("\n\n");
        text.Append("| Service | Database | Version | Migrations | Duration | Outcome |\n");
        text.Append("|---|---|---|---:|---:|---|\n");
        foreach (var row in rows)
        {
            text.Append("| ").Append(Cell(row.Service))
                .Append(" | ").Append(Cell(row.Database ?? string.Empty))
                .Append(" | ").Append(row.FromVersion is { } from ? $"{from.ToString(CultureInfo.InvariantCulture)} " +
                    $"→ {(row.ToVersion ?? from).ToString(CultureInfo.InvariantCulture)}" : "–")
                .Append(" | ").Append(row.Migrations.ToString(CultureInfo.InvariantCulture))
                .Append(" | ").Append(row.Duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)).Append(" s")
                .Append(" | ").Append(row.Succeeded ? "✅ " : "❌ ").Append(Cell(row.Outcome))
                .Append(" |\n");
        }

        var failed = rows.Count(r => !r.Succeeded);
        text.Append('\n').Append(rows.Count.ToString(CultureInfo.InvariantCulture)).Append(" service(s), ")
            .Append(failed == 0 ? "all succeeded" : $"{failed.ToString(CultureInfo.InvariantCulture)} did not succeed").Append(".\n\n");
        return text.ToString();
    }

    /// <summary>A path relative to the workspace (with '/'), or the full path when it is outside it.</summary>
    public string RelativePath(string path)
    {
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(Workspace, full);
        if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            return full.Replace('\\', '/');
        }

        return relative.Replace('\\', '/');
    }

    private static string Cell(string text) =>
        AnsiEscape().Replace(text, string.Empty).Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    // GitHub Actions (actions/toolkit): data escapes %, CR, LF; properties also ':' and ','.
    private static string GitHubData(string text) =>
        text.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace(
            "\n",
            "%0A",
            StringComparison.Ordinal);

    private static string GitHubProperty(string text) =>
        GitHubData(text).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);

    // Azure Pipelines (azure-pipelines-task-lib): data escapes %, CR, LF; properties also ';' and ']'.
    private static string AzureData(string text) =>
        text.Replace("%", "%AZP25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace(
            "\n",
            "%0A",
            StringComparison.Ordinal);

    private static string AzureProperty(string text) =>
        AzureData(text).Replace(";", "%3B", StringComparison.Ordinal).Replace("]", "%5D", StringComparison.Ordinal);
}
