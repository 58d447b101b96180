using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Errors;

/// <summary>Migration files that break the format rules; nothing was run.</summary>
public sealed class MigrationFormatException : MigrationException
{
    public MigrationFormatException(string? service, IReadOnlyList<MigrationDiagnostic> errors)
        : base(BuildMessage(service, errors))
    {
        Errors = errors;
        Service = service;
    }

    /// <summary>Every format error found, in file order.</summary>
    public IReadOnlyList<MigrationDiagnostic> Errors { get; }

    public override string ErrorId => "MigrationFileInvalid";

    public override MigrationErrorKind Kind => MigrationErrorKind.InvalidData;

    public override string? FilePath => Errors.Count > 0 ? Errors[0].FilePath : null;

    public override int? Line => Errors.Count > 0 ? Errors[0].Line : null;

    private static string BuildMessage(string? service, IReadOnlyList<MigrationDiagnostic> errors)
    {
        var prefix = service is null ? string.Empty : service + ": ";
        if (errors.Count == 0)
        {
            return prefix + "invalid migration files.";
        }

        var text = prefix + errors[0];
        if (errors.Count > 1)
        {
            var more = string.Join("; ", errors.Skip(1).Take(4).Select(e => e.ToString()));
            text += $" (and {errors.Count - 1} more: {more}{(errors.Count > 5 ? "; ..." : string.Empty)})";
        }

        return text + " Nothing was run; fix the file and try again.";
    }
}
