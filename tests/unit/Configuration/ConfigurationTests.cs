using SharedMigrations.Core;
using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Database;
using SharedMigrations.Core.Errors;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Configuration;

public class ConfigurationTests
{
    private static ServiceConfiguration Parse(string yaml, Dictionary<string, string>? env = null) =>
        ConfigurationLoader.Parse(yaml, "/svc/config.yaml", name => env is not null && env.TryGetValue(name, out var v) ? v : null);

    [Fact]
    public void Defaults_apply_when_sections_are_absent()
    {
        var config = Parse("service:\n  name: auth-service\n");
        var m = config.Migration;
        Assert.Equal("auth-service", config.ServiceName);
        Assert.Equal("schema_migrations", m.TableName.ToString());
        Assert.True(m.ChecksumValidation);
        Assert.True(m.RollbackSafety);
        Assert.False(m.OutOfOrder);
        Assert.Equal(TimeSpan.FromSeconds(60), m.LockWait);
        Assert.Equal(TimeSpan.FromSeconds(5), m.LockTimeout);
        Assert.Equal(TimeSpan.Zero, m.StatementTimeout);
        Assert.Equal(VersioningScheme.Sequential, m.Versioning);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Empty_file_is_all_defaults()
    {
        var config = Parse("");
        Assert.Null(config.ServiceName);
        Assert.Equal(TimeSpan.FromSeconds(60), config.Migration.LockWait);
    }

    [Fact]
    public void Reads_every_key()
    {
        var config = Parse("""
            service:
              name: billing
              depends_on: [auth-service, notification-service]
            database:
              host: db.internal
              port: 6543
              username: billing_user
              password: secret
              database: billing
              sslmode: require
              connect_timeout: 3s
              connect_retries: 4
            migration:
              table_name: ops.history
              checksum_validation: false
              rollback_safety: no
              out_of_order: true
              lock_wait: 500ms
              lock_timeout: 2m
              statement_timeout: 1h
              versioning: timestamp
              directory: db/migrations
              templates: ../shared/templates
            """);
        Assert.Equal(["auth-service", "notification-service"], config.DependsOn);
        Assert.Equal("db.internal", config.Database.Host);
        Assert.Equal(6543, config.Database.Port);
        Assert.Equal(TimeSpan.FromSeconds(3), config.Database.ConnectTimeout);
        Assert.Equal(4, config.Database.ConnectRetries);
        Assert.Equal("ops", config.Migration.TableName.Schema);
        Assert.Equal("\"ops\".\"history\"", config.Migration.TableName.QuotedTable);
        Assert.Equal("\"ops\".\"history_log\"", config.Migration.TableName.QuotedLogTable);
        Assert.False(config.Migration.ChecksumValidation);
        Assert.False(config.Migration.RollbackSafety);
        Assert.True(config.Migration.OutOfOrder);
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.Migration.LockWait);
        Assert.Equal(TimeSpan.FromMinutes(2), config.Migration.LockTimeout);
        Assert.Equal(TimeSpan.FromHours(1), config.Migration.StatementTimeout);
        Assert.Equal(VersioningScheme.Timestamp, config.Migration.Versioning);
        Assert.Equal("db/migrations", config.Migration.Directory);
    }

    [Fact]
    public void Variables_expand_with_defaults()
    {
        var config = Parse(
            "database:\n  host: ${DB_HOST:-localhost}\n  port: ${DB_PORT:-5432}\n  password: ${PW}\n  username: app_$${literal}\n",
            new() { ["PW"] = "s3cret", ["DB_PORT"] = "6000" });
        Assert.Equal("localhost", config.Database.Host);
        Assert.Equal(6000, config.Database.Port);
        Assert.Equal("s3cret", config.Database.Password);
        Assert.Equal("app_${literal}", config.Database.Username);
    }

