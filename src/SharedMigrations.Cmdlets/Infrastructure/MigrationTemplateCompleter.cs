using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using SharedMigrations.Core;
using SharedMigrations.Core.Errors;

namespace SharedMigrations.Infrastructure;

/// <summary>Completes -Template with the built-in templates and the service's and team's own.</summary>
public sealed class MigrationTemplateCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName,
        string parameterName,
        string wordToComplete,
        CommandAst commandAst,
        IDictionary fakeBoundParameters)
    {
        var names = new Dictionary<string, MigrationTemplate>(StringComparer.OrdinalIgnoreCase);
        foreach (var folder in CompletionFolders.From(fakeBoundParameters))
        {
            try
            {
                var service = ServiceDiscovery.Open(folder);
                foreach (var template in MigrationFileWriter.ListTemplates(
                    service.MigrationsPath,
                    MigrationFileWriter.TeamTemplatesFolder(service)))
                {
                    names.TryAdd(template.Name, template);
                }
            }
            catch (MigrationException)
            {
            }
            catch (IOException)
            {
            }
        }

        if (names.Count == 0)
        {
            foreach (var template in MigrationFileWriter.ListTemplates(
                Path.Combine(Path.GetTempPath(), "sharedmigrations-no-such-folder"),
                null))
            {
                names.TryAdd(template.Name, template);
            }
        }

        return names.Values
            .Where(t => t.Name.StartsWith(wordToComplete ?? string.Empty, StringComparison.OrdinalIgnoreCase))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => new CompletionResult(
                t.Name,
                t.Name,
                CompletionResultType.ParameterValue,
                $"{t.Source} template{(t.Path is null ? string.Empty : ": " + t.Path)}"))
            .ToArray();
    }
}
