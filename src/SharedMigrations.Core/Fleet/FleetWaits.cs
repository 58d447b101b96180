using SharedMigrations.Core.Errors;

namespace SharedMigrations.Core.Fleet;

/// <summary>
/// How a fleet run waits for a service outside the run: checks its state, and with -WaitForDependency polls it with backoff.
/// </summary>
internal static class FleetWaits
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromSeconds(10);

    public static async Task WaitForOutsideServiceAsync(
        FleetMember member,
        OutsideService outside,
        FleetUpOptions options,
        FleetObserver observer,
        CancellationToken cancellationToken)
    {
        await PollAsync(
            member,
            observer,
            options,
            $"service.depends_on {outside.Name} (outside this run, {outside.Definition.Path})",
            async token =>
            {
                var status = await outside.Engine.GetStatusAsync(token).ConfigureAwait(false);
                return (
                    status.Pending == 0,
                    status.Pending == 0 ? null : $"{outside.Name} has {status.Pending} pending migration(s) (at " +
                        $"version {status.CurrentVersion} of {status.LatestVersion})");
            },
            member.Definition?.ConfigPath,
            null,
            cancellationToken).ConfigureAwait(false);
    }

    public static async Task WaitForOutsideVersionAsync(
        FleetMember member,
        ResolvedRequirement requirement,
        FleetUpOptions options,
        FleetObserver observer,
        ThrottlePlace place,
        CancellationToken cancellationToken)
    {
        var outside = requirement.Outside!;
        var required = requirement.Requirement;
        await place.WhileWaitingAsync(
            async () =>
            {
                await PollAsync(
                    member,
                    observer,
                    options,
                    $"{requirement.Migration.FileName} line {required.Line} requires {required} (outside this " +
                        $"run, {outside.Definition.Path})",
                    async token =>
                    {
                        var history = await outside.Engine.Database.ReadHistoryAsync(token).ConfigureAwait(false);
                        return (history.CurrentVersion >= required.Version, $"{outside.Name} is at version {history.CurrentVersion}");
                    },
                    requirement.Migration.FilePath,
                    required.Line,
                    cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks a condition on another service; with -WaitForDependency polls it with backoff until it holds or the time is up.
    /// </summary>
    private static async Task PollAsync(
        FleetMember member,
        FleetObserver observer,
        FleetUpOptions options,
        string what,
        Func<CancellationToken, Task<(bool Ok, string? State)>> check,
        string? filePath,
        int? line,
        CancellationToken cancellationToken)
    {
        var deadline = options.WaitForDependency is { } wait && !options.DryRun ? DateTimeOffset.UtcNow + wait : (DateTimeOffset?)null;
        var delay = FirstPoll;
        var told = false;
        while (true)
        {
            (bool Ok, string? State) answer;
            try
            {
                answer = await check(cancellationToken).ConfigureAwait(false);
            }
            catch (DatabaseConnectionException ex) when (deadline is not null && DateTimeOffset.UtcNow < deadline)
            {
                answer = (false, ex.Message);
            }

            if (answer.Ok)
            {
                return;
            }

            if (deadline is null || DateTimeOffset.UtcNow >= deadline)
            {
                var waited = deadline is null
                    ? "Pass -WaitForDependency <time> to wait for it."
                    : $"Waited {options.WaitForDependency!.Value.TotalSeconds:0} s (-WaitForDependency).";
                throw new DependencyException(
                    $"{member.Name}: {what}, but {answer.State}. {member.Name} was not migrated past this point. {waited}",
                    DependencyProblem.NotSatisfied,
                    filePath,
                    line)
                { Service = member.Name };
            }

            if (!told)
            {
                told = true;
                observer.OnServiceWaiting(member.Engine, $"{what}: {answer.State}; polling until {deadline:HH:mm:ss} UTC");
            }

            var remaining = deadline.Value - DateTimeOffset.UtcNow;
            await Task.Delay(delay < remaining ? delay : remaining, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestPoll.Ticks));
        }
    }
}
