using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Model;

/// <summary>A migration file: version, name, headers, UP and DOWN sections and checksum.</summary>
internal sealed class Migration
{
    internal Migration(
        long version,
        string name,
        string fileName,
        string filePath,
        string? description,
        string checksum,
        TransactionMode transaction,
        IReadOnlyList<MigrationRequirement> requires,
        MigrationScript up,
        MigrationScript down,
        bool hasDownSection)
    {
        Version = version;
        Name = name;
        FileName = fileName;
        FilePath = filePath;
        Description = description;
        Checksum = checksum;
        Transaction = transaction;
        Requires = requires;
        Up = up;
        Down = down;
        HasDownSection = hasDownSection;
    }

    /// <summary>The version: the digits before the first underscore of the file name, as a 64-bit integer.</summary>
    public long Version { get; }

    /// <summary>The name: the part of the file name after the version.</summary>
    public string Name { get; }

    /// <summary>The file name, for example <c>001_create_users.sql</c>.</summary>
    public string FileName { get; }

    /// <summary>The full path of the file.</summary>
    public string FilePath { get; }

    /// <summary>The <c>-- Description:</c> header, if any.</summary>
    public string? Description { get; }

    /// <summary>SHA-256 of the file with LF line endings and no BOM, written <c>sha256:&lt;hex&gt;</c>.</summary>
    public string Checksum { get; }

    /// <summary>
    /// Whether the migration runs in a transaction (<see cref="TransactionMode.PerMigration"/>) or statement by statement.
    /// </summary>
    public TransactionMode Transaction { get; }

    /// <summary>The <c>-- Requires:</c> headers.</summary>
    public IReadOnlyList<MigrationRequirement> Requires { get; }

    /// <summary>The UP section.</summary>
    public MigrationScript Up { get; }

    /// <summary>The DOWN section (empty when the file has none).</summary>
    public MigrationScript Down { get; }

    /// <summary>Whether the file has a <c>-- +++++ DOWN</c> marker at all.</summary>
    public bool HasDownSection { get; }

    public override string ToString() => FileName;
}
