namespace SharedMigrations.Core.Planning;

/// <summary>The service and server a plan's steps name (never the password).</summary>
internal sealed record PlanTarget(string Service, string Server);