    [Fact]
    public void Unset_database_variable_is_reported_when_the_connection_is_built()
    {
        var config = Parse("database:\n  password: ${AUTH_DB_PASSWORD}\n");
        Assert.Equal("AUTH_DB_PASSWORD", config.Database.UnresolvedVariables["database.password"]);

        var ex = Assert.Throws<ConfigurationException>(() => ConnectionResolver.Resolve(
            config.Database,
            "auth",
            "/svc/config.yaml",
            getVariable: _ => null));
        Assert.Contains("AUTH_DB_PASSWORD", ex.Message);
        Assert.Contains("database.password", ex.Message);

        // A credential supplies the password instead: no error.
        var info = ConnectionResolver.Resolve(
            config.Database,
            "auth",
            "/svc/config.yaml",
            new ConnectionOverrides { Username = "u", Password = "p" },
            _ => null);
        Assert.Equal("u", info.Username);
    }

    [Fact]
    public void Unset_migration_variable_is_an_error_naming_the_key()
    {
        var ex = Assert.Throws<ConfigurationException>(() => Parse("migration:\n  lock_wait: ${WAIT}\n"));
        Assert.Equal("migration.lock_wait", ex.Key);
        Assert.Contains("WAIT", ex.Message);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("60s", 60_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("0", 0)]
    public void Durations_parse(string text, int milliseconds)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("60")]
    [InlineData("sixty seconds")]
    [InlineData("5x")]
    [InlineData("-5s")]
    [InlineData("1.5s")]
    [InlineData("99999999h")]
    public void Bad_duration_is_an_error_naming_its_key_and_line(string text)
    {
        var ex = Assert.Throws<ConfigurationException>(() => Parse($"migration:\n  table_name: t\n  lock_wait: {text}\n"));
        Assert.Equal("migration.lock_wait", ex.Key);
        Assert.Equal(3, ex.ConfigLine);
        Assert.Contains("migration.lock_wait", ex.Message);
    }

    [Fact]
    public void Unknown_keys_are_warnings_with_path_line_and_suggestion()
    {
        var config = Parse("migration:\n  tabel_name: x\nextra: 1\n");
        Assert.Equal(2, config.Warnings.Count);
        var typo = config.Warnings.Single(w => w.Key == "migration.tabel_name");
        Assert.Equal(2, typo.Line);
        Assert.Contains("did you mean 'migration.table_name'", typo.Message);
        Assert.Contains(config.Warnings, w => w.Key == "extra");
    }

