using DbUp;
using Npgsql;
using SharedMigrations.Benchmarks.Harness;
using SharedMigrations.Core;

namespace SharedMigrations.Benchmarks;

/// <summary>
/// How each tool is driven: our engine in this process, the module in the warm session or in a fresh pwsh, psql, DbUp and Evolve as
/// libraries.
/// </summary>
public sealed class Contenders(BenchDatabase database, Tools tools, PwshSession session, string moduleManifest)
{
    public BenchDatabase Database => database;

    public PwshSession Session => session;

    // ---- our engine, in this process (what a C# service calls at start-up) ----

    /// <summary>Opens the service folder (config.yaml) and applies what is pending; returns how many were applied.</summary>
    public static async Task<int> EngineUpAsync(string serviceFolder)
    {
        var engine = MigrationService.ForService(ServiceDiscovery.Open(serviceFolder));
        var result = await engine.RunMigrationsAsync().ConfigureAwait(false);
        return result.Results.Count(r => r.Succeeded);
    }

    /// <summary>The state of every migration of the service (one read of the history).</summary>
    public static async Task<int> EngineStatusAsync(string serviceFolder)
    {
        var engine = MigrationService.ForService(ServiceDiscovery.Open(serviceFolder));
        var status = await engine.GetStatusAsync().ConfigureAwait(false);
        return status.Entries.Count;
    }

    // ---- the module ----

    /// <summary>
    /// A PowerShell command in a fresh pwsh: the whole process, as a CI step runs it. Reports [import ms, import + command ms] measured
    /// inside.
    /// </summary>
    public async Task<ProcessOutcome> WholeProcessAsync(string command, int? port = null)
    {
        var script =
            "$ErrorActionPreference = 'Stop'; $w = [Diagnostics.Stopwatch]::StartNew(); " +
            $"Import-Module {Quote(moduleManifest)}; $i = $w.Elapsed.TotalMilliseconds; " +
            command + "; " +
            "[Console]::Out.WriteLine(\"@@BENCH`t$i`t$($w.Elapsed.TotalMilliseconds)\")";
        var outcome = await ProcessRunner.RunAsync(
            tools.Pwsh.FileName,
            tools.Pwsh.Prefix.Concat(["-NoProfile", "-NonInteractive", "-Command", script]),
            database.ChildEnvironment(port)).ConfigureAwait(false);
        outcome.EnsureSuccess($"pwsh -Command \"{command}\"");
        if (outcome.Reported().Length != 2)
        {
            throw new InvalidOperationException(
                $"pwsh -Command \"{command}\" did not report its time: {ProcessRunner.Tail(outcome.Output)}");
        }

        return outcome;
    }

    /// <summary>pwsh -NoProfile -Command exit: PowerShell's start-up alone.</summary>
    public async Task<ProcessOutcome> PwshStartupAsync() =>
        (await ProcessRunner.RunAsync(
            tools.Pwsh.FileName,
            tools.Pwsh.Prefix.Concat(["-NoProfile", "-NonInteractive", "-Command", "exit"]),
            database.ChildEnvironment()).ConfigureAwait(false))
            .EnsureSuccess("pwsh -Command exit");

    public string ModuleManifest => moduleManifest;

    /// <summary>Import-Module of a manifest (ours by default) in a fresh pwsh; reports [import ms] measured inside.</summary>
    public async Task<ProcessOutcome> ImportAsync(string? manifest = null)
    {
        var script = $"$w = [Diagnostics.Stopwatch]::StartNew(); Import-Module {Quote(manifest ?? moduleManifest)}; " +
            $"[Console]::Out.WriteLine(\"@@BENCH`t$($w.Elapsed.TotalMilliseconds)\")";
        var outcome = await ProcessRunner.RunAsync(
            tools.Pwsh.FileName,
            tools.Pwsh.Prefix.Concat(["-NoProfile", "-NonInteractive", "-Command", script]),
            database.ChildEnvironment()).ConfigureAwait(false);
        return outcome.EnsureSuccess("pwsh -Command Import-Module");
    }

