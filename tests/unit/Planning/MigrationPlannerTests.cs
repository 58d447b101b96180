using SharedMigrations.Core.Loading;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Planning;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Planning;

/// <summary>The planner is pure: plans for down and repair, with their refusals, from files and a history read.</summary>
public class MigrationPlannerTests
{
    private static readonly PlanTarget Target = new("svc", "db:5432/svc");

    [Fact]
    public void Down_plan_is_newest_first_with_each_DOWN_and_no_refusal()
    {
        using var folder = new ServiceFolder();
        folder.Add("001_a.sql", "SELECT 1;", "SELECT -1;");
        folder.Add("002_b.sql", "SELECT 2;", "SELECT -2; SELECT -22;");
        var files = new MigrationLoader(folder.MigrationsPath).Load();
        var history = Applied(files, 1, 2);

        var plan = MigrationPlanner.PlanDown(
            files,
            history,
            new DownRequest(0, null, true, false),
            new Dictionary<long, string?>(),
            Target);

        Assert.True(plan.CanRun);
        Assert.Equal([2L, 1L], plan.Steps.Select(s => s.Step.Version));
        Assert.Equal(2, plan.Steps[0].Step.Statements);
        Assert.Equal(MigrationDirection.Down, plan.Steps[0].Step.Direction);
        Assert.StartsWith("roll back 002_b.sql on db:5432/svc", plan.Steps[0].Step.Description);
    }

    [Fact]
    public void Down_plan_carries_the_first_unsafe_step_and_force_lifts_it()
    {
        using var folder = new ServiceFolder();
        folder.Add("001_a.sql", "SELECT 1;", "SELECT -1;");
        folder.Add("002_b.sql", "SELECT 2;");
        var files = new MigrationLoader(folder.MigrationsPath).Load();
        var history = Applied(files, 1, 2);

        var refused = MigrationPlanner.PlanDown(
            files,
            history,
            new DownRequest(null, 2, true, false),
            new Dictionary<long, string?>(),
            Target);
        var forced = MigrationPlanner.PlanDown(
            files,
            history,
            new DownRequest(null, 2, true, true),
            new Dictionary<long, string?>(),
            Target);

        Assert.False(refused.CanRun);
        Assert.Equal(2, refused.Unsafe!.Version);
        Assert.Equal(0, refused.Unsafe.Index);
        Assert.Contains("002_b.sql has no DOWN statements", refused.Unsafe.Message);
        Assert.Equal(2, refused.Steps.Count);
        Assert.True(forced.CanRun);
        Assert.Contains("only its history row is removed", forced.Steps[0].Step.Description);
    }

    [Fact]
    public void Down_plan_refuses_a_modified_file_and_a_Failed_record()
    {
        using var folder = new ServiceFolder();
        folder.Add("001_a.sql", "SELECT 1;", "SELECT -1;");
        var files = new MigrationLoader(folder.MigrationsPath).Load();
        var modified = new HistorySnapshot(true, [new AppliedMigration { Version = 1, Name = "a", Checksum = "sha256:00", Rank = 1 }]);
        var failed = new HistorySnapshot(
            true,
            [.. Applied(files, 1).Records, new AppliedMigration { Version = 2, Name = "b", IsFailed = true, Rank = 2 }]);

        var onModified = MigrationPlanner.PlanDown(
            files,
            modified,
            new DownRequest(null, null, true, false),
            new Dictionary<long, string?>(),
            Target);
        var onFailed = MigrationPlanner.PlanDown(
            files,
            failed,
            new DownRequest(null, null, true, true),
            new Dictionary<long, string?>(),
            Target);

        Assert.Contains("001_a.sql changed since it was applied", onModified.Unsafe!.Message);
        var refusal = Assert.Single(onFailed.Refusals);
        Assert.Equal(RefusalReason.Failed, refusal.Reason);
        Assert.Empty(onFailed.Steps);
        Assert.Empty(MigrationPlanner.RecordedDownsNeeded(files, failed, new DownRequest(null, null, true, true)));
    }

    [Fact]
    public void Down_plan_uses_the_recorded_DOWN_of_a_file_that_is_gone()
    {
        using var folder = new ServiceFolder();
        folder.Add("001_a.sql", "SELECT 1;", "SELECT -1;");
        var files = new MigrationLoader(folder.MigrationsPath).Load();
        var history = new HistorySnapshot(
            true,
            [.. Applied(files, 1).Records, new AppliedMigration { Version = 7, Name = "gone", Checksum = "sha256:07", Rank = 2 }]);
        var request = new DownRequest(null, null, true, false);

        Assert.Equal([7L], MigrationPlanner.RecordedDownsNeeded(files, history, request));
        var plan = MigrationPlanner.PlanDown(files, history, request, new Dictionary<long, string?> { [7] = "DROP TABLE gone;" }, Target);

        var step = Assert.Single(plan.Steps);
        Assert.True(plan.CanRun);
        Assert.Single(step.Down.Statements);
        Assert.EndsWith("(the DOWN recorded at apply time)", step.Step.Description);
        Assert.Equal("version 7 (gone, file missing)", step.Label);
    }

    [Fact]
    public void Repair_plan_accepts_modified_files_and_clears_Failed_records()
    {
        using var folder = new ServiceFolder();
        folder.Add("001_a.sql", "SELECT 1;", "SELECT -1;");
        folder.Add("002_b.sql", "SELECT 2;", "SELECT -2;");
        folder.Add("003_c.sql", "SELECT 3;", "SELECT -3;");
        var files = new MigrationLoader(folder.MigrationsPath).Load();
        var history = new HistorySnapshot(true,
        [
            .. Applied(files, 1).Records,
            new AppliedMigration { Version = 2, Name = "b", Checksum = "sha256:00", Rank = 2 },
            new AppliedMigration { Version = 3, Name = "c", IsFailed = true, Rank = 3, Error = "boom" },
        ]);

        var steps = MigrationPlanner.PlanRepair(files, history, Target);

        Assert.Equal(
            [(2L, PlannedStepKind.AcceptChecksum), (3L, PlannedStepKind.ClearFailed)],
            steps.Select(s => (s.Step.Version, s.Step.Kind)));
    }

    private static HistorySnapshot Applied(MigrationSet files, params long[] versions) =>
        new(true, versions.Select((v, i) =>
        {
            var file = files.Find(v)!;
            return new AppliedMigration { Version = v, Name = file.Name, Checksum = file.Checksum, Rank = i + 1 };
        }).ToArray());
}
