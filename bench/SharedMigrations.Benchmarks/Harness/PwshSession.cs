using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SharedMigrations.Benchmarks.Harness;

/// <summary>
/// A warm PowerShell session: one pwsh process that imported the module once and runs one command per request
/// (WarmSession.ps1). The time of a command is measured inside the session, around the command alone, so the
/// request/answer over stdin/stdout does not count.
/// </summary>
public sealed class PwshSession : IAsyncDisposable
{
    private const string Prefix = "@@BENCH\t";

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly Task _stderr;

    private PwshSession(Process process, double importMs, string psVersion)
    {
        _process = process;
        ImportMs = importMs;
        PowerShellVersion = psVersion;
        _stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                lock (_log)
                {
                    _log.AppendLine(line);
                }
            }
        });
    }

    /// <summary>How long Import-Module took when the session started.</summary>
    public double ImportMs { get; }

    public string PowerShellVersion { get; }

    public static async Task<PwshSession> StartAsync(Tools tools, string moduleManifest, IReadOnlyDictionary<string, string?> environment)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "WarmSession.ps1");
        var info = new ProcessStartInfo(tools.Pwsh.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in tools.Pwsh.Prefix.Concat([
            "-NoProfile",
            "-NonInteractive",
            "-File",
            script,
            "-ModuleManifest",
            moduleManifest]))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start pwsh");
        var ready = await ReadAnswerAsync(process, TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        if (ready is not ["ready", var import, var version])
        {
            var error = await process.StandardError.ReadToEndAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"the warm PowerShell session did not " +
                $"start: {string.Join(' ', ready ?? [])} {ProcessRunner.Tail(error)}");
        }

        return new PwshSession(process, double.Parse(import, CultureInfo.InvariantCulture), version);
    }

    /// <summary>
    /// Runs one operation of WarmSession.ps1 (up, status, fleet-up, fleet-status) on a path; returns its time and how many objects it
    /// emitted.
    /// </summary>
    public async Task<(double Ms, int Count, double? Cpu)> InvokeAsync(string operation, string path, TimeSpan? timeout = null)
    {
        await _process.StandardInput.WriteLineAsync($"{operation}\t{path}").ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
        var answer = await ReadAnswerAsync(_process, timeout ?? TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        if (answer is null)
        {
            string log;
            lock (_log)
            {
                log = _log.ToString();
            }

            throw new InvalidOperationException($"the warm PowerShell session ended: {ProcessRunner.Tail(log)}");
        }

        if (answer.Length > 2 && answer[2].Length > 0)
        {
            throw new InvalidOperationException($"{operation} {path} in the warm session failed: {answer[2]}");
        }

        double? cpu = answer.Length > 3 && double.TryParse(answer[3], CultureInfo.InvariantCulture, out var c) ? c : null;
        return (double.Parse(answer[0], CultureInfo.InvariantCulture), int.Parse(answer[1], CultureInfo.InvariantCulture), cpu);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        }

        await Task.WhenAny(_stderr, Task.Delay(2000)).ConfigureAwait(false);
        _process.Dispose();
    }

    /// <summary>
    /// The fields of the next protocol line (anything else the session prints, such as warnings, is skipped); null at end of output.
    /// </summary>
    private static async Task<string[]?> ReadAnswerAsync(Process process, TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        while (true)
        {
            string? line;
            try
            {
                line = await process.StandardOutput.ReadLineAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the warm PowerShell session did not answer within {timeout.TotalSeconds:0} s");
            }

            if (line is null)
            {
                return null;
            }

            if (line.StartsWith(Prefix, StringComparison.Ordinal))
            {
                return line[Prefix.Length..].Split('\t');
            }
        }
    }
}
