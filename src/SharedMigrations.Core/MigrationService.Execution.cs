using System.Diagnostics;
using SharedMigrations.Core.Database;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Loading;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Planning;

namespace SharedMigrations.Core;

/// <summary>A run in two steps: the planner computes the plan with its refusals, then the steps of the plan are executed.</summary>
public sealed partial class MigrationService
{
    /// <summary>The service and server the steps of this service's plans name.</summary>
    private PlanTarget Target => new(ServiceName, Database.Server);

    /// <summary>The plan for up, with its warnings reported; throws its refusals (nothing has run).</summary>
    private UpPlan PlanUp(MigrationSet files, HistorySnapshot history, UpOptions options, Reporter report)
    {
        var settings = Database.Settings;
        var plan = MigrationPlanner.PlanUp(
            files, history, options.Target, options.Count, options.AllowOutOfOrder || settings.OutOfOrder, settings.ChecksumValidation);
        foreach (var entry in plan.Entries.Where(e => e.State == MigrationState.Missing))
        {
            report.Warning($"version {entry.Version} ({entry.Name}) is applied but its file is missing.");
        }

        if (plan.Entries.Any(e => e.State == MigrationState.Modified) && !settings.ChecksumValidation)
        {
            report.Warning("some applied files changed since they were applied; checksum_validation is off, so they are ignored.");
        }

        if (plan.Refusals.Count > 0)
        {
            throw new MigrationRefusedException(ServiceName, plan.Refusals);
        }

        return plan;
    }

    /// <summary>The steps of an up plan: creating the history table first when there is none and something to apply.</summary>
    private List<PlannedStep> UpSteps(HistorySnapshot history, UpPlan plan)
    {
        var steps = new List<PlannedStep>(plan.Migrations.Count + 1);
        if (!history.Exists && plan.Migrations.Count > 0)
        {
            steps.Add(MigrationPlanner.CreateHistoryStep(Database.Settings.TableName, Target));
        }

        steps.AddRange(plan.Migrations.Select(m => MigrationPlanner.UpStep(m, Target)));
        return steps;
    }

    /// <summary>
    /// The plan for down (reading the DOWN recorded at apply time for files that are gone); throws its refusals, so that a
    /// refusal never leaves a rollback half done.
    /// </summary>
    private async Task<DownPlan> PlanDownAsync(
        RunSession session,
        MigrationSet files,
        DownOptions options,
        Reporter report,
        CancellationToken cancellationToken)
    {
        var request = new DownRequest(options.Target, options.Count, Database.Settings.RollbackSafety, options.Force);
        var recorded = await Database.ReadDownScriptsAsync(
            session, MigrationPlanner.RecordedDownsNeeded(files, session.History, request), cancellationToken).ConfigureAwait(false);
        var plan = MigrationPlanner.PlanDown(files, session.History, request, recorded, Target);
        if (plan.Refusals.Count > 0)
        {
            throw new MigrationRefusedException(ServiceName, plan.Refusals);
        }

        var told = plan.Unsafe?.Index ?? plan.Steps.Count - 1;
        foreach (var step in plan.Steps.Take(told + 1).Where(s => s.Item.UsesRecordedDown))
        {
            report.Verbose($"{step.Label}: the file is gone; rolling back with the DOWN recorded when it was applied.");
        }

        if (plan.Unsafe is { } refused)
        {
            throw new RollbackRefusedException(refused.Message, refused.Version, refused.FilePath) { Service = ServiceName };
        }

        return plan;
    }

    /// <summary>Runs the steps of an up plan in order, then records the schema the run leaves (also after a failure part way).</summary>
    private async Task ExecuteUpAsync(
        RunSession session,
        MigrationSet files,
        UpRun run,
        UpOptions options,
        Reporter report,
        CancellationToken cancellationToken)
    {
        var steps = run.Steps;
        report.AfterFailure = () => run.Results.Any(r => r.Succeeded) ? RecordSchemaAfterFailureAsync(
            session,
            run.Reached,
            true,
            report) : Task.CompletedTask;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            if (options.StopBefore is { } stopBefore && stopBefore(step))
            {
                run.StoppedBefore = step;
                report.Verbose($"paused before: {step.Description} (it waits for another service).");
                break;
            }

            if (options.Approve is { } approve && !await approve(step, cancellationToken).ConfigureAwait(false))
            {
                report.Verbose($"stopped before: {step.Description} (declined).");
                break;
            }

            if (step.Kind == PlannedStepKind.CreateHistory)
            {
                var watch = Stopwatch.StartNew();
                await Database.CreateHistoryAsync(session, cancellationToken).ConfigureAwait(false);
                run.HistoryCreated = true;
                report.Verbose(
                    $"created the history table {Database.Settings.TableName} and the audit log {Database.Settings.TableName.LogTable} " +
                        $"({watch.ElapsedMilliseconds} ms).");
                continue;
            }

            var migration = files.Find(step.Version)!;
            var index = options.StepsBefore + i;
            var count = options.StepsBefore + steps.Count;
            run.Results.Add(await RunStepAsync(
                step,
                index,
                count,
                report,
                () => Database.ApplyAsync(session, migration, cancellationToken)).ConfigureAwait(false));
        }

        if (run.Results.Any(r => r.Succeeded))
        {
            await RecordSchemaAsync(session, run.Reached, true, report, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the steps of a down plan in order, stopping at the first step declined.</summary>
    private async Task ExecuteDownAsync(
        RunSession session,
        DownPlan plan,
        List<MigrationResult> results,
        DownOptions options,
        Reporter report,
        CancellationToken cancellationToken)
    {
        for (var i = 0; i < plan.Steps.Count; i++)
        {
            var step = plan.Steps[i];
            if (options.Approve is { } approve && !await approve(step.Step, cancellationToken).ConfigureAwait(false))
            {
                report.Verbose($"stopped before: {step.Step.Description} (declined).");
                break;
            }

            results.Add(await RunStepAsync(
                step.Step,
                i,
                plan.Steps.Count,
                report,
                () => Database.RevertAsync(session, step, cancellationToken)).ConfigureAwait(false));
        }
    }

    /// <summary>What an up run did so far.</summary>
    private sealed class UpRun(IReadOnlyList<PlannedStep> steps)
    {
        public IReadOnlyList<PlannedStep> Steps { get; } = steps;

        public List<MigrationResult> Results { get; } = new();

        public bool HistoryCreated { get; set; }

        /// <summary>
        /// The step the run paused before, for the caller to wait for another service (see <see cref="UpOptions.StopBefore"/>).
        /// </summary>
        public PlannedStep? StoppedBefore { get; set; }

        /// <summary>The highest version applied by this run (0 when none).</summary>
        public long Reached => Results.Where(r => r.Succeeded).Select(r => r.Version).DefaultIfEmpty(0).Max();
    }
}
