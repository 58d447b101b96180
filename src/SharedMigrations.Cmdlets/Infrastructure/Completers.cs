using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using SharedMigrations.Core;

namespace SharedMigrations.Infrastructure;

/// <summary>Completes -Target with the versions of the service's migration files.</summary>
public sealed class MigrationVersionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
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
                        results.Add(new CompletionResult(text, $"{text} {migration.Name}", CompletionResultType.ParameterValue, $"{service.Name}: {migration.FileName}"));
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

        if (commandName.EndsWith("Undo-Migration", StringComparison.OrdinalIgnoreCase) && "0".StartsWith(wordToComplete ?? string.Empty, StringComparison.Ordinal))
        {
            results.Insert(0, new CompletionResult("0", "0 (roll back all)", CompletionResultType.ParameterValue, "Roll back every applied migration"));
        }

        return results.DistinctBy(r => r.CompletionText).OrderByDescending(r => r.CompletionText.Length).ThenByDescending(r => r.CompletionText, StringComparer.Ordinal).ToArray();
    }
}

/// <summary>Completes -Template with the built-in templates and the service's and team's own.</summary>
public sealed class MigrationTemplateCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var names = new Dictionary<string, MigrationTemplate>(StringComparer.OrdinalIgnoreCase);
        foreach (var folder in CompletionFolders.From(fakeBoundParameters))
        {
            try
            {
                var service = ServiceDiscovery.Open(folder);
                foreach (var template in MigrationFileWriter.ListTemplates(service.MigrationsPath, MigrationFileWriter.TeamTemplatesFolder(service)))
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
            foreach (var template in MigrationFileWriter.ListTemplates(Path.Combine(Path.GetTempPath(), "sharedmigrations-no-such-folder"), null))
            {
                names.TryAdd(template.Name, template);
            }
        }

        return names.Values
            .Where(t => t.Name.StartsWith(wordToComplete ?? string.Empty, StringComparison.OrdinalIgnoreCase))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => new CompletionResult(t.Name, t.Name, CompletionResultType.ParameterValue, $"{t.Source} template{(t.Path is null ? string.Empty : ": " + t.Path)}"))
            .ToArray();
    }
}

/// <summary>The service folders a command line being completed points at.</summary>
internal static class CompletionFolders
{
    public static IEnumerable<string> From(IDictionary fakeBoundParameters)
    {
        var raw = fakeBoundParameters["Path"] ?? fakeBoundParameters["LiteralPath"];
        var paths = raw switch
        {
            null => [Environment.CurrentDirectory],
            string s => [s],
            IEnumerable e => e.Cast<object>().Select(o => o?.ToString() ?? string.Empty).ToArray(),
            _ => [raw.ToString() ?? string.Empty],
        };
        using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        var location = ps.AddCommand("Get-Location").Invoke().FirstOrDefault()?.BaseObject as PathInfo;
        var baseDirectory = location?.ProviderPath ?? Environment.CurrentDirectory;
        foreach (var path in paths.Where(p => p.Length > 0))
        {
            var full = Path.GetFullPath(path, baseDirectory);
            if (Directory.Exists(full))
            {
                foreach (var folder in ServiceDiscovery.FindServiceFolders(full))
                {
                    yield return folder;
                }
            }
        }
    }
}
