namespace SharedMigrations.Core.Diagnostics;

/// <summary>
/// TEST-ONLY fault injection, to prove that an exception on a worker, in a continuation or in an observer callback never
/// ends the process. Off unless the environment variable <see cref="Variable"/> is set, which no user has a reason to do:
/// its value is a comma-separated list of <c>Point</c>, <c>Point:service</c> or <c>Point:service:detail</c> (for example
/// <c>Worker:orders</c>), and the named point throws an <see cref="InjectedFaultException"/> there (for that service only, when
/// one is named) whose message holds the setting, detail included (the secrets test puts a password there).
/// </summary>
internal static class FaultInjection
{
    /// <summary>The environment variable read by the tests' processes.</summary>
    internal const string Variable = "SHAREDMIGRATIONS_TEST_FAULT";

    /// <summary>Throws when the fault at <paramref name="point"/> is asked for (for <paramref name="service"/> or any service).</summary>
    internal static void At(FaultPoint point, string? service)
    {
        var setting = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(setting))
        {
            return;
        }

        foreach (var entry in setting.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? entry : entry[..colon];
            var only = colon < 0 ? null : entry[(colon + 1)..];
            var end = only?.IndexOf(':', StringComparison.Ordinal) ?? -1;
            if (end >= 0)
            {
                only = only![..end];
            }

            if (string.Equals(name, point.ToString(), StringComparison.OrdinalIgnoreCase)
                && (only is null || string.Equals(only, service, StringComparison.OrdinalIgnoreCase)))
            {
                throw new InjectedFaultException($"Injected fault at {point} for service '{service}' ({Variable}={setting}).");
            }
        }
    }
}
