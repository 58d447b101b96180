using Npgsql;
using SharedMigrations.Core.Database;
using SharedMigrations.Core.Errors;

namespace SharedMigrations.Core.Schema;

/// <summary>
/// The database a round trip runs on: created on the service's server (and dropped at the end, also after a failure or
/// Ctrl+C, unless kept), or given (must be empty, never the service's own). Knows how to rebuild itself after a failure.
/// </summary>
internal sealed class ScratchDatabase : IAsyncDisposable
{
    private const string InsufficientPrivilege = "42501";

    private readonly string _service;
    private readonly NpgsqlConnectionStringBuilder _serviceBuilder;
    private readonly IReadOnlyList<string> _secrets;

    private ScratchDatabase(
        string service,
        NpgsqlConnectionStringBuilder serviceBuilder,
        NpgsqlConnectionStringBuilder scratch,
        bool created,
        IReadOnlyList<string> secrets)
    {
        _service = service;
        _serviceBuilder = serviceBuilder;
        Builder = scratch;
        Created = created;
        _secrets = secrets;
        DataSource = DataSources.Create(scratch.ConnectionString);
    }

    public NpgsqlConnectionStringBuilder Builder { get; }

    public string Name => Builder.Database!;

    /// <summary>host:port/database, never credentials.</summary>
    public string Display => $"{Builder.Host}:{Builder.Port}/{Builder.Database}";

    public bool Created { get; }

    public bool Keep { get; set; }

    public NpgsqlDataSource DataSource { get; private set; }

    public IReadOnlyList<string> Secrets => _secrets;

    /// <summary>Opens (creating, or checking a given one) the scratch database of a service.</summary>
    public static async Task<ScratchDatabase> OpenAsync(
        string service, string serviceConnectionString, string? given, IReadOnlyList<string> secrets, CancellationToken cancellationToken)
    {
        var serviceBuilder = new NpgsqlConnectionStringBuilder(serviceConnectionString);
        if (given is null)
        {
            var prefix = Truncate(serviceBuilder.Database ?? serviceBuilder.Username ?? "postgres", 40);
            var name = $"{prefix}_rt_{Guid.NewGuid().ToString("N")[..8]}";
            var scratch = new NpgsqlConnectionStringBuilder(serviceConnectionString) { Database = name, Pooling = true };
            await CreateAsync(service, serviceBuilder, name, secrets, cancellationToken).ConfigureAwait(false);
            return new ScratchDatabase(service, serviceBuilder, scratch, created: true, secrets);
        }

        var merged = new NpgsqlConnectionStringBuilder(serviceConnectionString);
        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(given);
        }
        catch (ArgumentException ex)
        {
            throw new SchemaVerificationException("ScratchConnectionStringInvalid", MigrationErrorKind.InvalidArgument,
                $"{service}: -ScratchConnectionString is not a valid connection string: {ex.Message}")
            { Service = service };
        }

        foreach (string key in parsed.Keys)
        {
            if (parsed.TryGetValue(key, out var value) && value is not null && parsed.ShouldSerialize(key))
            {
                merged[key] = value;
            }
        }

        var all = parsed.Password is { Length: > 0 } password ? secrets.Append(password).ToArray() : secrets;
        if (string.Equals(merged.Database, serviceBuilder.Database, StringComparison.Ordinal) &&
            string.Equals(merged.Host, serviceBuilder.Host, StringComparison.OrdinalIgnoreCase) && merged.Port == serviceBuilder.Port)
        {
            throw new SchemaVerificationException("ScratchDatabaseIsServiceDatabase", MigrationErrorKind.InvalidArgument,
                $"{service}: the scratch database {merged.Host}:{merged.Port}/{merged.Database} is the service's own database; a round " +
                    $"trip " +
                "never runs there. Give an empty database of its own (-ScratchConnectionString), or leave the parameter out to create one.")
            { Service = service };
        }

