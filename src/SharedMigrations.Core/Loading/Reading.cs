using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Loading;

/// <summary>A folder's last reading, replaced as a whole (one reference) so concurrent readers never see half of it.</summary>
internal sealed record Reading(FolderFingerprint Fingerprint, MigrationSet Set);
