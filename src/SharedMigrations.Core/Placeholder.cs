namespace SharedMigrations.Core;
internal static class AssemblyMarker { }
