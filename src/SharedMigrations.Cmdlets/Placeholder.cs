namespace SharedMigrations;
internal static class AssemblyMarker { }
