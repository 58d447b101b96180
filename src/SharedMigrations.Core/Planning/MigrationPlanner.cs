using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Planning;

/// <summary>States (docs/migrations.md) and plans for up and down, from the files and one read of the history. Pure: touches no database.</summary>
internal static class MigrationPlanner
{
    /// <summary>The state of every migration: files and history rows merged, in version order.</summary>
    public static IReadOnlyList<MigrationStatusEntry> Evaluate(MigrationSet files, HistorySnapshot history)
    {
        var entries = new List<MigrationStatusEntry>(files.Count + history.Records.Count);
        var highestApplied = history.CurrentVersion;
        foreach (var migration in files.Migrations)
        {
            var applied = history.Find(migration.Version);
            if (applied is null)
            {
                var outOfOrder = migration.Version < highestApplied;
                entries.Add(new MigrationStatusEntry
                {
                    Version = migration.Version,
                    Name = migration.Name,
                    State = outOfOrder ? MigrationState.OutOfOrder : MigrationState.Pending,
                    FilePath = migration.FilePath,
                    Migration = migration,
                    Detail = outOfOrder ? $"version {migration.Version} is below the highest applied version {highestApplied}" : null,
                });
                continue;
            }

            var state = applied.IsFailed
                ? MigrationState.Failed
                : Checksum.AreEqual(applied.Checksum, migration.Checksum) ? MigrationState.Applied : MigrationState.Modified;
            entries.Add(new MigrationStatusEntry
            {
                Version = migration.Version,
                Name = migration.Name,
                State = state,
                AppliedAt = applied.AppliedAt,
                ExecutionTime = applied.ExecutionTime,
                FilePath = migration.FilePath,
                Migration = migration,
                Applied = applied,
                Detail = state switch
                {
                    MigrationState.Failed => applied.FailureSummary,
                    MigrationState.Modified => $"the file changed since it was applied (recorded {Short(applied.Checksum)}, file {Short(migration.Checksum)})",
                    _ => null,
                },
            });
        }

        foreach (var applied in history.Records)
        {
            if (files.Find(applied.Version) is null)
            {
                entries.Add(new MigrationStatusEntry
                {
                    Version = applied.Version,
                    Name = applied.Name,
                    State = applied.IsFailed ? MigrationState.Failed : MigrationState.Missing,
                    AppliedAt = applied.AppliedAt,
                    ExecutionTime = applied.ExecutionTime,
                    Applied = applied,
                    Detail = applied.IsFailed ? applied.FailureSummary : "applied, but no file has this version",
                });
            }
        }

        entries.Sort((a, b) => a.Version.CompareTo(b.Version));
        return entries;
    }

    /// <summary>The plan for <c>up</c>: pending migrations in version order, limited by target and count; refusals as docs/safety.md lists them.</summary>
    public static UpPlan PlanUp(MigrationSet files, HistorySnapshot history, long? target, int? count, bool allowOutOfOrder, bool checksumValidation)
    {
        var entries = Evaluate(files, history);
        var refusals = new List<MigrationRefusal>();
        foreach (var entry in entries)
        {
            var file = entry.FilePath is null ? $"version {entry.Version}" : Path.GetFileName(entry.FilePath);
            switch (entry.State)
            {
                case MigrationState.Failed:
                    refusals.Add(new MigrationRefusal(RefusalReason.Failed, entry.Version, entry.Name, entry.FilePath,
                        $"{file} is Failed ({entry.Detail}); put the database right, then run Repair-MigrationHistory to clear it."));
                    break;
                case MigrationState.Modified when checksumValidation:
                    refusals.Add(new MigrationRefusal(RefusalReason.Modified, entry.Version, entry.Name, entry.FilePath,
                        $"{file} was changed after it was applied ({entry.Detail}); restore the file, or accept the edit with Repair-MigrationHistory."));
                    break;
                case MigrationState.OutOfOrder when !allowOutOfOrder:
                    refusals.Add(new MigrationRefusal(RefusalReason.OutOfOrder, entry.Version, entry.Name, entry.FilePath,
                        $"{file} is out of order ({entry.Detail}); renumber it above the applied versions, or allow it with -AllowOutOfOrder or migration.out_of_order: true."));
                    break;
            }
        }

        var pending = entries
            .Where(e => e.State == MigrationState.Pending || (e.State == MigrationState.OutOfOrder && allowOutOfOrder))
            .Where(e => target is null || e.Version <= target)
            .Select(e => e.Migration!);
        if (count is { } n)
        {
            pending = pending.Take(n);
        }

        return new UpPlan { Migrations = pending.ToArray(), Refusals = OrderRefusals(refusals), Entries = entries };
    }

    /// <summary>The plan for <c>down</c>: newest application first; with a target every applied version above it, else the newest <paramref name="count"/> (default 1).</summary>
    public static DownPlan PlanDown(MigrationSet files, HistorySnapshot history, long? target, int? count)
    {
        var entries = Evaluate(files, history);
        var applied = history.Records.Where(r => !r.IsFailed).OrderByDescending(r => r.Rank).ThenByDescending(r => r.Version);
        IEnumerable<AppliedMigration> chosen = target is { } t
            ? applied.Where(r => r.Version > t)
            : applied.Take(count ?? 1);
        var items = chosen.Select(r =>
        {
            var file = files.Find(r.Version);
            return new RollbackItem { Applied = r, File = file, Modified = file is not null && !Checksum.AreEqual(r.Checksum, file.Checksum) };
        }).ToArray();
        return new DownPlan { Items = items, Entries = entries };
    }

    private static IReadOnlyList<MigrationRefusal> OrderRefusals(List<MigrationRefusal> refusals) =>
        refusals.OrderBy(r => r.Reason switch { RefusalReason.Failed => 0, RefusalReason.Modified => 1, _ => 2 }).ThenBy(r => r.Version).ToArray();

    private static string Short(string checksum)
    {
        var hex = checksum.Contains(':') ? checksum[(checksum.IndexOf(':') + 1)..] : checksum;
        return hex.Length > 12 ? hex[..12] : hex;
    }
}
