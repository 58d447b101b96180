using SharedMigrations.Core;
using SharedMigrations.Core.Errors;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Reliability;

/// <summary>
/// A defect on a service's worker (an observer that throws, as any bug of ours would) fails that service with
/// UnexpectedError and the exception inside; the other services of the fleet still run, and nothing escapes the run.
/// The same through the module, in fresh pwsh processes, is in tests/pester/HostSurvives.Tests.ps1.
/// </summary>
[Trait("Category", "Reliability")]
public class UnexpectedErrorTests
{
    [Fact]
    public async Task An_observer_that_throws_fails_its_service_with_UnexpectedError_and_the_others_run()
    {
        await using var db = await TestDatabase.CreateAsync("unexpected_error");
        using var broken = new ServiceFolder("broken");
        broken.Config("migration:\n  table_name: broken_history\n");
        broken.Add("001_a.sql", "CREATE TABLE broken_a (id int);", "DROP TABLE broken_a;");
        using var healthy = new ServiceFolder("healthy");
        healthy.Config("migration:\n  table_name: healthy_history\n");
        healthy.Add("001_a.sql", "CREATE TABLE healthy_a (id int);", "DROP TABLE healthy_a;");
        var brokenService = broken.Service(db.ConnectionString);
        var healthyService = healthy.Service(db.ConnectionString);
        var observer = new RecordingObserver
        {
            OnStart = step =>
            {
                if (step.Service == brokenService.ServiceName)
                {
                    throw new InvalidOperationException("a defect in an observer");
                }
            },
        };

        var result = await new MigrationFleet([brokenService, healthyService]).UpAsync(
            new FleetUpOptions { Observer = new FixedFleetObserver(observer), ThrottleLimit = 2 });

        var failed = Assert.Single(result.Services, s => s.Service == brokenService);
        Assert.Equal(FleetServiceState.Failed, failed.State);
        var error = Assert.IsType<UnexpectedErrorException>(failed.Error);
        Assert.Equal("UnexpectedError", error.ErrorId);
        Assert.Equal(brokenService.ServiceName, error.Service);
        Assert.Contains(brokenService.ServiceName, error.Message, StringComparison.Ordinal);
        var inner = Assert.IsType<SanitizedException>(error.InnerException);
        Assert.Equal(typeof(InvalidOperationException).FullName, inner.OriginalTypeName);
        Assert.Equal("a defect in an observer", inner.Message);
        Assert.Equal(FleetServiceState.Succeeded, Assert.Single(result.Services, s => s.Service == healthyService).State);
        Assert.False(await db.TableExistsAsync("broken_a"));
        Assert.True(await db.TableExistsAsync("healthy_a"));
    }
}
