using System.Management.Automation;
using SharedMigrations.Core;
using SharedMigrations.Core.Ci;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Fleet;
using SharedMigrations.Core.Planning;
using SharedMigrations.Infrastructure;

namespace SharedMigrations.Commands;

/// <summary>
/// Runs Invoke-MigrationUp / Undo-Migration over the services of the input as one fleet run: engines opened on the
/// pipeline thread, the run on workers, results, errors, prompts and progress written back on the pipeline thread.
/// </summary>
internal static class FleetRun
{
    public static void Run(
        DatabaseCommandBase command,
        IReadOnlyList<string> folders,
        string activity,
        bool skipPrompt,
        Func<
            MigrationFleet,
            Func<PlannedStep, CancellationToken, ValueTask<bool>>,
            FleetObserver,
            bool,
            CancellationToken,
            Task<FleetResult>> run)
    {
        var engines = folders.Select(f => (Folder: f, Engine: command.OpenEngine(f))).Where(x => x.Engine is not null).ToArray();
        if (engines.Length == 0)
        {
            return;
        }

        var dryRun = command.WhatIfRequested;
        var paths = engines.ToDictionary(e => e.Engine!, e => e.Folder);
        var fleet = new MigrationFleet(engines.Select(e => e.Engine!).ToArray());
        CmdletFleetObserver? observer = null;
        try
        {
            command.RunOnWorker(async (bridge, token) =>
            {
                observer = new CmdletFleetObserver(command, bridge, activity, paths);
                try
                {
                    await run(
                        fleet,
                        async (step, _) =>
                            (skipPrompt && !dryRun)
                                || await command.ShouldProcessOnPipelineAsync(bridge, step.Service, step.Description).ConfigureAwait(false),
                        observer,
                        dryRun,
                        token).ConfigureAwait(false);
                }
                catch (MigrationException ex)
                {
                    // The plan over all services failed (a cycle, an unknown service): nothing ran.
                    bridge.Post(() => command.WriteMigrationError(ex, ex.FilePath ?? folders[0]));
                }
                finally
                {
                    observer.Complete();
                }
            });
        }
        finally
        {
            // Also when -ErrorAction Stop or Ctrl+C ended the run early: the summary matters most then.
            var finished = observer?.Outcomes.ToDictionary(o => o.Service) ?? new Dictionary<MigrationService, FleetServiceOutcome>();
            var rows = engines.Select(e => finished.TryGetValue(
                e.Engine!,
                out var outcome) ? SummaryRow.From(outcome) : SummaryRow.NotRun(e.Engine!)).ToArray();
            try
            {
                command.WriteSummary($"SharedMigrations: {activity}{(dryRun ? " -WhatIf" : string.Empty)}", rows);
            }
            catch (Exception ex) when (ex is PipelineStoppedException or ActionPreferenceStopException)
            {
                // The run is being stopped; the error that stopped it is what the caller sees.
            }
        }
    }
}
