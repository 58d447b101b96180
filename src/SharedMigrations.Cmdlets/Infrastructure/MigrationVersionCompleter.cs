using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using SharedMigrations.Core;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Loading;

namespace SharedMigrations.Infrastructure;

/// <summary>Completes -Target with the versions of the service's migration files.</summary>
public sealed class MigrationVersionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName,
        string parameterName,
        string wordToComplete,
        CommandAst commandAst,
        IDictionary fakeBoundParameters)
    {
        var results = new List<CompletionResult>();
        foreach (var folder in CompletionFolders.From(fakeBoundParameters))
        {
            try
            {
                var service = ServiceDiscovery.Open(folder);
                foreach (var migration in new MigrationLoader(service.MigrationsPath).Analyze().Migrations)
                {
                    var text = migration.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (text.StartsWith(wordToComplete ?? string.Empty, StringComparison.Ordinal))
                    {
                        results.Add(new CompletionResult(
                            text,
                            $"{text} {migration.Name}",
                            CompletionResultType.ParameterValue,
                            $"{service.Name}: {migration.FileName}"));
                    }
                }
            }
            catch (MigrationException)
            {
            }
            catch (IOException)
            {
            }
        }

        if (commandName.EndsWith(
            "Undo-Migration",
            StringComparison.OrdinalIgnoreCase) && "0".StartsWith(wordToComplete ?? string.Empty, StringComparison.Ordinal))
        {
            results.Insert(
                0,
                new CompletionResult("0", "0 (roll back all)", CompletionResultType.ParameterValue, "Roll back every applied migration"));
        }

        return results.DistinctBy(r => r.CompletionText).OrderByDescending(r => r.CompletionText.Length).ThenByDescending(
            r => r.CompletionText,
            StringComparer.Ordinal).ToArray();
    }
}
