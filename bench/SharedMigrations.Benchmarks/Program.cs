// build.ps1 Bench: SharedMigrations beside psql, sql-migrate, dbmate, DbUp and Evolve on the same throwaway PostgreSQL, in one run.
// See docs/performance.md for what is measured and how to read it.
using System.Diagnostics;
using SharedMigrations.Benchmarks;
using SharedMigrations.Benchmarks.Harness;

if (args is ["--cold", var operation, var coldFolder])
{
    // One engine call in this fresh process (see Contenders.ColdEngineAsync); the time from here to its end.
    var coldWatch = Stopwatch.StartNew();
    var emitted = operation == "up" ? await Contenders.EngineUpAsync(coldFolder) : await Contenders.EngineStatusAsync(coldFolder);
    Console.WriteLine(FormattableString.Invariant($"@@BENCH\t{coldWatch.Elapsed.TotalMilliseconds}\t{emitted}"));
    return 0;
}

if (args is ["--peer", var peer, var peerOperation, var peerDatabase, var peerScripts])
{
    // DbUp or Evolve in this fresh process (see Contenders.PeerProcessAsync).
    var peerWatch = Stopwatch.StartNew();
    var scripts = Contenders.RunPeer(peer, peerOperation, peerDatabase, peerScripts);
    Console.WriteLine(FormattableString.Invariant($"@@BENCH\t{peerWatch.Elapsed.TotalMilliseconds}\t{scripts}"));
    return 0;
}

var options = Options.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("""
        usage: SharedMigrations.Benchmarks --module <SharedMigrations.psd1> [--smoke] [--report <file.md>] [--docs <docs/performance.md>]
                                           [--work <folder>] [--pwsh <pwsh>] [--psql <psql>]
                                           [--only startup,connect,w1,w2,w4,files,fleet,snapshot,roundtrip]
                                           [--sql-migrate <path>] [--dbmate <path>]
          --smoke   tiny sizes, one iteration each (CI): proves the harness runs; the figures mean nothing
          --report  where the Markdown of the run goes (always written)
          --docs    the document whose generated section is replaced (full runs only)
        """);
    return 64;
}

// Ctrl+C or SIGTERM: exit through ProcessExit, where the test fixture stops its throwaway cluster.
void Interrupted(System.Runtime.InteropServices.PosixSignalContext context)
{
    context.Cancel = true;
    Console.Error.WriteLine("interrupted: stopping the benchmark's PostgreSQL");
    Environment.Exit(130);
}

using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGINT,
    Interrupted);
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM,
    Interrupted);

var sizes = options.Smoke ? Sizes.Smoke : Sizes.Full;
var total = Stopwatch.StartNew();
var work = options.Work ?? Path.Combine(Path.GetTempPath(), $"sharedmigrations-bench-{Environment.ProcessId}");
if (Directory.Exists(work))
{
    Directory.Delete(work, recursive: true);
}

Directory.CreateDirectory(work);
Console.WriteLine($"SharedMigrations benchmark ({sizes.Name} sizes); work folder {work}");

await using var database = await BenchDatabase.StartAsync();
Console.WriteLine($"PostgreSQL: {database.Source}");
var serverVersion = await database.ScalarAsync<string>("SELECT current_setting('server_version_num')") ?? "150000";
var tools = Tools.Find(options.Pwsh, options.Psql, int.Parse(serverVersion, System.Globalization.CultureInfo.InvariantCulture) / 10000,
    options.SqlMigrate, options.Dbmate);
Console.WriteLine($"Peers: sql-migrate {tools.SqlMigrate ?? "skipped: " + tools.SqlMigrateMissing}; " +
    $"dbmate {tools.Dbmate ?? "skipped: " + tools.DbmateMissing}");
Environment.SetEnvironmentVariable(BenchDatabase.PasswordVariable, database.Password); // for the engine in this process

var machine = await MachineInfo.ReadAsync(database, tools);
await using var session = await PwshSession.StartAsync(tools, options.Module, database.ChildEnvironment());
machine.PowerShell = session.PowerShellVersion;
Console.WriteLine($"Warm PowerShell session {session.PowerShellVersion} ready (its Import-Module: {Stat.Format(session.ImportMs)}); " +
    $"pwsh: {tools.Pwsh}; psql: {tools.Psql}");
