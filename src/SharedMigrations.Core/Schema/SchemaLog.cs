using Microsoft.Extensions.Logging;

namespace SharedMigrations.Core.Schema;

/// <summary>Log lines of the schema side.</summary>
internal static class SchemaLog
{
    public static void LogSnapshot(this ILogger logger, string service, int objects, string server, long milliseconds) =>
        logger.LogDebug(
            "{Service}: read a schema snapshot of {Objects} object(s) from {Server} in one query ({Milliseconds} ms).",
            service,
            objects,
            server,
            milliseconds);
}
