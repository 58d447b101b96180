using System.IO.Pipes;
using System.Net.Sockets;
using System.Text;

namespace SharedMigrations.Testing;

/// <summary>
/// Checks quickly (about 2 s at most) whether a Docker engine answers, so that Testcontainers is only tried
/// when it can work and there is no long hang on machines without Docker.
/// </summary>
internal static class DockerProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <returns>(true, endpoint) when an engine answered; otherwise (false, what was tried).</returns>
    public static async Task<(bool Available, string Description)> ProbeAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);

        var tried = new List<string>();
        foreach (var endpoint in CandidateEndpoints())
        {
            try
            {
                await PingAsync(endpoint, timeout.Token);
                return (true, endpoint);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var reason = ex is OperationCanceledException ? "no answer within 2 s" : ex.Message;
                tried.Add($"{endpoint} ({reason})");
                if (timeout.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        return (false, tried.Count == 0
            ? "DOCKER_HOST is not set and no Docker socket was found"
            : "no engine answered at " + string.Join(", ", tried));
    }

    private static IEnumerable<string> CandidateEndpoints()
    {
        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(dockerHost))
        {
            // An explicit DOCKER_HOST is what Testcontainers uses too; do not look elsewhere.
            yield return dockerHost.Trim();
            yield break;
        }

        if (OperatingSystem.IsWindows())
        {
            yield return "npipe:////./pipe/docker_engine";
            yield break;
        }

        var sockets = new List<string> { "/var/run/docker.sock" };
        var runtimeDir = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        if (!string.IsNullOrEmpty(runtimeDir))
        {
            sockets.Add(Path.Combine(runtimeDir, "docker.sock")); // rootless Docker
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home))
        {
            sockets.Add(Path.Combine(home, ".docker", "run", "docker.sock")); // Docker Desktop
        }

        foreach (var socket in sockets.Where(File.Exists))
        {
            yield return "unix://" + socket;
        }
    }

    private static async Task PingAsync(string endpoint, CancellationToken cancellationToken)
    {
        var uri = new Uri(endpoint);
        switch (uri.Scheme)
        {
            case "unix":
            {
                using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(uri.AbsolutePath), cancellationToken);
                await using var stream = new NetworkStream(socket, ownsSocket: false);
                await HttpPingAsync(stream, cancellationToken);
                break;
            }
            case "tcp":
            {
                using var client = new TcpClient();
                await client.ConnectAsync(uri.Host, uri.Port, cancellationToken);
                // With TLS the engine cannot be pinged in plain HTTP; an open port is taken as an answer.
                var tls = Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY") is { Length: > 0 } v && v != "0";
                if (!tls && uri.Port != 2376)
                {
                    await HttpPingAsync(client.GetStream(), cancellationToken);
                }

                break;
            }
            case "npipe":
            {
                var pipeName = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Last();
                await using var pipe = new NamedPipeClientStream(".", pipeName, PipeDirection.InOut, PipeOptions.Asynchronous);
                await pipe.ConnectAsync(cancellationToken);
                break;
            }
            default:
                throw new NotSupportedException($"unsupported scheme '{uri.Scheme}'");
        }
    }

    private static async Task HttpPingAsync(Stream stream, CancellationToken cancellationToken)
    {
        await stream.WriteAsync("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8.ToArray(), cancellationToken);
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer, cancellationToken);
        var statusLine = Encoding.ASCII.GetString(buffer, 0, read).Split('\n')[0].Trim();
        if (!statusLine.StartsWith("HTTP/", StringComparison.Ordinal) || !statusLine.Contains(" 200", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"unexpected answer to /_ping: '{statusLine}'");
        }
    }
}
