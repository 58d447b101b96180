using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using SharedMigrations.Testing;

// `SharedMigrations.TestDatabase serve`: starts a server, prints one JSON line to stdout, and keeps the server
// until stdin reaches EOF (the parent closed it or died) or SIGTERM/SIGINT. Diagnostics go to stderr.

if (args is not ["serve"])
{
    Console.Error.WriteLine("usage: SharedMigrations.TestDatabase serve");
    Console.Error.WriteLine("  Starts a PostgreSQL server for tests, prints {\"connectionString\",\"source\",\"host\",\"port\"} as one " +
        "JSON line,");
    Console.Error.WriteLine("  and stops it when stdin is closed or on SIGTERM/SIGINT.");
    return 64;
}

// Stdout carries exactly one line; anything else that writes to Console.Out (e.g. the Testcontainers logger) goes to stderr.
var stdout = Console.Out;
Console.SetOut(Console.Error);

using var shutdown = new CancellationTokenSource();
var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true; // shut down cleanly below instead of being terminated
    stop.TrySetResult();
    shutdown.Cancel();
}

using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

PostgresServer server;
try
{
    server = await PostgresServer.StartAsync(shutdown.Token);
}
catch (PostgresUnavailableException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("serve: interrupted while starting the server");
    return 2;
}
catch (Exception ex)
{
    Console.Error.WriteLine($"serve: could not start a PostgreSQL server: {ex}");
    return 2;
}

await using (server)
{
    var line = JsonSerializer.Serialize(
        new { connectionString = server.AdminConnectionString, source = server.Source, host = server.Host, port = server.Port },
        new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    stdout.WriteLine(line);
    stdout.Flush();
    Console.Error.WriteLine($"serve: PostgreSQL ready ({server.Source}); close stdin or send SIGTERM to stop it");

    var stdinClosed = Task.Run(async () =>
    {
        await using var stdin = Console.OpenStandardInput();
        var buffer = new byte[4096];
        while (await stdin.ReadAsync(buffer) > 0)
        {
            // input is ignored; only EOF matters
        }
    });
    await Task.WhenAny(stdinClosed, stop.Task);
    Console.Error.WriteLine("serve: stopping the server");
}

return 0;
