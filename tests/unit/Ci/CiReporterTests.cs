using SharedMigrations.Core;
using SharedMigrations.Core.Ci;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Planning;

namespace SharedMigrations.Tests.Ci;

public class CiReporterTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Theory]
    [InlineData("true", null, nameof(CiFormat.GitHubActions))]
    [InlineData("TRUE", null, nameof(CiFormat.GitHubActions))]
    [InlineData(null, "True", nameof(CiFormat.AzureDevOps))]
    [InlineData(null, "true", nameof(CiFormat.AzureDevOps))]
    [InlineData("false", "False", nameof(CiFormat.None))]
    [InlineData(null, null, nameof(CiFormat.None))]
    public void Detects_the_ci_system_like_pester(string? github, string? azure, string expected)
    {
        // CiFormat is internal: the theory names it (xunit theories are public methods).
        var reporter = new CiReporter(
            CiFormat.Auto,
            name => name switch { "GITHUB_ACTIONS" => github, "TF_BUILD" => azure, _ => null },
            "/repo");
        Assert.Equal(Enum.Parse<CiFormat>(expected), reporter.Format);
    }

    [Fact]
    public void GitHub_annotation_escapes_data_and_properties()
    {
        var reporter = new CiReporter(CiFormat.GitHubActions, Env(("GITHUB_WORKSPACE", "/repo")));
        var line = reporter.FormatAnnotation(new Annotation(
            AnnotationLevel.Error,
            "100% broken:\r\nsee \u001b[31mthis\u001b[0m",
            "/repo/svc/migrations/a,b:c.sql",
            7,
            "Migration:Failed,1"));
        Assert.Equal("::error file=svc/migrations/a%2Cb%3Ac.sql,line=7,title=Migration%3AFailed%2C1::100%25 broken:%0D%0Asee this", line);
    }

    [Fact]
    public void Azure_annotation_escapes_data_and_properties()
    {
        var reporter = new CiReporter(CiFormat.AzureDevOps, Env(("BUILD_SOURCESDIRECTORY", "/repo")));
        var line = reporter.FormatAnnotation(new Annotation(
            AnnotationLevel.Warning,
            "50% done; ok]\nnext",
            "/repo/x;y]z.sql",
            3,
            "Code;1]"));
        Assert.Equal(
            "##vso[task.logissue type=warning;sourcepath=x%3By%5Dz.sql;linenumber=3;code=Code%3B1%5D]50%AZP25 done; ok]%0Anext",
            line);
    }

    [Fact]
    public void Paths_outside_the_workspace_stay_absolute_and_no_file_means_no_line()
    {
        var reporter = new CiReporter(CiFormat.GitHubActions, Env(("GITHUB_WORKSPACE", "/repo")));
        Assert.Equal(
            "::warning file=/elsewhere/a.sql::m",
            reporter.FormatAnnotation(new Annotation(AnnotationLevel.Warning, "m", "/elsewhere/a.sql")));
        Assert.Equal("::warning::m", reporter.FormatAnnotation(new Annotation(AnnotationLevel.Warning, "m", null, 5)));
    }

    [Fact]
    public void Outside_ci_nothing_is_formatted_or_written()
    {
        var reporter = new CiReporter(CiFormat.Auto, Env(), "/repo");
        Assert.False(reporter.Enabled);
        Assert.Null(reporter.FormatAnnotation(new Annotation(AnnotationLevel.Error, "x")));
        Assert.Null(reporter.WriteSummary("t", [new SummaryRow("s", null, 0, 1, 1, TimeSpan.Zero, "Succeeded", true)]));
    }

    [Fact]
    public void GitHub_summary_is_appended_as_a_markdown_table()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "earlier step\n");
            var reporter = new CiReporter(CiFormat.GitHubActions, Env(("GITHUB_STEP_SUMMARY", file), ("GITHUB_WORKSPACE", "/repo")));
            Assert.Null(reporter.WriteSummary("SharedMigrations: Invoke-MigrationUp", [
                new SummaryRow("auth", "auth_db", 2, 5, 3, TimeSpan.FromMilliseconds(1250), "Succeeded", true),
                new SummaryRow("billing", null, null, null, 0, TimeSpan.Zero, "Failed (X): a | b\nc", false),
            ]));
            var text = File.ReadAllText(file);
            Assert.StartsWith("earlier step\n### SharedMigrations: Invoke-MigrationUp\n", text);
            Assert.Contains("| auth | auth_db | 2 → 5 | 3 | 1.25 s | ✅ Succeeded |", text);
            Assert.Contains("| billing |  | – | 0 | 0.00 s | ❌ Failed (X): a \\| b c |", text);
            Assert.Contains("2 service(s), 1 did not succeed.", text);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Azure_summary_is_a_file_and_an_upload_command()
    {
        var folder = Directory.CreateTempSubdirectory().FullName;
        try
        {
            var reporter = new CiReporter(CiFormat.AzureDevOps, Env(("AGENT_TEMPDIRECTORY", folder)));
            var line = reporter.WriteSummary("t", [new SummaryRow("s", "d", 0, 1, 1, TimeSpan.Zero, "Succeeded", true)]);
            Assert.StartsWith("##vso[task.uploadsummary]" + folder, line);
            Assert.Contains("| s | d | 0 → 1 | 1 |", File.ReadAllText(line!["##vso[task.uploadsummary]".Length..]));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void A_format_error_gives_one_annotation_per_bad_file_and_a_refusal_one_per_migration()
    {
        var format = new MigrationFormatException("svc", [
            new MigrationDiagnostic("/repo/m/001_a.sql", 3, DiagnosticSeverity.Error, "SectionMarkers", "bad marker"),
            new MigrationDiagnostic("/repo/m/bad.sql", null, DiagnosticSeverity.Error, "FileName", "bad name"),
        ]);
        var annotations = Annotations.For(format).ToArray();
        Assert.Equal([("/repo/m/001_a.sql", (int?)3), ("/repo/m/bad.sql", null)], annotations.Select(a => (a.FilePath, a.Line)));
        Assert.All(annotations, a => Assert.Equal("MigrationFileInvalid", a.Title));

        var refused = new MigrationRefusedException("svc", [
            new MigrationRefusal(RefusalReason.Modified, 1, "a", "/repo/m/001_a.sql", "changed"),
            new MigrationRefusal(RefusalReason.OutOfOrder, 2, "b", "/repo/m/002_b.sql", "late"),
        ]);
        Assert.Equal(["ChecksumMismatch", "OutOfOrderMigration"], Annotations.For(refused).Select(a => a.Title));
    }
}
