using System.Management.Automation;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace SharedMigrations.Infrastructure;

/// <summary>
/// Loads the engine (SharedMigrations.Core) and its dependencies (Npgsql, YamlDotNet, …) from the module's
/// Dependencies folder into a private <see cref="AssemblyLoadContext"/>, so another module's Npgsql or YamlDotNet in
/// the same session cannot break it. The Resolving handler answers only for the engine; the engine's own
/// dependencies are then resolved by the private context.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    internal const string EngineAssemblyName = "SharedMigrations.Core";

    private static readonly string DependencyDirectory = Path.Combine(
        Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!,
        "Dependencies");

    private static int _engineLoaded;

    /// <summary>Called by PowerShell when the module is imported.</summary>
    public void OnImport() => AssemblyLoadContext.Default.Resolving += ResolveEngine;

    /// <summary>Called by PowerShell when the module is removed.</summary>
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        AssemblyLoadContext.Default.Resolving -= ResolveEngine;
        if (Volatile.Read(ref _engineLoaded) == 1)
        {
            try
            {
                CloseConnections();
            }
            catch (Exception ex)
            {
                // Remove-Module must not fail on a connection that cannot be closed cleanly; the server closes it anyway.
                System.Diagnostics.Trace.TraceWarning(
                    $"SharedMigrations: closing pooled connections on Remove-Module failed: {ex.Message}");
            }
        }
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name)
    {
        if (!string.Equals(name.Name, EngineAssemblyName, StringComparison.Ordinal))
        {
            return null;
        }

        var assembly = DependencyLoadContext.Instance(DependencyDirectory).LoadFromAssemblyName(name);
        Volatile.Write(ref _engineLoaded, 1);
        return assembly;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CloseConnections() => SharedMigrations.Core.Database.DataSources.Clear();
}
