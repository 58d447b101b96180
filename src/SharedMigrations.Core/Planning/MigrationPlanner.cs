using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Planning;

/// <summary>
/// States (docs/migrations.md) and plans for up and down, from the files and one read of the history. Pure: touches no database.
/// </summary>
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
                    MigrationState.Modified =>
                        $"the file changed since it was applied (recorded {Short(applied.Checksum)}, file {Short(migration.Checksum)})",
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

    /// <summary>
    /// The plan for <c>up</c>: pending migrations in version order, limited by target and count; refusals as docs/safety.md lists them.
    /// </summary>
    public static UpPlan PlanUp(
        MigrationSet files,
        HistorySnapshot history,
        long? target,
        int? count,
        bool allowOutOfOrder,
        bool checksumValidation)
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
                        $"{file} was changed after it was applied ({entry.Detail}); restore the file, or accept the edit with " +
                            $"Repair-MigrationHistory."));
                    break;
                case MigrationState.OutOfOrder when !allowOutOfOrder:
                    refusals.Add(new MigrationRefusal(RefusalReason.OutOfOrder, entry.Version, entry.Name, entry.FilePath,
                        $"{file} is out of order ({entry.Detail}); renumber it above the applied versions, or allow it with " +
                            $"-AllowOutOfOrder or migration.out_of_order: true."));
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

    /// <summary>
    /// The applied versions whose DOWN must come from the history because their file is gone (read them, then call
    /// <see cref="PlanDown"/>); none when a Failed record refuses the rollback anyway.
    /// </summary>
    public static IReadOnlyList<long> RecordedDownsNeeded(MigrationSet files, HistorySnapshot history, DownRequest request) =>
        history.Records.Any(r => r.IsFailed)
            ? Array.Empty<long>()
            : ChooseRollback(files, history, request).Where(i => i.UsesRecordedDown).Select(i => i.Applied.Version).ToArray();

    /// <summary>
    /// The plan for <c>down</c>: newest application first; with a target every applied version above it, else the newest
    /// count (default 1). It carries its refusals: Failed records, and the first step rollback_safety forbids (a file changed
    /// since it was applied, an empty DOWN) unless forced. <paramref name="recordedDowns"/> holds the DOWN recorded at apply
    /// time for the versions <see cref="RecordedDownsNeeded"/> names.
    /// </summary>
    public static DownPlan PlanDown(
        MigrationSet files,
        HistorySnapshot history,
        DownRequest request,
        IReadOnlyDictionary<long, string?> recordedDowns,
        PlanTarget target)
    {
        var entries = Evaluate(files, history);
        var failed = history.Records.Where(r => r.IsFailed).ToArray();
        if (failed.Length > 0)
        {
            var refusals = failed.Select(f => new MigrationRefusal(
                RefusalReason.Failed,
                f.Version,
                f.Name,
                files.Find(f.Version)?.FilePath,
                $"version {f.Version} ({f.Name}) is Failed ({f.FailureSummary}); put the database right, " +
                "then run Repair-MigrationHistory before rolling back.")).ToArray();
            return new DownPlan { Steps = Array.Empty<RollbackStep>(), Refusals = refusals, Entries = entries };
        }

        var steps = new List<RollbackStep>();
        RollbackRefusal? refused = null;
        foreach (var item in ChooseRollback(files, history, request))
        {
            var step = RollbackStepFor(item, recordedDowns, target);
            if (refused is null && request.RollbackSafety && !request.Force)
            {
                refused = CheckRollbackSafety(step, steps.Count, target.Service);
            }

            steps.Add(step);
        }

        return new DownPlan { Steps = steps, Refusals = Array.Empty<MigrationRefusal>(), Unsafe = refused, Entries = entries };
    }

    /// <summary>The repairs (docs/migrations.md, "Repair"): accept each Modified file's checksum, clear each Failed record.</summary>
    public static IReadOnlyList<RepairStep> PlanRepair(MigrationSet files, HistorySnapshot history, PlanTarget target)
    {
        var steps = new List<RepairStep>();
        foreach (var entry in Evaluate(files, history))
        {
            var label = entry.FilePath is null ? $"version {entry.Version} ({entry.Name})" : Path.GetFileName(entry.FilePath);
            var repair = entry.State switch
            {
                MigrationState.Modified => (Kind: PlannedStepKind.AcceptChecksum,
                    What: $"accept the edited {label} on {target.Server}: " +
                        $"record its new checksum {entry.Migration!.Checksum} and its DOWN"),
                MigrationState.Failed => (Kind: PlannedStepKind.ClearFailed,
                    What: $"clear the Failed record of {label} on {target.Server} ({entry.Detail}); it becomes Pending and runs again on " +
                        $"the next up"),
                _ => ((PlannedStepKind Kind, string What)?)null,
            };
            if (repair is { } r)
            {
                steps.Add(new RepairStep(entry, new PlannedStep
                {
                    Service = target.Service,
                    Kind = r.Kind,
                    Version = entry.Version,
                    Name = entry.Name,
                    Direction = MigrationDirection.Repair,
                    FilePath = entry.FilePath,
                    Server = target.Server,
                    Description = r.What,
                }));
            }
        }

        return steps;
    }

    /// <summary>The step that applies <paramref name="migration"/>.</summary>
    public static PlannedStep UpStep(Migration migration, PlanTarget target) => new()
    {
        Service = target.Service,
        Kind = PlannedStepKind.Migration,
        Version = migration.Version,
        Name = migration.Name,
        Direction = MigrationDirection.Up,
        FilePath = migration.FilePath,
        Transaction = migration.Transaction,
        Statements = migration.Up.Statements.Count,
        Server = target.Server,
        Migration = migration,
        Description = $"apply {migration.FileName} on {target.Server}: {migration.Up.Statements.Count} statement(s) " +
            (migration.Transaction == TransactionMode.None
                ? "one by one outside a transaction (Transaction: none)"
                : "in one transaction with its history row"),
    };

    /// <summary>The step that creates the history table and the audit log, before the first migration of a database.</summary>
    public static PlannedStep CreateHistoryStep(Configuration.HistoryTableName table, PlanTarget target) => new()
    {
        Service = target.Service,
        Kind = PlannedStepKind.CreateHistory,
        Server = target.Server,
        Description = $"create the history table {table} and the audit log {table.LogTable} on {target.Server}",
    };

    private static IEnumerable<RollbackItem> ChooseRollback(MigrationSet files, HistorySnapshot history, DownRequest request)
    {
        var applied = history.Records.Where(r => !r.IsFailed).OrderByDescending(r => r.Rank).ThenByDescending(r => r.Version);
        IEnumerable<AppliedMigration> chosen = request.Target is { } t
            ? applied.Where(r => r.Version > t)
            : applied.Take(request.Count ?? 1);
        return chosen.Select(r =>
        {
            var file = files.Find(r.Version);
            return new RollbackItem
            {
                Applied = r,
                File = file,
                Modified = file is not null && !Checksum.AreEqual(
                r.Checksum,
                file.Checksum)
            };
        }).ToArray();
    }

    private static RollbackStep RollbackStepFor(RollbackItem item, IReadOnlyDictionary<long, string?> recordedDowns, PlanTarget target)
    {
        var applied = item.Applied;
        var label = item.File?.FileName ?? $"version {applied.Version} ({applied.Name}, file missing)";
        MigrationScript down;
        TransactionMode mode;
        if (item.File is { } file)
        {
            down = file.Down;
            mode = file.Transaction;
        }
        else
        {
            var text = recordedDowns.GetValueOrDefault(applied.Version);
            down = text is null ? MigrationScript.Empty : MigrationScript.FromText(text);
            mode = applied.Transaction;
        }

        var what = down.IsEmpty
            ? "no DOWN statements; only its history row is removed"
            : $"{down.Statements.Count} DOWN " +
                $"statement(s) {(mode == TransactionMode.None ? "one by one outside a transaction" : "in one transaction")}";
        var step = new PlannedStep
        {
            Service = target.Service,
            Kind = PlannedStepKind.Migration,
            Version = applied.Version,
            Name = applied.Name,
            Direction = MigrationDirection.Down,
            FilePath = item.File?.FilePath,
            Transaction = mode,
            Statements = down.Statements.Count,
            Server = target.Server,
            Description = $"roll back {label} on {target.Server}: {what}"
                + (item.UsesRecordedDown ? " (the DOWN recorded at apply time)" : string.Empty),
        };
        return new RollbackStep { Item = item, Down = down, Mode = mode, Step = step, Label = label };
    }

    private static RollbackRefusal? CheckRollbackSafety(RollbackStep step, int index, string service)
    {
        var item = step.Item;
        if (item.Modified)
        {
            return new RollbackRefusal(
                index,
                item.Applied.Version,
                item.File?.FilePath,
                $"{service}: {step.Label} changed since it was applied, so its DOWN may not undo what was applied. Nothing was rolled " +
                    $"back. " +
                "Restore the file, accept the edit with Repair-MigrationHistory, or pass -Force.");
        }

        if (step.Down.IsEmpty)
        {
            return new RollbackRefusal(
                index,
                item.Applied.Version,
                item.File?.FilePath,
                $"{service}: {step.Label} has no DOWN statements, so nothing would undo it. Nothing was rolled back. " +
                "Write its DOWN section, or pass -Force to remove it from the history without running anything.");
        }

        return null;
    }

    private static IReadOnlyList<MigrationRefusal> OrderRefusals(List<MigrationRefusal> refusals) =>
        refusals.OrderBy(r => r.Reason switch { RefusalReason.Failed => 0, RefusalReason.Modified => 1, _ => 2 })
            .ThenBy(r => r.Version)
            .ToArray();

    private static string Short(string checksum)
    {
        var hex = checksum.Contains(':') ? checksum[(checksum.IndexOf(':') + 1)..] : checksum;
        return hex.Length > 12 ? hex[..12] : hex;
    }
}