        return new ScratchDatabase(service, serviceBuilder, merged, created: false, all);
    }

    /// <summary>Refuses a given database that holds tables (nothing in it is touched).</summary>
    public async Task EnsureEmptyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT string_agg(n.nspname || '.' || c.relname, ', ' ORDER BY n.nspname, c.relname), count(*) FROM pg_class c " +
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname !~ '^pg_' AND n.nspname <> " +
                "'information_schema' AND n.nspname <> '" + SchemaChangeLog.Schema + "'",
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var count = reader.GetInt64(1);
        if (count > 0)
        {
            var names = reader.GetString(0);
            throw new SchemaVerificationException("ScratchDatabaseNotEmpty", MigrationErrorKind.InvalidOperation,
                $"{_service}: the scratch database {Display} is not empty ({count} " +
                    $"table(s): {(names.Length > 200 ? names[..200] + "…" : names)}); " +
                "nothing in it was touched. Give an empty database (a fresh one per run, such as a CI service container), " +
                "or leave -ScratchConnectionString out to create one.")
            { Service = _service };
        }
    }

    /// <summary>Opens a connection to the scratch database; failures name the service and the database, never the password.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DatabaseConnectionException(
                SecretRedactor.Redact($"{_service}: cannot connect to the scratch database {Display}: {ex.Message}", _secrets),
                authenticationFailed: ex is PostgresException { SqlState: "28P01" or "28000" }, (ex as PostgresException)?.SqlState)
            { Service = _service };
        }
    }

    /// <summary>
    /// Opens a connection for reading snapshots of the scratch database, apart from the one the migrations run on: its
    /// search path is <c>pg_catalog</c> alone, so every name in a definition is written schema-qualified whatever the
    /// migrations set (a <c>SET search_path</c> in an UP stays on its session) and whatever another schema shadows. Its
    /// prepared statements keep one generic plan: the snapshot query is large, and planning it again for each read (the
    /// first five executions of a prepared statement, or every one when PostgreSQL keeps preferring custom plans) costs
    /// more than executing it. JIT compilation is off: the estimated cost of these queries grows with the schema (the
    /// stamps' type check is costed for every column) and past <c>jit_above_cost</c> the server compiled the expressions
    /// again for every read: about 400 ms a read at 300 tables, against 20 ms to run it.
    /// </summary>
    public async Task<NpgsqlConnection> OpenSnapshotConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            const string Settings = "SET search_path = pg_catalog; SET plan_cache_mode = force_generic_plan; SET jit = off";
            await using var command = new NpgsqlCommand(Settings, connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A created database is dropped and created again (empty).</summary>
    public async Task RecreateAsync(CancellationToken cancellationToken)
    {
        DataSource.Dispose();
        await DropAsync(cancellationToken).ConfigureAwait(false);
        await CreateAsync(_service, _serviceBuilder, Name, _secrets, cancellationToken).ConfigureAwait(false);
        DataSource = DataSources.Create(Builder.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        DataSource.Dispose();
        if (Created && !Keep)
        {
            try
            {
                await DropAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (NpgsqlException)
            {
                // The server went away; nothing more can be done here. The name says what it was for.
            }
        }
    }

    private async Task DropAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(Builder.ConnectionString));
        await using var connection = await OpenMaintenanceAsync(_serviceBuilder, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Quote(Name)} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task CreateAsync(
        string service,
        NpgsqlConnectionStringBuilder serviceBuilder,
        string name,
        IReadOnlyList<string> secrets,
        CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenMaintenanceAsync(serviceBuilder, cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"CREATE DATABASE {Quote(name)}", connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == InsufficientPrivilege)
        {
            throw new SchemaVerificationException("ScratchDatabaseCreateDenied", MigrationErrorKind.InvalidOperation,
                $"{service}: the role {serviceBuilder.Username ?? "(default)"} may not create the scratch database {name} on " +
                $"{serviceBuilder.Host}:{serviceBuilder.Port} ({ex.MessageText}). Grant it CREATEDB (ALTER ROLE … CREATEDB), or give an " +
                    $"empty " +
                "database with -ScratchConnectionString.", ex)
            { Service = service };
        }
        catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DatabaseConnectionException(
                SecretRedactor.Redact(
                    $"{service}: cannot create the scratch database {name} on {serviceBuilder.Host}:{serviceBuilder.Port}: {ex.Message}",
                    secrets),
                authenticationFailed: ex is PostgresException { SqlState: "28P01" or "28000" }, (ex as PostgresException)?.SqlState, ex)
            { Service = service };
        }
    }

    // CREATE/DROP DATABASE run from the service's own database (the role may connect to it), else from postgres.
    private static async Task<NpgsqlConnection> OpenMaintenanceAsync(
        NpgsqlConnectionStringBuilder service,
        CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(service.ConnectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (PostgresException ex) when (ex.SqlState == "3D000")
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(service.ConnectionString)
            {
                Pooling = false,
                Database = "postgres",
            }.ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
