using System.Globalization;
using System.Text;
using SharedMigrations.Benchmarks.Harness;

namespace SharedMigrations.Benchmarks;

/// <summary>The Markdown of a run: the machine, the table side by side with ratios to the floor and round trips, and the targets.</summary>
public static class Report
{
    public const string Begin = "<!-- BEGIN build.ps1 Bench: generated, replaced by the next full run -->";
    public const string End = "<!-- END build.ps1 Bench -->";

    public static string Build(Workloads w, MachineInfo machine, Sizes sizes, TimeSpan elapsed)
    {
        var md = new StringBuilder();
        md.AppendLine(Begin);
        md.AppendLine();
        md.AppendLine(
            CultureInfo.InvariantCulture,
            $"### Run of {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC — {sizes.Name} sizes, {elapsed.TotalMinutes:0.0} min");
        md.AppendLine();
        if (!sizes.IsIssueSize)
        {
            md.AppendLine("**Smoke run: tiny sizes, one iteration each, to prove the harness still works. The figures mean nothing.**");
            md.AppendLine();
        }

        md.AppendLine("| machine | |");
        md.AppendLine("|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| CPU | {machine.Cpu}, {machine.Cores} cores, {machine.Memory} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| OS | {machine.OperatingSystem} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| .NET (engine in-process, DbUp, Evolve) | {machine.DotNet} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| PowerShell | {machine.PowerShell} (`{machine.Pwsh}`) |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| PostgreSQL | {machine.PostgreSql}; {machine.ServerSource} |");
        md.AppendLine(
            CultureInfo.InvariantCulture,
            $"| data directory | `{machine.DataDirectory}` on " +
                $"**{machine.DataFileSystem}**" +
                $"{(machine.OnTmpfs ? " (tmpfs: no disk latency in the figures)" : " (not tmpfs: disk latency is in the figures)")} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| server settings | {machine.ServerSettings} |");
        md.AppendLine(
            CultureInfo.InvariantCulture,
            $"| psql | `{machine.Psql}` (TCP to 127.0.0.1, sslmode=disable, like every contender) |");
        md.AppendLine(
            CultureInfo.InvariantCulture,
            $"| load average (1/5/15 min) | {machine.LoadAtStart} at the start, {machine.LoadAtEnd} at the end |");
        md.AppendLine();

        md.AppendLine("Medians; each apply on a fresh database (`CREATE DATABASE` per iteration, untimed). Contenders of a workload run");
        md.AppendLine("round-robin, so load from elsewhere hits them alike. Round trips are counted by a proxy reading the wire protocol");
        md.AppendLine("(`n (q + s to connect c×)`: q round trips of queries, s of connection set-up for c new connections); a warm");
        md.AppendLine(
            "contender is counted on its second run. *Client CPU*: user + system time of the tool's own process (the harness for");
        md.AppendLine("in-process rows, the pwsh or psql process, the warm session), not the server's: it barely moves with the " +
            "machine's load,");
        md.AppendLine(
            "so it shows what a contender costs when wall times are noisy. Rows marked *measured by the issue author* are quoted.");
        md.AppendLine();
        md.AppendLine("| workload | tool | median | × floor | min – max | n | client CPU | round trips | note |");
        md.AppendLine("|---|---|---:|---:|---|---:|---:|---|---|");
        foreach (var group in w.Rows.GroupBy(r => r.Workload))
        {
            var floor = group.FirstOrDefault(r => r.Kind == RowKind.Floor && r.Error is null)?.Median;
            var first = true;
            foreach (var row in group)
            {
                var name = first ? $"**{group.Key}**" : string.Empty;
                first = false;
                var tool = row.Kind switch
                {
                    RowKind.Floor => $"*{row.Contender}*",
                    RowKind.Ours => $"**{row.Contender}**",
                    RowKind.Quoted => $"<sub>{row.Contender}</sub>",
                    _ => row.Contender,
                };
                if (row.Error is not null)
                {
                    md.AppendLine(
                        CultureInfo.InvariantCulture,
                        $"| {name} | {tool} | {(row.Skipped ? "not run" : "failed")} | | | | | | {Escape(row.Error)} |");
                    continue;
                }

                var median = row.Median ?? double.NaN;
                var ratio = floor is { } f && !double.IsNaN(median)
                    && row.Kind != RowKind.Floor ? $"{median / f:0.00}×" : row.Kind == RowKind.Floor ? "1.00×" : "–";
                var spread = row.Samples.Count > 1 ? $"{Stat.Format(row.Samples.Min())} – {Stat.Format(row.Samples.Max())}" : string.Empty;
                var n = row.Kind == RowKind.Quoted ? string.Empty : row.Samples.Count.ToString(CultureInfo.InvariantCulture);
                var notes = new List<string>();
                if (row.SecondaryMedian is { } secondary)
                {
                    notes.Add($"{row.SecondaryLabel}: {Stat.Format(secondary)}");
                }

                if (Ours(w, row) is { } ours)
                {
                    notes.Add($"ours (whole process − bare pwsh start-up of this run): {Stat.Format(ours)}");
                }

                if (!string.IsNullOrEmpty(row.Note))
                {
                    notes.Add(row.Note);
                }

                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {name} | {tool} | {Stat.Format(median)} | {ratio} | {spread} | {n} " +
                        $"| {(row.CpuMedian is { } cpu ? Stat.Format(cpu) : string.Empty)} | {row.Trips?.ToString() ?? string.Empty} " +
                            $"| {Escape(string.Join("; ", notes))} |");
            }
        }

