// orders-service: a service that brings its database up to date before it starts serving, with the SharedMigrations
// engine as a library (docs/library.md). The original design's Go service did the same:
//
//     migrationService := migration.NewMigrationService(migrationManager, migrationLoader, logger)
//     if err := migrationService.RunMigrations(context.Background()); err != nil { logger.Fatal(...) }
//
// Run it:  dotnet run --project examples/dotnet-service [-- <service folder>]
//
// The service folder (config.yaml and migrations/) is copied beside the program by the build, so the program finds
// it wherever it is deployed; another folder can be passed as the first argument. The connection comes from
// config.yaml, whose ${VAR}s read ORDERS_DB_HOST, ORDERS_DB_PORT, ORDERS_DB_USER, ORDERS_DB_PASSWORD and ORDERS_DB_NAME
// from the environment; the standard PG* variables fill in whatever the config leaves out.
//
// Exit codes: 0 when the schema is up to date, 1 when the migrations could not run (the message says why: service,
// file, line, PostgreSQL's message and SQLSTATE; never the password), 130 when stopped with Ctrl+C.

using Microsoft.Extensions.Logging;
using SharedMigrations.Core;
using SharedMigrations.Core.Errors;

using var loggerFactory = LoggerFactory.Create(logging => logging
    .SetMinimumLevel(LogLevel.Information)
    .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Error)
    .AddSimpleConsole(options =>
    {
        options.SingleLine = true;
        options.TimestampFormat = "HH:mm:ss ";
    }));
var logger = loggerFactory.CreateLogger("OrdersService");

// Ctrl+C (or SIGTERM from the orchestrator) cancels the run: a migration in progress is rolled back, the run lock is
// released, and the next start picks up where this one stopped.
using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopping.Cancel();
};

var serviceFolder = args.Length > 0 ? args[0] : AppContext.BaseDirectory;
MigrationRunResult run;
try
{
    // The service folder's config and migrations, and the engine over a pooled NpgsqlDataSource. The engine's own
    // log lines (run lock waits, the history table created) go to the same logger factory.
    var migrations = MigrationService.ForService(
        ServiceDiscovery.Open(serviceFolder),
        overrides: null,
        loggerFactory.CreateLogger("SharedMigrations"));

    // Run migrations on start-up: every pending one in version order, each in one transaction with its history row,
    // under the database's run lock (replicas starting together wait for each other instead of racing).
    run = await migrations.RunMigrationsAsync(stopping.Token);
}
catch (MigrationException ex)
{
    // A failing migration was rolled back whole; the ones before it stay applied and the ones after it were not tried.
    logger.LogCritical("Failed to run migrations ({ErrorId}): {Message}", ex.ErrorId, ex.Message);
    return 1;
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    logger.LogWarning("Stopped before the migrations finished; nothing was left half applied.");
    return 130;
}

foreach (var result in run.Results)
{
    logger.LogInformation(
        "Applied version {Version} ({Name}): {Statements} statement(s) in {Milliseconds} ms.",
        result.Version,
        result.Name,
        result.Statements,
        (long)result.Duration.TotalMilliseconds);
}

logger.LogInformation(
    run.Results.Count == 0 ? "Schema up to date at version {Version}; nothing to apply." : "Schema migrated to version {Version}.",
    run.ToVersion);

// A real service would start serving here (app.Run()); the example stops once its start-up work is done.
logger.LogInformation("orders-service is ready.");
return 0;
