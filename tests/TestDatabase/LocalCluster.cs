using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace SharedMigrations.Testing;

/// <summary>
/// A throwaway cluster (initdb + pg_ctl) in a fresh temp directory, listening on 127.0.0.1 on a free port,
/// with real scram-sha-256 password authentication over TCP and the speed settings of a disposable test server.
/// </summary>
internal sealed class LocalCluster : IServerInstance
{
    internal const string DirectoryPrefix = "sharedmigrations-pg-";
    internal const string MarkerFileName = "owner";
    private const string Superuser = "postgres";
    private const int PortAttempts = 5;

    private static readonly TimeSpan InitDbTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly PostgresBinaries _binaries;
    private readonly ServerUser _user;
    private readonly string _root;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _running;
    private int _disposed;

    private LocalCluster(PostgresBinaries binaries, ServerUser user, string root)
    {
        _binaries = binaries;
        _user = user;
        _root = root;
    }

    public string AdminConnectionString { get; private set; } = "";
    public string Source => $"local cluster {_binaries.BinDir} on {Host}:{Port}";
    public string Host => "127.0.0.1";
    public int Port { get; private set; }
    public bool CanRestart => true;

    private string DataDirectory => Path.Combine(_root, "data");
    private string LogFile => Path.Combine(_root, "postgres.log");

    public static async Task<LocalCluster> StartAsync(PostgresBinaries binaries, CancellationToken cancellationToken)
    {
        var user = ServerUser.Detect();
        StaleClusters.CleanUpOnce(user);

        var cluster = new LocalCluster(binaries, user, CreateRootDirectory(binaries));
        try
        {
            var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            await cluster.InitDbAsync(password, cancellationToken);
            await cluster.StartOnFreePortAsync(password, cancellationToken);
            return cluster;
        }
        catch
        {
            cluster.ShutdownAtProcessExit();
            throw;
        }
    }

