using System.Text.RegularExpressions;
using Npgsql;
using SharedMigrations.Core;
using SharedMigrations.Core.Database;
using SharedMigrations.Core.Diagnostics;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Fleet;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Planning;
using SharedMigrations.Testing;
using SharedMigrations.Tests.Support;
using Xunit.Abstractions;

namespace SharedMigrations.Tests.Reliability;

/// <summary>
/// A full workflow through the engine with a unique password (every command, failures of every kind, a wrong password,
/// an unreachable host, bad connection settings): the password, a wrong password and any connection string never appear
/// in an exception (ToString() with inner exceptions and every property), a result, an observer message or a log line.
/// The same through the module (streams, progress, error records) is in tests/pester/Reliability.Tests.ps1.
/// </summary>
[Trait("Category", "Reliability")]
public class SecretsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task No_password_or_connection_string_appears_anywhere_across_a_full_workflow()
    {
        var secret = "Sm-Secret-" + Guid.NewGuid().ToString("N");
        var wrong = "Sm-Wrong-" + Guid.NewGuid().ToString("N");
        var server = await PostgresServer.GetSharedAsync();
        var role = "sm_secret_" + Guid.NewGuid().ToString("N")[..8];
        var admin = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Pooling = false };
        await ExecuteAsync(admin.ConnectionString, $"CREATE ROLE {role} LOGIN PASSWORD '{secret}'");
        var databaseConnection = await server.CreateDatabaseAsync("reliability_secrets");
        var databaseName = new NpgsqlConnectionStringBuilder(databaseConnection).Database!;
        await ExecuteAsync(admin.ConnectionString, $"ALTER DATABASE \"{databaseName}\" OWNER TO {role}");
        var userConnection = new NpgsqlConnectionStringBuilder
        {
            Host = admin.Host,
            Port = admin.Port,
            Username = role,
            Password = secret,
            Database = databaseName,
        }.ConnectionString;
        await ExecuteAsync(
            new NpgsqlConnectionStringBuilder(userConnection) { Pooling = false }.ConnectionString,
            "CREATE TABLE foreign_history (version bigint PRIMARY KEY, dirty boolean NOT NULL)");

        // The migrations' own SQL (which here holds a connection string on purpose) is the user's text, not output.
        var sweep = new TextSweep(skip: value => value is Migration or MigrationScript);
        var logger = new RecordingLogger();
        var observer = new RecordingObserver();
        var exceptions = new List<Exception>();
        using var root = new ServiceFolder("secrets");
        await using var silent = new SilentServer();
        string? Variables(string name) => name == "SM_SECRET_PW" ? secret : null;
        string? WrongVariables(string name) => name == "SM_SECRET_PW" ? wrong : null;
        var config =
            $"database:\n  host: {admin.Host}\n  port: {admin.Port}\n  username: {role}\n  password: ${{SM_SECRET_PW}}\n  " +
                $"database: {databaseName}\n  connect_retries: 0\n" +
            "migration:\n  lock_wait: 300ms\n";
        try
        {
            root.Config(config);
            root.Add("001_create.sql", "CREATE TABLE items (id int);", "DROP TABLE items;");
            root.Add("002_fill.sql", "INSERT INTO items VALUES (1);", "DELETE FROM items;");
            root.Add("003_leaks.sql", "SELECT 'Host=db;Password=hunter2;Username=app'::int;");
            MigrationService Open(Func<string, string?>? variables = null, ServiceFolder? folder = null) =>
                MigrationService.ForService(
                    ServiceDiscovery.Open((folder ?? root).Path, getVariable: variables ?? Variables),
                    null,
                    logger,
                    variables ?? Variables);
            async Task Expect(Func<Task> action)
            {
                try
                {
                    await action();
                    Assert.Fail("expected a failure");
                }
                catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
                {
                    exceptions.Add(ex);
                }
            }

            var service = Open();
            sweep.Add(service.Database.Server).Add(service.Database.DataSource.ConnectionString).Add(ConnectionResolver.Resolve(
                service.Definition!,
                null,
                Variables));
            var offered = new List<PlannedStep>();
            sweep.Add(await service.RunMigrationsAsync(new UpOptions
            {
                DryRun = true,
                Observer = observer,
                Approve = (
                s,
                _) =>
                { offered.Add(s); return ValueTask.FromResult(true); }
            }));
            sweep.Add(offered);

            // A failing statement whose text holds a connection string: PostgreSQL's message is redacted.
            await Expect(() => Open().RunMigrationsAsync(new UpOptions { Observer = observer }));
            var failed = Assert.IsType<MigrationExecutionException>(exceptions[^1]);
            Assert.Contains("Password=***", failed.Message);
            Assert.DoesNotContain("hunter2", failed.ToString());

            // Transaction: none stopping part way, the refusal it causes, repair, and the rest of the workflow.
            root.Add(
                "003_leaks.sql",
                "CREATE TABLE IF NOT EXISTS n1 (id int);\nSELECT * FROM missing_table;",
                "DROP TABLE n1;",
                "-- Transaction: none");
            await Expect(() => Open().RunMigrationsAsync(new UpOptions { Observer = observer }));
            sweep.Add(await Open().GetStatusAsync());
            await Expect(() => Open().RunMigrationsAsync());
            sweep.Add(await Open().RepairAsync(new RepairOptions { Observer = observer }));
            root.Add("003_leaks.sql", "CREATE TABLE IF NOT EXISTS n1 (id int);", "DROP TABLE n1;", "-- Transaction: none");
            root.Add("004_empty_down.sql", "CREATE TABLE IF NOT EXISTS e (id int);", "-- nothing");
            sweep.Add(await Open().RunMigrationsAsync(new UpOptions { Observer = observer }));
            await Expect(() => Open().RollbackAsync(new DownOptions { Observer = observer }));
            sweep.Add(await Open().RollbackAsync(new DownOptions { Force = true, Observer = observer }));
            root.Add("001_create.sql", "CREATE TABLE items (id int); -- edited", "DROP TABLE items;");
            await Expect(() => Open().RunMigrationsAsync());
            sweep.Add(await Open().RepairAsync(new RepairOptions()));
            sweep.Add(await Open().GetStatusAsync()).Add(await Open().GetHistoryAsync());

            // Another run holds the lock longer than lock_wait.
            await using (var held = await Open().Database.AcquireLockAsync())
            {
                await Expect(() => Open().RunMigrationsAsync(new UpOptions { Observer = observer }));
            }

            // A wrong password; an unreachable host with the password in the config; bad connection settings with the password in them.
            await Expect(() => Open(WrongVariables).GetStatusAsync());
            using var unreachable = new ServiceFolder("unreachable");
            unreachable.Config($"database:\n  host: {silent.Host}\n  port: {silent.Port}\n  username: {role}\n  password: {secret}\n  " +
                $"database: x\n  connect_timeout: 1s\n  connect_retries: 1\n");
            await Expect(() => Open(folder: unreachable).RunMigrationsAsync());
            using var badSettings = new ServiceFolder("badsettings");
            foreach (var database in new[]
            {
                $"connection_string: \"Host=a;Password={secret};Bogus=1\"",
                $"connection_string: \"Host=a;Pasword={secret}\"",
                $"connection_string: \"Host=a;Password='{secret}\"",
                $"password: {secret}\n  sslmode: sideways",
            })
            {
                badSettings.Config($"database:\n  {database}\n");
                await Expect(() => Task.FromResult(Open(folder: badSettings)));
            }

            await Expect(() => Task.FromResult(MigrationService.ForService(
                ServiceDiscovery.Open(root.Path, getVariable: Variables),
                new ConnectionOverrides { ConnectionString = $"Host=a;Password={secret};Nope=1" },
                logger,
                Variables)));
            await Expect(() => Task.FromResult(MigrationService.ForService(
                ServiceDiscovery.Open(root.Path, getVariable: _ => null),
                null,
                logger,
                _ => null)));

            // A history table made by another tool, a malformed file, a missing folder, a bad new migration name.
            using var foreign = new ServiceFolder("foreign");
            foreign.Config(config + "  table_name: foreign_history\n");
            foreign.Add("001_a.sql", "SELECT 1;");
            await Expect(() => Open(folder: foreign).RunMigrationsAsync());
            using var malformed = new ServiceFolder("malformed");
            malformed.Config(config);
            malformed.Write("001_a.sql", "-- +++++ UP\nSELECT 'open;\n");
            await Expect(() => Open(folder: malformed).RunMigrationsAsync());
            await Expect(() => Task.FromResult(ServiceDiscovery.Open(Path.Combine(root.Root, "nowhere"))));
            await Expect(() => Task.FromResult(Open().CreateMigration("x", template: "no_such_template")));

            // Round trips: a role without CREATEDB, and the service's own database (password in the string) given as the scratch one.
            await Expect(() => Open().TestRoundTripAsync(new SharedMigrations.Core.Schema.RoundTripOptions { Observer = observer }));
            Assert.Equal("ScratchDatabaseCreateDenied", Assert.IsType<SchemaVerificationException>(exceptions[^1]).ErrorId);
            await Expect(
                () =>
                    Open().TestRoundTripAsync(
                        new SharedMigrations.Core.Schema.RoundTripOptions { ScratchConnectionString = userConnection }));
            Assert.Equal("ScratchDatabaseIsServiceDatabase", Assert.IsType<SchemaVerificationException>(exceptions[^1]).ErrorId);

            // Services of one run that depend on each other in a circle.
            using var first = new ServiceFolder("first");
            first.Config($"service:\n  depends_on: [second]\n{config}");
            using var second = new ServiceFolder("second");
            second.Config($"service:\n  depends_on: [first]\n{config}");
            await Expect(() => Task.Run(() => new MigrationFleet([Open(folder: first), Open(folder: second)]).Validate()));

            // A defect on a worker (an observer that throws): the service fails with UnexpectedError; nothing escapes the run.
            using var faulty = new ServiceFolder("faulty");
            faulty.Config(config + "  table_name: faulty_history\n");
            faulty.Add("001_a.sql", "SELECT 1;");
            var defect = new RecordingObserver { OnStart = _ => throw new InvalidOperationException("a defect in an observer") };
            var faultyRun = await new MigrationFleet([Open(folder: faulty)])
                .UpAsync(new FleetUpOptions { Observer = new FixedFleetObserver(defect) });
            exceptions.Add(Assert.IsType<UnexpectedErrorException>(faultyRun.Services[0].Error));

            // A run cancelled in the middle.
            root.Add("005_slow.sql", "SELECT pg_sleep(30);");
            using var cancel = new CancellationTokenSource();
            var cancelling = new RecordingObserver { OnStart = step => { if (step.Version == 5) { cancel.CancelAfter(200); } } };
            await Expect(() => Open().RunMigrationsAsync(new UpOptions { Observer = cancelling }, cancel.Token));
            Assert.IsAssignableFrom<OperationCanceledException>(exceptions[^1]);
            sweep.Add(cancelling.Messages).Add(cancelling.Completed);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await server.DropDatabaseAsync(databaseName);
            await ExecuteAsync(admin.ConnectionString, $"DROP ROLE IF EXISTS {role}");
        }

        sweep.Add(exceptions).Add(observer.Messages).Add(observer.Completed).Add(logger.Lines);

        // Every kind of error the engine raises was produced and swept.
        var kinds = typeof(MigrationException).Assembly.GetTypes()
            .Where(t => typeof(MigrationException).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => t.Name)
            .Order()
            .ToArray();
        var produced = exceptions.OfType<MigrationException>().Select(e => e.GetType().Name).Distinct().ToArray();
        var missing = kinds.Except(produced).ToArray();
        Assert.True(
            missing.Length == 0,
            $"the workflow raises no {string.Join(", ", missing)}: add a step that does, so its ToString() and properties are swept too");

        var leaks = sweep.Leaks(secret, wrong, userConnection, "hunter2");
        Assert.True(leaks.Count == 0, "secrets found in:\n" + string.Join("\n---\n", leaks));
        var unmasked = sweep.Texts.Where(t => Regex.IsMatch(t, @"(?i)\b(password|pwd)\s*=\s*(?!\*\*\*)[^\s;'""]")).ToArray();
        Assert.True(unmasked.Length == 0, "unmasked password assignments in:\n" + string.Join("\n---\n", unmasked));
        output.WriteLine(
            $"FIGURE secrets-engine: {exceptions.Count} exceptions ({exceptions.Count(e => e is MigrationException)} of " +
                $"all {kinds.Length} engine error types, {exceptions.Count(e => e is not MigrationException)} cancellation), " +
            $"{sweep.Texts.Count} texts swept (ToString, every property, results, observer messages, {logger.Lines.Count} log lines); " +
                $"leaks found: {leaks.Count}");
    }

    /// <summary>
    /// PostgreSQL's DETAIL reaches the engine in full (it turns Include Error Detail on): a DETAIL that holds the password,
    /// as a dependent object's name (shown: it describes objects) or as a duplicated key value (withheld by default, shown
    /// with migration.error_detail: true), never shows it, in the exception, the audit log or the history.
    /// </summary>
    [Fact]
    public async Task A_detail_that_holds_the_password_never_shows_it()
    {
        var secret = "Sm-Secret-" + Guid.NewGuid().ToString("N");
        var server = await PostgresServer.GetSharedAsync();
        var role = "sm_detail_" + Guid.NewGuid().ToString("N")[..8];
        var admin = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Pooling = false };
        await ExecuteAsync(admin.ConnectionString, $"CREATE ROLE {role} LOGIN PASSWORD '{secret}'");
        string? Variables(string name) => name == "SM_SECRET_PW" ? secret : null;
        var sweep = new TextSweep(skip: value => value is Migration or MigrationScript);
        var exceptions = new List<Exception>();
        var databases = new List<string>();
        try
        {
            foreach (var errorDetail in new[] { false, true })
            {
                var databaseName = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync("reliability_detail")).Database!;
                databases.Add(databaseName);
                await ExecuteAsync(admin.ConnectionString, $"ALTER DATABASE \"{databaseName}\" OWNER TO {role}");
                using var folder = new ServiceFolder("detail");
                folder.Config(
                    $"database:\n  host: {admin.Host}\n  port: {admin.Port}\n  username: {role}\n  password: ${{SM_SECRET_PW}}\n" +
                    $"  database: {databaseName}\n  connect_retries: 0\nmigration:\n  error_detail: {(errorDetail ? "true" : "false")}\n");
                folder.Add(
                    "001_objects.sql",
                    $"CREATE TABLE t (k text UNIQUE);\nCREATE VIEW \"{secret}\" AS SELECT * FROM t;\nINSERT INTO t VALUES ('{secret}');");
                folder.Add("002_drop.sql", "DROP TABLE t;");
                MigrationService Open() => MigrationService.ForService(
                    ServiceDiscovery.Open(folder.Path, getVariable: Variables),
                    null,
                    null,
                    Variables);

                // A DETAIL that describes objects is shown, and a dependent object named like the password is masked.
                var dropped = await Assert.ThrowsAsync<MigrationExecutionException>(() => Open().RunMigrationsAsync());
                Assert.Equal("2BP01", dropped.SqlState);
                Assert.Contains("DETAIL: view \"***\" depends on table t.", dropped.Message);
                exceptions.Add(dropped);

                // A DETAIL that quotes a row: withheld, or with error_detail shown with the password masked.
                folder.Add("002_drop.sql", "INSERT INTO t SELECT k FROM t;");
                var duplicate = await Assert.ThrowsAsync<MigrationExecutionException>(() => Open().RunMigrationsAsync());
                Assert.Equal("23505", duplicate.SqlState);
                Assert.Contains(errorDetail ? "DETAIL: Key (k)=(***) already exists." : "DETAIL is not shown", duplicate.Message);
                exceptions.Add(duplicate);
                sweep.Add(await Open().GetHistoryAsync()).Add(await Open().GetStatusAsync());
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            foreach (var databaseName in databases)
            {
                await server.DropDatabaseAsync(databaseName);
            }

            await ExecuteAsync(admin.ConnectionString, $"DROP ROLE IF EXISTS {role}");
        }

        sweep.Add(exceptions);
        var leaks = sweep.Leaks(secret);
        Assert.True(leaks.Count == 0, "secrets found in:\n" + string.Join("\n---\n", leaks));
    }

    /// <summary>
    /// An unexpected error (a defect, the runtime failing) whose exception message holds the password — injected on a
    /// service's worker and in the continuation after the engine's await, for Up, Down and Status — never shows it: the
    /// UnexpectedError keeps a sanitized copy of the exception (its type's name, its message and stack trace with the
    /// password masked), not the exception itself, so neither the record's message, its ToString() nor its inner
    /// exception's message, ToString() or properties carry it.
    /// </summary>
    [Fact]
    public async Task An_unexpected_error_whose_message_holds_the_password_never_shows_it()
    {
        var secret = "Sm-Secret-" + Guid.NewGuid().ToString("N");
        var server = await PostgresServer.GetSharedAsync();
        var role = "sm_fault_" + Guid.NewGuid().ToString("N")[..8];
        var admin = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Pooling = false };
        await ExecuteAsync(admin.ConnectionString, $"CREATE ROLE {role} LOGIN PASSWORD '{secret}'");
        var databaseName = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync("reliability_fault")).Database!;
        await ExecuteAsync(admin.ConnectionString, $"ALTER DATABASE \"{databaseName}\" OWNER TO {role}");
        string? Variables(string name) => name == "SM_SECRET_PW" ? secret : null;
        using var folder = new ServiceFolder("fault" + Guid.NewGuid().ToString("N")[..8]);
        folder.Config(
            $"database:\n  host: {admin.Host}\n  port: {admin.Port}\n  username: {role}\n  password: ${{SM_SECRET_PW}}\n" +
            $"  database: {databaseName}\n  connect_retries: 0\n");
        folder.Add("001_a.sql", "CREATE TABLE a (id int);", "DROP TABLE a;");
        MigrationService Open() => MigrationService.ForService(
            ServiceDiscovery.Open(folder.Path, getVariable: Variables),
            null,
            null,
            Variables);
        var name = Open().ServiceName;

        // The password bare, in a connection string and in a URL (no comma: the setting is a comma-separated list).
        var detail = $"login as {role} with {secret} refused; Host=db;Password={secret}; postgres://{role}:{secret}@db/x";
        var errors = new List<(string What, MigrationException Error)>();
        var sweep = new TextSweep();
        try
        {
            foreach (var point in new[] { FaultPoint.Worker, FaultPoint.Continuation })
            {
                Environment.SetEnvironmentVariable(FaultInjection.Variable, $"{point}:{name}:{detail}");

                // The fault really carries the password: without the sanitized copy it would reach the record.
                Assert.Contains(secret, Assert.Throws<InjectedFaultException>(() => FaultInjection.At(point, name)).Message);

                var up = await new MigrationFleet([Open()]).UpAsync(new FleetUpOptions());
                errors.Add(($"up {point}", up.Services[0].Error!));
                var down = await new MigrationFleet([Open()]).DownAsync(new FleetDownOptions { Target = 0, Force = true });
                errors.Add(($"down {point}", down.Services[0].Error!));
                var statusErrors = new List<MigrationException>();
                await new MigrationFleet([Open()]).StatusAsync(false, 1, (_, _) => { }, (_, e) => statusErrors.Add(e));
                errors.Add(($"status {point}", Assert.Single(statusErrors)));
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(FaultInjection.Variable, null);
            NpgsqlConnection.ClearAllPools();
            await server.DropDatabaseAsync(databaseName);
            await ExecuteAsync(admin.ConnectionString, $"DROP ROLE IF EXISTS {role}");
        }

        foreach (var (what, error) in errors)
        {
            var unexpected = Assert.IsType<UnexpectedErrorException>(error);
            Assert.Equal(name, unexpected.Service);
            var inner = Assert.IsType<SanitizedException>(unexpected.InnerException);
            Assert.Equal(typeof(InjectedFaultException).FullName, inner.OriginalTypeName);
            Assert.StartsWith($"Injected fault at {what.Split(' ')[1]} for service '{name}'", inner.Message, StringComparison.Ordinal);
            Assert.Contains($"with *** refused; Host=db;Password=***; postgres://{role}:***@db/x", inner.Message, StringComparison.Ordinal);
            Assert.Contains("FaultInjection.At", inner.StackTrace, StringComparison.Ordinal);
            Assert.Contains($"{typeof(InjectedFaultException).FullName}: Injected fault", unexpected.ToString(), StringComparison.Ordinal);
            Assert.Contains($"({typeof(InjectedFaultException).FullName}: Injected fault at", unexpected.Message, StringComparison.Ordinal);
            sweep.Add(unexpected).Add(inner.ToString()).Add(inner.StackTrace);
        }

        // A chain of inner exceptions, each holding the password, is copied whole and masked at every level.
        var nested = new UnexpectedErrorException(name, new AggregateException(
            $"outer {secret}", new InvalidOperationException($"middle {secret}", new FormatException($"inner Password={secret}"))));
        var level = nested.InnerException;
        foreach (var type in new[] { typeof(AggregateException), typeof(InvalidOperationException), typeof(FormatException) })
        {
            var copy = Assert.IsType<SanitizedException>(level);
            Assert.Equal(type.FullName, copy.OriginalTypeName);
            level = copy.InnerException;
        }

        Assert.Null(level);
        Assert.Contains("Password=***", nested.ToString(), StringComparison.Ordinal);
        sweep.Add(nested);

        var leaks = sweep.Leaks(secret);
        Assert.True(leaks.Count == 0, "secrets found in:\n" + string.Join("\n---\n", leaks));
        output.WriteLine($"FIGURE secrets-unexpected: {errors.Count + 1} UnexpectedErrors swept ({sweep.Texts.Count} texts), leaks " +
            $"found: {leaks.Count}");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
