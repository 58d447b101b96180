using System.Data.Common;
using Npgsql;
using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Errors;

namespace SharedMigrations.Core.Database;

/// <summary>
/// Builds the connection of a service: -ConnectionString, then -Credential, then config.yaml, then the PG* environment variables.
/// </summary>
internal static class ConnectionResolver
{
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(15);
    public const int DefaultConnectRetries = 2;

    /// <summary>The longest connection timeout Npgsql accepts (seconds); database.connect_timeout may not exceed it.</summary>
    public const int MaxConnectTimeoutSeconds = 1024;

    /// <summary>Resolves the connection of a service.</summary>
    public static ConnectionInfo Resolve(
        ServiceDefinition service,
        ConnectionOverrides? overrides = null,
        Func<string, string?>? getVariable = null) =>
        Resolve(service.Configuration.Database, service.Name, service.ConfigPath, overrides, getVariable);

    /// <summary>Resolves a connection from database settings.</summary>
    public static ConnectionInfo Resolve(
        DatabaseSettings database,
        string serviceName,
        string? configPath,
        ConnectionOverrides? overrides = null,
        Func<string, string?>? getVariable = null)
    {
        overrides ??= ConnectionOverrides.None;
        getVariable ??= Environment.GetEnvironmentVariable;
        var builder = new NpgsqlConnectionStringBuilder();
        ApplyEnvironment(builder, getVariable);                  // 1. PG* environment variables (lowest).
        ApplyConfig(builder, database, configPath, getVariable); // 2. config.yaml.
        var overridden = ApplyOverrides(builder, overrides);     // 3. -Credential, 4. -ConnectionString (highest).
        CheckUnresolvedVariables(database, serviceName, configPath, overrides, overridden);
        if (string.IsNullOrEmpty(builder.Host))
        {
            builder.Host = "localhost";
        }

        var secrets = new List<string>();
        if (!string.IsNullOrEmpty(builder.Password))
        {
            secrets.Add(builder.Password);
        }

        ApplyEngineOptions(builder, serviceName);
        var retries = database.ConnectRetries ?? DefaultConnectRetries;
        var host = builder.Host!;
        return new ConnectionInfo(builder.ConnectionString, host, builder.Port, builder.Database, builder.Username, secrets, retries);
    }

    private static void ApplyEnvironment(NpgsqlConnectionStringBuilder builder, Func<string, string?> getVariable)
    {
        Set(builder, "Host", getVariable("PGHOST"), "PGHOST");
        Set(builder, "Port", getVariable("PGPORT"), "PGPORT");
        Set(builder, "Database", getVariable("PGDATABASE"), "PGDATABASE");
        Set(builder, "Username", getVariable("PGUSER"), "PGUSER");
        Set(builder, "Password", getVariable("PGPASSWORD"), "PGPASSWORD");
        Set(builder, "SSL Mode", MapSslMode(getVariable("PGSSLMODE")), "PGSSLMODE");
        if (int.TryParse(getVariable("PGCONNECT_TIMEOUT"), out var pgTimeout) && pgTimeout > 0)
        {
            builder.Timeout = Math.Min(pgTimeout, MaxConnectTimeoutSeconds);
        }
    }

