using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Planning;

namespace SharedMigrations.Core.Ci;

/// <summary>The annotations that describe engine errors, states and findings, at their files and lines.</summary>
internal static class Annotations
{
    /// <summary>
    /// One annotation per problem an error carries: each bad file of a format error, each refusal, else the error itself.
    /// </summary>
    public static IEnumerable<Annotation> For(MigrationException error)
    {
        switch (error)
        {
            case MigrationFormatException format when format.Errors.Count > 0:
                foreach (var diagnostic in format.Errors)
                {
                    yield return new Annotation(
                        AnnotationLevel.Error,
                        $"{Prefix(error)}{diagnostic}",
                        diagnostic.FilePath,
                        diagnostic.Line,
                        error.ErrorId);
                }

                break;
            case MigrationRefusedException refused:
                foreach (var refusal in refused.Refusals)
                {
                    var id = refusal.Reason switch
                    {
                        RefusalReason.Failed => "FailedMigrationBlocksRun",
                        RefusalReason.Modified => "ChecksumMismatch",
                        _ => "OutOfOrderMigration",
                    };
                    yield return new Annotation(AnnotationLevel.Error, $"{Prefix(error)}{refusal.Message}", refusal.FilePath, null, id);
                }

                break;
            default:
                yield return new Annotation(AnnotationLevel.Error, error.Message, error.FilePath, error.Line, error.ErrorId);
                break;
        }
    }

    /// <summary>A warning for a migration whose state is drift (Modified, Missing, OutOfOrder, Failed); null for the others.</summary>
    public static Annotation? For(string service, MigrationStatusEntry entry) => entry.State switch
    {
        MigrationState.Modified or MigrationState.Missing or MigrationState.OutOfOrder or MigrationState.Failed =>
            new Annotation(
                AnnotationLevel.Warning,
                $"{service}: {(entry.FilePath is null ? $"version {entry.Version} ({entry.Name})" : Path.GetFileName(entry.FilePath))} " +
                    $"is {entry.State}{(entry.Detail is null ? string.Empty : ": " + entry.Detail)}",
                entry.FilePath,
                null,
                "Migration" + entry.State),
        _ => null,
    };

    /// <summary>An annotation for a Test-Migration finding (errors and warnings; information is left out).</summary>
    public static Annotation? For(string service, MigrationDiagnostic diagnostic) => diagnostic.Severity switch
    {
        DiagnosticSeverity.Error =>
            new Annotation(
                AnnotationLevel.Error,
                $"{service}: {diagnostic.Message}",
                diagnostic.FilePath,
                diagnostic.Line,
                diagnostic.Rule),
        DiagnosticSeverity.Warning =>
            new Annotation(
                AnnotationLevel.Warning,
                $"{service}: {diagnostic.Message}",
                diagnostic.FilePath,
                diagnostic.Line,
                diagnostic.Rule),
        _ => null,
    };

    private static string Prefix(MigrationException error) => error.Service is null ? string.Empty : error.Service + ": ";
}
