namespace SharedMigrations.Benchmarks.Harness;

/// <summary>
/// What a row of the table is: the floor every ratio is taken to, our tool, a peer measured here, a peer quoted from the issue, or a part
/// of a larger figure.
/// </summary>
public enum RowKind
{
    Floor,
    Ours,
    Peer,
    Quoted,
    Part,
}

/// <summary>Round trips of one operation as a proxy in front of PostgreSQL saw them (see <see cref="RoundTripProxy"/>).</summary>
public sealed record RoundTrips(long Total, long Setup, long Connections, long ReadyForQuery)
{
    /// <summary>Round trips after the connections were established (queries, batches, unlock).</summary>
    public long Queries => Total - Setup;

    public override string ToString() =>
        Connections == 0
            ? $"{Total}"
            : Setup == 0
                ? $"{Total}"
                : $"{Total} ({Queries} + {Setup} to connect {Connections}×)";
}

/// <summary>One line of the result: a workload measured with one tool.</summary>
public sealed class Row
{
    public required string Workload { get; init; }

    public required string Contender { get; init; }

    public required RowKind Kind { get; init; }

    /// <summary>The primary figure of each measured iteration, in milliseconds.</summary>
    public List<double> Samples { get; } = new();

    /// <summary>A second figure per iteration (for a whole process: the time after PowerShell's start-up, measured inside it).</summary>
    public List<double> Secondary { get; } = new();

    public string? SecondaryLabel { get; init; }

    /// <summary>Client-side CPU time per iteration (the tool's process; not the server's).</summary>
    public List<double> Cpu { get; } = new();

    public double? CpuMedian => Cpu.Count == 0 ? null : Stat.Median(Cpu);

    public RoundTrips? Trips { get; set; }

    /// <summary>For a quoted peer: the figure from the issue text.</summary>
    public double? QuotedMs { get; init; }

    public string? Note { get; set; }

    /// <summary>Set when the contender failed; the row then shows the error instead of figures.</summary>
    public string? Error { get; set; }

    /// <summary>A peer that is not installed: <see cref="Error"/> says why; not a failure of the run.</summary>
    public bool Skipped { get; init; }

    public double? Median => QuotedMs ?? (Samples.Count == 0 ? null : Stat.Median(Samples));

    public double? SecondaryMedian => Secondary.Count == 0 ? null : Stat.Median(Secondary);
}

public static class Stat
{
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.OrderBy(v => v).ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>Milliseconds as a person reads them: 0.84 ms, 8.4 ms, 84 ms, 1.23 s.</summary>
    public static string Format(double ms)
    {
        if (double.IsNaN(ms))
        {
            return "–";
        }

        return ms switch
        {
            < 1 => $"{ms:0.00} ms",
            < 10 => $"{ms:0.0} ms",
            < 1000 => $"{ms:0} ms",
            _ => $"{ms / 1000:0.00} s",
        };
    }
}
