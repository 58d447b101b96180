using System.Diagnostics;
using Npgsql;
using SharedMigrations.Benchmarks.Harness;
using SharedMigrations.Core;
using SharedMigrations.Core.Loading;
using SharedMigrations.Core.Planning;

namespace SharedMigrations.Benchmarks;

/// <summary>The workloads of the issue, each with its contenders side by side; the rows they fill make the table.</summary>
public sealed partial class Workloads(Contenders tools, BenchDatabase database, Sizes sizes, string work, RoundTripProxy proxy)
{
    // Figures quoted from the issue text (measured by its author on a machine of this kind, not in this run).
    private static readonly (string Tool, double Apply, double? NoOp, double? Status)[] QuotedPeers =
    [
        ("psql -f all.sql", 290, null, null),
        ("sql-migrate (Go)", 350, 28, 44),
        ("dbmate (Go)", 410, 21, 16),
        ("DbUp 6 + dbup-postgresql 7 (whole process)", 620, 216, 225),
        ("Evolve 3.2 (whole process)", 730, 300, 288),
        ("grate 2.2", 1470, 704, 388),
        ("Liquibase 4.28", 2990, 2170, 2190),
    ];

    public List<Row> Rows { get; } = new();

    public Row? PwshStartup { get; private set; }

    public Row? Import { get; private set; }

    public Row? ImportEmpty { get; private set; }

    public Row? NoOpProcess { get; private set; }

    public Row? NoOpFirstCommand { get; private set; }

    public Row? StatusProcess { get; private set; }

    public Row? FleetStatusProcess { get; private set; }

    public Row? ApplyPsql { get; private set; }

    public Row? ApplyEngine { get; private set; }

    public Row? ApplyModule { get; private set; }

    public Row? ApplyProcess { get; private set; }

    public Row? ApplyDbUp { get; private set; }

    public Row? ApplyEvolve { get; private set; }

    public Row? NoOpModule { get; private set; }

    public Row? NoOpEngine { get; private set; }

    public Row? StatusModule { get; private set; }

    public Row? StatusEngine { get; private set; }

    public Row? FilesLoad { get; private set; }

    public Row? FleetApplyModule { get; private set; }

    public Row? FleetApplyProcess { get; private set; }

    public Row? FleetNoOpModule { get; private set; }

    public Row? FleetNoOpProcess { get; private set; }

    private bool Quote => sizes.IsIssueSize;

    // ------------------------------------------------------------------ start-up

    public async Task StartupAsync()
    {
        const string workload = "PowerShell start-up and Import-Module (fresh process each)";
        PwshStartup = AddRow(workload, "pwsh -NoProfile -Command exit (start-up alone)", RowKind.Part);
        Import = AddRow(workload, "Import-Module SharedMigrations in a fresh pwsh (measured inside)", RowKind.Ours, "whole process");
        var empty = AddRow(
            workload,
            "  import profile: Import-Module of an empty manifest module (PowerShell's own floor)",
            RowKind.Part,
            "whole process");
        ImportEmpty = empty;
        var noFormat = AddRow(
            workload,
            "  import profile: Import-Module SharedMigrations without its format file",
            RowKind.Part,
            "whole process");

        // The profile's modules: an empty manifest, and a copy of ours without FormatsToProcess.
        var emptyManifest = Path.Combine(work, "modules", "Empty", "Empty.psd1");
        Directory.CreateDirectory(Path.GetDirectoryName(emptyManifest)!);
        File.WriteAllText(
            emptyManifest,
            "@{ ModuleVersion = '1.0.0'; FunctionsToExport = @(); CmdletsToExport = @(); VariablesToExport = @(); " +
            "AliasesToExport = @() }\n");
        var copy = Path.Combine(work, "modules", "NoFormat");
        CopyDirectory(Path.GetDirectoryName(tools.ModuleManifest)!, copy);
        var noFormatManifest = Path.Combine(copy, "NoFormat.psd1");
        File.WriteAllLines(noFormatManifest, File.ReadAllLines(Path.Combine(copy, Path.GetFileName(tools.ModuleManifest)))
            .Where(l => !l.TrimStart().StartsWith("FormatsToProcess", StringComparison.Ordinal)));

        Entry ImportEntry(Row row, string? manifest) => new()
        {
            Row = row,
            Run = async (_, _) =>
            {
                var outcome = await tools.ImportAsync(manifest).ConfigureAwait(false);
                return new Timing(outcome.Reported()[0], outcome.WallMs, outcome.CpuMs);
            },
        };
        var startup = new Entry
        {
            Row = PwshStartup,
            Run = async (_, _) =>
            {
                var outcome = await tools.PwshStartupAsync().ConfigureAwait(false);
                return new Timing(Cpu: outcome.CpuMs);
            },
        };
        if (Quote)
        {
            AddQuoted(workload, "pwsh -NoProfile -Command exit", 430);
        }

        await Runner.RunAsync(
            workload,
            [startup, ImportEntry(Import, null), ImportEntry(empty, emptyManifest), ImportEntry(noFormat, noFormatManifest)],
            sizes.Warmup,
            sizes.ProcessIterations,
            null).ConfigureAwait(false);
        Import.Note = $"the warm session's own import: {Stat.Format(tools.Session.ImportMs)}";
    }

    // ------------------------------------------------------------------ W1 / W4: apply to an empty database

