using System.Text.Json;
using SharedMigrations.Core;
using SharedMigrations.Core.Database;
using SharedMigrations.Core.Linting;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Engine;

/// <summary>SARIF output, and the online mode against a real PostgreSQL.</summary>
public class SafetyAnalysisOutputTests
{
    [Fact]
    public void Sarif_has_the_shape_github_code_scanning_requires()
    {
        using var folder = new ServiceFolder("orders");
        folder.Add(
            "001_index.sql",
            "SELECT 1;\n  CREATE INDEX i ON users (email);",
            "DROP INDEX CONCURRENTLY IF EXISTS i;",
            "-- Transaction: none");
        folder.Add("002_drop_db.sql", "DROP DATABASE legacy;", "SELECT 1;", "-- Transaction: none");
        var check = ServiceCheck.Run(folder.Path);
        Assert.True(check.Diagnostics.Count >= 2, string.Join("\n", check.Diagnostics));
        Assert.True(
            check.Diagnostics.Any(d => d.Rule == LintRules.NonConcurrentIndex),
            string.Join("\n", check.Diagnostics.Select(d => d.Rule + " " + d)));

        var json = SarifWriter.Build(check.Diagnostics.Select(d => (check.Service, d)), folder.Root, "1.2.3");
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        Assert.Equal(SarifWriter.SchemaUri, root.GetProperty("$schema").GetString());

        var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
        var driver = run.GetProperty("tool").GetProperty("driver");
        Assert.Equal("SharedMigrations", driver.GetProperty("name").GetString());
        var rules = driver.GetProperty("rules").EnumerateArray().ToList();
        var ruleIds = rules.Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Contains(LintRules.NonConcurrentIndex, ruleIds);
        Assert.Contains(LintRules.DropDatabase, ruleIds);
        Assert.All(rules, r =>
        {
            Assert.False(string.IsNullOrEmpty(r.GetProperty("shortDescription").GetProperty("text").GetString()));
            Assert.Contains(r.GetProperty("defaultConfiguration").GetProperty("level").GetString(), new[] { "error", "warning", "note" });
            Assert.StartsWith("https://", r.GetProperty("helpUri").GetString());
        });
        Assert.StartsWith("file:///", run.GetProperty("originalUriBaseIds").GetProperty("%SRCROOT%").GetProperty("uri").GetString());
        Assert.EndsWith("/", run.GetProperty("originalUriBaseIds").GetProperty("%SRCROOT%").GetProperty("uri").GetString());

        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(check.Diagnostics.Count, results.Count);
        foreach (var result in results)
        {
            var ruleId = result.GetProperty("ruleId").GetString();
            Assert.Equal(ruleId, ruleIds[result.GetProperty("ruleIndex").GetInt32()]);
            Assert.Contains(result.GetProperty("level").GetString(), new[] { "error", "warning", "note" });
            Assert.StartsWith("orders: ", result.GetProperty("message").GetProperty("text").GetString());
            var physical = Assert.Single(result.GetProperty("locations").EnumerateArray()).GetProperty("physicalLocation");
            var artifact = physical.GetProperty("artifactLocation");
            var uri = artifact.GetProperty("uri").GetString()!;
            Assert.StartsWith("svc", uri.Replace("orders", "svc", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.DoesNotContain("\\", uri);
            Assert.False(Uri.IsWellFormedUriString(uri, UriKind.Absolute));
            Assert.Equal("%SRCROOT%", artifact.GetProperty("uriBaseId").GetString());
            Assert.True(physical.GetProperty("region").GetProperty("startLine").GetInt32() >= 1);
            Assert.False(
                string.IsNullOrEmpty(result.GetProperty("partialFingerprints").GetProperty("primaryLocationLineHash").GetString()));
        }

        var index = results.Single(r => r.GetProperty("ruleId").GetString() == LintRules.NonConcurrentIndex);
        var region = index.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region");
        Assert.Equal((6, 3), (region.GetProperty("startLine").GetInt32(), region.GetProperty("startColumn").GetInt32()));
        Assert.Equal(
            "orders/migrations/001_index.sql",
            index.GetProperty(
                "locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
        var drop = results.Single(r => r.GetProperty("ruleId").GetString() == LintRules.DropDatabase);
        Assert.Equal("error", drop.GetProperty("level").GetString());
        Assert.Equal(
            "orders/migrations/002_drop_db.sql",
            drop.GetProperty(
                "locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
    }

    [Fact]
    public async Task Online_reads_version_tables_sizes_and_pending_migrations_from_the_server()
    {
        await using var db = await TestDatabase.CreateAsync("lint");
        await db.ExecuteAsync("""
            CREATE TABLE small (id int, x int);
            CREATE TABLE big (id int, x int);
            INSERT INTO big SELECT g, g FROM generate_series(1, 20000) g;
            """);

        using var folder = new ServiceFolder();
        folder.Add("001_base.sql", "CREATE TABLE applied_t (id int);", "DROP TABLE applied_t;");
        var engine = folder.Service(db.ConnectionString);
        await engine.RunMigrationsAsync();
        folder.Add(
            "002_indexes.sql",
            "CREATE INDEX small_x ON small (x);\nCREATE INDEX big_x ON big (x);\nCREATE INDEX applied_x ON applied_t (id);",
            "SELECT 1;");
        folder.Add("003_new_table.sql", "CREATE TABLE fresh (id int);", "DROP TABLE fresh;");
        folder.Add(
            "004_on_new.sql",
            "CREATE INDEX fresh_id ON fresh (id);\nCREATE INDEX nowhere_id ON not_there (id);\nALTER TABLE fresh ALTER COLUMN id SET NOT " +
                "NULL;",
            "SELECT 1;");

        var offline = ServiceCheck.Run(folder.Path);
        var offlineIndexes = offline.Diagnostics.Where(d => d.Rule == LintRules.NonConcurrentIndex).Select(d => d.Table ?? "-").ToArray();
        Assert.Equal(["small", "big", "applied_t", "fresh", "not_there"], offlineIndexes);
        Assert.Contains(offline.Diagnostics, d => d.Rule == LintRules.SetNotNull && d.Table == "fresh");
        Assert.Null(offline.ServerVersion);

        var online = await ServiceCheck.RunAsync(
            folder.Path,
            null,
            null,
            new ConnectionOverrides { ConnectionString = db.ConnectionString },
            CancellationToken.None);
        Assert.Equal(15, online.ServerVersion);
        var onlineFindings = online.Diagnostics.Where(d => d.Rule != LintRules.MissingDown).ToList();

        // 001 is applied: not analysed for context. 003 is pending: 'fresh' is new in 004. 'not_there' does not exist.
        Assert.Equal(
            ["big", "small", "applied_t"],
            onlineFindings.Where(d => d.Rule == LintRules.NonConcurrentIndex).Select(d => d.Table ?? "-").ToArray());
        Assert.DoesNotContain(onlineFindings, d => d.Table is "fresh" or "not_there");
        Assert.DoesNotContain(onlineFindings, d => d.Rule == LintRules.SetNotNull);
        Assert.Contains(" (big is ", onlineFindings.First().Message);
        Assert.Equal("big", onlineFindings.First().Table);
    }
}