    private static void ApplyConfig(
        NpgsqlConnectionStringBuilder builder,
        DatabaseSettings database,
        string? configPath,
        Func<string, string?> getVariable)
    {
        var fromConfig = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (database.ConnectionString is { } configConnection)
        {
            foreach (var key in Overlay(builder, configConnection, "database.connection_string", configPath))
            {
                fromConfig.Add(key);
            }
        }

        SetTracked(builder, "Host", database.Host, fromConfig, configPath);
        SetTracked(builder, "Port", database.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture), fromConfig, configPath);
        SetTracked(builder, "Database", database.Database, fromConfig, configPath);
        SetTracked(builder, "Username", database.Username, fromConfig, configPath);
        SetTracked(builder, "Password", database.Password, fromConfig, configPath);
        SetTracked(builder, "SSL Mode", MapSslMode(database.SslMode), fromConfig, configPath);
        if (database.ConnectTimeout is { } timeout && timeout > TimeSpan.Zero)
        {
            builder.Timeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        }
        else if (builder.Timeout == 15 && getVariable("PGCONNECT_TIMEOUT") is null)
        {
            builder.Timeout = (int)DefaultConnectTimeout.TotalSeconds;
        }
    }

    /// <summary>-Credential, then -ConnectionString; returns the keys they set.</summary>
    private static HashSet<string> ApplyOverrides(NpgsqlConnectionStringBuilder builder, ConnectionOverrides overrides)
    {
        var overridden = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (overrides.Username is { Length: > 0 })
        {
            builder.Username = overrides.Username;
            overridden.Add("Username");
        }

        if (overrides.Password is not null)
        {
            builder.Password = overrides.Password;
            overridden.Add("Password");
        }

        if (overrides.ConnectionString is { Length: > 0 } explicitConnection)
        {
            foreach (var key in Overlay(builder, explicitConnection, "-ConnectionString", null))
            {
                overridden.Add(key);
            }
        }

        return overridden;
    }

    /// <summary>Variables that were not set matter only for values nothing else supplied.</summary>
    private static void CheckUnresolvedVariables(
        DatabaseSettings database, string serviceName, string? configPath, ConnectionOverrides overrides, HashSet<string> overridden)
    {
        foreach (var (key, variable) in database.UnresolvedVariables)
        {
            var property = key switch
            {
                "database.host" => "Host",
                "database.port" => "Port",
                "database.username" => "Username",
                "database.password" => "Password",
                "database.database" => "Database",
                "database.sslmode" => "SSL Mode",
                _ => key,
            };
            if (!overridden.Contains(property) && !(key == "database.connection_string" && overrides.ConnectionString is not null))
            {
                throw new ConfigurationException(
                    $"{serviceName}: {key} in {configPath ?? "config.yaml"} uses ${{{variable}}}, which is not set. Set the environment " +
                        $"variable {variable}, " +
                    $"give a default (${{{variable}:-value}}), or pass -ConnectionString / -Credential.",
                    configPath,
                    key);
            }
        }
    }

    /// <summary>What the engine always sets, whatever the sources said.</summary>
    private static void ApplyEngineOptions(NpgsqlConnectionStringBuilder builder, string serviceName)
    {
        builder.ApplicationName = ApplicationName(serviceName);
        builder.CommandTimeout = 0; // migrations may run long; statement_timeout is the server-side guard
        builder.PersistSecurityInfo = false;
        // PostgreSQL's DETAIL reaches the engine in full; PostgresErrorDetail decides, by SQLSTATE, what a message shows.
        builder.IncludeErrorDetail = true;
        builder.Enlist = false;
        builder.MaxAutoPrepare = 0;

        // A warm session keeps its connections for the next command, but a fleet run must not hold a hundred idle
        // connections for minutes (other processes would meet "too many clients").
        builder.ConnectionIdleLifetime = 30;
    }

    /// <summary>application_name: the tool, the service and the host, cut to PostgreSQL's 63 bytes.</summary>
    public static string ApplicationName(string serviceName)
    {
        var name = $"SharedMigrations {serviceName}@{Environment.MachineName}";
        return name.Length <= 63 ? name : name.Substring(0, 63);
    }

    private static IEnumerable<string> Overlay(
        NpgsqlConnectionStringBuilder builder,
        string connectionString,
        string source,
        string? configPath)
    {
        var parsed = new DbConnectionStringBuilder();
        var where = configPath is null ? source : $"{configPath}: {source}";
        try
        {
            parsed.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            throw new ConfigurationException(
                $"{where} is not a valid connection string (expected Key=Value;Key=Value, for example Host=db;Username=app;Database=app).",
                configPath,
                source.StartsWith("database.", StringComparison.Ordinal) ? source : null);
        }

        var keys = new List<string>();
        foreach (string key in parsed.Keys)
        {
            var value = parsed[key]?.ToString();
            try
            {
                builder[key] = value;
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
            {
                // An unknown key may be a misspelt password: show the value only for a known key that is not the password.
                var shown = !builder.ContainsKey(key)
                    ? $"'{key}' is not a connection string setting Npgsql knows"
                    : Canonical(key) == "Password"
                        ? $"'{key}={SecretRedactor.Mask}' is not a valid connection string setting"
                        : $"'{key}={value}' is not a valid connection string setting";
                throw new ConfigurationException(
                    $"{where}: {shown}.",
                    configPath,
                    source.StartsWith("database.", StringComparison.Ordinal) ? source : null);
            }

            keys.Add(Canonical(key));
        }

        return keys;
    }

    private static string Canonical(string key) => key.ToLowerInvariant().Replace(" ", string.Empty) switch
    {
        "server" or "host" => "Host",
        "port" => "Port",
        "database" or "db" => "Database",
        "username" or "user" or "userid" or "user id" => "Username",
        "password" or "pwd" or "psw" => "Password",
        "sslmode" => "SSL Mode",
        _ => key,
    };

    private static void Set(NpgsqlConnectionStringBuilder builder, string key, string? value, string variable)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        try
        {
            builder[key] = value;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            var shown = key == "Password" ? SecretRedactor.Mask : value;
            throw new ConfigurationException(
                $"The environment variable {variable}='{shown}' is not a valid {key.ToLowerInvariant()}; fix or unset it.",
                key: variable);
        }
    }

    private static void SetTracked(
        NpgsqlConnectionStringBuilder builder,
        string key,
        string? value,
        HashSet<string> tracked,
        string? configPath)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        try
        {
            builder[key] = value;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            var configKey = key == "SSL Mode" ? "database.sslmode" : "database." + key.ToLowerInvariant();
            var shown = key == "Password" ? SecretRedactor.Mask : value;
            throw new ConfigurationException(
                $"{configPath ?? "config.yaml"}: {configKey}: '{shown}' is not a valid value.",
                configPath,
                configKey);
        }

        tracked.Add(key);
    }

    private static string? MapSslMode(string? mode) => mode?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "disable" => "Disable",
        "allow" => "Allow",
        "prefer" => "Prefer",
        "require" => "Require",
        "verify-ca" => "VerifyCA",
        "verify-full" => "VerifyFull",
        _ => mode,
    };
}