Console.WriteLine($"Data directory {machine.DataDirectory} on {machine.DataFileSystem}; {machine.ServerSettings}");

await using var proxy = new RoundTripProxy(database.Host, database.Port);
var workloads = new Workloads(new Contenders(database, tools, session, options.Module), database, sizes, work, proxy);
bool Wanted(string name) => options.Only is null || options.Only.Contains(name, StringComparer.OrdinalIgnoreCase);

if (Wanted("startup"))
{
    await workloads.StartupAsync();
}

if (Wanted("connect"))
{
    await workloads.ConnectionsAsync();
}

if (Wanted("w1"))
{
    await workloads.ApplyAsync("W1", sizes.Apply, sizes.ApplyIterations, main: true);
}

if (Wanted("w2"))
{
    await workloads.NoOpAndStatusAsync();
}

if (Wanted("w4") && !options.Smoke) // the same code path as W1: the smoke run skips it
{
    await workloads.ApplyAsync("W4", sizes.ApplyLarge, sizes.LargeIterations, main: false);
}

if (Wanted("files"))
{
    await workloads.FilesAsync();
}

if (Wanted("fleet"))
{
    await workloads.FleetAsync();
}

if (Wanted("snapshot"))
{
    await workloads.SnapshotAsync();
}

if (Wanted("roundtrip"))
{
    await workloads.RoundTripAsync();
}

machine.LoadAtEnd = MachineInfo.ReadLoad();
var markdown = Report.Build(workloads, machine, sizes, total.Elapsed);
Console.WriteLine();
Console.WriteLine(markdown);

if (options.Report is { } report)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(report))!);
    File.WriteAllText(report, $"# SharedMigrations benchmark ({sizes.Name})\n\n{markdown}");
    Console.WriteLine($"Written: {report}");
}

if (options.Docs is { } docs && !options.Smoke && options.Only is null)
{
    var document = File.Exists(docs) ? File.ReadAllText(docs) : "# Performance\n";
    File.WriteAllText(docs, Report.Splice(document, markdown));
    Console.WriteLine($"Updated: {docs}");
}

try
{
    Directory.Delete(work, recursive: true);
}
catch (IOException)
{
}

var failed = workloads.Rows.Where(r => r.Error is not null && !r.Skipped).ToArray();
if (failed.Length > 0)
{
    Console.Error.WriteLine($"{failed.Length} contender(s) " +
        $"failed: {string.Join("; ", failed.Select(r => $"{r.Workload} / {r.Contender}: {r.Error}"))}");
    return 1;
}

Console.WriteLine($"Done in {total.Elapsed.TotalSeconds:0} s.");
return 0;

/// <summary>The command line.</summary>
internal sealed record Options(
    string Module,
    bool Smoke,
    string? Report,
    string? Docs,
    string? Work,
    string? Pwsh,
    string? Psql,
    string[]? Only,
    string? SqlMigrate,
    string? Dbmate)
{
    public static Options? Parse(string[] args)
    {
        string? module = null, report = null, docs = null, work = null, pwsh = null, psql = null, sqlMigrate = null, dbmate = null;
        string[]? only = null;
        var smoke = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--module": module = Path.GetFullPath(Next()); break;
                case "--smoke": smoke = true; break;
                case "--report": report = Path.GetFullPath(Next()); break;
                case "--docs": docs = Path.GetFullPath(Next()); break;
                case "--work": work = Path.GetFullPath(Next()); break;
                case "--pwsh": pwsh = Next(); break;
                case "--psql": psql = Next(); break;
                case "--sql-migrate": sqlMigrate = Next(); break;
                case "--dbmate": dbmate = Next(); break;
                case "--only": only = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                default: return null;
            }
        }

        return module is null || !File.Exists(module) ? null : new Options(
            module,
            smoke,
            report,
            docs,
            work,
            pwsh,
            psql,
            only,
            sqlMigrate,
            dbmate);
    }
}
