using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;
using SharedMigrations.Core;
using SharedMigrations.Core.Database;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Planning;
using SharedMigrations.Testing;

namespace SharedMigrations.Tests.Reliability;

/// <summary>
/// A TCP port on 127.0.0.1 that accepts connections and never says a word: a database host that hangs instead of
/// refusing, as a dead host behind a firewall that drops packets does. Counts the connection attempts it saw.
/// </summary>
public sealed class SilentServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly ConcurrentBag<Socket> _held = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _accepted;

    public SilentServer()
    {
        // An address of its own in 127.0.0.0/8 (Linux answers on all of it), so that a connection another test makes to a
        // port that happens to be this one on 127.0.0.1 (a stopped cluster's, say) is not counted; 127.0.0.1 elsewhere.
        var address = new IPAddress([
            127,
            (byte)Random.Shared.Next(1, 255),
            (byte)Random.Shared.Next(0, 256),
            (byte)Random.Shared.Next(1, 255)]);
        try
        {
            _listener = new TcpListener(address, 0);
            _listener.Start();
        }
        catch (SocketException)
        {
            address = IPAddress.Loopback;
            _listener = new TcpListener(address, 0);
            _listener.Start();
        }

        Host = address.ToString();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptAsync);
    }

    public string Host { get; }

    public int Port { get; }

    /// <summary>How many connections were made to it.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _accepted);
                _held.Add(socket); // never read, never answered, never closed until the end
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception)
        {
        }

        foreach (var socket in _held)
        {
            socket.Dispose();
        }
    }
}

/// <summary>
/// A private local cluster (initdb + pg_ctl) that a test may stop and start again; the shared test server is never stopped.
/// </summary>
public sealed class PrivateServer : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The private cluster did not start.");

    public async Task InitializeAsync()
    {
        try
        {
            _server = await PostgresServer.StartLocalClusterAsync();
        }
        catch (PostgresUnavailableException ex)
        {
            throw new InvalidOperationException(
                "The lost-server tests stop PostgreSQL (pg_ctl stop -m immediate) and start it again, " +
                "so they need a private local cluster " +
                "even when SHAREDMIGRATIONS_TEST_CONNECTION or Docker provides the shared test server. Install the PostgreSQL server " +
                    "binaries " +
                "(initdb, pg_ctl; for example apt-get install postgresql). " + ex.Message,
                ex);
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await _server.DisposeAsync();
        }
    }
}

/// <summary>Hears everything a run reports, from any thread.</summary>
public sealed class RecordingObserver : MigrationObserver
{
    private readonly ConcurrentQueue<string> _messages = new();
    private int _lockWaits;

    public Action<PlannedStep>? OnStart { get; init; }

    /// <summary>How many times the run was told the lock is held by another run.</summary>
    public int LockWaits => Volatile.Read(ref _lockWaits);

    public ConcurrentQueue<RunLockHolder?> Holders { get; } = new();

    public ConcurrentQueue<MigrationResult> Completed { get; } = new();

    /// <summary>Every text the run reported: verbose lines, warnings, holders, step descriptions and results.</summary>
    public IReadOnlyCollection<string> Messages => _messages;

    public override void OnVerbose(string service, string message) => _messages.Enqueue($"verbose {service}: {message}");

    public override void OnWarning(string service, string message) => _messages.Enqueue($"warning {service}: {message}");

    public override void OnLockWaiting(string service, RunLockHolder? holder)
    {
        Interlocked.Increment(ref _lockWaits);
        Holders.Enqueue(holder);
        _messages.Enqueue($"waiting {service}: {holder}");
    }

    public override void OnStepStarting(PlannedStep step, int index, int count)
    {
        _messages.Enqueue($"step {step}");
        OnStart?.Invoke(step);
    }

    public override void OnStepCompleted(MigrationResult result, int index, int count)
    {
        Completed.Enqueue(result);
        _messages.Enqueue($"result {result.Version} {result.Succeeded} {result.Error}");
    }
}

/// <summary>An ILogger that keeps every line at every level, exceptions included.</summary>
public sealed class RecordingLogger : ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(
        LogLevel logLevel,
        EventId eventId,
        TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        _lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
        if (state is IEnumerable<KeyValuePair<string, object?>> values)
        {
            foreach (var (key, value) in values)
            {
                _lines.Enqueue($"{key}={value}");
            }
        }
    }
}

/// <summary>
/// Gathers every piece of text reachable from objects: strings, ToString(), public properties, items, exceptions with their inner ones.
/// </summary>
public sealed class TextSweep(Func<object, bool>? skip = null)
{
    private readonly HashSet<object> _seen = new(ReferenceEqualityComparer.Instance);

    public List<string> Texts { get; } = new();

    public TextSweep Add(object? value, int depth = 0)
    {
        if (value is null || depth > 8)
        {
            return this;
        }

        if (value is string text)
        {
            Texts.Add(text);
            return this;
        }

        var type = value.GetType();
        if (type.IsPrimitive || value is decimal or DateTime or DateTimeOffset or TimeSpan or Guid or Enum)
        {
            Texts.Add(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
            return this;
        }

        if (value is Type or Assembly or MemberInfo or Delegate or Stream or Task || skip?.Invoke(value) == true || !_seen.Add(value))
        {
            return this;
        }

        if (value is Exception exception)
        {
            Texts.Add(exception.ToString());
            Texts.Add(exception.Message);
            Add(exception.InnerException, depth + 1);
        }
        else
        {
            Texts.Add(value.ToString() ?? string.Empty);
        }

        if (value is IEnumerable items)
        {
            foreach (var item in items)
            {
                Add(item, depth + 1);
            }
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.Name is "TargetSite" or "StackTrace" or "Data" && value is Exception)
            {
                continue;
            }

            object? propertyValue;
            try
            {
                propertyValue = property.GetValue(value);
            }
            catch (TargetInvocationException)
            {
                continue;
            }

            Add(propertyValue, depth + 1);
        }

        return this;
    }

    /// <summary>The texts that contain any of <paramref name="secrets"/>.</summary>
    public IReadOnlyList<string> Leaks(params string[] secrets) =>
        Texts.Where(t => secrets.Any(s => !string.IsNullOrEmpty(s) && t.Contains(s, StringComparison.Ordinal))).ToArray();
}

internal static class Poll
{
    /// <summary>
    /// Polls <paramref name="condition"/> every 50 ms until it holds; fails naming <paramref name="what"/> after
    /// <paramref name="timeout"/>.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Task? abandonIfCompleted = null)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (abandonIfCompleted is { IsCompleted: true })
            {
                await abandonIfCompleted; // surfaces its exception
                throw new Xunit.Sdk.XunitException($"The run ended before {what}.");
            }

            if (watch.Elapsed > timeout)
            {
                throw new Xunit.Sdk.XunitException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }

    public static async Task<T?> ScalarAsync<T>(string connectionString, string sql)
    {
        var unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(unpooled);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)Convert.ChangeType(
            value,
            typeof(T),
            System.Globalization.CultureInfo.InvariantCulture);
    }
}