    [Theory]
    [InlineData("x; DROP TABLE users; --")]
    [InlineData("a.b.c")]
    [InlineData("1table")]
    [InlineData("\"quoted\"")]
    [InlineData("table name")]
    public void Malicious_or_invalid_table_name_is_rejected(string name)
    {
        var ex = Assert.Throws<ConfigurationException>(() => Parse($"migration:\n  table_name: '{name.Replace("'", "''")}'\n"));
        Assert.Equal("migration.table_name", ex.Key);
    }

    [Fact]
    public void Wrong_types_are_errors()
    {
        Assert.Equal("database.port", Assert.Throws<ConfigurationException>(() => Parse("database:\n  port: many\n")).Key);
        Assert.Equal(
            "migration.checksum_validation",
            Assert.Throws<ConfigurationException>(() => Parse("migration:\n  checksum_validation: perhaps\n")).Key);
        Assert.Equal("database.host", Assert.Throws<ConfigurationException>(() => Parse("database:\n  host: [a, b]\n")).Key);
        Assert.Equal("migration.versioning", Assert.Throws<ConfigurationException>(() => Parse("migration:\n  versioning: random\n")).Key);
    }

    [Fact]
    public void Invalid_yaml_is_an_error_with_a_line()
    {
        var ex = Assert.Throws<ConfigurationException>(() => Parse("service:\n  name: [unclosed\n"));
        Assert.NotNull(ex.ConfigLine);
        Assert.Contains("not valid YAML", ex.Message);
    }

    [Fact]
    public void Connection_precedence_is_parameter_then_credential_then_config_then_environment()
    {
        var env = new Dictionary<string, string>
        {
            ["PGHOST"] = "envhost",
            ["PGPORT"] = "7000",
            ["PGUSER"] = "envuser",
            ["PGPASSWORD"] = "envpw",
            ["PGDATABASE"] = "envdb",
        };
        string? Get(string n) => env.TryGetValue(n, out var v) ? v : null;

        var fromEnv = ConnectionResolver.Resolve(new DatabaseSettings(), "svc", null, null, Get);
        Assert.Equal(("envhost", 7000, "envdb", "envuser"), (fromEnv.Host, fromEnv.Port, fromEnv.Database, fromEnv.Username));

        var config = new DatabaseSettings { Host = "cfghost", Username = "cfguser", Password = "cfgpw", Database = "cfgdb" };
        var fromConfig = ConnectionResolver.Resolve(config, "svc", null, null, Get);
        Assert.Equal(("cfghost", 7000, "cfgdb", "cfguser"), (fromConfig.Host, fromConfig.Port, fromConfig.Database, fromConfig.Username));

        var withCredential = ConnectionResolver.Resolve(
            config,
            "svc",
            null,
            new ConnectionOverrides { Username = "creduser", Password = "credpw" },
            Get);
        Assert.Equal("creduser", withCredential.Username);
        Assert.Contains("Password=credpw", withCredential.ConnectionString);

        var withParameter = ConnectionResolver.Resolve(
            config,
            "svc",
            null,
            new ConnectionOverrides { Username = "creduser", Password = "credpw", ConnectionString = "Host=paramhost;Database=paramdb" },
            Get);
        Assert.Equal(("paramhost", "paramdb", "creduser"), (withParameter.Host, withParameter.Database, withParameter.Username));

        Assert.DoesNotContain("pw", withParameter.ToString());
        Assert.Contains("SharedMigrations svc@", withParameter.ConnectionString);
    }

    [Fact]
    public void Redactor_masks_passwords_in_connection_strings_urls_and_known_secrets()
    {
        Assert.Equal("Host=h;Password=***;Database=d", SecretRedactor.Redact("Host=h;Password=hunter22;Database=d"));
        Assert.Equal("postgres://user:***@host/db", SecretRedactor.Redact("postgres://user:hunter22@host/db"));
        Assert.Equal("login failed for *** in ***", SecretRedactor.Redact("login failed for hunter22 in hunter22", ["hunter22"]));
        Assert.Equal("a *** b", SecretRedactor.Redact("a pw b", ["pw"]));
        Assert.Equal("apwb", SecretRedactor.Redact("apwb", ["pw"]));
    }

    [Fact]
    public void Service_discovery_finds_config_in_either_place_and_names_the_service()
    {
        using var a = new ServiceFolder("alpha");
        a.Config("service:\n  name: alpha-service\nmigration:\n  directory: db\n");
        var def = ServiceDiscovery.Open(a.Path);
        Assert.Equal("alpha-service", def.Name);
        Assert.Equal(Path.Combine(a.Path, "db"), def.MigrationsPath);

        using var b = new ServiceFolder("beta");
        Directory.CreateDirectory(Path.Combine(b.Path, "config"));
        File.WriteAllText(Path.Combine(b.Path, "config", "config.yaml"), "database:\n  database: beta\n");
        var defB = ServiceDiscovery.Open(b.Path);
        Assert.Equal("beta", defB.Name);
        Assert.EndsWith(Path.Combine("config", "config.yaml"), defB.ConfigPath);
        Assert.Equal(Path.Combine(b.Path, "migrations"), defB.MigrationsPath);
    }

    [Fact]
    public void Service_folders_are_found_below_a_folder()
    {
        using var a = new ServiceFolder("one");
        Directory.CreateDirectory(Path.Combine(a.Root, "two", "migrations"));
        Directory.CreateDirectory(Path.Combine(a.Root, "group", "three", "migrations"));
        Directory.CreateDirectory(Path.Combine(a.Root, "plain"));

        Assert.Equal(["one", "two"], ServiceDiscovery.FindServiceFolders(a.Root).Select(Path.GetFileName));
        Assert.Equal(["one", "three", "two"], ServiceDiscovery.FindServiceFolders(a.Root, recurse: true).Select(Path.GetFileName).Order());
        Assert.Equal([a.Path], ServiceDiscovery.FindServiceFolders(a.Path));
        Assert.Throws<ServiceNotFoundException>(() => ServiceDiscovery.Open(Path.Combine(a.Root, "plain")));
    }
}