    /// <summary>
    /// The engine in a fresh dotnet process, without PowerShell (this program with --cold): what a cold process pays
    /// for the engine itself (JIT, Npgsql's first use, connecting). Reports [ms from Main to the end, objects].
    /// </summary>
    public async Task<ProcessOutcome> ColdEngineAsync(string operation, string serviceFolder)
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var self = System.Reflection.Assembly.GetEntryAssembly()!.Location;
        var arguments = Path.GetFileNameWithoutExtension(host) == "dotnet" ? new[] { self, "--cold", operation, serviceFolder } : [
            "--cold",
            operation,
            serviceFolder];
        return (await ProcessRunner.RunAsync(
            host,
            arguments,
            database.ChildEnvironment()).ConfigureAwait(false)).EnsureSuccess($"--cold {operation}");
    }

    // ---- psql: the floor ----

    /// <summary>psql -f of one file, one process, autocommit (each statement its own transaction and round trip).</summary>
    public async Task<ProcessOutcome> PsqlFileAsync(string databaseName, string file, int? port = null) =>
        (await ProcessRunner.RunAsync(
            tools.Psql,
            ["-X", "-q", "-w", "-v", "ON_ERROR_STOP=1", "-d", databaseName, "-f", file],
            database.ChildEnvironment(port)).ConfigureAwait(false))
            .EnsureSuccess($"psql -f {Path.GetFileName(file)}");

    /// <summary>psql -c "SELECT 1": a process start, a connection and one query.</summary>
    public async Task<ProcessOutcome> ShellLessPsqlAsync(string databaseName, int? port) =>
        (await ProcessRunner.RunAsync(
            tools.Psql,
            ["-X", "-q", "-w", "-d", databaseName, "-c", "SELECT 1"],
            database.ChildEnvironment(port)).ConfigureAwait(false))
            .EnsureSuccess("psql -c \"SELECT 1\"");

    /// <summary>A shell loop over services: one tool process per service, one at a time or several in parallel (xargs -P).</summary>
    public Task<ProcessOutcome> ShellLoopAsync(string targetsFile, int parallel, string psqlArguments, int? port = null) =>
        ShellLoopCommandAsync(
            targetsFile,
            parallel,
            $"\"$PSQL_BIN\" -X -q -w -v ON_ERROR_STOP=1 -d \"$1\" {psqlArguments} >/dev/null",
            port,
            new());

    /// <summary>sql-migrate looped in the shell over the services of a targets file (<c>up</c> or <c>status</c>).</summary>
    public Task<ProcessOutcome> SqlMigrateLoopAsync(string targetsFile, int parallel, string operation, Corpus corpus, int? port = null) =>
        ShellLoopCommandAsync(
            targetsFile,
            parallel,
            $"SM_DB=\"$1\" \"$SM_BIN\" {operation} -config=\"$SM_CONFIG\" -env=bench >/dev/null",
            port,
            new() { ["SM_BIN"] = tools.SqlMigrate, ["SM_CONFIG"] = corpus.SqlMigrateConfig });

    /// <summary>dbmate looped in the shell over the services of a targets file (<c>up</c> or <c>status</c>).</summary>
    public Task<ProcessOutcome> DbmateLoopAsync(string targetsFile, int parallel, string operation, Corpus corpus, int? port = null) =>
        ShellLoopCommandAsync(targetsFile, parallel,
            $"\"$DBMATE_BIN\" --url \"postgres:///$1?sslmode=disable\" --migrations-dir \"$DBMATE_DIR\" --no-dump-schema {operation} " +
                $">/dev/null", port,
            new() { ["DBMATE_BIN"] = tools.Dbmate, ["DBMATE_DIR"] = corpus.DbmateScripts });

    private async Task<ProcessOutcome> ShellLoopCommandAsync(
        string targetsFile,
        int parallel,
        string each,
        int? port,
        Dictionary<string, string?> variables)
    {
        // targets: one "database<TAB>file" line per service; in the command $1 is the database and $2 the file.
        var script = parallel <= 1
            ? $"while IFS=$'\\t' read -r db file; do set -- \"$db\" \"$file\"; {each} || exit 1; done < \"$TARGETS\""
            : $"tr '\\t' '\\n' < \"$TARGETS\" | xargs -P {parallel} -n 2 sh -c '{each}' sh";
        var environment = new Dictionary<string, string?>(database.ChildEnvironment(port))
        {
            ["PSQL_BIN"] = tools.Psql,
            ["TARGETS"] = targetsFile,
        };
        foreach (var (name, value) in variables)
        {
            environment[name] = value;
        }

        return (await ProcessRunner.RunAsync(
            "bash",
            ["-c", script],
            environment).ConfigureAwait(false)).EnsureSuccess($"shell loop ({parallel} at a time)");
    }

    // ---- the peers as whole processes, as a CI step runs them ----

    public bool HasSqlMigrate => tools.SqlMigrate is not null;

    public bool HasDbmate => tools.Dbmate is not null;

    public string? SqlMigrateMissing => tools.SqlMigrateMissing;

    public string? DbmateMissing => tools.DbmateMissing;

    /// <summary><c>sql-migrate up|status</c> in a fresh process on one database (the server from the PG* variables).</summary>
    public async Task<ProcessOutcome> SqlMigrateAsync(string operation, string databaseName, Corpus corpus, int? port = null)
    {
        var environment = new Dictionary<string, string?>(database.ChildEnvironment(port)) { ["SM_DB"] = databaseName };
        return (await ProcessRunner.RunAsync(
            tools.SqlMigrate!,
            [operation, $"-config={corpus.SqlMigrateConfig}", "-env=bench"],
            environment)
            .ConfigureAwait(false)).EnsureSuccess($"sql-migrate {operation}");
    }

    /// <summary><c>dbmate up|status</c> in a fresh process on one database, without its schema dump (pg_dump).</summary>
    public async Task<ProcessOutcome> DbmateAsync(string operation, string databaseName, Corpus corpus, int? port = null) =>
        (await ProcessRunner.RunAsync(
            tools.Dbmate!,
            [
                "--url",
                $"postgres:///{databaseName}?sslmode=disable",
                "--migrations-dir",
                corpus.DbmateScripts,
                "--no-dump-schema",
                operation],
            database.ChildEnvironment(port)).ConfigureAwait(false)).EnsureSuccess($"dbmate {operation}");

    /// <summary>
    /// DbUp or Evolve in a fresh dotnet process (this program with --peer): the library's whole-process cost, as a
    /// console tool built on it pays in a CI step. Reports [ms from Main to the end, scripts].
    /// </summary>
    public async Task<ProcessOutcome> PeerProcessAsync(string peer, string operation, string databaseName, Corpus corpus, int? port = null)
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var self = System.Reflection.Assembly.GetEntryAssembly()!.Location;
        var scripts = peer == "dbup" ? corpus.DbUpScripts : corpus.EvolveScripts;
        string[] tail = ["--peer", peer, operation, databaseName, scripts];
        var arguments = Path.GetFileNameWithoutExtension(host) == "dotnet" ? new[] { self }.Concat(tail).ToArray() : tail;
        return (await ProcessRunner.RunAsync(host, arguments, database.ChildEnvironment(port)).ConfigureAwait(false))
            .EnsureSuccess($"--peer {peer} {operation}");
    }

    /// <summary>The child side of <see cref="PeerProcessAsync"/>: the connection from the PG* variables of its environment.</summary>
    public static int RunPeer(string peer, string operation, string databaseName, string scripts)
    {
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = Environment.GetEnvironmentVariable("PGHOST"),
            Port = int.Parse(Environment.GetEnvironmentVariable("PGPORT") ?? "5432", System.Globalization.CultureInfo.InvariantCulture),
            Username = Environment.GetEnvironmentVariable("PGUSER"),
            Password = Environment.GetEnvironmentVariable("PGPASSWORD"),
            Database = databaseName,
            SslMode = SslMode.Disable,
        }.ConnectionString;
        return (peer, operation) switch
        {
            ("dbup", "up") => DbUpUp(connectionString, scripts),
            ("dbup", _) => DbUpStatus(connectionString, scripts),
            ("evolve", "up") => EvolveUp(connectionString, scripts),
            _ => EvolveStatus(connectionString, scripts),
        };
    }


    // ---- the peers, as libraries from NuGet on the same SQL ----

    public static int DbUpUp(string connectionString, string scripts)
    {
        var upgrader = DbUpEngine(connectionString, scripts);
        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException($"DbUp failed: {result.Error?.Message}", result.Error);
        }

        return result.Scripts.Count();
    }

    public static int DbUpStatus(string connectionString, string scripts) =>
        DbUpEngine(connectionString, scripts).GetScriptsToExecute().Count;

    public static int EvolveUp(string connectionString, string scripts)
    {
        using var connection = new NpgsqlConnection(connectionString);
        var evolve = EvolveEngine(connection, scripts);
        evolve.Migrate();
        return evolve.NbMigration;
    }

    public static int EvolveStatus(string connectionString, string scripts)
    {
        using var connection = new NpgsqlConnection(connectionString);
        return EvolveEngine(connection, scripts).Info().Count();
    }

    public static string Quote(string text) => "'" + text.Replace("'", "''") + "'";

    private static DbUp.Engine.UpgradeEngine DbUpEngine(string connectionString, string scripts) =>
        DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsFromFileSystem(scripts)
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build();

    private static EvolveDb.Evolve EvolveEngine(NpgsqlConnection connection, string scripts) =>
        new(connection, _ => { })
        {
            Locations = [scripts],
            IsEraseDisabled = true,
        };
}
