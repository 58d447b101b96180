using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace SharedMigrations.Benchmarks.Harness;

/// <summary>
/// A TCP proxy in front of PostgreSQL that counts round trips exactly, whatever the client library does inside.
/// It reads the wire protocol in both directions: a round trip starts when the client sends after the server gave it
/// the turn — ReadyForQuery ('Z', once per Sync or simple Query), an authentication request that wants an answer
/// (SASL, SASL continue, MD5, cleartext), or the one-byte answer to an SSL/GSS request — so a batch the client
/// pipelines in several TCP writes is one round trip, and a statement sent on its own is one round trip each.
/// A lone Terminate ('X', sent when a connection closes, with no answer) is not a round trip. Those before the first
/// ReadyForQuery of a connection are counted apart as connection set-up.
/// </summary>
public sealed class RoundTripProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly List<Task> _connections = new();
    private long _total;
    private long _setup;
    private long _opened;
    private long _ready;

    public RoundTripProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(512);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public void Reset()
    {
        Interlocked.Exchange(ref _total, 0);
        Interlocked.Exchange(ref _setup, 0);
        Interlocked.Exchange(ref _opened, 0);
        Interlocked.Exchange(ref _ready, 0);
    }

    /// <summary>
    /// The counts so far. Call it after the operation finished; a response that the client has already read has been
    /// counted before it was forwarded, so nothing is in flight.
    /// </summary>
    public RoundTrips Snapshot() => new(
        Interlocked.Read(ref _total),
        Interlocked.Read(ref _setup),
        Interlocked.Read(ref _opened),
        Interlocked.Read(ref _ready));

    /// <summary>Runs <paramref name="operation"/> with fresh counters and returns what it cost.</summary>
    public async Task<RoundTrips> CountAsync(Func<Task> operation)
    {
        Reset();
        await operation().ConfigureAwait(false);
        await Task.Delay(20).ConfigureAwait(false); // a Terminate written as the client closed
        return Snapshot();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        Task[] open;
        lock (_connections)
        {
            open = _connections.ToArray();
        }

        await Task.WhenAny(Task.WhenAll(open), Task.Delay(2000)).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var task = Task.Run(() => HandleAsync(client));
            lock (_connections)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(task);
            }
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                client.NoDelay = true;
                server.NoDelay = true;
                await server.ConnectAsync(_targetHost, _targetPort, _stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _opened);
                var state = new ConnectionState();
                var clientStream = client.GetStream();
                var serverStream = server.GetStream();
                var up = PumpAsync(clientStream, serverStream, state, fromClient: true);
                var down = PumpAsync(serverStream, clientStream, state, fromClient: false);
                await Task.WhenAny(up, down).ConfigureAwait(false);
                client.Client.Shutdown(SocketShutdown.Both);
                server.Client.Shutdown(SocketShutdown.Both);
                await Task.WhenAll(up, down).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // a side closed: the connection is over
            }
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, ConnectionState state, bool fromClient)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                lock (state)
                {
                    if (fromClient)
                    {
                        OnClientData(state, buffer.AsSpan(0, read));
                    }
                    else
                    {
                        OnServerData(state, buffer.AsSpan(0, read));
                    }
                }

                // Counted before forwarding: the other side cannot react to what it has not received yet.
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    private void OnClientData(ConnectionState state, ReadOnlySpan<byte> data)
    {
        var onlyTerminate = true;
        state.Client.Feed(data, message =>
        {
            if (message.Type != 'X')
            {
                onlyTerminate = false;
            }

            if (message.Untyped && message.Code is 80877103 or 80877104)
            {
                state.Server.PendingSingleBytes++; // SSLRequest / GSSENCRequest: the server answers with one byte
            }
        });

        if (state.Opaque || onlyTerminate && state.Client.AtBoundary)
        {
            return;
        }

        if (state.ServerYielded)
        {
            state.ServerYielded = false;
            Interlocked.Increment(ref _total);
            if (!state.Ready)
            {
                Interlocked.Increment(ref _setup);
            }
        }
    }

    private void OnServerData(ConnectionState state, ReadOnlySpan<byte> data)
    {
        if (state.Opaque)
        {
            return;
        }

        state.Server.Feed(data, message =>
        {
            switch (message.Type)
            {
                case 'Z':
                    state.ServerYielded = true;
                    state.Ready = true;
                    Interlocked.Increment(ref _ready);
                    break;
                case 'R' when message.Code is 3 or 5 or 7 or 8 or 9 or 10 or 11:
                    state.ServerYielded = true; // an authentication request the client must answer
                    break;
                case 'G' or 'W' when !message.SingleByte:
                    state.ServerYielded = true; // COPY FROM STDIN: the client sends data next
                    break;
                case 'N' when message.SingleByte:
                    state.ServerYielded = true; // SSL/GSS refused: the startup message follows
                    break;
                case 'S' or 'G' when message.SingleByte:
                    state.Opaque = true; // encrypted from here on: stop reading
                    break;
            }
        });
    }

    private sealed class ConnectionState
    {
        public MessageReader Client { get; } = new(typedFromStart: false);

        public MessageReader Server { get; } = new(typedFromStart: true);

        /// <summary>True when the client may send: at the start, and after the server handed it the turn.</summary>
        public bool ServerYielded { get; set; } = true;

        /// <summary>True after the first ReadyForQuery: the connection is established.</summary>
        public bool Ready { get; set; }

        public bool Opaque { get; set; }
    }

    /// <summary>
    /// One message: its type byte (or 0 for an untyped start-up packet), and the first 4 bytes of its body as an integer.
    /// </summary>
    private readonly record struct Message(char Type, bool Untyped, bool SingleByte, int Code);

    /// <summary>Splits one direction of the PostgreSQL protocol into messages as bytes arrive in any chunks.</summary>
    private sealed class MessageReader(bool typedFromStart)
    {
        private readonly byte[] _header = new byte[5];
        private readonly byte[] _code = new byte[4];
        private bool _typed = typedFromStart;
        private int _headerFill;
        private long _remaining = -1;
        private int _codeFill;

        public int PendingSingleBytes { get; set; }

        public bool AtBoundary => _headerFill == 0 && _remaining < 0;

        public void Feed(ReadOnlySpan<byte> data, Action<Message> onMessage)
        {
            while (data.Length > 0)
            {
                if (_remaining < 0)
                {
                    if (_headerFill == 0 && PendingSingleBytes > 0)
                    {
                        PendingSingleBytes--;
                        onMessage(new Message((char)data[0], false, true, 0));
                        data = data[1..];
                        continue;
                    }

                    var headerSize = _typed ? 5 : 4;
                    var take = Math.Min(headerSize - _headerFill, data.Length);
                    data[..take].CopyTo(_header.AsSpan(_headerFill));
                    _headerFill += take;
                    data = data[take..];
                    if (_headerFill < headerSize)
                    {
                        return;
                    }

                    var length = BinaryPrimitives.ReadInt32BigEndian(_header.AsSpan(_typed ? 1 : 0, 4));
                    _remaining = Math.Max(0, length - 4);
                    _codeFill = 0;
                }

                var body = (int)Math.Min(_remaining, data.Length);
                var codeTake = Math.Min(4 - _codeFill, body);
                data[..codeTake].CopyTo(_code.AsSpan(_codeFill));
                _codeFill += codeTake;
                _remaining -= body;
                data = data[body..];
                if (_remaining > 0)
                {
                    return;
                }

                var code = _codeFill == 4 ? BinaryPrimitives.ReadInt32BigEndian(_code) : 0;
                var untyped = !_typed;
                var type = _typed ? (char)_header[0] : '\0';
                _headerFill = 0;
                _remaining = -1;
                if (untyped && code == 196608)
                {
                    _typed = true; // StartupMessage (protocol 3.0): typed messages from here on
                }

                onMessage(new Message(type, untyped, false, code));
            }
        }
    }
}
