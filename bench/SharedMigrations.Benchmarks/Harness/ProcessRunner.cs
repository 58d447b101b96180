using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SharedMigrations.Benchmarks.Harness;

public sealed record ProcessOutcome(int ExitCode, double WallMs, string Output, double? CpuMs = null)
{
    /// <summary>The numbers of the line <c>@@BENCH\t…</c> that a measured PowerShell command prints (its own stopwatch).</summary>
    public double[] Reported()
    {
        var line = Output.Split('\n').LastOrDefault(l => l.StartsWith("@@BENCH\t", StringComparison.Ordinal));
        return line is null
            ? Array.Empty<double>()
            : line.Trim().Split('\t').Skip(1).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
    }
}

/// <summary>Runs a program to its end and measures its wall-clock time, from just before the start to its exit.</summary>
public static class ProcessRunner
{
    public static async Task<ProcessOutcome> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null,
        string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        var output = new StringBuilder();
        var cpuBefore = ChildCpu.Milliseconds();
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        process.StandardInput.Close();
        var stdout = PumpAsync(process.StandardOutput, output);
        var stderr = PumpAsync(process.StandardError, output);
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish " +
                $"in {(timeout ?? TimeSpan.FromMinutes(5)).TotalSeconds:0} s");
        }

        var wall = watch.Elapsed.TotalMilliseconds;
        var cpuAfter = ChildCpu.Milliseconds();
        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        string text;
        lock (output)
        {
            text = output.ToString();
        }

        return new ProcessOutcome(process.ExitCode, wall, text, cpuAfter - cpuBefore);
    }

    /// <summary>Throws with the tail of the output when the program failed.</summary>
    public static ProcessOutcome EnsureSuccess(this ProcessOutcome outcome, string what)
    {
        if (outcome.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed (exit code {outcome.ExitCode}): {Tail(outcome.Output)}");
        }

        return outcome;
    }

    public static string Tail(string text, int characters = 1500) =>
        text.Length <= characters ? text.Trim() : "…" + text[^characters..].Trim();

    private static async Task PumpAsync(StreamReader reader, StringBuilder output)
    {
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            lock (output)
            {
                // Keep the end, which holds the @@BENCH line and the error; a large table of results is not needed.
                if (output.Length > 256 * 1024)
                {
                    output.Remove(0, output.Length - 64 * 1024);
                }

                output.Append(buffer, 0, read);
            }
        }
    }
}

/// <summary>
/// CPU time (user + system) of the child processes this process has waited for, and their children: the delta around
/// one run is that run's CPU, as long as the harness runs one child at a time (it does). Unlike wall time, it hardly
/// moves when other work on the machine competes for the cores.
/// </summary>
public static class ChildCpu
{
    private const int RusageChildren = -1;

    public static double? Milliseconds()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return null;
        }

        try
        {
            var usage = new long[18]; // struct rusage: two timevals (4 longs) and 14 longs, on 64-bit
            return getrusage(RusageChildren, usage) == 0
                ? (usage[0] + usage[2]) * 1000.0 + (usage[1] + usage[3]) / 1000.0
                : null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>CPU time of this process (all its threads).</summary>
    public static double Self() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, [System.Runtime.InteropServices.Out] long[] usage);
}