    public async Task ApplyAsync(string id, int count, int iterations, bool main)
    {
        var workload = $"{id} apply {count:N0} migrations to an empty database";
        var root = Path.Combine(work, id);
        var corpus = Corpus.Write(Path.Combine(root, "corpus"), count);
        var engineFolder = corpus.ServiceFolder(Path.Combine(root, "engine"), "bench");
        var moduleFolder = corpus.ServiceFolder(Path.Combine(root, "module"), "bench");
        var processFolder = corpus.ServiceFolder(Path.Combine(root, "process"), "bench");
        var prefix = id.ToLowerInvariant();

        var psql = AddRow(workload, "psql -f all.sql (one process, autocommit: the floor)", RowKind.Floor);
        var engine = AddRow(workload, "SharedMigrations engine, in-process (C#)", RowKind.Ours);
        var module = AddRow(workload, "Invoke-MigrationUp, warm session (module in-process)", RowKind.Ours);
        var process = AddRow(
            workload,
            "pwsh -Command \"Import-Module …; Invoke-MigrationUp …\" (whole process)",
            RowKind.Ours,
            "after start-up");
        var dbup = AddRow(workload, "DbUp 6.1 + dbup-postgresql 7.0, in-process (library)", RowKind.Peer);
        var evolve = AddRow(workload, "Evolve 3.2, in-process (library)", RowKind.Peer);
        var peers = PeerRows(workload, "up");
        if (main)
        {
            (ApplyPsql, ApplyEngine, ApplyModule, ApplyProcess, ApplyDbUp, ApplyEvolve) = (psql, engine, module, process, dbup, evolve);
        }

        var entries = new List<Entry>
        {
            ApplyEntry(psql, corpus, prefix, null, async (db, port) =>
            {
                var outcome = await tools.PsqlFileAsync(db, corpus.AllSql, port).ConfigureAwait(false);
                return new Timing(Cpu: outcome.CpuMs);
            }),
            ApplyEntry(engine, corpus, prefix, engineFolder, async (_, _) =>
            {
                Expect(count, await Contenders.EngineUpAsync(engineFolder).ConfigureAwait(false), "applied");
                return Timing.Wall;
            }),
            ApplyEntry(module, corpus, prefix, moduleFolder, async (_, _) =>
            {
                var (ms, emitted, cpu) = await tools.Session.InvokeAsync("up", moduleFolder).ConfigureAwait(false);
                Expect(count, emitted, "results");
                return new Timing(ms, Cpu: cpu);
            }),
            ApplyEntry(process, corpus, prefix, processFolder, async (_, port) =>
            {
                var outcome = await tools.WholeProcessAsync(
                    $"Invoke-MigrationUp -Path {Contenders.Quote(processFolder)}",
                    port).ConfigureAwait(false);
                return new Timing(Secondary: outcome.Reported()[1], Cpu: outcome.CpuMs);
            }, sizes.ProcessIterations),
            ApplyEntry(dbup, corpus, prefix, null, (db, port) =>
            {
                Expect(count, Contenders.DbUpUp(database.ConnectionString(db, port), corpus.DbUpScripts), "scripts");
                return Task.FromResult(Timing.Wall);
            }),
            ApplyEntry(evolve, corpus, prefix, null, (db, port) =>
            {
                Expect(count, Contenders.EvolveUp(database.ConnectionString(db, port), corpus.EvolveScripts), "migrations");
                return Task.FromResult(Timing.Wall);
            }),
        };

        entries.AddRange(peers.Select(p => ApplyEntry(p.Row, corpus, prefix, null, async (db, port) =>
        {
            var outcome = await p.Run(db, corpus, port).ConfigureAwait(false);
            return new Timing(Cpu: outcome.CpuMs);
        }, sizes.ProcessIterations)));
        if (main)
        {
            ApplyPeers = peers;
            if (Quote)
            {
                foreach (var peer in QuotedPeers.Where(q => !Measured(q.Tool)))
                {
                    AddQuoted(workload, peer.Tool, peer.Apply);
                }
            }
        }

        await Runner.RunAsync(workload, entries, sizes.Warmup, iterations, proxy).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ W2 / W3: no-op up and status, everything applied

    public async Task NoOpAndStatusAsync()
    {
        var count = sizes.Apply;
        var root = Path.Combine(work, "W2");
        var corpus = Corpus.Write(Path.Combine(root, "corpus"), count);
        var folder = corpus.ServiceFolder(Path.Combine(root, "direct"), "bench");
        var proxied = corpus.ServiceFolder(Path.Combine(root, "proxied"), "bench");

        // Each tool's database, brought up to date by that tool (untimed).
        var ours = await database.CreateAsync("w2_ours").ConfigureAwait(false);
        Corpus.Configure(folder, "bench", database.Host, database.Port, database.Username, ours);
        Corpus.Configure(proxied, "bench", database.Host, proxy.Port, database.Username, ours);
        Expect(count, await Contenders.EngineUpAsync(folder).ConfigureAwait(false), "applied");
        var dbupDb = await database.CreateAsync("w2_dbup").ConfigureAwait(false);
        Contenders.DbUpUp(database.ConnectionString(dbupDb), corpus.DbUpScripts);
        var evolveDb = await database.CreateAsync("w2_evolve").ConfigureAwait(false);
        Contenders.EvolveUp(database.ConnectionString(evolveDb), corpus.EvolveScripts);
        var peerDbs = new Dictionary<string, string>();
        foreach (var peer in PeerRows(null, "up"))
        {
            peerDbs[peer.Key] = await database.CreateAsync("w2_" + peer.Key).ConfigureAwait(false);
            await peer.Run(peerDbs[peer.Key], corpus, null).ConfigureAwait(false);
        }

        // ---- W2: up with everything applied
        var noop = $"W2 up with nothing to do ({count} applied)";
        var engine = AddRow(noop, "SharedMigrations engine, in-process (C#)", RowKind.Ours);
        var module = AddRow(noop, "Invoke-MigrationUp, warm session (module in-process)", RowKind.Ours);
        var process = AddRow(
            noop,
            "pwsh -Command \"Import-Module …; Invoke-MigrationUp …\" (whole process)",
            RowKind.Ours,
            "after start-up");
        var dbup = AddRow(noop, "DbUp, in-process (library, warm)", RowKind.Peer);
        var evolve = AddRow(noop, "Evolve, in-process (library, warm)", RowKind.Peer);
        (NoOpEngine, NoOpModule) = (engine, module);
        var profile = AddRow(noop, "engine profile: the steps of RunMigrationsAsync, timed one by one (total)", RowKind.Part);
        var phases = new[]
        {
            AddRow(noop, "  engine profile: open the service (config.yaml, connection)", RowKind.Part),
            AddRow(noop, $"  engine profile: load + checksum {count} files", RowKind.Part),
            AddRow(noop, "  engine profile: take the run lock", RowKind.Part),
            AddRow(noop, "  engine profile: read the history", RowKind.Part),
            AddRow(noop, "  engine profile: plan", RowKind.Part),
            AddRow(noop, "  engine profile: release the lock", RowKind.Part),
        };
        var processImport = AddRow(noop, "  whole process profile: Import-Module (inside)", RowKind.Part);
        var processCommand = AddRow(noop, "  whole process profile: Invoke-MigrationUp, first call in the process", RowKind.Part);
        var processStartup = AddRow(noop, "  whole process profile: the rest (pwsh start-up and exit)", RowKind.Part);
        (NoOpProcess, NoOpFirstCommand) = (process, processCommand);
        var cold = AddRow(
            noop,
            "engine in a fresh dotnet process, no PowerShell (cold: JIT, Npgsql's first use, 2 connections)",
            RowKind.Part,
            "the call inside");

        var entries = new List<Entry>
        {
            new()
            {
                Row = engine,
                Run = async (_, _) =>
                {
                    Expect(0, await Contenders.EngineUpAsync(folder).ConfigureAwait(false), "applied");
                    return Timing.Wall;
                },
                CountTrips = p => Warm(p, async () => Expect(0, await Contenders.EngineUpAsync(proxied).ConfigureAwait(false), "applied")),
            },
            new()
            {
                Row = profile,
                Run = async (_, measured) => new Timing(await ProfileNoOpAsync(folder, measured ? phases : null).ConfigureAwait(false)),
            },
            new()
            {
                Row = module,
                Run = async (_, _) =>
                {
                    var (ms, emitted, cpu) = await tools.Session.InvokeAsync("up", folder).ConfigureAwait(false);
                    Expect(0, emitted, "results");
                    return new Timing(ms, Cpu: cpu);
                },
                CountTrips = p => Warm(p, () => tools.Session.InvokeAsync("up", proxied)),
            },
            new()
            {
                Row = process,
                Iterations = sizes.ProcessIterations,
                Run = async (_, measured) =>
                {
                    var outcome = await tools.WholeProcessAsync($"Invoke-MigrationUp -Path {Contenders.Quote(folder)}")
                        .ConfigureAwait(false);
                    var reported = outcome.Reported();
                    if (measured)
                    {
                        processImport.Samples.Add(reported[0]);
                        processCommand.Samples.Add(reported[1] - reported[0]);
                        processStartup.Samples.Add(outcome.WallMs - reported[1]);
                    }

                    return new Timing(Secondary: reported[1], Cpu: outcome.CpuMs);
                },
                CountTrips = p => p.CountAsync(() => tools.WholeProcessAsync($"Invoke-MigrationUp -Path {Contenders.Quote(proxied)}")),
            },
            new()
            {
                Row = cold,
                Iterations = sizes.ProcessIterations,
                Run = async (_, _) =>
                {
                    var outcome = await tools.ColdEngineAsync("up", folder).ConfigureAwait(false);
                    return new Timing(Secondary: outcome.Reported()[0], Cpu: outcome.CpuMs);
                },
            },
            new()
            {
                Row = dbup,
                Run = (_, _) =>
                {
                    Expect(0, Contenders.DbUpUp(database.ConnectionString(dbupDb), corpus.DbUpScripts), "scripts");
                    return Task.FromResult(Timing.Wall);
                },
                CountTrips = p =>
                    Warm(p, () => Task.FromResult(Contenders.DbUpUp(database.ConnectionString(dbupDb, p.Port), corpus.DbUpScripts))),
            },
            new()
            {
                Row = evolve,
                Run = (_, _) =>
                {
                    Expect(0, Contenders.EvolveUp(database.ConnectionString(evolveDb), corpus.EvolveScripts), "migrations");
                    return Task.FromResult(Timing.Wall);
                },
                CountTrips = p =>
                    Warm(p, () => Task.FromResult(Contenders.EvolveUp(database.ConnectionString(evolveDb, p.Port), corpus.EvolveScripts))),
            },
        };
        var noopPeers = PeerRows(noop, "up");
        NoOpPeers = noopPeers;
        entries.AddRange(noopPeers.Select(p => PeerEntry(p, peerDbs[p.Key], corpus)));
        if (Quote)
        {
            foreach (var peer in QuotedPeers.Where(p => p.NoOp is not null && !Measured(p.Tool)))
            {
                AddQuoted(noop, peer.Tool, peer.NoOp!.Value);
            }
        }

        await Runner.RunAsync(noop, entries, sizes.Warmup, sizes.NoOpIterations, proxy).ConfigureAwait(false);

        // ---- W3: status of everything applied
        var status = $"W3 status of {count} applied";
        var statusEngine = AddRow(status, "SharedMigrations engine, in-process (C#)", RowKind.Ours);
        var statusModule = AddRow(status, "Get-MigrationStatus, warm session (module in-process)", RowKind.Ours);
        var statusProcess = AddRow(
            status,
            "pwsh -Command \"Import-Module …; Get-MigrationStatus …\" (whole process)",
            RowKind.Ours,
            "after start-up");
        var statusDbUp = AddRow(status, "DbUp GetScriptsToExecute, in-process (library, warm)", RowKind.Peer);
        var statusEvolve = AddRow(status, "Evolve Info, in-process (library, warm)", RowKind.Peer);
        var statusLoad = AddRow(status, $"  engine profile: load + checksum {count} files", RowKind.Part);
        (StatusEngine, StatusModule, StatusProcess) = (statusEngine, statusModule, statusProcess);
        var statusEntries = new List<Entry>
        {
            new()
            {
                Row = statusEngine,
                Run = async (_, _) =>
                {
                    Expect(count, await Contenders.EngineStatusAsync(folder).ConfigureAwait(false), "entries");
                    return Timing.Wall;
                },
                CountTrips = p => Warm(p, () => Contenders.EngineStatusAsync(proxied)),
            },
            new()
            {
                Row = statusModule,
                Run = async (_, _) =>
                {
                    var (ms, emitted, cpu) = await tools.Session.InvokeAsync("status", folder).ConfigureAwait(false);
                    Expect(count, emitted, "statuses");
                    return new Timing(ms, Cpu: cpu);
                },
                CountTrips = p => Warm(p, () => tools.Session.InvokeAsync("status", proxied)),
            },
            new()
            {
                Row = statusProcess,
                Iterations = sizes.ProcessIterations,
                Run = async (_, _) =>
                {
                    var outcome = await tools.WholeProcessAsync($"Get-MigrationStatus -Path {Contenders.Quote(folder)}")
                        .ConfigureAwait(false);
                    return new Timing(Secondary: outcome.Reported()[1], Cpu: outcome.CpuMs);
                },
                CountTrips = p => p.CountAsync(() => tools.WholeProcessAsync($"Get-MigrationStatus -Path {Contenders.Quote(proxied)}")),
            },
            new()
            {
                Row = statusDbUp,
                Run = (_, _) =>
                {
                    Expect(0, Contenders.DbUpStatus(database.ConnectionString(dbupDb), corpus.DbUpScripts), "pending scripts");
                    return Task.FromResult(Timing.Wall);
                },
                CountTrips = p =>
                    Warm(p, () => Task.FromResult(Contenders.DbUpStatus(database.ConnectionString(dbupDb, p.Port), corpus.DbUpScripts))),
            },
            new()
            {
                Row = statusEvolve,
                Run = (_, _) =>
                {
                    Contenders.EvolveStatus(database.ConnectionString(evolveDb), corpus.EvolveScripts);
                    return Task.FromResult(Timing.Wall);
                },
                CountTrips = p =>
                    Warm(
                        p,
                        () => Task.FromResult(Contenders.EvolveStatus(database.ConnectionString(evolveDb, p.Port), corpus.EvolveScripts))),
            },
            new()
            {
                Row = statusLoad,
                Run = (_, _) =>
                {
                    Expect(count, new MigrationLoader(Path.Combine(folder, "migrations")).Load().Count, "files");
                    return Task.FromResult(Timing.Wall);
                },
            },
        };
        var statusPeers = PeerRows(status, "status");
        StatusPeers = statusPeers;
        statusEntries.AddRange(statusPeers.Select(p => PeerEntry(p, peerDbs[p.Key], corpus)));
        if (Quote)
        {
            foreach (var peer in QuotedPeers.Where(p => p.Status is not null && !Measured(p.Tool)))
            {
                AddQuoted(status, peer.Tool, peer.Status!.Value);
            }
        }

        await Runner.RunAsync(status, statusEntries, sizes.Warmup, sizes.NoOpIterations, proxy).ConfigureAwait(false);

        foreach (var db in new[] { ours, dbupDb, evolveDb }.Concat(peerDbs.Values))
        {
            await database.DropAsync(db).ConfigureAwait(false);
        }
    }

    // ------------------------------------------------------------------ connections: what a cold process pays per database

    public async Task ConnectionsAsync()
    {
        const string workload = "Connecting (what a fresh process pays per database, before any query)";
        var db = await database.CreateAsync("connect").ConfigureAwait(false);
        var first = AddRow(workload, "Npgsql: first connection of a new data source (SCRAM auth + type loading)", RowKind.Part);
        var more = AddRow(workload, "Npgsql: one more physical connection (SCRAM auth only)", RowKind.Part);
        var psql = AddRow(workload, "psql -c \"SELECT 1\" (process start, connect, one query)", RowKind.Part);
        NpgsqlDataSource? shared = null;
        var entries = new List<Entry>
        {
            new()
            {
                Row = first,
                Run = async (_, _) =>
                {
                    await using var source = NpgsqlDataSource.Create(database.ConnectionString(db));
                    await using var connection = await source.OpenConnectionAsync().ConfigureAwait(false);
                    return Timing.Wall;
                },
                CountTrips = p => p.CountAsync(async () =>
                {
                    await using var source = NpgsqlDataSource.Create(database.ConnectionString(db, p.Port));
                    await using var connection = await source.OpenConnectionAsync().ConfigureAwait(false);
                }),
            },
            new()
            {
                Row = more,
                Setup = async () =>
                {
                    if (shared is null)
                    {
                        shared = NpgsqlDataSource.Create(
                            new NpgsqlConnectionStringBuilder(database.ConnectionString(db)) { Pooling = false }.ConnectionString);
                        await using var warm = await shared.OpenConnectionAsync().ConfigureAwait(false);
                    }

                    return null;
                },
                Run = async (_, _) =>
                {
                    await using var connection = await shared!.OpenConnectionAsync().ConfigureAwait(false);
                    return Timing.Wall;
                },
                CountTrips = async p =>
                {
                    await using var source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(database.ConnectionString(
                        db,
                        p.Port)) { Pooling = false }.ConnectionString);
                    await using (await source.OpenConnectionAsync().ConfigureAwait(false))
                    {
                    }

                    return await p.CountAsync(async () =>
                    {
                        await using var connection = await source.OpenConnectionAsync().ConfigureAwait(false);
                    }).ConfigureAwait(false);
                },
            },
            new()
            {
                Row = psql,
                Run = async (_, _) =>
                {
                    var outcome = await tools.ShellLessPsqlAsync(db, null).ConfigureAwait(false);
                    return new Timing(Cpu: outcome.CpuMs);
                },
                CountTrips = p => p.CountAsync(() => tools.ShellLessPsqlAsync(db, p.Port)),
            },
        };
        await Runner.RunAsync(workload, entries, sizes.Warmup, sizes.ProcessIterations, proxy).ConfigureAwait(false);
        if (shared is not null)
        {
            await shared.DisposeAsync().ConfigureAwait(false);
        }

        await database.DropAsync(db).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ loading and checksumming many files

    public async Task FilesAsync()
    {
        var workload = $"Load and checksum {sizes.Files:N0} migration files (engine, in-process)";
        var corpus = Corpus.Write(Path.Combine(work, "files"), sizes.Files, peers: false);
        FilesLoad = AddRow(workload, "MigrationLoader.Load, first reading of the folder (read, parse, split, SHA-256)", RowKind.Ours);
        var cached = AddRow(
            workload,
            "  MigrationLoader.Load again, folder unchanged (names, sizes and write times compared; no file read)",
            RowKind.Part);
        var read = AddRow(workload, "  profile, one thread: list + read the files (File.ReadAllBytes)", RowKind.Part);
        var parse = AddRow(
            workload,
            "  profile, one thread: parse from memory (MigrationParser.Parse: decode, sections, split, checks, SHA-256)",
            RowKind.Part);
        var hash = AddRow(workload, "  profile, one thread: SHA-256 alone (Checksum.OfText)", RowKind.Part);
        var parseFiles = AddRow(
            workload,
            "  profile, one thread: MigrationParser.ParseFile per file (read + parse, as the loader calls it)",
            RowKind.Part);
        var files = Directory.GetFiles(corpus.Migrations, "*.sql");
        var bytes = files.Select(File.ReadAllBytes).ToArray();
        var texts = bytes.Select(b => System.Text.Encoding.UTF8.GetString(b)).ToArray();
        var entries = new List<Entry>
        {
            new()
            {
                Row = FilesLoad,
                Run = (_, _) =>
                {
                    FolderReadingCache.Shared.Clear();
                    Expect(sizes.Files, new MigrationLoader(corpus.Migrations).Load().Count, "migrations");
                    return Task.FromResult(Timing.Wall);
                },
            },
            new()
            {
                Row = cached,
                Run = (_, _) =>
                {
                    Expect(sizes.Files, new MigrationLoader(corpus.Migrations).Load().Count, "migrations");
                    return Task.FromResult(Timing.Wall);
                },
            },
            new()
            {
                Row = read,
                Run = (_, _) =>
                {
                    var total = 0L;
                    foreach (var file in Directory.EnumerateFiles(corpus.Migrations))
                    {
                        total += File.ReadAllBytes(file).Length;
                    }

                    return Task.FromResult(total > 0 ? Timing.Wall : throw new InvalidOperationException("no bytes read"));
                },
            },
            new()
            {
                Row = parse,
                Run = (_, _) =>
                {
                    for (var i = 0; i < files.Length; i++)
                    {
                        if (SharedMigrations.Core.Parsing.MigrationParser.Parse(files[i], bytes[i]).HasErrors)
                        {
                            throw new InvalidOperationException($"{files[i]} does not parse");
                        }
                    }

                    return Task.FromResult(Timing.Wall);
                },
            },
            new()
            {
                Row = parseFiles,
                Run = (_, _) =>
                {
                    foreach (var file in files)
                    {
                        if (SharedMigrations.Core.Parsing.MigrationParser.ParseFile(file).HasErrors)
                        {
                            throw new InvalidOperationException($"{file} does not parse");
                        }
                    }

                    return Task.FromResult(Timing.Wall);
                },
            },
            new()
            {
                Row = hash,
                Run = (_, _) =>
                {
                    foreach (var text in texts)
                    {
                        SharedMigrations.Core.Parsing.Checksum.OfText(text);
                    }

                    return Task.FromResult(Timing.Wall);
                },
            },
        };
        await Runner.RunAsync(workload, entries, sizes.Warmup, sizes.FileIterations, null).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ the fleet: many services, one database each

    public async Task FleetAsync()
    {
        var services = sizes.FleetServices;
        var migrations = sizes.FleetMigrations;
        var root = Path.Combine(work, "fleet");
        var corpus = Corpus.Write(Path.Combine(root, "corpus"), migrations);
        var names = Enumerable.Range(1, services).Select(i => $"svc{i:00}").ToArray();
        string Fleet(string name)
        {
            var fleet = Path.Combine(root, name);
            foreach (var service in names)
            {
                corpus.ServiceFolder(fleet, service);
            }

            return fleet;
        }

        var moduleFleet = Fleet("module");
        var processFleet = Fleet("process");
        var appliedFleet = Fleet("applied");
        var proxiedFleet = Fleet("applied-proxied");

        async Task<string[]> CreateAsync(string fleet, string prefix, int? port = null)
        {
            var dbs = new string[services];
            for (var i = 0; i < services; i++)
            {
                dbs[i] = await database.CreateAsync(prefix).ConfigureAwait(false);
                if (fleet.Length > 0)
                {
                    Corpus.Configure(
                        Path.Combine(fleet, names[i]),
                        names[i],
                        database.Host,
                        port ?? database.Port,
                        database.Username,
                        dbs[i]);
                }
            }

            return dbs;
        }

        async Task CheckAndDropAsync(object? state)
        {
            if (state is not string[] dbs)
            {
                return;
            }

            var missing = 0L;
            foreach (var db in dbs)
            {
                missing += migrations - await database.CountBenchTablesAsync(db).ConfigureAwait(false);
                await database.DropAsync(db).ConfigureAwait(false);
            }

            Expect(0, (int)missing, "tables missing across the fleet");
        }

        string Targets(string[] dbs)
        {
            var file = Path.Combine(root, $"targets-{Guid.NewGuid():N}.tsv");
            File.WriteAllLines(file, dbs.Select(d => $"{d}\t{corpus.AllSql}"));
            return file;
        }

        // ---- apply everything
        var apply = $"Fleet: {services} services × {migrations} migrations, one database each: apply all";
        FleetApplyModule = AddRow(apply, "Get-MigrationService | Invoke-MigrationUp, warm session (one call)", RowKind.Ours);
        FleetApplyProcess = AddRow(
            apply,
            "pwsh -Command \"Import-Module …; Get-MigrationService … | Invoke-MigrationUp\" (whole process)",
            RowKind.Ours,
            "after start-up");
        var loop1 = AddRow(apply, "shell loop: psql -f per service, one at a time (floor of a per-service tool)", RowKind.Floor);
        var loop4 = AddRow(apply, "shell loop: psql -f per service, 4 in parallel (xargs -P4)", RowKind.Part);
        var applyEntries = new List<Entry>
        {
            new()
            {
                Row = FleetApplyModule,
                Setup = async () => await CreateAsync(moduleFleet, "fleet").ConfigureAwait(false),
                Run = async (_, _) =>
                {
                    var (ms, emitted, cpu) = await tools.Session.InvokeAsync("fleet-up", moduleFleet).ConfigureAwait(false);
                    Expect(services * migrations, emitted, "results");
                    return new Timing(ms, Cpu: cpu);
                },
                Teardown = CheckAndDropAsync,
                CountTrips = async p =>
                {
                    var dbs = await CreateAsync(moduleFleet, "fleet", p.Port).ConfigureAwait(false);
                    var trips = await p.CountAsync(() => tools.Session.InvokeAsync("fleet-up", moduleFleet)).ConfigureAwait(false);
                    await CheckAndDropAsync(dbs).ConfigureAwait(false);
                    return trips;
                },
            },
            new()
            {
                Row = FleetApplyProcess,
                Iterations = sizes.FleetIterations,
                Setup = async () => await CreateAsync(processFleet, "fleet").ConfigureAwait(false),
                Run = async (_, _) =>
                {
                    var outcome = await tools.WholeProcessAsync($"Get-MigrationService -Path {Contenders.Quote(processFleet)} | " +
                        $"Invoke-MigrationUp").ConfigureAwait(false);
                    return new Timing(Secondary: outcome.Reported()[1], Cpu: outcome.CpuMs);
                },
                Teardown = CheckAndDropAsync,
            },
            new()
            {
                Row = loop1,
                Setup = async () => await CreateAsync(string.Empty, "fleet").ConfigureAwait(false),
                Run = async (state, _) =>
                {
                    var outcome = await tools.ShellLoopAsync(Targets((string[])state!), 1, "-f \"$2\"").ConfigureAwait(false);
                    return new Timing(Cpu: outcome.CpuMs);
                },
                Teardown = CheckAndDropAsync,
            },
            new()
            {
                Row = loop4,
                Setup = async () => await CreateAsync(string.Empty, "fleet").ConfigureAwait(false),
                Run = async (state, _) =>
                {
                    var outcome = await tools.ShellLoopAsync(Targets((string[])state!), 4, "-f \"$2\"").ConfigureAwait(false);
                    return new Timing(Cpu: outcome.CpuMs);
                },
                Teardown = CheckAndDropAsync,
            },
        };
        FleetApplyPeers = LoopRows(apply, "up");
        applyEntries.AddRange(FleetApplyPeers.Select(l => new Entry
        {
            Row = l.Row,
            Setup = async () => await CreateAsync(string.Empty, "fleet").ConfigureAwait(false),
            Run = async (state, _) =>
            {
                var outcome = await l.Run(Targets((string[])state!), corpus).ConfigureAwait(false);
                return new Timing(Cpu: outcome.CpuMs);
            },
            Teardown = CheckAndDropAsync,
        }));
        if (Quote)
        {
            QuoteLoops(apply, 1810, 1220, 2410, 1560);
        }

        await Runner.RunAsync(apply, applyEntries, sizes.Warmup, sizes.FleetIterations, proxy).ConfigureAwait(false);

        // ---- no-op and status: every service up to date
        var applied = await CreateAsync(appliedFleet, "fleet_applied").ConfigureAwait(false);
        for (var i = 0; i < services; i++)
        {
            Corpus.Configure(Path.Combine(proxiedFleet, names[i]), names[i], database.Host, proxy.Port, database.Username, applied[i]);
        }

        var (_, first, _) = await tools.Session.InvokeAsync("fleet-up", appliedFleet).ConfigureAwait(false);
        Expect(services * migrations, first, "results");
        var appliedTargets = Targets(applied);
        var peerTargets = new Dictionary<string, string>();
        foreach (var loop in LoopRows(null, "up").Where(l => l.Parallel == 4))
        {
            var dbs = await CreateAsync(string.Empty, "fleet_" + loop.Key).ConfigureAwait(false);
            peerTargets[loop.Key] = Targets(dbs);
            await loop.Run(peerTargets[loop.Key], corpus).ConfigureAwait(false);
            applied = [.. applied, .. dbs];
        }

        var noop = $"Fleet: {services} services, everything applied: up with nothing to do";
        FleetNoOpModule = AddRow(noop, "Get-MigrationService | Invoke-MigrationUp, warm session (one call)", RowKind.Ours);
        FleetNoOpProcess = AddRow(
            noop,
            "pwsh -Command \"Import-Module …; Get-MigrationService … | Invoke-MigrationUp\" (whole process)",
            RowKind.Ours,
            "after start-up");
        var ping1 = AddRow(
            noop,
            "shell loop: psql -c \"SELECT 1\" per service, one at a time (floor of any per-service tool)",
            RowKind.Floor);
        var ping4 = AddRow(noop, "shell loop: psql -c \"SELECT 1\" per service, 4 in parallel", RowKind.Part);
        var noopEntries = new List<Entry>
        {
            new()
            {
                Row = FleetNoOpModule,
                Run = async (_, _) =>
                {
                    var (ms, emitted, cpu) = await tools.Session.InvokeAsync("fleet-up", appliedFleet).ConfigureAwait(false);
                    Expect(0, emitted, "results");
                    return new Timing(ms, Cpu: cpu);
                },
                CountTrips = p => Warm(p, () => tools.Session.InvokeAsync("fleet-up", proxiedFleet)),
            },
            new()
            {
                Row = FleetNoOpProcess,
                Iterations = sizes.FleetIterations,
                Run = async (_, _) =>
                {
                    var outcome = await tools.WholeProcessAsync($"Get-MigrationService -Path {Contenders.Quote(appliedFleet)} | " +
                        $"Invoke-MigrationUp").ConfigureAwait(false);
                    return new Timing(Secondary: outcome.Reported()[1], Cpu: outcome.CpuMs);
                },
                CountTrips = p =>
                    p.CountAsync(() => tools.WholeProcessAsync($"Get-MigrationService -Path {Contenders.Quote(proxiedFleet)} | " +
                        $"Invoke-MigrationUp")),
            },
            new()
            {
                Row = ping1,
                Run = async (_, _) =>
                {
                    var outcome = await tools.ShellLoopAsync(appliedTargets, 1, "-c \"SELECT 1\"").ConfigureAwait(false);
                    return new Timing(Cpu: outcome.CpuMs);
                },
            },
            new()
            {
                Row = ping4,
                Run = async (_, _) =>
                {
                    var outcome = await tools.ShellLoopAsync(appliedTargets, 4, "-c \"SELECT 1\"").ConfigureAwait(false);
                    return new Timing(Cpu: outcome.CpuMs);
                },
            },
        };
        FleetNoOpPeers = LoopRows(noop, "up");
        noopEntries.AddRange(FleetNoOpPeers.Select(l => LoopEntry(l, peerTargets[l.Key], corpus)));
        if (Quote)
        {
            QuoteLoops(noop, 880, 520, 1290, 790);
        }

        await Runner.RunAsync(noop, noopEntries, sizes.Warmup, sizes.FleetIterations, proxy).ConfigureAwait(false);

        var status = $"Fleet: {services} services, everything applied: status (-Summary)";
        var statusModule = AddRow(status, "Get-MigrationService | Get-MigrationStatus -Summary, warm session (one call)", RowKind.Ours);
        var statusProcess = AddRow(
            status,
            "pwsh -Command \"Import-Module …; Get-MigrationService … | Get-MigrationStatus -Summary\" (whole process)",
            RowKind.Ours,
            "after start-up");
        FleetStatusProcess = statusProcess;
        var statusEntries = new List<Entry>
        {
            new()
            {
                Row = statusModule,
                Run = async (_, _) =>
                {
                    var (ms, emitted, cpu) = await tools.Session.InvokeAsync("fleet-status", appliedFleet).ConfigureAwait(false);
                    Expect(services, emitted, "service statuses");
                    return new Timing(ms, Cpu: cpu);
                },
                CountTrips = p => Warm(p, () => tools.Session.InvokeAsync("fleet-status", proxiedFleet)),
            },
            new()
            {
                Row = statusProcess,
                Iterations = sizes.FleetIterations,
                Run = async (_, _) =>
                {
                    var outcome = await tools.WholeProcessAsync($"Get-MigrationService -Path {Contenders.Quote(appliedFleet)} | " +
                        $"Get-MigrationStatus -Summary").ConfigureAwait(false);
                    return new Timing(Secondary: outcome.Reported()[1], Cpu: outcome.CpuMs);
                },
            },
        };
        FleetStatusPeers = LoopRows(status, "status");
        statusEntries.AddRange(FleetStatusPeers.Select(l => LoopEntry(l, peerTargets[l.Key], corpus)));
        await Runner.RunAsync(status, statusEntries, sizes.Warmup, sizes.FleetIterations, proxy).ConfigureAwait(false);

        foreach (var db in applied)
        {
            await database.DropAsync(db).ConfigureAwait(false);
        }
    }

    // ------------------------------------------------------------------ the peers as whole processes

    /// <summary>
    /// A peer tool run as a whole process on one database: sql-migrate, dbmate, DbUp or Evolve (the last two in a fresh dotnet process).
    /// </summary>
    public sealed record PeerRow(string Key, Row Row, Func<string, Corpus, int?, Task<ProcessOutcome>> Run);

    /// <summary>A peer looped in the shell over a fleet, one process per service, one at a time or 4 in parallel.</summary>
    public sealed record LoopRow(string Key, int Parallel, Row Row, Func<string, Corpus, Task<ProcessOutcome>> Run);

    public IReadOnlyList<PeerRow> ApplyPeers { get; private set; } = [];

    public IReadOnlyList<PeerRow> NoOpPeers { get; private set; } = [];

    public IReadOnlyList<PeerRow> StatusPeers { get; private set; } = [];

    public IReadOnlyList<LoopRow> FleetApplyPeers { get; private set; } = [];

    public IReadOnlyList<LoopRow> FleetNoOpPeers { get; private set; } = [];

    public IReadOnlyList<LoopRow> FleetStatusPeers { get; private set; } = [];

    /// <summary>
    /// The whole-process peers of a workload (<paramref name="operation"/> <c>up</c> or <c>status</c>); a peer that is not
    /// installed gets a row that says so (skipped, never quoted as if measured). With a null workload: no rows, for set-up.
    /// </summary>
    private List<PeerRow> PeerRows(string? workload, string operation)
    {
        var list = new List<PeerRow>();
        void Add(string key, string contender, string? missing, Func<string, Corpus, int?, Task<ProcessOutcome>> run)
        {
            if (missing is not null)
            {
                if (workload is not null)
                {
                    Rows.Add(new Row
                    {
                        Workload = workload,
                        Contender = contender,
                        Kind = RowKind.Peer,
                        Error = "skipped: " + missing,
                        Skipped = true,
                    });
                }

                return;
            }

            list.Add(new PeerRow(
                key,
                workload is null
                    ? new Row { Workload = string.Empty, Contender = contender, Kind = RowKind.Peer }
                    : AddRow(workload, contender, RowKind.Peer),
                run));
        }

        var verb = operation == "up" ? "up" : "status";
        Add(
            "sqlmigrate",
            $"sql-migrate {verb} (Go, whole process)",
            tools.SqlMigrateMissing,
            (db, c, port) => tools.SqlMigrateAsync(verb, db, c, port));
        Add("dbmate", $"dbmate {verb} (Go, whole process)", tools.DbmateMissing, (db, c, port) => tools.DbmateAsync(verb, db, c, port));
        Add("dbup", $"DbUp {(operation == "up" ? "PerformUpgrade" : "GetScriptsToExecute")} (fresh dotnet process)", null,
            (db, c, port) => tools.PeerProcessAsync("dbup", operation, db, c, port));
        Add("evolve", $"Evolve {(operation == "up" ? "Migrate" : "Info")} (fresh dotnet process)", null,
            (db, c, port) => tools.PeerProcessAsync("evolve", operation, db, c, port));
        return list;
    }

    private List<LoopRow> LoopRows(string? workload, string operation)
    {
        var list = new List<LoopRow>();
        foreach (var parallel in new[] { 1, 4 })
        {
            var how = parallel == 1 ? "one at a time" : "4 in parallel (xargs -P4)";
            void Add(string key, string tool, string? missing, Func<string, Corpus, Task<ProcessOutcome>> run)
            {
                var contender = $"{tool} {operation} looped in the shell, {how}";
                if (missing is not null)
                {
                    if (workload is not null)
                    {
                        Rows.Add(new Row
                        {
                            Workload = workload,
                            Contender = contender,
                            Kind = RowKind.Peer,
                            Error = "skipped: " + missing,
                            Skipped = true,
                        });
                    }

                    return;
                }

                list.Add(new LoopRow(
                    key,
                    parallel,
                    workload is null
                        ? new Row { Workload = string.Empty, Contender = contender, Kind = RowKind.Peer }
                        : AddRow(workload, contender, RowKind.Peer),
                    run));
            }

            Add("sqlmigrate", "sql-migrate", tools.SqlMigrateMissing, (t, c) => tools.SqlMigrateLoopAsync(t, parallel, operation, c));
            Add("dbmate", "dbmate", tools.DbmateMissing, (t, c) => tools.DbmateLoopAsync(t, parallel, operation, c));
        }

        return list;
    }

    private static Entry PeerEntry(PeerRow peer, string db, Corpus corpus) => new()
    {
        Row = peer.Row,
        Run = async (_, _) =>
        {
            var outcome = await peer.Run(db, corpus, null).ConfigureAwait(false);
            return new Timing(Cpu: outcome.CpuMs);
        },
        CountTrips = p => p.CountAsync(() => peer.Run(db, corpus, p.Port)),
    };

    private static Entry LoopEntry(LoopRow loop, string targets, Corpus corpus) => new()
    {
        Row = loop.Row,
        Run = async (_, _) =>
        {
            var outcome = await loop.Run(targets, corpus).ConfigureAwait(false);
            return new Timing(Cpu: outcome.CpuMs);
        },
    };

    /// <summary>Whether a quoted peer of the issue text is measured in this run (then its quoted figure is left out).</summary>
    private bool Measured(string quotedTool) =>
        (quotedTool.StartsWith("sql-migrate", StringComparison.Ordinal) && tools.HasSqlMigrate) ||
        (quotedTool.StartsWith("dbmate", StringComparison.Ordinal) && tools.HasDbmate) ||
        quotedTool.StartsWith("DbUp", StringComparison.Ordinal) || quotedTool.StartsWith("Evolve", StringComparison.Ordinal);

    private void QuoteLoops(string workload, double sqlMigrate1, double sqlMigrate4, double dbmate1, double dbmate4)
    {
        if (!tools.HasSqlMigrate)
        {
            AddQuoted(workload, "sql-migrate looped in the shell, one at a time", sqlMigrate1);
            AddQuoted(workload, "sql-migrate looped in the shell, 4 in parallel", sqlMigrate4);
        }

        if (!tools.HasDbmate)
        {
            AddQuoted(workload, "dbmate looped in the shell, one at a time", dbmate1);
            AddQuoted(workload, "dbmate looped in the shell, 4 in parallel", dbmate4);
        }
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>The no-op up, step by step through the engine's public API (what RunMigrationsAsync does), each step timed.</summary>
    private static async Task<double> ProfileNoOpAsync(string folder, Row[]? phases)
    {
        var marks = new double[6];
        var watch = Stopwatch.StartNew();
        var engine = MigrationService.ForService(ServiceDiscovery.Open(folder));
        marks[0] = watch.Elapsed.TotalMilliseconds;
        var files = engine.Loader.Load();
        marks[1] = watch.Elapsed.TotalMilliseconds;
        var runLock = await engine.Database.AcquireLockAsync().ConfigureAwait(false);
        marks[2] = watch.Elapsed.TotalMilliseconds;
        try
        {
            await using var connection = await engine.Database.OpenConnectionAsync().ConfigureAwait(false);
            var history = await engine.Database.ReadHistoryAsync(connection, readOnly: false).ConfigureAwait(false);
            marks[3] = watch.Elapsed.TotalMilliseconds;
            var plan = MigrationPlanner.PlanUp(files, history, null, null, allowOutOfOrder: false, checksumValidation: true);
            Expect(0, plan.Migrations.Count, "planned");
            marks[4] = watch.Elapsed.TotalMilliseconds;
        }
        finally
        {
            await runLock.DisposeAsync().ConfigureAwait(false);
        }

        marks[5] = watch.Elapsed.TotalMilliseconds;
        if (phases is not null)
        {
            for (var i = 0; i < marks.Length; i++)
            {
                phases[i].Samples.Add(i == 0 ? marks[0] : marks[i] - marks[i - 1]);
            }
        }

        return marks[5];
    }

    /// <summary>Counts a warm operation: once to open the data source and pool through the proxy, then counted.</summary>
    private static async Task<RoundTrips> Warm<T>(RoundTripProxy proxy, Func<Task<T>> operation)
    {
        await operation().ConfigureAwait(false);
        return await proxy.CountAsync(async () => await operation().ConfigureAwait(false)).ConfigureAwait(false);
    }

    private static Task<RoundTrips> Warm(RoundTripProxy proxy, Func<Task> operation) =>
        Warm(proxy, async () =>
        {
            await operation().ConfigureAwait(false);
            return 0;
        });

    private Entry ApplyEntry(
        Row row,
        Corpus corpus,
        string prefix,
        string? folder,
        Func<string, int?, Task<Timing>> run,
        int? iterations = null) => new()
        {
            Row = row,
            Iterations = iterations,
            Setup = async () =>
            {
                var db = await database.CreateAsync(prefix).ConfigureAwait(false);
                if (folder is not null)
                {
                    Corpus.Configure(folder, "bench", database.Host, database.Port, database.Username, db);
                }

                return db;
            },
            Run = (state, _) => run((string)state!, null),
            Teardown = async state =>
            {
                if (state is string db)
                {
                    var tables = await database.CountBenchTablesAsync(db).ConfigureAwait(false);
                    await database.DropAsync(db).ConfigureAwait(false);
                    Expect(corpus.Count, (int)tables, "tables made");
                }
            },
            CountTrips = async p =>
            {
                var db = await database.CreateAsync(prefix).ConfigureAwait(false);
                try
                {
                    if (folder is not null)
                    {
                        Corpus.Configure(folder, "bench", database.Host, p.Port, database.Username, db);
                    }

                    return await p.CountAsync(() => run(db, p.Port)).ConfigureAwait(false);
                }
                finally
                {
                    await database.DropAsync(db).ConfigureAwait(false);
                }
            },
        };

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(directory.Replace(from, to, StringComparison.Ordinal));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal), overwrite: true);
        }
    }

    private Row AddRow(string workload, string contender, RowKind kind, string? secondary = null)
    {
        var row = new Row { Workload = workload, Contender = contender, Kind = kind, SecondaryLabel = secondary };
        Rows.Add(row);
        return row;
    }

    private void AddQuoted(string workload, string tool, double ms) =>
        Rows.Add(new Row
        {
            Workload = workload,
            Contender = tool + " — measured by the issue author, not in this run",
            Kind = RowKind.Quoted,
            QuotedMs = ms,
        });

    private static void Expect(int expected, int actual, string what)
    {
        if (expected != actual)
        {
            throw new InvalidOperationException($"expected {expected} {what}, got {actual}");
        }
    }
}
