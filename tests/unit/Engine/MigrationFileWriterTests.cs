using SharedMigrations.Core;
using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Parsing;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Engine;

public class MigrationFileWriterTests
{
    [Fact]
    public void Sequential_numbering_continues_from_the_highest_version_with_its_width()
    {
        using var folder = new ServiceFolder("orders");
        folder.Add("0009_a.sql", "SELECT 1;");
        folder.Add("0010_b.sql", "SELECT 1;");

        var file = MigrationFileWriter.Create(
            folder.MigrationsPath,
            "Add Users-Email",
            "Email column",
            null,
            VersioningScheme.Sequential,
            "orders",
            null);

        Assert.Equal("0011_add_users_email.sql", file.Name);
        var migration = MigrationParser.ParseFile(file.FullName).Migration!;
        Assert.Equal(11, migration.Version);
        Assert.Equal("Email column", migration.Description);
    }

    [Fact]
    public void First_file_of_an_empty_service_is_001_and_the_folder_is_created()
    {
        using var folder = new ServiceFolder("fresh");
        Directory.Delete(folder.MigrationsPath);

        var file = MigrationFileWriter.Create(folder.MigrationsPath, "init", null, null, VersioningScheme.Sequential, "fresh", null);

        Assert.Equal("001_init.sql", file.Name);
        Assert.Contains("-- Description: init", File.ReadAllText(file.FullName));
    }

    [Fact]
    public void Timestamp_numbering_uses_utc_time_and_stays_above_existing_versions()
    {
        using var folder = new ServiceFolder();
        var now = new DateTimeOffset(2026, 11, 26, 9, 30, 0, TimeSpan.FromHours(2));

        var first = MigrationFileWriter.Create(folder.MigrationsPath, "a", null, null, VersioningScheme.Timestamp, "svc", null, now);
        var second = MigrationFileWriter.Create(folder.MigrationsPath, "b", null, null, VersioningScheme.Timestamp, "svc", null, now);

        Assert.Equal("20261126073000_a.sql", first.Name);
        Assert.Equal("20261126073001_b.sql", second.Name);
    }

    [Fact]
    public void Templates_come_from_the_service_then_the_team_then_built_in_with_placeholders_filled()
    {
        using var folder = new ServiceFolder("billing");
        var team = Path.Combine(folder.Root, "team-templates");
        Directory.CreateDirectory(team);
        File.WriteAllText(
            Path.Combine(team, "audit.sql"),
            "-- Migration: {{name}}\n-- Description: team {{description}}\n-- +++++ UP\nSELECT '{{service}}', {{version}};\n-- +++++ " +
                "DOWN\nSELECT 1;\n");
        File.WriteAllText(Path.Combine(team, "create_table.sql"), "-- +++++ UP\nSELECT 'team create_table';\n");
        Directory.CreateDirectory(Path.Combine(folder.MigrationsPath, "templates"));
        File.WriteAllText(
            Path.Combine(folder.MigrationsPath, "templates", "audit.sql"),
            "-- Migration: {{name}}\n-- Description: service {{description}}\n-- +++++ UP\nSELECT '{{service}}', {{version}};\n-- +++++ " +
                "DOWN\nSELECT 1;\n");

        var templates = MigrationFileWriter.ListTemplates(folder.MigrationsPath, team);
        Assert.Equal("service", templates.Single(t => t.Name == "audit").Source);
        Assert.Equal("team", templates.Single(t => t.Name == "create_table").Source);
        Assert.Equal("built-in", templates.Single(t => t.Name == "add_index").Source);

        var file = MigrationFileWriter.Create(
            folder.MigrationsPath,
            "trail",
            "Audit trail",
            "audit",
            VersioningScheme.Sequential,
            "billing",
            team);
        var text = File.ReadAllText(file.FullName);
        Assert.Contains("-- Description: service Audit trail", text);
        Assert.Contains("SELECT 'billing', 001;", text);
    }

    [Fact]
    public void Add_index_template_is_concurrent_and_runs_outside_a_transaction()
    {
        using var folder = new ServiceFolder();
        var file = MigrationFileWriter.Create(folder.MigrationsPath, "idx", null, "add_index", VersioningScheme.Sequential, "svc", null);
        var migration = MigrationParser.ParseFile(file.FullName).Migration!;
        Assert.Equal(TransactionMode.None, migration.Transaction);
        Assert.StartsWith("CREATE INDEX CONCURRENTLY", migration.Up.Statements.Single().Text);
    }

    [Theory]
    [InlineData("!!!", "MigrationNameInvalid")]
    [InlineData("", "MigrationNameInvalid")]
    public void A_name_without_letters_or_digits_is_refused(string name, string errorId)
    {
        using var folder = new ServiceFolder();
        var ex = Assert.Throws<MigrationCreationException>(() => MigrationFileWriter.Create(
            folder.MigrationsPath,
            name,
            null,
            null,
            VersioningScheme.Sequential,
            "svc",
            null));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Empty(Directory.GetFiles(folder.MigrationsPath));
    }

    [Fact]
    public void An_unknown_template_is_refused_naming_the_available_ones()
    {
        using var folder = new ServiceFolder();
        var ex = Assert.Throws<MigrationCreationException>(() => MigrationFileWriter.Create(
            folder.MigrationsPath,
            "x",
            null,
            "nope",
            VersioningScheme.Sequential,
            "svc",
            null));
        Assert.Equal("MigrationTemplateNotFound", ex.ErrorId);
        Assert.Contains("create_table", ex.Message);
        Assert.Empty(Directory.GetFiles(folder.MigrationsPath));
    }

    [Fact]
    public void A_template_that_gives_an_invalid_file_is_refused_and_nothing_is_written()
    {
        using var folder = new ServiceFolder();
        Directory.CreateDirectory(Path.Combine(folder.MigrationsPath, "templates"));
        File.WriteAllText(Path.Combine(folder.MigrationsPath, "templates", "broken.sql"), "CREATE TABLE x ();\n");
        var ex = Assert.Throws<MigrationCreationException>(() => MigrationFileWriter.Create(
            folder.MigrationsPath,
            "x",
            null,
            "broken",
            VersioningScheme.Sequential,
            "svc",
            null));
        Assert.Equal("MigrationTemplateInvalid", ex.ErrorId);
        Assert.Empty(Directory.GetFiles(folder.MigrationsPath));
    }
}
