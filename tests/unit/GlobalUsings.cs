// The engine's namespaces follow its folders; every test may use any of them.
global using SharedMigrations.Core;
global using SharedMigrations.Core.Ci;
global using SharedMigrations.Core.Configuration;
global using SharedMigrations.Core.Database;
global using SharedMigrations.Core.Errors;
global using SharedMigrations.Core.Fleet;
global using SharedMigrations.Core.Linting;
global using SharedMigrations.Core.Loading;
global using SharedMigrations.Core.Model;
global using SharedMigrations.Core.Parsing;
global using SharedMigrations.Core.Planning;
global using SharedMigrations.Core.Schema;
global using SharedMigrations.Core.Diagnostics;
