using System.Globalization;
using System.Text;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace SharedMigrations.Core.Configuration;

/// <summary>Reads config.yaml: known keys with their types and defaults, <c>${VAR}</c> expansion, warnings for unknown keys.</summary>
internal static class ConfigurationLoader
{
    /// <summary>A config larger than this is refused.</summary>
    public const int MaxConfigBytes = 1024 * 1024;

    /// <summary>
    /// How deep mappings and lists may nest. The real config nests 2 levels; the limit keeps a hostile file from exhausting the stack.
    /// </summary>
    public const int MaxNestingDepth = 32;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly string[] ServiceKeys = ["name", "depends_on"];
    private static readonly string[] DatabaseKeys = [
        "host",
        "port",
        "username",
        "password",
        "database",
        "sslmode",
        "connection_string",
        "connect_timeout",
        "connect_retries"];
    private static readonly string[] MigrationKeys =
    [
        "table_name", "checksum_validation", "rollback_safety", "out_of_order", "lock_wait", "lock_timeout", "statement_timeout",
        "versioning", "directory", "templates", "error_detail", "postgres_version", "schemas", "schema_file", "on_drift",
    ];

    private static readonly string[] TopKeys = ["service", "database", "migration", "lint"];
    private static readonly string[] LintKeys = ["disable", "severity"];

