using System.Diagnostics;
using System.Reflection;
using Npgsql;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Examples;

/// <summary>
/// examples/dotnet-service, a service that runs its migrations at start-up, run as a process (built with the solution,
/// so build.ps1 Build or Test builds it before these tests) against a fresh database.
/// </summary>
[Trait("Category", "Examples")]
public class DotnetServiceExampleTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Migrates_at_start_up_then_finds_nothing_to_do_then_fails_with_file_and_line()
    {
        await using var db = await TestDatabase.CreateAsync("example");
        var connection = new NpgsqlConnectionStringBuilder(db.ConnectionString);

        // First start: the service folder deployed beside the program (config.yaml and migrations/ in its output folder).
        var first = await RunAsync(connection);
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("Schema migrated to version 2.", first.Output);
        Assert.True(await db.TableExistsAsync("orders"));
        Assert.True(await db.TableExistsAsync("order_lines"));
        Assert.Equal([1L, 2L], await db.AppliedVersionsAsync());
        Assert.Equal(
            2,
            await db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations_log WHERE direction = 'up' AND succeeded AND service = " +
                "'orders-service'"));

        // Second start: nothing new.
        var second = await RunAsync(connection);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("nothing to apply", second.Output);
        Assert.Equal(2, await db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations_log"));

        // A broken migration: a non-zero exit, and the message names the file and the line; it is rolled back whole.
        var folder = Path.Combine(Path.GetTempPath(), "sm-tests", "example-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            CopyServiceFolder(ExampleOutput, folder);
            File.WriteAllText(
                Path.Combine(folder, "migrations", "003_add_order_note.sql"),
                "-- Migration: add_order_note\n\n-- +++++ UP\nALTER TABLE orders ADD COLUMN note text;\nUPDATE orders\n   SET note = " +
                    "nope;\n\n-- +++++ DOWN\nALTER TABLE orders DROP COLUMN note;\n");

            var broken = await RunAsync(connection, folder);
            Assert.True(broken.ExitCode == 1, broken.Output);
            Assert.Contains("003_add_order_note.sql line 6", broken.Output);
            Assert.Contains("42703", broken.Output);
            Assert.Contains("MigrationFailed", broken.Output);
            Assert.DoesNotContain(connection.Password!, broken.Output + first.Output + second.Output);
            Assert.Equal([1L, 2L], await db.AppliedVersionsAsync());
            Assert.False(await db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'orders' " +
                "AND column_name = 'note')"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Exits_non_zero_naming_the_variable_when_the_password_is_not_set()
    {
        var connection = new NpgsqlConnectionStringBuilder("Host=127.0.0.1;Port=1;Username=nobody;Database=nothing");
        var run = await RunAsync(connection);
        Assert.True(run.ExitCode == 1, run.Output);
        Assert.Contains("ConfigurationInvalid", run.Output);
        Assert.Contains("ORDERS_DB_PASSWORD", run.Output);
    }

    private static string ExampleOutput
    {
        get
        {
            var configuration = typeof(DotnetServiceExampleTests)
                .Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            var output = Path.Combine(RepositoryRoot, "examples", "dotnet-service", "bin", configuration, "net10.0");
            Assert.True(
                File.Exists(Path.Combine(output, "OrdersService.dll")),
                $"examples/dotnet-service is not built in {output}: build the solution (dotnet pwsh ./build.ps1 Build).");
            return output;
        }
    }

    private static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "SharedMigrations.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"No SharedMigrations.sln above {AppContext.BaseDirectory}.");
        }
    }

    private static void CopyServiceFolder(string from, string to)
    {
        Directory.CreateDirectory(Path.Combine(to, "migrations"));
        File.Copy(Path.Combine(from, "config.yaml"), Path.Combine(to, "config.yaml"));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(from, "migrations"), "*.sql"))
        {
            File.Copy(file, Path.Combine(to, "migrations", Path.GetFileName(file)));
        }
    }

    /// <summary>Starts the example as a deployment would: connection settings in ORDERS_DB_* variables, no PG* variables.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(
        NpgsqlConnectionStringBuilder connection,
        string? serviceFolder = null)
    {
        var info = new ProcessStartInfo(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(ExampleOutput, "OrdersService.dll"));
        if (serviceFolder is not null)
        {
            info.ArgumentList.Add(serviceFolder);
        }

        foreach (var name in new[] { "PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGSSLMODE" })
        {
            info.Environment.Remove(name);
        }

        info.Environment["ORDERS_DB_HOST"] = connection.Host;
        info.Environment["ORDERS_DB_PORT"] = connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["ORDERS_DB_USER"] = connection.Username;
        info.Environment["ORDERS_DB_NAME"] = connection.Database;
        if (connection.Password is { } password)
        {
            info.Environment["ORDERS_DB_PASSWORD"] = password;
        }
        else
        {
            info.Environment.Remove("ORDERS_DB_PASSWORD");
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The example did not exit within {Timeout}: {await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
