using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using SharedMigrations.Core;

namespace SharedMigrations.Infrastructure;

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
