using SharedMigrations.Core;
using SharedMigrations.Core.Configuration;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Engine;

/// <summary>New-Migration -Name: free text to a file name, accented letters transliterated, no letter ever dropped.</summary>
public class MigrationNameTests
{
    [Theory]
    [InlineData("Ünïcode naming", "unicode_naming")]
    [InlineData("add user email", "add_user_email")]
    [InlineData("  Add-User.Email!! ", "add_user_email")]
    [InlineData("Crème brûlée", "creme_brulee")]
    [InlineData("Straße größe", "strasse_grosse")]
    [InlineData("Ærø smørrebrød", "aero_smorrebrod")]
    [InlineData("Łódź żółw", "lodz_zolw")]
    [InlineData("Þór Đorđe ð", "thor_dorde_d")]
    [InlineData("Œuvre naïve façade", "oeuvre_naive_facade")]
    [InlineData("İstanbul ılık", "istanbul_ilik")]
    [InlineData("ﬁle ＡＢＣ x²", "file_abc_x2")]
    [InlineData("add 🚀 rocket", "add_rocket")]
    [InlineData("señor_ñandú", "senor_nandu")]
    [InlineData("already_fine_123", "already_fine_123")]
    public void Accented_letters_are_transliterated(string text, string expected)
    {
        Assert.Equal(expected, MigrationFileWriter.NormalizeName(text));
    }

    [Theory]
    [InlineData(
        "добавить users",
        "'д' (U+0434), 'о' (U+043E), 'б' (U+0431), 'а' (U+0430), 'в' (U+0432), 'и' (U+0438), 'т' (U+0442), 'ь' (U+044C)")]
    [InlineData("add 用户 table", "'用' (U+7528), '户' (U+6237)")]
    [InlineData("λ function", "'λ' (U+03BB)")]
    [InlineData("version ٣", "'٣' (U+0663)")]
    public void Letters_with_no_ascii_form_are_refused_and_named(string text, string named)
    {
        var ex = Assert.Throws<MigrationCreationException>(() => MigrationFileWriter.NormalizeName(text, "orders"));
        Assert.Equal("MigrationNameUnrepresentable", ex.ErrorId);
        Assert.Equal(MigrationErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal("orders", ex.Service);
        Assert.StartsWith("orders: the migration name", ex.Message);
        Assert.Contains(named, ex.Message);
    }

    [Fact]
    public void New_migration_writes_the_transliterated_name_and_writes_nothing_when_it_refuses()
    {
        using var folder = new ServiceFolder();
        folder.Add("001_first.sql", "SELECT 1;");

        var file = MigrationFileWriter.Create(
            folder.MigrationsPath,
            "Ünïcode naming",
            null,
            null,
            VersioningScheme.Sequential,
            "svc",
            null);

        Assert.Equal("002_unicode_naming.sql", file.Name);
        Assert.Contains("-- Migration: unicode_naming", File.ReadAllText(file.FullName));

        var ex = Assert.Throws<MigrationCreationException>(() =>
            MigrationFileWriter.Create(folder.MigrationsPath, "Имя", null, null, VersioningScheme.Sequential, "svc", null));
        Assert.Equal("MigrationNameUnrepresentable", ex.ErrorId);
        Assert.Equal(
            ["001_first.sql", "002_unicode_naming.sql"],
            Directory.GetFiles(folder.MigrationsPath).Select(Path.GetFileName).Order());
    }
}
