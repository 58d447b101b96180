using System.Diagnostics;

namespace SharedMigrations.Benchmarks.Harness;

/// <summary>What one timed run reports besides the wall clock the runner measures around it.</summary>
/// <param name="Primary">Replaces the wall clock as the figure (e.g. the time measured inside the warm session).</param>
/// <param name="Secondary">A second figure (e.g. a whole process's time after PowerShell's start-up).</param>
/// <param name="Cpu">CPU time of the work (a child process's, or the warm session's); when absent, this process's CPU during the
/// run.</param>
public readonly record struct Timing(double? Primary = null, double? Secondary = null, double? Cpu = null)
{
    public static readonly Timing Wall = default;
}

/// <summary>
/// One contender of a workload: how to prepare an iteration (untimed), run it (timed), check and clean up (untimed), and count its round
/// trips.
/// </summary>
public sealed class Entry
{
    public required Row Row { get; init; }

    /// <summary>
    /// Untimed, before each iteration: e.g. a fresh database. Its result is handed to <see cref="Run"/> and <see cref="Teardown"/>.
    /// </summary>
    public Func<Task<object?>>? Setup { get; init; }

    /// <summary>The timed work; the bool says whether this iteration is measured (false during warm-up).</summary>
    public required Func<object?, bool, Task<Timing>> Run { get; init; }

    /// <summary>Untimed, after each iteration: check that the work was done, drop the database.</summary>
    public Func<object?, Task>? Teardown { get; init; }

    /// <summary>Fewer iterations for a costly contender (a whole process) than the workload's count.</summary>
    public int? Iterations { get; init; }

    /// <summary>Runs the operation once more through the round-trip proxy.</summary>
    public Func<RoundTripProxy, Task<RoundTrips>>? CountTrips { get; init; }
}

/// <summary>
/// Runs the contenders of a workload side by side: round after round, each contender once per round (the order
/// rotated each round), so that a change in the machine's load hits every contender alike. Warm-up rounds are run
/// and thrown away; medians are taken over the rest.
/// </summary>
public static class Runner
{
    public static async Task RunAsync(string title, IReadOnlyList<Entry> entries, int warmup, int iterations, RoundTripProxy? proxy)
    {
        Console.WriteLine($"-- {title}: {entries.Count} contender(s), {warmup} warm-up + {iterations} measured round(s)");
        var failed = new HashSet<Entry>();
        var rounds = warmup + iterations;
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < entries.Count; k++)
            {
                var entry = entries[(k + round) % entries.Count];
                var measuredRounds = Math.Min(iterations, entry.Iterations ?? iterations);
                var warmups = entry.Iterations is null ? warmup : Math.Min(warmup, 1); // a capped (costly) contender warms up once at most
                var firstRound = warmup - warmups;
                if (failed.Contains(entry) || round < firstRound || round >= warmup + measuredRounds)
                {
                    continue;
                }

                var measured = round >= warmup;
                object? state = null;
                try
                {
                    if (entry.Setup is not null)
                    {
                        state = await entry.Setup().ConfigureAwait(false);
                    }

                    var cpu = ChildCpu.Self();
                    var watch = Stopwatch.StartNew();
                    var timing = await entry.Run(state, measured).ConfigureAwait(false);
                    var wall = watch.Elapsed.TotalMilliseconds;
                    cpu = ChildCpu.Self() - cpu;
                    if (entry.Teardown is not null)
                    {
                        await entry.Teardown(state).ConfigureAwait(false);
                    }

                    var figure = timing.Primary ?? wall;
                    if (measured)
                    {
                        entry.Row.Samples.Add(figure);
                        if (timing.Secondary is { } secondary)
                        {
                            entry.Row.Secondary.Add(secondary);
                        }

                        entry.Row.Cpu.Add(timing.Cpu ?? cpu);
                    }

                    Console.WriteLine(
                        $"   {entry.Row.Contender,-58} {(measured ? $"#{round - warmup + 1}" : "warm-up"),-8} {Stat.Format(figure),10}");
                }
                catch (Exception ex)
                {
                    failed.Add(entry);
                    entry.Row.Error = ex.GetBaseException().Message;
                    Console.WriteLine($"   {entry.Row.Contender,-58} FAILED: {ProcessRunner.Tail(ex.ToString(), 2000)}");
                    if (entry.Teardown is not null)
                    {
                        try
                        {
                            await entry.Teardown(state).ConfigureAwait(false);
                        }
                        catch (Exception)
                        {
                            // the original failure is what matters
                        }
                    }
                }
            }
        }

        if (proxy is null)
        {
            return;
        }

        // Whole processes first: a warm contender keeps its pooled connections open afterwards, and a fleet of them
        // could leave a fresh process too few of the server's max_connections.
        foreach (var entry in entries.Where(e => e.CountTrips is not null && !failed.Contains(e)).OrderBy(e => e.Iterations is null))
        {
            try
            {
                entry.Row.Trips = await entry.CountTrips!(proxy).ConfigureAwait(false);
                Console.WriteLine($"   {entry.Row.Contender,-58} round trips: {entry.Row.Trips}");
            }
            catch (Exception ex)
            {
                entry.Row.Note = AppendNote(entry.Row.Note, $"round trips not counted: {ex.GetBaseException().Message}");
                Console.WriteLine($"   {entry.Row.Contender,-58} round trips FAILED: {ex.GetBaseException().Message}");
            }
        }
    }

    public static string AppendNote(string? note, string more) => string.IsNullOrEmpty(note) ? more : $"{note}; {more}";
}
