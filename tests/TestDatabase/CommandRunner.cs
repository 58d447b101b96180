using System.Diagnostics;
using System.Text;

namespace SharedMigrations.Testing;

internal sealed record CommandResult(int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>Runs a command with stdin closed and stdout+stderr captured (never echoed).</summary>
internal static class CommandRunner
{
    public static async Task<CommandResult> RunAsync(
        CommandLine command, string workingDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var process = Start(command, workingDirectory);
        var output = new StringBuilder();
        var stdout = PumpAsync(process.StandardOutput, output);
        var stderr = PumpAsync(process.StandardError, output);

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token);
            await Task.WhenAll(stdout, stderr).WaitAsync(timeoutSource.Token); // a child could keep the pipes open
        }
        catch (OperationCanceledException)
        {
            TryKill(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"`{command}` did not finish within {timeout.TotalSeconds:0} s. " +
                $"Output:{Environment.NewLine}{Snapshot(output)}");
        }

        return new CommandResult(process.ExitCode, Snapshot(output).Trim());
    }

    /// <summary>Synchronous variant for AppDomain.ProcessExit, where async continuations may not run.</summary>
    public static CommandResult Run(CommandLine command, string workingDirectory, TimeSpan timeout)
    {
        using var process = Start(command, workingDirectory);
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            TryKill(process);
            return new CommandResult(-1, "timed out");
        }

        process.WaitForExit(); // flushes the asynchronous readers
        return new CommandResult(process.ExitCode, Snapshot(output).Trim());
    }

    /// <summary>Runs a command and returns its trimmed stdout, or null when it cannot be run or fails.</summary>
    public static string? TryGetOutput(string fileName, params string[] arguments)
    {
        try
        {
            var result = Run(new CommandLine(fileName, arguments), Path.GetTempPath(), TimeSpan.FromSeconds(10));
            return result.Succeeded ? result.Output : null;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }

    private static Process Start(CommandLine command, string workingDirectory)
    {
        var startInfo = new ProcessStartInfo(command.FileName)
        {
            // The working directory must be accessible to the user the command runs as (e.g. postgres, not /root).
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Client settings of the caller must not leak into initdb/pg_ctl.
        foreach (var name in new[] { "PGDATA", "PGPORT", "PGHOST", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGOPTIONS" })
        {
            startInfo.Environment.Remove(name);
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start `{command}`.");
        process.StandardInput.Close();
        return process;
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            Append(output, line);
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
    }
}

/// <summary>An executable with its arguments; ToString is for messages only.</summary>
internal sealed record CommandLine(string FileName, IReadOnlyList<string> Arguments)
{
    public override string ToString() =>
        string.Join(' ', new[] { FileName }.Concat(Arguments).Select(a => a.Contains(' ') ? $"'{a}'" : a));
}