    public async Task StopAsync(bool immediate, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ThrowIfDisposed();
            if (!_running)
            {
                return;
            }

            var result = await PgCtlAsync(["stop", "-D", DataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "-t", "60"],
                TimeSpan.FromSeconds(90), cancellationToken);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"pg_ctl stop failed (exit code {result.ExitCode}): {result.Output}{LogTail()}");
            }

            _running = false;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ThrowIfDisposed();
            if (_running)
            {
                return;
            }

            var result = await PgCtlStartAsync(Port, cancellationToken);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException(
                    $"pg_ctl start on port {Port} failed (exit code {result.ExitCode}): {result.Output}{LogTail()}");
            }

            _running = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _gate.WaitAsync();
        try
        {
            if (_running)
            {
                var fast = await PgCtlAsync(
                    ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "20"],
                    StopTimeout,
                    CancellationToken.None);
                if (!fast.Succeeded)
                {
                    await PgCtlAsync(
                        ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "20"],
                        StopTimeout,
                        CancellationToken.None);
                }

                _running = false;
            }

            DeleteDirectory(_root);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void ShutdownAtProcessExit()
    {
        Interlocked.Exchange(ref _disposed, 1);
        if (Directory.Exists(Path.Combine(DataDirectory, "global")))
        {
            // Nothing to keep: an immediate stop is fastest. pg_ctl says "no server running" when it is already down.
            CommandRunner.Run(_user.Command(_binaries.PgCtl, "stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "20"),
                _root, StopTimeout);
        }

        _running = false;
        DeleteDirectory(_root);
    }

    /// <summary>A fresh directory on /dev/shm (tmpfs, much faster) when usable, else in the temp path, with an owner marker.</summary>
    private static string CreateRootDirectory(PostgresBinaries binaries)
    {
        foreach (var parent in StaleClusters.Parents())
        {
            var root = Path.Combine(parent, DirectoryPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5)));
            try
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(root);
                }
                else
                {
                    Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }

                StaleClusters.WriteMarker(root, binaries.BinDir);
                return root;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                DeleteDirectory(root);
            }
        }

        throw new InvalidOperationException($"could not create a temp directory in {string.Join(" or ", StaleClusters.Parents())}");
    }

    private async Task InitDbAsync(string password, CancellationToken cancellationToken)
    {
        var passwordFile = Path.Combine(_root, "pwfile");
        try
        {
            await File.WriteAllTextAsync(passwordFile, password + "\n", cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            _user.TakeOwnership(_root);
            var result = await CommandRunner.RunAsync(
                _user.Command(_binaries.InitDb,
                    "-D", DataDirectory,
                    $"--username={Superuser}",
                    $"--pwfile={passwordFile}",
                    "--auth-host=scram-sha-256",
                    "--auth-local=trust",
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync"),
                _root, InitDbTimeout, cancellationToken);
            if (!result.Succeeded)
            {
                var asUser = _user.OsUser is null ? "" : $" (run as OS user '{_user.OsUser}')";
                throw new InvalidOperationException($"initdb{asUser} failed (exit code {result.ExitCode}): {result.Output}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }

        // Appended, so the file keeps its owner; the last setting of a name wins. fsync and full_page_writes only
        // matter for OS crashes. synchronous_commit stays on: with fsync off it costs nothing measurable, while with
        // it off an immediate stop (StopAsync) loses commits the client already saw succeed, breaking crash tests.
        var settings = new StringBuilder()
            .AppendLine()
            .AppendLine("# SharedMigrations.Testing: throwaway test cluster, durability off for speed")
            .AppendLine("listen_addresses = '127.0.0.1'")
            .AppendLine("unix_socket_directories = '" + _root.Replace("'", "''") + "'")
            .AppendLine("fsync = off")
            .AppendLine("full_page_writes = off")
            .AppendLine("max_connections = 300")
            .AppendLine("shared_buffers = 128MB")
            .AppendLine("logging_collector = off");
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), settings.ToString(), cancellationToken);
    }

    private async Task StartOnFreePortAsync(string password, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FindFreePort();
            var logLength = File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;
            var result = await PgCtlStartAsync(port, cancellationToken);
            if (result.Succeeded)
            {
                Port = port;
                _running = true;
                AdminConnectionString = new NpgsqlConnectionStringBuilder
                {
                    Host = Host,
                    Port = port,
                    Username = Superuser,
                    Password = password,
                    Database = "postgres",
                }.ConnectionString;
                return;
            }

            var log = ReadLog(fromOffset: logLength);
            var portClash = log.Contains("could not bind", StringComparison.OrdinalIgnoreCase) ||
                            log.Contains("Address already in use", StringComparison.OrdinalIgnoreCase);
            if (!portClash || attempt == PortAttempts)
            {
                throw new InvalidOperationException(
                    $"pg_ctl start on 127.0.0.1:{port} failed (exit code {result.ExitCode}): {result.Output}{LogTail()}");
            }
        }
    }

    private Task<CommandResult> PgCtlStartAsync(int port, CancellationToken cancellationToken) =>
        PgCtlAsync(["start", "-w", "-t", ((int)StartTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
                "-D", DataDirectory, "-l", LogFile, "-o", $"-p {port}"],
            StartTimeout + TimeSpan.FromSeconds(30), cancellationToken);

    private Task<CommandResult> PgCtlAsync(string[] arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        CommandRunner.RunAsync(_user.Command(_binaries.PgCtl, arguments), _root, timeout, cancellationToken);

    /// <summary>Binds port 0 to let the OS pick a free port, then releases it (a clash is retried by the caller).</summary>
    private static int FindFreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private string LogTail(int lines = 30)
    {
        var tail = ReadLog(0).Split('\n').TakeLast(lines);
        var text = string.Join('\n', tail).Trim();
        return text.Length == 0 ? "" : $"{Environment.NewLine}Last lines of {LogFile}:{Environment.NewLine}{text}";
    }

    private string ReadLog(long fromOffset)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Min(fromOffset, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    internal static void DeleteDirectory(string directory)
    {
        for (var attempt = 0; attempt < 3 && Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(100); // e.g. a socket file the postmaster is still removing
            }
        }

        if (Directory.Exists(directory))
        {
            Debug.WriteLine($"SharedMigrations.Testing: could not delete {directory}");
        }
    }
}
