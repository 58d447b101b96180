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
        md.AppendLine(CultureInfo.InvariantCulture, $"### Run of {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC — {sizes.Name} sizes, {elapsed.TotalMinutes:0.0} min");
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
        md.AppendLine(CultureInfo.InvariantCulture, $"| data directory | `{machine.DataDirectory}` on **{machine.DataFileSystem}**{(machine.OnTmpfs ? " (tmpfs: no disk latency in the figures)" : " (not tmpfs: disk latency is in the figures)")} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| server settings | {machine.ServerSettings} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| psql | `{machine.Psql}` (TCP to 127.0.0.1, sslmode=disable, like every contender) |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| load average (1/5/15 min) | {machine.LoadAtStart} at the start, {machine.LoadAtEnd} at the end |");
        md.AppendLine();

        md.AppendLine("Medians; each apply on a fresh database (`CREATE DATABASE` per iteration, untimed). Contenders of a workload run");
        md.AppendLine("round-robin, so load from elsewhere hits them alike. Round trips are counted by a proxy reading the wire protocol");
        md.AppendLine("(`n (q + s to connect c×)`: q round trips of queries, s of connection set-up for c new connections); a warm");
        md.AppendLine("contender is counted on its second run. *Client CPU*: user + system time of the tool's own process (the harness for");
        md.AppendLine("in-process rows, the pwsh or psql process, the warm session), not the server's: it barely moves with the machine's load,");
        md.AppendLine("so it shows what a contender costs when wall times are noisy. Rows marked *measured by the issue author* are quoted.");
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
                    md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {tool} | failed | | | | | | {Escape(row.Error)} |");
                    continue;
                }

                var median = row.Median ?? double.NaN;
                var ratio = floor is { } f && !double.IsNaN(median) && row.Kind != RowKind.Floor ? $"{median / f:0.00}×" : row.Kind == RowKind.Floor ? "1.00×" : "–";
                var spread = row.Samples.Count > 1 ? $"{Stat.Format(row.Samples.Min())} – {Stat.Format(row.Samples.Max())}" : string.Empty;
                var n = row.Kind == RowKind.Quoted ? string.Empty : row.Samples.Count.ToString(CultureInfo.InvariantCulture);
                var notes = new List<string>();
                if (row.SecondaryMedian is { } secondary)
                {
                    notes.Add($"{row.SecondaryLabel}: {Stat.Format(secondary)}");
                }

                if (!string.IsNullOrEmpty(row.Note))
                {
                    notes.Add(row.Note);
                }

                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {name} | {tool} | {Stat.Format(median)} | {ratio} | {spread} | {n} | {(row.CpuMedian is { } cpu ? Stat.Format(cpu) : string.Empty)} | {row.Trips?.ToString() ?? string.Empty} | {Escape(string.Join("; ", notes))} |");
            }
        }

        md.AppendLine();
        md.AppendLine("#### Targets (issue 7)");
        md.AppendLine();
        if (!sizes.IsIssueSize)
        {
            md.AppendLine("*Smoke sizes: the verdicts below are computed but mean nothing.*");
            md.AppendLine();
        }

        if (w.ApplyPsql?.Median is { } psqlFloor && sizes.IsIssueSize)
        {
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"Verdicts are on this run's medians. This run's psql -f floor for 200 migrations is {Stat.Format(psqlFloor)} against the issue author's 0.29 s: " +
                $"this machine ran {psqlFloor / 290:0.0}× slower than theirs (see the load average above). Ratios between contenders of one run hold; " +
                $"for an absolute target the figure divided by that factor is shown in parentheses as a hint, not as the verdict."));
            md.AppendLine();
        }

        md.AppendLine("| target | measured | verdict |");
        md.AppendLine("|---|---|---|");
        foreach (var (target, measured, holds) in Targets(w))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {Escape(measured)} | {(holds is null ? "not measured" : holds.Value ? "holds" : "**misses**")} |");
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

    private static IEnumerable<(string Target, string Measured, bool? Holds)> Targets(Workloads w)
    {
        static double? M(Row? row) => row is { Error: null } && row.Median is { } m && !double.IsNaN(m) ? m : null;
        static string F(double? ms) => ms is { } v ? Stat.Format(v) : "–";

        var floor = M(w.ApplyPsql);
        var engine = M(w.ApplyEngine);
        var dbup = M(w.ApplyDbUp);
        var evolve = M(w.ApplyEvolve);
        yield return ("Engine in-process, apply 200: at most 1.2× the psql -f floor",
            engine is null || floor is null ? "–" : $"{F(engine)} = {engine / floor:0.00}× psql -f ({F(floor)}); limit {F(1.2 * floor)}",
            engine is null || floor is null ? null : engine <= 1.2 * floor);
        yield return ("Engine in-process, apply 200: faster than DbUp and Evolve in the same run",
            $"{F(engine)} vs DbUp {F(dbup)}, Evolve {F(evolve)}",
            engine is null || dbup is null || evolve is null ? null : engine < dbup && engine < evolve);

        var process = M(w.ApplyProcess);
        var startup = M(w.PwshStartup);
        var import = M(w.Import);
        var budget = startup + import + 1.2 * floor;
        yield return ("Whole process, apply 200: at most pwsh start-up + Import-Module + 1.2× the floor",
            $"{F(process)} vs {F(startup)} + {F(import)} + {F(1.2 * floor)} = {F(budget)}",
            process is null || budget is null ? null : process <= budget);

        // The machine's speed against the issue author's: this run's psql -f floor over theirs (0.29 s). An absolute
        // target is judged on the raw figure; the figure divided by this factor is shown beside it as a hint only.
        var slowdown = floor is { } fl && w.ApplyPsql?.Workload.Contains(" 200 ", StringComparison.Ordinal) == true ? fl / 290 : (double?)null;
        string Scaled(double? ms) => ms is { } v && slowdown is { } k && k > 1.15 ? $" (≈ {F(v / k)} at the issue's speed, ÷{k:0.0})" : string.Empty;

        var noop = M(w.NoOpModule);
        var noopTrips = w.NoOpModule?.Trips;
        yield return ("No-op up of one service, warm session: under 10 ms, at most 3 round trips",
            $"{F(noop)}{Scaled(noop)}, {noopTrips?.ToString() ?? "–"} round trips (engine alone: {F(M(w.NoOpEngine))})",
            noop is null || noopTrips is null ? null : noop < 10 && noopTrips.Total <= 3);

        var status = M(w.StatusModule);
        var statusTrips = w.StatusModule?.Trips;
        yield return ("Status of 200 applied, warm session: one history query, under 10 ms",
            $"{F(status)}{Scaled(status)}, {statusTrips?.ToString() ?? "–"} round trip(s) (engine alone: {F(M(w.StatusEngine))})",
            status is null || statusTrips is null ? null : status < 10 && statusTrips.Total == 1);

        yield return ("Import-Module in a fresh pwsh: under 150 ms",
            $"{F(import)} measured inside the process{Scaled(import)}",
            import is null ? null : import < 150);

        var files = M(w.FilesLoad);
        yield return ("10,000 files loaded and checksummed: under 1 s", F(files) + Scaled(files), files is null ? null : files < 1000);

        var fleetApply = w.FleetApplyProcess is { Error: null } ? w.FleetApplyProcess.SecondaryMedian : null;
        yield return ("Fleet 50 × 10, one call, apply all (after pwsh start-up): below the fastest peer loop (sql-migrate, 4 in parallel: 1.22 s, issue author's figure)",
            $"{F(fleetApply)} after start-up{Scaled(fleetApply)} (whole process {F(M(w.FleetApplyProcess))}); warm session {F(M(w.FleetApplyModule))}",
            fleetApply is null ? null : fleetApply < 1220);

        var fleetNoOp = w.FleetNoOpProcess is { Error: null } ? w.FleetNoOpProcess.SecondaryMedian : null;
        yield return ("Fleet 50 × 10, one call, no-op up (after pwsh start-up): below the fastest peer loop (sql-migrate, 4 in parallel: 0.52 s, issue author's figure)",
            $"{F(fleetNoOp)} after start-up{Scaled(fleetNoOp)} (whole process {F(M(w.FleetNoOpProcess))}); warm session {F(M(w.FleetNoOpModule))}",
            fleetNoOp is null ? null : fleetNoOp < 520);
    }

    private static string Escape(string text) => text.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");
}
