using System.Diagnostics;
using System.Text;
using SharedMigrations.Core;
using SharedMigrations.Core.Database;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Loading;
using SharedMigrations.Core.Model;
using Xunit.Abstractions;

namespace SharedMigrations.Tests.Reliability;

/// <summary>
/// Every malformed migration file and config of <see cref="HostileCorpus"/> gives one clear error of the project's own
/// type, naming the file (and the line where there is one); no other exception escapes; nothing touches the database
/// (it points at a port that counts connection attempts).
/// </summary>
[Trait("Category", "Reliability")]
public class HostileInputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_case_of_the_corpus_gives_one_error_of_our_type_naming_the_file_and_touches_no_database()
    {
        var corpus = HostileCorpus.All();
        Assert.True(corpus.Count >= 200, $"the corpus has {corpus.Count} cases; the issue asks for at least 200");
        Assert.Equal(corpus.Count, corpus.Select(c => c.Name).Distinct().Count());

        await using var database = new SilentServer();
        var root = Path.Combine(Path.GetTempPath(), "sm-hostile-" + Guid.NewGuid().ToString("N")[..10]);
        var failures = new List<string>();
        var messages = new List<string>();
        var watch = Stopwatch.StartNew();
        var slowest = (Name: string.Empty, Elapsed: TimeSpan.Zero);
        try
        {
            for (var i = 0; i < corpus.Count; i++)
            {
                var item = corpus[i];
                var folder = Path.Combine(root, $"case{i:000}");
                var caseWatch = Stopwatch.StartNew();
                try
                {
                    Write(folder, item, database);
                    var (problem, message) = item.Kind == HostileKind.MigrationFile
                        ? await CheckMigrationCaseAsync(folder, item, database)
                        : CheckConfigCase(folder, item, database);
                    messages.Add($"[{item.Name}] {Shorten(message?.Replace(root, "<root>") ?? string.Empty)}");
                    if (problem is not null)
                    {
                        failures.Add($"[{item.Name}] {problem}");
                    }
                }
                catch (Exception ex)
                {
                    failures.Add($"[{item.Name}] the check itself failed: {ex}");
                }
                finally
                {
                    TryDelete(folder);
                }

                if (caseWatch.Elapsed > slowest.Elapsed)
                {
                    slowest = (item.Name, caseWatch.Elapsed);
                }
            }
        }
        finally
        {
            TryDelete(root);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {corpus.Count} cases failed:\n" + string.Join("\n", failures));
        Assert.Equal(0, database.Accepted);
        output.WriteLine(
            $"FIGURE hostile-input: {corpus.Count} cases ({corpus.Count(c => c.Kind == HostileKind.MigrationFile)} migration files, " +
            $"{corpus.Count(c => c.Kind == HostileKind.Config)} configs), each one error of our type naming its file; " +
            "other exceptions 0; " +
            $"database connections 0; {watch.Elapsed.TotalSeconds:0.0} s (slowest: {slowest.Name}, {slowest.Elapsed.TotalMilliseconds:0} " +
                $"ms)");
        foreach (var message in messages)
        {
            output.WriteLine(message);
        }
    }

    /// <summary>up, status and the offline analysis (Test-Migration) each report the file before any connection.</summary>
    private static async Task<(string? Problem, string? Message)> CheckMigrationCaseAsync(
        string folder,
        HostileCase item,
        SilentServer database)
    {
        var target = Path.Combine(folder, item.Target);
        MigrationService service;
        try
        {
            service = MigrationService.ForService(
                ServiceDiscovery.Open(folder),
                getVariable: NoEnvironment(database),
                overrides: null,
                logger: null);
        }
        catch (Exception ex)
        {
            return ($"opening the service failed: {ex}", null);
        }

        var errors = new List<Exception>();
        foreach (var operation in new Func<Task>[]
        {
            () => service.RunMigrationsAsync(),
            () => service.GetStatusAsync(),
            () => service.RollbackAsync(new DownOptions()),
        })
        {
            try
            {
                await operation();
                return ("no error: the input was accepted", null);
            }
            catch (Exception ex)
            {
                errors.Add(ex);
            }
        }

        foreach (var error in errors)
        {
            if (error is not MigrationFormatException format)
            {
                return ($"expected a MigrationFormatException, got {error}", error.Message);
            }

            if (CheckFormat(format, target, item) is { } problem)
            {
                return (problem, error.Message);
            }
        }

        var analysis = new MigrationLoader(Path.Combine(folder, "migrations"), "hostile").Analyze();
        var analyzed = analysis.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        var thrown = ((MigrationFormatException)errors[0]).Errors;
        return (analyzed.Select(d => d.ToString()).SequenceEqual(thrown.Select(d => d.ToString()))
            ? null
            : $"Test-Migration's analysis differs from the error: {string.Join("; ", analyzed.Select(d => d.ToString()))}",
            errors[0].Message);
    }

    private static string? CheckFormat(MigrationFormatException ex, string target, HostileCase item)
    {
        var fileName = Path.GetFileName(target);
        if (ex.Errors.Count != item.Errors)
        {
            return $"expected {item.Errors} finding(s), got {ex.Errors.Count}: {ex.Message}";
        }

        if (!string.Equals(ex.FilePath, target, StringComparison.Ordinal) || ex.Errors.Any(e => e.FilePath != target))
        {
            return $"the error names {ex.FilePath}, expected {target}: {ex.Message}";
        }

        if (!ex.Message.Contains(fileName, StringComparison.Ordinal))
        {
            return $"the message does not name {fileName}: {ex.Message}";
        }

        if (ex.ErrorId != "MigrationFileInvalid" || ex.Service != "hostile")
        {
            return $"unexpected ErrorId {ex.ErrorId} or service {ex.Service}";
        }

        return CheckLine(ex.Line, ex.Message, item);
    }

    /// <summary>Opening the service (config) and building its connection (connection settings) report the config file.</summary>
    private static (string? Problem, string? Message) CheckConfigCase(string folder, HostileCase item, SilentServer database)
    {
        var target = Path.Combine(folder, item.Target);
        try
        {
            var definition = ServiceDiscovery.Open(folder, getVariable: NoEnvironment(database));
            MigrationService.ForService(definition, null, null, NoEnvironment(database));
            return ("no error: the config was accepted", null);
        }
        catch (ConfigurationException ex)
        {
            if (!string.Equals(ex.ConfigPath, target, StringComparison.Ordinal) || !ex.Message.Contains(target, StringComparison.Ordinal))
            {
                return ($"the error does not name {target}: {ex.ConfigPath}: {ex.Message}", ex.Message);
            }

            if (ex.ErrorId != "ConfigurationInvalid" || ex.FilePath != target)
            {
                return ($"unexpected ErrorId {ex.ErrorId} or FilePath {ex.FilePath}", ex.Message);
            }

            if (ex.Message.Contains("Sekr3t", StringComparison.Ordinal))
            {
                return ($"the message shows the password: {ex.Message}", ex.Message);
            }

            return (CheckLine(ex.Line, ex.Message, item), ex.Message);
        }
        catch (Exception ex)
        {
            return ($"expected a ConfigurationException, got {ex}", ex.Message);
        }
    }

    private static string? CheckLine(int? line, string message, HostileCase item)
    {
        switch (item.Line)
        {
            case HostileCorpus.NoLineChecked:
                return null;
            case HostileCorpus.SomeLine:
                return line is { } some && message.Contains($"line {some}", StringComparison.Ordinal)
                    ? null
                    : $"expected a line, got {line?.ToString() ?? "none"}: {Shorten(message)}";
            default:
                return line == item.Line && message.Contains($"line {item.Line}", StringComparison.Ordinal)
                    ? null
                    : $"expected line {item.Line}, got {line?.ToString() ?? "none"}: {Shorten(message)}";
        }
    }

    private static void Write(string folder, HostileCase item, SilentServer database)
    {
        Directory.CreateDirectory(Path.Combine(folder, "migrations"));
        if (item.Kind == HostileKind.MigrationFile)
        {
            File.WriteAllText(
                Path.Combine(folder, "config.yaml"),
                $"service:\n  name: hostile\ndatabase:\n  host: {database.Host}\n  port: {database.Port}\n  username: app\n  password: " +
                    $"Sekr3t\n  database: app\n  connect_timeout: 1s\n  connect_retries: 0\n");
        }
        else
        {
            File.WriteAllText(Path.Combine(folder, "migrations", "001_a.sql"), "-- +++++ UP\nSELECT 1;\n");
        }

        foreach (var (path, content) in item.Extra)
        {
            File.WriteAllBytes(Path.Combine(folder, path), content);
        }

        var target = Path.Combine(folder, item.Target);
        if (item.SparseLength is { } length)
        {
            using var stream = new FileStream(target, FileMode.Create, FileAccess.Write);
            stream.SetLength(length);
        }
        else
        {
            File.WriteAllBytes(target, item.Content);
        }
    }

    /// <summary>
    /// No PG* variables from the machine: only a host and port that lead to the counting server, should anything try to connect.
    /// </summary>
    private static Func<string, string?> NoEnvironment(SilentServer database) => name => name switch
    {
        "PGHOST" => database.Host,
        "PGPORT" => database.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "PGCONNECT_TIMEOUT" => "1",
        _ => null,
    };

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }
}