    /// <summary>Reads a config file; <paramref name="getVariable"/> defaults to the process environment.</summary>
    public static ServiceConfiguration Load(string path, Func<string, string?>? getVariable = null)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new ConfigurationException($"The config file '{path}' does not exist.", path);
            }

            if (info.Length > MaxConfigBytes)
            {
                throw new ConfigurationException(
                    $"{path}: the config file is {info.Length} bytes; config files are limited to {MaxConfigBytes} bytes.",
                    path);
            }

            text = Decode(File.ReadAllBytes(path), path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{path}: cannot be read: {ex.Message}", path, innerException: ex);
        }

        return Parse(text, path, getVariable);
    }

    /// <summary>Reads config text; <paramref name="path"/> names it in messages.</summary>
    public static ServiceConfiguration Parse(string text, string path, Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        var reader = new Reader(path, getVariable);
        var nul = text.IndexOf('\0');
        if (nul >= 0)
        {
            var nulLine = 1 + text.AsSpan(0, nul).Count('\n');
            throw new ConfigurationException(
                $"{path} line {nulLine}: contains a NUL character; this is not a text file.",
                path,
                line: nulLine);
        }

        YamlMappingNode? root;
        try
        {
            CheckNesting(text, path);
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count > 1)
            {
                throw new ConfigurationException($"{path}: holds {stream.Documents.Count} YAML documents; a config file holds one.", path);
            }

            var rootNode = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
            root = rootNode switch
            {
                null => null,
                YamlMappingNode mapping => mapping,
                YamlScalarNode { Value: null or "" } => null,
                _ =>
                    throw reader.Error(
                        string.Empty,
                        rootNode,
                        "the top level must be a mapping with service:, database: and migration: sections"),
            };
        }
        catch (YamlException ex)
        {
            var line = ex.Start.Line > 0 ? (int?)ex.Start.Line : null;
            var message = ex.InnerException is { } inner && ex.Message.StartsWith(
                "(Line",
                StringComparison.Ordinal) ? inner.Message : ex.Message;
            throw new ConfigurationException(
                $"{path}{(line is null ? string.Empty : $" line {line}")}: not valid YAML: {message}",
                path,
                line: line,
                innerException: ex);
        }

        if (root is null)
        {
            return new ServiceConfiguration { SourcePath = path };
        }

        var sections = reader.Sections(root, string.Empty, TopKeys);
        var service = sections.GetValueOrDefault("service");
        var database = sections.GetValueOrDefault("database");
        var migration = sections.GetValueOrDefault("migration");

        var serviceValues = service is null ? new Dictionary<string, YamlNode>() : reader.Sections(service, "service", ServiceKeys);
        var databaseValues = database is null ? new Dictionary<string, YamlNode>() : reader.Sections(database, "database", DatabaseKeys);
        var migrationValues = migration is null ? new Dictionary<string, YamlNode>() : reader.Sections(
            migration,
            "migration",
            MigrationKeys);

        var unresolved = new Dictionary<string, string>();
        string? DbString(string key)
        {
            if (!databaseValues.TryGetValue(key, out var node))
            {
                return null;
            }

            var value = reader.String(node, "database." + key, out var missing);
            if (missing is not null)
            {
                unresolved["database." + key] = missing;
                return null;
            }

            return value;
        }

        string? MigString(string key) =>
            migrationValues.TryGetValue(key, out var node) ? reader.StringRequired(node, "migration." + key) : null;

        var databaseSettings = new DatabaseSettings
        {
            Host = DbString("host"),
            Port = reader.OptionalInt(DbString("port"), "database.port", databaseValues.GetValueOrDefault("port"), 1, 65535),
            Username = DbString("username"),
            Password = DbString("password"),
            Database = DbString("database"),
            SslMode = DbString("sslmode"),
            ConnectionString = DbString("connection_string"),
            ConnectTimeout = reader.OptionalDuration(
                DbString("connect_timeout"),
                "database.connect_timeout",
                databaseValues.GetValueOrDefault("connect_timeout"),
                Database.ConnectionResolver.MaxConnectTimeoutSeconds),
            ConnectRetries = reader.OptionalInt(
                DbString("connect_retries"),
                "database.connect_retries",
                databaseValues.GetValueOrDefault("connect_retries"),
                0,
                100),
            UnresolvedVariables = unresolved,
        };

        var defaults = new MigrationSettings();
        HistoryTableName table = defaults.TableName;
        if (MigString("table_name") is { } tableText)
        {
            if (!HistoryTableName.TryParse(tableText, out var parsed, out var error))
            {
                throw reader.Error("migration.table_name", migrationValues["table_name"], error!);
            }

            table = parsed!;
        }

        var versioning = defaults.Versioning;
        if (MigString("versioning") is { } versioningText)
        {
            versioning = versioningText.ToLowerInvariant() switch
            {
                "sequential" => VersioningScheme.Sequential,
                "timestamp" => VersioningScheme.Timestamp,
                _ =>
                    throw reader.Error(
                        "migration.versioning",
                        migrationValues["versioning"],
                        $"'{versioningText}' is not 'sequential' or 'timestamp'"),
            };
        }

        var migrationSettings = new MigrationSettings
        {
            TableName = table,
            ChecksumValidation = reader.OptionalBool(
                MigString("checksum_validation"),
                "migration.checksum_validation",
                migrationValues.GetValueOrDefault("checksum_validation")) ?? defaults.ChecksumValidation,
            RollbackSafety = reader.OptionalBool(
                MigString("rollback_safety"),
                "migration.rollback_safety",
                migrationValues.GetValueOrDefault("rollback_safety")) ?? defaults.RollbackSafety,
            OutOfOrder = reader.OptionalBool(
                MigString("out_of_order"),
                "migration.out_of_order",
                migrationValues.GetValueOrDefault("out_of_order")) ?? defaults.OutOfOrder,
            LockWait = reader.OptionalDuration(
                MigString("lock_wait"),
                "migration.lock_wait",
                migrationValues.GetValueOrDefault("lock_wait")) ?? defaults.LockWait,
            LockTimeout = reader.OptionalDuration(
                MigString("lock_timeout"),
                "migration.lock_timeout",
                migrationValues.GetValueOrDefault("lock_timeout")) ?? defaults.LockTimeout,
            StatementTimeout = reader.OptionalDuration(
                MigString("statement_timeout"),
                "migration.statement_timeout",
                migrationValues.GetValueOrDefault("statement_timeout")) ?? defaults.StatementTimeout,
            Versioning = versioning,
            Directory = MigString("directory"),
            Templates = MigString("templates"),
            ErrorDetail = reader.OptionalBool(
                MigString("error_detail"),
                "migration.error_detail",
                migrationValues.GetValueOrDefault("error_detail")) ?? defaults.ErrorDetail,
            PostgresVersion = reader.OptionalInt(
                MigString("postgres_version"),
                "migration.postgres_version",
                migrationValues.GetValueOrDefault("postgres_version"),
                10,
                99) ?? defaults.PostgresVersion,
            Schemas = migrationValues.TryGetValue("schemas", out var schemasNode)
                ? reader.StringList(schemasNode, "migration.schemas")
                : null,
            SchemaFile = MigString("schema_file"),
            OnDrift = MigString("on_drift") is { } onDrift
                ? Schema.DriftActionParser.Parse(onDrift) ?? throw reader.Error(
                    "migration.on_drift",
                    migrationValues["on_drift"],
                    $"'{onDrift}' is not 'warn' or 'refuse'")
                : defaults.OnDrift,
        };
        var lintSettings = ReadLint(reader, sections.GetValueOrDefault("lint"));

        string? serviceName = null;
        if (serviceValues.TryGetValue("name", out var nameNode))
        {
            serviceName = reader.StringRequired(nameNode, "service.name");
            if (!ServiceName.IsValid(serviceName))
            {
                throw reader.Error(
                    "service.name",
                    nameNode,
                    $"'{serviceName}' is not a valid service name (letters, digits, '.', '_' and '-', starting with a letter or digit)");
            }
        }

        var dependsOn = serviceValues.TryGetValue("depends_on", out var dependsNode)
            ? reader.StringList(dependsNode, "service.depends_on")
            : Array.Empty<string>();
        foreach (var dependency in dependsOn)
        {
            if (!ServiceName.IsValid(dependency))
            {
                throw reader.Error("service.depends_on", dependsNode!, $"'{dependency}' is not a valid service name");
            }
        }

        return new ServiceConfiguration
        {
            SourcePath = path,
            ServiceName = serviceName,
            DependsOn = dependsOn,
            Database = databaseSettings,
            Migration = migrationSettings,
            Lint = lintSettings,
            Warnings = reader.Warnings,
        };
    }

    /// <summary>
    /// UTF-8 (a BOM is dropped), or UTF-16/UTF-32 with a BOM, as File.ReadAllText reads it; anything else is an error
    /// rather than text with replacement characters (a mangled password would fail later, far from its cause).
    /// </summary>
    private static string Decode(byte[] bytes, string path)
    {
        var hasUnicodeBom = bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF));
        if (hasUnicodeBom || (bytes.Length >= 4 && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0xFE && bytes[3] == 0xFF))
        {
            using var reader = new StreamReader(new MemoryStream(bytes), detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }

        var start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        try
        {
            return StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException ex)
        {
            var at = Math.Clamp(ex.Index + start, 0, bytes.Length);
            var line = 1 + bytes.AsSpan(0, at).Count((byte)'\n');
            throw new ConfigurationException($"{path} line {line}: is not valid UTF-8 (byte {at}); save it as UTF-8.", path, line: line);
        }
    }

    /// <summary>
    /// Walks the YAML events (iteratively) and refuses mappings and lists nested deeper than <see cref="MaxNestingDepth"/>
    /// before the document model is built, which recurses once per level.
    /// </summary>
    private static void CheckNesting(string text, string path)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case SequenceStart or MappingStart:
                    if (++depth > MaxNestingDepth)
                    {
                        var line = parser.Current.Start.Line > 0 ? (int?)parser.Current.Start.Line : null;
                        throw new ConfigurationException(
                            $"{path}{(line is null ? string.Empty : $" line {line}")}: mappings and lists nest more " +
                                $"than {MaxNestingDepth} levels deep; a config file has service:, database: and migration: sections of " +
                                    $"plain values.",
                            path,
                            line: line);
                    }

                    break;
                case SequenceEnd or MappingEnd:
                    depth--;
                    break;
            }
        }
    }

    /// <summary>
    /// The lint: section: disable: [RuleId, ...] and severity: {RuleId: Error|Warning|Information}. Rule ids are checked by Test-Migration.
    /// </summary>
    private static LintSettings ReadLint(Reader reader, YamlNode? lint)
    {
        if (lint is null)
        {
            return LintSettings.Empty;
        }

        static int? Line(YamlNode node) => node.Start.Line > 0 ? (int?)node.Start.Line : null;
        var values = reader.Sections(lint, "lint", LintKeys);
        var disable = new List<LintRuleSetting>();
        if (values.TryGetValue("disable", out var disableNode))
        {
            IEnumerable<YamlNode> items = disableNode is YamlSequenceNode sequence ? sequence.Children : [disableNode];
            foreach (var item in items)
            {
                if (item is not YamlScalarNode)
                {
                    throw reader.Error("lint.disable", item, "each entry of 'lint.disable' must be a rule id");
                }

                foreach (var rule in (reader.StringRequired(
                    item,
                    "lint.disable") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    disable.Add(new LintRuleSetting(rule, null, Line(item)));
                }
            }
        }

        var severity = new List<LintRuleSetting>();
        if (values.TryGetValue("severity", out var severityNode))
        {
            if (severityNode is not YamlMappingNode mapping)
            {
                throw reader.Error("lint.severity", severityNode, "'lint.severity' must map rule ids to Error, Warning or Information");
            }

            foreach (var (keyNode, valueNode) in mapping.Children)
            {
                var rule = ((YamlScalarNode)keyNode).Value ?? string.Empty;
                var text = reader.StringRequired(valueNode, "lint.severity." + rule);
                if (!Enum.TryParse<DiagnosticSeverity>(
                    text,
                    ignoreCase: true,
                    out var level) || !Enum.IsDefined(level) || int.TryParse(text, out _))
                {
                    throw reader.Error("lint.severity." + rule, valueNode, $"'{text}' is not Error, Warning or Information");
                }

                severity.Add(new LintRuleSetting(rule, level, Line(keyNode)));
            }
        }

        return new LintSettings { Disable = disable, Severity = severity };
    }

    private sealed class Reader(string path, Func<string, string?> getVariable)
    {
        public List<ConfigurationWarning> Warnings { get; } = new();

        public Dictionary<string, YamlNode> Sections(YamlNode node, string prefix, string[] known)
        {
            if (node is YamlScalarNode { Value: null or "" or "~" })
            {
                return new Dictionary<string, YamlNode>();
            }

            if (node is not YamlMappingNode mapping)
            {
                throw Error(prefix, node, $"'{prefix}' must be a mapping of keys to values");
            }

            var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (keyNode, valueNode) in mapping.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
                var fullKey = prefix.Length == 0 ? key : prefix + "." + key;
                if (Array.IndexOf(known, key) < 0)
                {
                    var suggestion = Suggest(key, known);
                    var line = keyNode.Start.Line > 0 ? (int?)keyNode.Start.Line : null;
                    Warnings.Add(new ConfigurationWarning(
                        path,
                        fullKey,
                        line,
                        $"unknown key '{fullKey}' is ignored" + (suggestion is null ? string.Empty : $"; did you mean " +
                            $"'{(prefix.Length == 0 ? suggestion : prefix + "." + suggestion)}'?")));
                    continue;
                }

                result[key] = valueNode;
            }

            return result;
        }

        public string? String(YamlNode node, string key, out string? missingVariable)
        {
            missingVariable = null;
            if (node is not YamlScalarNode scalar)
            {
                throw Error(key, node, $"'{key}' must be a single value, not a list or mapping");
            }

            if (scalar.Value is null || (scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is "~" or "null" or ""))
            {
                return null;
            }

            var missing = new List<string>();
            string expanded;
            try
            {
                expanded = VariableExpander.Expand(scalar.Value, getVariable, missing);
            }
            catch (FormatException ex)
            {
                throw Error(key, node, ex.Message);
            }

            if (missing.Count > 0)
            {
                missingVariable = missing[0];
                return null;
            }

            return expanded;
        }

        public string? StringRequired(YamlNode node, string key)
        {
            var value = String(node, key, out var missing);
            if (missing is not null)
            {
                throw Error(key, node, $"'{key}' uses ${{{missing}}}, which is not set; set it or give a default: ${{{missing}:-value}}");
            }

            return value;
        }

        public IReadOnlyList<string> StringList(YamlNode node, string key)
        {
            switch (node)
            {
                case YamlScalarNode scalar:
                    var single = StringRequired(scalar, key);
                    return string.IsNullOrWhiteSpace(single)
                        ? Array.Empty<string>()
                        : single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                case YamlSequenceNode sequence:
                    if (sequence.Children.Count > 1000)
                    {
                        throw Error(key, node, $"'{key}' has {sequence.Children.Count} entries; that is not a list of services");
                    }

                    var list = new List<string>();
                    foreach (var child in sequence.Children)
                    {
                        if (child is not YamlScalarNode)
                        {
                            throw Error(key, child, $"each entry of '{key}' must be a service name");
                        }

                        if (StringRequired(child, key) is { Length: > 0 } item)
                        {
                            list.Add(item.Trim());
                        }
                    }

                    return list;
                default:
                    throw Error(key, node, $"'{key}' must be a list of service names");
            }
        }

        public int? OptionalInt(string? text, string key, YamlNode? node, int min, int max)
        {
            if (text is null)
            {
                return null;
            }

            if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                throw Error(key, node, $"'{text}' is not a whole number from {min} to {max}");
            }

            return value;
        }

        public bool? OptionalBool(string? text, string key, YamlNode? node)
        {
            if (text is null)
            {
                return null;
            }

            return text.Trim().ToLowerInvariant() switch
            {
                "true" or "yes" or "on" => true,
                "false" or "no" or "off" => false,
                _ => throw Error(key, node, $"'{text}' is not true or false"),
            };
        }

        public TimeSpan? OptionalDuration(string? text, string key, YamlNode? node, int? maxSeconds = null)
        {
            if (text is null)
            {
                return null;
            }

            if (!Duration.TryParse(text, out var value))
            {
                throw Error(key, node, $"'{text}' is not a duration; write for example 500ms, 60s, 5m or 1h (0 for none)");
            }

            if (maxSeconds is { } max && value > TimeSpan.FromSeconds(max))
            {
                throw Error(key, node, $"'{text}' is longer than the {max}s that a connection attempt may take");
            }

            return value;
        }

        public ConfigurationException Error(string key, YamlNode? node, string message)
        {
            var line = node is not null && node.Start.Line > 0 ? (int?)node.Start.Line : null;
            var where = line is null ? path : $"{path} line {line}";
            var prefix = key.Length == 0 ? string.Empty : key + ": ";
            return new ConfigurationException($"{where}: {prefix}{message}", path, key.Length == 0 ? null : key, line);
        }

        private static string? Suggest(string key, string[] known)
        {
            string? best = null;
            var bestDistance = int.MaxValue;
            foreach (var candidate in known)
            {
                var distance = Levenshtein(key.ToLowerInvariant(), candidate);
                if (distance < bestDistance)
                {
                    bestDistance = distance;
                    best = candidate;
                }
            }

            return bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
        }

        private static int Levenshtein(string a, string b)
        {
            if (a.Length > 64 || b.Length > 64)
            {
                return int.MaxValue;
            }

            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++)
            {
                previous[j] = j;
            }

            for (var i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                }

                (previous, current) = (current, previous);
            }

            return previous[b.Length];
        }
    }
}
