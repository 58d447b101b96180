using System.Management.Automation;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace SharedMigrations.Infrastructure;

/// <summary>The private load context of the engine and its dependencies.</summary>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    private static readonly object Gate = new();
    private static DependencyLoadContext? _instance;
    private static readonly Lazy<IReadOnlyDictionary<string, string>> PlatformAssemblies = new(ReadPlatformAssemblies);

    private readonly string _directory;

    private DependencyLoadContext(string directory)
        : base("SharedMigrations")
    {
        _directory = directory;
    }

    public static DependencyLoadContext Instance(string directory)
    {
        lock (Gate)
        {
            return _instance ??= new DependencyLoadContext(directory);
        }
    }

    // Loads run on whichever thread first needs an assembly, pool threads included, several at once: one at a time here,
    // so that two first uses of the same assembly cannot race to load it twice.
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        lock (Gate)
        {
            return LoadOnce(assemblyName);
        }
    }

    private Assembly? LoadOnce(AssemblyName assemblyName)
    {
        foreach (var loaded in Assemblies)
        {
            if (string.Equals(loaded.GetName().Name, assemblyName.Name, StringComparison.OrdinalIgnoreCase))
            {
                return loaded;
            }
        }

        var candidate = Path.Combine(_directory, assemblyName.Name + ".dll");
        if (!File.Exists(candidate))
        {
            return null; // the framework and PowerShell's own assemblies come from the default context
        }

        // A framework assembly that the running .NET already has in the same or a newer version is shared, not duplicated.
        if (PlatformAssemblies.Value.TryGetValue(assemblyName.Name!, out var platformPath))
        {
            var platformVersion = AssemblyName.GetAssemblyName(platformPath).Version;
            if (platformVersion is not null && (assemblyName.Version is null || platformVersion >= assemblyName.Version))
            {
                return null;
            }
        }

        return LoadFromAssemblyPath(candidate);
    }

    private static IReadOnlyDictionary<string, string> ReadPlatformAssemblies()
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
        {
            foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                result[Path.GetFileNameWithoutExtension(path)] = path;
            }
        }

        return result;
    }
}
