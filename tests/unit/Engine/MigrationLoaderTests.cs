using SharedMigrations.Core;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Loading;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Engine;

public class MigrationLoaderTests
{
    [Fact]
    public void Loads_sql_files_in_version_order_and_ignores_subfolders_and_other_files()
    {
        using var folder = new ServiceFolder();
        folder.Add("010_c.sql", "SELECT 10;");
        folder.Add("2_b.sql", "SELECT 2;");
        folder.Add("001_a.sql", "SELECT 1;");
        folder.Write("README.md", "not a migration");
        folder.Write("notes.txt", "-- +++++ UP");
        Directory.CreateDirectory(Path.Combine(folder.MigrationsPath, "templates"));
        File.WriteAllText(Path.Combine(folder.MigrationsPath, "templates", "bad name.sql"), "junk");

        var set = new MigrationLoader(folder.MigrationsPath).Load();

        Assert.Equal([1L, 2L, 10L], set.Migrations.Select(m => m.Version));
        Assert.Empty(set.Diagnostics);
    }

    [Fact]
    public void Duplicate_version_is_an_error_naming_both_files()
    {
        using var folder = new ServiceFolder();
        folder.Add("001_a.sql", "SELECT 1;");
        folder.Add("1_b.sql", "SELECT 2;");

        var ex = Assert.Throws<MigrationFormatException>(() => new MigrationLoader(folder.MigrationsPath, serviceName: "svc").Load());

        var error = Assert.Single(ex.Errors);
        Assert.Equal("DuplicateVersion", error.Rule);
        Assert.Contains("001_a.sql", ex.Message);
        Assert.Contains("1_b.sql", ex.Message);
        Assert.StartsWith("svc: ", ex.Message);
        Assert.Equal("MigrationFileInvalid", ex.ErrorId);
    }

    [Fact]
    public void Every_bad_file_is_reported_at_once()
    {
        using var folder = new ServiceFolder();
        folder.Write("001_a.sql", "SELECT 1;");
        folder.Write("bad.sql", "-- +++++ UP\nSELECT 1;");
        folder.Add("003_ok.sql", "SELECT 3;");

        var ex = Assert.Throws<MigrationFormatException>(() => new MigrationLoader(folder.MigrationsPath).Load());

        Assert.Equal(2, ex.Errors.Count);
        Assert.Contains(ex.Errors, e => e.FileName == "001_a.sql");
        Assert.Contains(ex.Errors, e => e.FileName == "bad.sql");
    }

    [Fact]
    public void Missing_folder_means_no_migrations()
    {
        var set = new MigrationLoader(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"))).Load();
        Assert.Equal(0, set.Count);
        Assert.Equal(0, set.LatestVersion);
    }
}