        md.AppendLine();
        md.AppendLine("#### Targets");
        md.AppendLine();
        if (!sizes.IsIssueSize)
        {
            md.AppendLine("*Smoke sizes: the verdicts below are computed but mean nothing.*");
            md.AppendLine();
        }

        if (w.ApplyPsql?.Median is { } psqlFloor && sizes.IsIssueSize)
        {
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"Verdicts are on this run's medians. This run's psql -f floor for 200 migrations is {Stat.Format(psqlFloor)} against " +
                    $"the issue author's 0.29 s: " +
                $"this machine ran {psqlFloor / 290:0.0}× slower than theirs (see the load average above). Ratios between contenders of " +
                    $"one run hold; " +
                $"for an absolute target the figure divided by that factor is shown in parentheses as a hint, not as the verdict."));
            md.AppendLine();
        }

        md.AppendLine("| target | measured | verdict |");
        md.AppendLine("|---|---|---|");
        foreach (var (target, measured, holds) in Targets(w))
        {
            md.AppendLine(
                CultureInfo.InvariantCulture,
                $"| {target} | {Escape(measured)} | {(holds is null ? "not measured" : holds.Value ? "holds" : "**misses**")} |");
        }

        md.AppendLine();
        md.AppendLine(End);
        return md.ToString();
    }

    /// <summary>Puts the generated section into a document, replacing the previous one between the markers (or appending it).</summary>
    public static string Splice(string document, string section)
    {
        var begin = document.IndexOf(Begin, StringComparison.Ordinal);
        var end = document.IndexOf(End, StringComparison.Ordinal);
        if (begin >= 0 && end > begin)
        {
            return document[..begin] + section.TrimEnd() + document[(end + End.Length)..];
        }

        return document.TrimEnd() + Environment.NewLine + Environment.NewLine + section;
    }

    /// <summary>Our whole-process figure less the bare <c>pwsh -NoProfile -Command exit</c> of the same run: what is ours to win.</summary>
    public static double? Ours(Workloads w, Row? row) =>
        row is { Error: null, Kind: RowKind.Ours } && row.Contender.Contains("whole process", StringComparison.Ordinal) &&
        row.Median is { } whole && !double.IsNaN(whole) && w.PwshStartup is { Error: null, Median: { } startup } && !double.IsNaN(startup)
            ? whole - startup
            : null;

    private static IEnumerable<(string Target, string Measured, bool? Holds)> Targets(Workloads w)
    {
        static double? M(Row? row) => row is { Error: null } && row.Median is { } m && !double.IsNaN(m) ? m : null;
        static string F(double? ms) => ms is { } v ? Stat.Format(v) : "–";
        static double? Fastest(IEnumerable<Row> rows) =>
            rows.Select(r => M(r)).Where(m => m is not null).Select(m => m!.Value).DefaultIfEmpty(double.NaN).Min() is var v
                && !double.IsNaN(v) ? v : null;
        static string Peers(IEnumerable<Row> rows) => string.Join(", ", rows.Select(r => $"{r.Contender.Split(" (")[0]} {F(M(r))}"));

        var floor = M(w.ApplyPsql);
        var engine = M(w.ApplyEngine);
        var import = M(w.Import);
        var empty = M(w.ImportEmpty);
        yield return ("Import-Module: at most 1.3× the empty-module floor",
            $"{F(import)} vs empty module {F(empty)}{(import is { } i && empty is { } e ? $" = {i / e:0.00}×" : string.Empty)}",
            import is null || empty is null ? null : import <= 1.3 * empty);

        var firstCommand = M(w.NoOpFirstCommand);
        var noOpOurs = w.NoOpProcess is { Error: null } ? w.NoOpProcess.SecondaryMedian : null;
        var dbupNoOp = M(w.NoOpPeers.FirstOrDefault(p => p.Key == "dbup")?.Row);
        yield return ("First no-op Invoke-MigrationUp in a fresh process: under 60 ms after the import, import + command under 200 ms " +
            "and half of DbUp's whole process",
            $"command {F(firstCommand)}; import + command {F(noOpOurs)}; DbUp whole process {F(dbupNoOp)}; ours (whole − bare " +
                $"pwsh) {F(Ours(w, w.NoOpProcess))}",
            firstCommand is null || noOpOurs is null ? null : firstCommand < 60 && noOpOurs < 200 && (
                dbupNoOp is null || noOpOurs <= dbupNoOp / 2));

        var applyOurs = Ours(w, w.ApplyProcess);
        var applyPeers = w.ApplyPeers.Where(p => p.Key is "sqlmigrate" or "dbmate").Select(p => p.Row).ToArray();
        var fastestApplyPeer = Fastest(applyPeers);
        yield return ("Apply 200 in a fresh process: ours at most 1.3× the psql floor, and below sql-migrate and dbmate whole-process",
            $"ours {F(applyOurs)} = {(applyOurs is { } a && floor is { } f0 ? $"{a / f0:0.00}" : "–")}× psql -f " +
                $"({F(floor)}); {Peers(applyPeers)}",
            applyOurs is null || floor is null ? null : applyOurs <= 1.3 * floor && (
                fastestApplyPeer is null || applyOurs < fastestApplyPeer));

        foreach (var (label, ours, loops) in new[]
        {
            ("apply all", w.FleetApplyProcess, w.FleetApplyPeers),
            ("no-op up", w.FleetNoOpProcess, w.FleetNoOpPeers),
            ("status", w.FleetStatusProcess, w.FleetStatusPeers),
        })
        {
            var fleetOurs = Ours(w, ours);
            var parallel = loops.Where(l => l.Parallel == 4).Select(l => l.Row).ToArray();
            var fastest = Fastest(parallel);
            yield return ($"Fleet 50 × 10 in one call, {label}: ours below the faster of sql-migrate and dbmate looped 4 in parallel",
                $"ours {F(fleetOurs)} (whole process {F(M(ours))}); {(parallel.Length == 0 ? "peers not installed" : Peers(parallel))}",
                fleetOurs is null || fastest is null ? null : fleetOurs < fastest);
        }

        yield return ("Warm: engine apply 200 at most 1.2× the psql -f floor",
            engine is null || floor is null ? "–" : $"{F(engine)} = {engine / floor:0.00}× psql -f ({F(floor)})",
            engine is null || floor is null ? null : engine <= 1.2 * floor);

        var noop = M(w.NoOpModule);
        var noopTrips = w.NoOpModule?.Trips;
        yield return ("Warm: no-op up of one service under 10 ms",
            $"{F(noop)}, {noopTrips?.ToString() ?? "–"} round trips (engine alone: {F(M(w.NoOpEngine))})",
            noop is null ? null : noop < 10);

        var statusTrips = w.StatusModule?.Trips;
        yield return ("Warm: status is one round trip",
            $"{F(M(w.StatusModule))}, {statusTrips?.ToString() ?? "–"} round trip(s) (engine alone: {F(M(w.StatusEngine))})",
            statusTrips is null ? null : statusTrips.Total == 1);

        var files = M(w.FilesLoad);
        yield return ("10,000 files loaded and checksummed: under 1 s", F(files), files is null ? null : files < 1000);

        var snapshot = M(w.Snapshot);
        yield return ("Warm: snapshot of 500 tables, 5,000 columns, 1,000 indexes, 200 functions under 150 ms (one query)",
            $"{F(snapshot)} ({w.SnapshotObjects:N0} objects)", snapshot is null ? null : snapshot < 150);

        var trip = M(w.RoundTrip);
        var tripUp = M(w.RoundTripUp);
        yield return ("Round trip of 300 generated migrations: at most 4× one plain up of the same folder",
            $"{F(trip)} vs plain up {F(tripUp)}{(trip is { } t && tripUp is { } u ? $" = {t / u:0.0}×" : string.Empty)}",
            trip is null || tripUp is null ? null : trip <= 4 * tripUp);
    }

    private static string Escape(string text) => text.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");
}
