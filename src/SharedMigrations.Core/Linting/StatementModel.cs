using SharedMigrations.Core.Model;
using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Linting;

/// <summary>
/// What one statement does to a live database, read from its leading keywords (never from strings, comments or
/// dollar-quoted bodies): the tables it touches with the lock mode it takes on each, whether it rewrites or scans them
/// under that lock, and the hazards that follow, by the rules of PostgreSQL's "Explicit Locking" chapter and of each
/// ALTER TABLE form, for the PostgreSQL version in use.
/// </summary>
internal sealed class StatementModel
{
    private static readonly HashSet<string> SerialTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "serial", "serial2", "serial4", "serial8", "smallserial", "bigserial",
    };

    /// <summary>Functions whose value changes per row: a DEFAULT calling one is computed for every existing row.</summary>
    private static readonly HashSet<string> VolatileFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "uuidv4", "uuidv7",
        "clock_timestamp", "timeofday", "nextval", "random_normal", "gen_random_bytes", "txid_current", "pg_current_xact_id",
    };

    private readonly string _section;
    private readonly LintSettingsView _settings;

    private StatementModel(string section, LintSettingsView settings)
    {
        _section = section;
        _settings = settings;
    }

    /// <summary>The tables the statement touches, each with the strongest lock it takes on it.</summary>
    public List<TableLock> Locks { get; } = [];

    /// <summary>The hazards, before context (new tables) and policy (suppressions, config) are applied.</summary>
    public List<Hazard> Hazards { get; } = [];

    /// <summary>Indexes the statement creates (CREATE INDEX name).</summary>
    public List<SqlName> CreatedIndexes { get; } = [];

    /// <summary>Constraints added NOT VALID: (table, constraint).</summary>
    public List<(SqlName Table, SqlName Constraint)> NotValidConstraints { get; } = [];

    /// <summary>Constraints validated: (table, constraint).</summary>
    public List<(SqlName Table, SqlName Constraint)> ValidatedConstraints { get; } = [];

    /// <summary>Reads one statement.</summary>
    /// <param name="tokens">The statement's tokens (<see cref="SqlTokenList.Read"/>), shared with <see cref="StatementFacts"/>.</param>
    /// <param name="section">"UP" or "DOWN", for messages.</param>
    /// <param name="settings">PostgreSQL version, transaction mode and the history tables.</param>
    public static StatementModel Of(LintToken[] tokens, string section, LintSettingsView settings)
    {
        var model = new StatementModel(section, settings);
        if (tokens.Length > 0)
        {
            model.Read(new TokenCursor(tokens), tokens);
        }

        return model;
    }

    private int Version => _settings.PostgresVersion;

    private void Read(TokenCursor t, LintToken[] tokens)
    {
        if (t.Word("CREATE"))
        {
            t.Word("OR");
            t.Word("REPLACE");
            if (t.Word("UNIQUE") || t.Is("INDEX"))
            {
                if (t.Word("INDEX"))
                {
                    ReadCreateIndex(t);
                }
            }
            else if (t.Word("DOMAIN"))
            {
                ReadCreateDomain(t, tokens);
            }
            else if (t.Word("TRIGGER") || (t.Word("CONSTRAINT") && t.Word("TRIGGER")))
            {
                if (FindTopLevelWord(tokens, "ON") is { } on && ReadNameAt(tokens, on + 1) is { } table)
                {
                    Lock(table, LockMode.ShareRowExclusive);
                }
            }
            else
            {
                ReadCreateOther(tokens);
            }
        }
        else if (t.Word("DROP"))
        {
            ReadDrop(t);
        }
        else if (t.Word("ALTER"))
        {
            if (t.Word("TABLE"))
            {
                ReadAlterTable(t);
            }
            else if (t.Word("DOMAIN"))
            {
                ReadAlterDomain(t, tokens);
            }
        }
        else if (t.Word("TRUNCATE"))
        {
            ReadTruncate(t, tokens);
        }
        else if (t.Word("REINDEX"))
        {
            ReadReindex(t);
        }
        else if (t.Word("VACUUM"))
        {
            ReadVacuum(t);
        }
        else if (t.Word("CLUSTER"))
        {
            t.Word("VERBOSE");
            if (t.ReadName() is { } table)
            {
                Rewrite(table, "CLUSTER", "rewrites");
            }
        }
        else if (t.Word("REFRESH") && t.Word("MATERIALIZED") && t.Word("VIEW"))
        {
            var concurrently = t.Word("CONCURRENTLY");
            if (t.ReadName() is { } view)
            {
                if (concurrently)
                {
                    Lock(view, LockMode.Exclusive, scans: true);
                }
                else
                {
                    Lock(view, LockMode.AccessExclusive, rewrites: true);
                    Add(TableHazard(LintRules.TableRewrite, view, LockMode.AccessExclusive,
                        $"{_section} refreshes materialized view {view} without CONCURRENTLY: every read of {view} waits until the query " +
                            $"behind it has run again",
                        $"REFRESH MATERIALIZED VIEW CONCURRENTLY {view} (it needs a unique index on the view) in a '-- Transaction: " +
                            $"none' migration, or refresh it outside migrations"));
                }
            }
        }
        else if (t.Word("INSERT") && t.Word("INTO"))
        {
            if (t.ReadName() is { } table)
            {
                Lock(table, LockMode.RowExclusive);
            }
        }
        else if (t.Word("UPDATE"))
        {
            t.Word("ONLY");
            if (t.ReadName() is { } table)
            {
                Lock(table, LockMode.RowExclusive);
            }
        }
        else if (t.Word("DELETE") && t.Word("FROM"))
        {
            t.Word("ONLY");
            if (t.ReadName() is { } table)
            {
                Lock(table, LockMode.RowExclusive);
            }
        }
        else if (t.Word("LOCK"))
        {
            ReadLock(t, tokens);
        }
    }

    private void ReadCreateIndex(TokenCursor t)
    {
        // CREATE [UNIQUE] INDEX [CONCURRENTLY] [[IF NOT EXISTS] name] ON [ONLY] table ...
        var concurrently = t.Word("CONCURRENTLY");
        var ifNotExists = false;
        SqlName? name = null;
        if (t.Is("IF") && t.IsAt(1, "NOT") && t.IsAt(2, "EXISTS"))
        {
            t.Skip(3);
            ifNotExists = true;
            name = t.ReadName();
        }
        else if (!t.Is("ON"))
        {
            name = t.ReadName();
        }

        if (name is { } created)
        {
            CreatedIndexes.Add(created);
        }

        if (!t.Word("ON"))
        {
            return;
        }

        var only = t.Word("ONLY");
        if (t.ReadName() is not { } table)
        {
            return;
        }

        Lock(table, concurrently ? LockMode.ShareUpdateExclusive : LockMode.Share, scans: !only);
        var what = name is { } n ? $"index {n}" : "an index";
        if (!concurrently && !only)
        {
            Add(TableHazard(LintRules.NonConcurrentIndex, table, LockMode.Share,
                $"{_section} builds {what} on existing table {table} without CONCURRENTLY; this blocks writes to {table} while it " +
                    $"builds. Use CREATE INDEX CONCURRENTLY in a migration with '-- Transaction: none'",
                $"CREATE INDEX CONCURRENTLY IF NOT EXISTS ... ON {table} ..., alone in a migration with '-- Transaction: none'"));
        }
        else if (concurrently && !ifNotExists && _settings.Transaction == TransactionMode.None)
        {
            Add(TableHazard(LintRules.NotIdempotent, table, LockMode.ShareUpdateExclusive,
                $"{_section} builds {what} CONCURRENTLY without IF NOT EXISTS: a build that fails or is cancelled leaves an INVALID " +
                    $"index of that name, and running the migration again then fails",
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS ..., and DROP INDEX CONCURRENTLY IF EXISTS the invalid index " +
                    "before the retry") with
            { OnlyForExistingTable = false });
        }
    }

    private void ReadCreateDomain(TokenCursor t, LintToken[] tokens)
    {
        if (t.ReadName() is not { } domain)
        {
            return;
        }

        if (FindTopLevelWord(tokens, "CHECK") is not null || FindTopLevelWord(tokens, "CONSTRAINT") is not null)
        {
            Add(new Hazard(LintRules.DomainWithConstraint, null, LockMode.None,
                $"{_section} creates domain {domain} with a constraint: every later change of that constraint checks every column of " +
                    $"every table that uses the domain, under lock, and the constraint is hidden from the tables' own definitions",
                $"Use a plain domain (or the base type) and put the CHECK on each table column, added NOT VALID and validated later")
            {
                OnlyForExistingTable = false,
                Severity = DiagnosticSeverity.Information,
            });
        }
    }

    private void ReadAlterDomain(TokenCursor t, LintToken[] tokens)
    {
        if (t.ReadName() is not { } domain || !t.Word("ADD"))
        {
            return;
        }

        if (!HasNotValid(tokens))
        {
            Add(new Hazard(LintRules.DomainWithConstraint, null, LockMode.Share,
                $"{_section} adds a constraint to domain {domain} without NOT VALID: PostgreSQL checks every row of every table with a " +
                    $"column of that domain, blocking their writes meanwhile",
                $"ALTER DOMAIN {domain} ADD CONSTRAINT ... NOT VALID, then ALTER DOMAIN {domain} VALIDATE CONSTRAINT ... in a later " +
                    $"migration")
            {
                OnlyForExistingTable = false,
            });
        }
    }

    private void ReadCreateOther(LintToken[] tokens)
    {
        // CREATE TABLE ... REFERENCES other: a brief SHARE ROW EXCLUSIVE lock on the referenced table.
        for (var i = 0; i < tokens.Length; i++)
        {
            if (tokens[i].IsWord("REFERENCES") && ReadNameAt(tokens, i + 1) is { } referenced)
            {
                Lock(referenced, LockMode.ShareRowExclusive);
            }
        }
    }

    private void ReadDrop(TokenCursor t)
    {
        if (t.Word("DATABASE"))
        {
            t.Word("IF");
            t.Word("EXISTS");
            var name = t.ReadName()?.Display ?? "a database";
            Add(new Hazard(LintRules.DropDatabase, null, LockMode.AccessExclusive,
                $"{_section} drops database {name}: every connection to it fails and all its data is gone; a migration runs inside a " +
                    $"service's own database and must never drop one",
                "Drop databases by hand, with a backup, outside migrations")
            {
                OnlyForExistingTable = false,
            });
            return;
        }

        if (t.Word("INDEX"))
        {
            var concurrently = t.Word("CONCURRENTLY");
            var ifExists = false;
            if (t.Is("IF") && t.IsAt(1, "EXISTS"))
            {
                t.Skip(2);
                ifExists = true;
            }

            while (t.ReadName() is { } index)
            {
                Lock(index, concurrently ? LockMode.ShareUpdateExclusive : LockMode.AccessExclusive);
                if (!concurrently)
                {
                    Add(new Hazard(LintRules.NonConcurrentDropIndex, null, LockMode.AccessExclusive,
                        $"{_section} drops index {index} without CONCURRENTLY: it takes an ACCESS EXCLUSIVE lock on the index's table, " +
                            $"so every read and write of that table waits behind it (and behind any long query already running)",
                        $"DROP INDEX CONCURRENTLY IF EXISTS {index}, alone in a migration with '-- Transaction: none'")
                    {
                        OnlyForExistingTable = false,
                        Index = index,
                    });
                }
                else if (!ifExists && _settings.Transaction == TransactionMode.None)
                {
                    Add(new Hazard(LintRules.NotIdempotent, null, LockMode.ShareUpdateExclusive,
                        $"{_section} drops index {index} CONCURRENTLY without IF EXISTS: after a partial run the index is already gone " +
                            $"and running the migration again fails",
                        $"DROP INDEX CONCURRENTLY IF EXISTS {index}")
                    {
                        OnlyForExistingTable = false,
                    });
                }

                if (!t.Punctuation(','))
                {
                    break;
                }
            }

            return;
        }

        var materialized = t.Word("MATERIALIZED");
        if (!t.Word("TABLE") && !(materialized && t.Word("VIEW")))
        {
            return;
        }

        if (t.Is("IF") && t.IsAt(1, "EXISTS"))
        {
            t.Skip(2);
        }

        while (t.ReadName() is { } table)
        {
            Lock(table, LockMode.AccessExclusive);
            CheckHistoryTable(table, "drops");
            if (!materialized)
            {
                Add(TableHazard(LintRules.DropTable, table, LockMode.AccessExclusive,
                    $"{_section} drops table {table}: the code still running (the previous release during a rolling deploy) fails on " +
                        $"every query that uses it, and its data is gone",
                    $"First release code that no longer uses {table}; drop it in a later migration, after a backup (or rename it aside " +
                        $"and drop it later)"));
            }

            if (!t.Punctuation(','))
            {
                break;
            }
        }
    }

    /// <summary>The tables of TRUNCATE and LOCK: <c>[TABLE] [ONLY] name [*] [, ...]</c>.</summary>
    private static List<SqlName> ReadTableList(TokenCursor t)
    {
        t.Word("TABLE");
        var tables = new List<SqlName>();
        while (true)
        {
            t.Word("ONLY");
            if (t.ReadName() is not { } table)
            {
                break;
            }

            tables.Add(table);
            t.Punctuation('*');
            if (!t.Punctuation(','))
            {
                break;
            }
        }

        return tables;
    }

    private void ReadTruncate(TokenCursor t, LintToken[] tokens)
    {
        var tables = ReadTableList(t);

        var cascade = FindTopLevelWord(tokens, "CASCADE") is not null;
        foreach (var table in tables)
        {
            Lock(table, LockMode.AccessExclusive);
            CheckHistoryTable(table, "truncates");
            if (cascade)
            {
                Add(TableHazard(LintRules.TruncateCascade, table, LockMode.AccessExclusive,
                    $"{_section} truncates {table} with CASCADE: every table with a foreign key to it is emptied too (and the tables " +
                        $"referencing those), whatever their data, under ACCESS EXCLUSIVE locks",
                    $"Name every table to empty in the TRUNCATE, without CASCADE, so a new reference fails the migration instead of " +
                        $"losing its data"));
            }
        }
    }

    private void ReadReindex(TokenCursor t)
    {
        var concurrently = false;
        if (t.Current is { Kind: SqlTokenKind.OpenParen })
        {
            var start = t.Position;
            t.SkipParenthesized();
            concurrently = t.Tokens[start..t.Position].Any(x => x.IsWord("CONCURRENTLY"));
        }

        string? kind = null;
        foreach (var k in new[] { "INDEX", "TABLE", "SCHEMA", "DATABASE", "SYSTEM" })
        {
            if (t.Word(k))
            {
                kind = k;
                break;
            }
        }

        if (kind is null)
        {
            return;
        }

        concurrently |= t.Word("CONCURRENTLY");
        var name = t.ReadName();
        if (concurrently)
        {
            if (kind == "TABLE" && name is { } reindexed)
            {
                Lock(reindexed, LockMode.ShareUpdateExclusive, scans: true);
            }

            return;
        }

        var what = name is { } n ? $"{kind.ToLowerInvariant()} {n}" : kind.ToLowerInvariant();
        var hazard = new Hazard(LintRules.NonConcurrentReindex, kind == "TABLE" ? name : null, LockMode.Share,
            $"{_section} reindexes {what} without CONCURRENTLY: writes to the table wait until every index is rebuilt, and reads that " +
                $"would use the index being rebuilt wait too",
            $"REINDEX {kind} CONCURRENTLY {name?.Display ?? string.Empty}".TrimEnd() + ", alone in a migration with '-- Transaction: none'")
        {
            OnlyForExistingTable = kind == "TABLE",
            Index = kind == "INDEX" ? name : null,
        };
        if (kind == "TABLE" && name is { } table)
        {
            Lock(table, LockMode.Share, scans: true);
        }

        Add(hazard);
    }

    private void ReadVacuum(TokenCursor t)
    {
        var full = false;
        if (t.Current is { Kind: SqlTokenKind.OpenParen })
        {
            var start = t.Position;
            t.SkipParenthesized();
            var options = t.Tokens[start..t.Position];
            for (var i = 0; i < options.Length; i++)
            {
                if (options[i].IsWord("FULL"))
                {
                    full = !(i + 1 < options.Length && (options[i + 1].IsWord("FALSE") || options[i + 1].IsWord("OFF")));
                }
            }
        }
        else
        {
            full = t.Word("FULL");
            t.Word("FREEZE");
            t.Word("VERBOSE");
            t.Word("ANALYZE");
        }

        if (!full)
        {
            return;
        }

        if (t.ReadName() is { } table)
        {
            Rewrite(table, "VACUUM FULL", "rewrites");
        }
        else
        {
            Add(new Hazard(LintRules.TableRewrite, null, LockMode.AccessExclusive,
                $"{_section} runs VACUUM FULL on the whole database: it rewrites every table in turn under an ACCESS EXCLUSIVE lock, " +
                    $"blocking its reads and writes",
                "Use pg_repack (or pg_squeeze) outside migrations, or plain VACUUM")
            {
                OnlyForExistingTable = false,
            });
        }
    }

    private void Rewrite(SqlName table, string what, string verb)
    {
        Lock(table, LockMode.AccessExclusive, rewrites: true);
        Add(TableHazard(LintRules.TableRewrite, table, LockMode.AccessExclusive,
            $"{_section} {verb} {table} with {what}: it copies the whole table under an ACCESS EXCLUSIVE lock, so every read and write " +
                $"of {table} waits until it ends",
            "Use pg_repack (or pg_squeeze) outside migrations; they rebuild the table with only brief locks"));
    }

    private void ReadLock(TokenCursor t, LintToken[] tokens)
    {
        var tables = ReadTableList(t);

        var mode = LockMode.AccessExclusive;
        if (FindTopLevelWord(tokens, "IN") is { } @in)
        {
            var words = string.Join(
                ' ',
                tokens.Skip(@in + 1).TakeWhile(x => !x.IsWord("MODE") && !x.IsWord("NOWAIT")).Select(x => x.Text.ToUpperInvariant()));
            mode = words switch
            {
                "ACCESS SHARE" => LockMode.AccessShare,
                "ROW SHARE" => LockMode.RowShare,
                "ROW EXCLUSIVE" => LockMode.RowExclusive,
                "SHARE UPDATE EXCLUSIVE" => LockMode.ShareUpdateExclusive,
                "SHARE" => LockMode.Share,
                "SHARE ROW EXCLUSIVE" => LockMode.ShareRowExclusive,
                "EXCLUSIVE" => LockMode.Exclusive,
                _ => LockMode.AccessExclusive,
            };
        }

        foreach (var table in tables)
        {
            Lock(table, mode);
        }
    }

    private void ReadAlterTable(TokenCursor t)
    {
        if (t.Is("ALL") && t.IsAt(1, "IN"))
        {
            return;
        }

        if (t.Is("IF") && t.IsAt(1, "EXISTS"))
        {
            t.Skip(2);
        }

        t.Word("ONLY");
        if (t.ReadName() is not { } table)
        {
            return;
        }

        t.Punctuation('*');
        CheckHistoryTable(table, "alters");
        var modes = new List<LockMode>();
        while (!t.AtEnd)
        {
            var action = t.ReadUntilTopLevelComma();
            modes.Add(ReadAlterTableAction(table, action));
        }

        if (modes.Count > 0)
        {
            Lock(table, modes.Max());
        }
    }

    /// <summary>One ALTER TABLE action; returns the lock it takes on the table.</summary>
    private LockMode ReadAlterTableAction(SqlName table, LintToken[] action)
    {
        var a = new TokenCursor(action);
        if (a.Word("ADD"))
        {
            return ReadAdd(table, a, action);
        }

        if (a.Word("DROP"))
        {
            if (a.Word("CONSTRAINT"))
            {
                return LockMode.AccessExclusive;
            }

            a.Word("COLUMN");
            if (a.Is("IF") && a.IsAt(1, "EXISTS"))
            {
                a.Skip(2);
            }

            if (a.ReadSimpleName() is { } column)
            {
                Add(TableHazard(LintRules.DropColumn, table, LockMode.AccessExclusive,
                    $"{_section} drops column {column} of {table}: the code still running (the previous release during a rolling deploy) " +
                        $"fails on every query that names it, and its data is gone",
                    $"First release code that no longer reads or writes {table}.{column}; drop the column in a later migration") with
                { Column = column });
            }

            return LockMode.AccessExclusive;
        }

        if (a.Word("ALTER"))
        {
            if (a.Word("CONSTRAINT"))
            {
                return LockMode.AccessExclusive;
            }

            a.Word("COLUMN");
            if (a.ReadSimpleName() is not { } column)
            {
                return LockMode.AccessExclusive;
            }

            if (a.Word("TYPE") || (a.Is("SET") && a.IsAt(1, "DATA") && a.IsAt(2, "TYPE")))
            {
                if (a.Is("SET"))
                {
                    a.Skip(3);
                }

                var type = string.Join(
                    ' ',
                    action[a.Position..].TakeWhile(x => !x.IsWord("USING") && !x.IsWord("COLLATE")).Select(x => x.Text));
                LockOnly(table, rewrites: true);
                Add(TableHazard(LintRules.ColumnTypeChange, table, LockMode.AccessExclusive,
                    $"{_section} changes the type of {table}.{column} to {type}: unless the change is binary-coercible (varchar(n) to a " +
                        $"longer varchar or to text), PostgreSQL rewrites {table} and rebuilds its indexes under an ACCESS EXCLUSIVE " +
                            $"lock, blocking every read and write until it ends",
                    $"Add a new column of the new type, fill it in batches (and keep it in step with a trigger), switch the code over, " +
                        $"then drop the old column in a later migration"));
                return LockMode.AccessExclusive;
            }

            if (a.Is("SET") && a.IsAt(1, "NOT") && a.IsAt(2, "NULL"))
            {
                LockOnly(table, scans: true);
                var fix = Version >= 18
                    ? $"ALTER TABLE {table} ADD CONSTRAINT {column}_not_null NOT NULL {column} NOT VALID; validate it in a later " +
                        $"migration (VALIDATE CONSTRAINT takes only a SHARE UPDATE EXCLUSIVE lock)"
                    : $"ALTER TABLE {table} ADD CONSTRAINT {column}_not_null CHECK ({column} IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT " +
                        $"it in a later migration; then SET NOT NULL skips the scan (PostgreSQL 12+) and the CHECK can be dropped";
                Add(TableHazard(LintRules.SetNotNull, table, LockMode.AccessExclusive,
                    $"{_section} sets column {column} of {table} NOT NULL: PostgreSQL scans the whole table to check it under an ACCESS " +
                        $"EXCLUSIVE lock, blocking every read and write of {table} meanwhile",
                    fix));
                return LockMode.AccessExclusive;
            }

            if (a.Is("DROP") && a.IsAt(1, "NOT") && a.IsAt(2, "NULL"))
            {
                Add(TableHazard(LintRules.DropNotNull, table, LockMode.AccessExclusive,
                    $"{_section} drops NOT NULL from {table}.{column}: code still running may not expect NULLs there, and a rollback " +
                        $"that sets NOT NULL again fails once a NULL is written",
                    $"Keep NOT NULL until no code relies on it; make sure the DOWN first fills the NULLs (UPDATE {table} SET {column} = " +
                        $"... WHERE {column} IS NULL)") with
                { Column = column });
                return LockMode.AccessExclusive;
            }

            if (a.Is("SET") && (a.IsAt(
                1,
                "STATISTICS") || (a.Position + 1 < action.Length && action[a.Position + 1].Kind == SqlTokenKind.OpenParen)))
            {
                return LockMode.ShareUpdateExclusive;
            }

            return LockMode.AccessExclusive;
        }

        if (a.Word("RENAME"))
        {
            if (a.Word("TO"))
            {
                if (a.ReadName() is { } newName)
                {
                    Add(TableHazard(LintRules.RenameTable, table, LockMode.AccessExclusive,
                        $"{_section} renames table {table} to {newName}: the code still running (the previous release during a rolling " +
                            $"deploy) fails on every query that uses the old name",
                        $"Create the new table (or a view named {table} over it) and move the code over in steps: keep both names " +
                            $"working until no running code uses {table}"));
                }

                return LockMode.AccessExclusive;
            }

            if (a.Word("CONSTRAINT"))
            {
                return LockMode.AccessExclusive;
            }

            a.Word("COLUMN");
            if (a.ReadSimpleName() is { } from && a.Word("TO") && a.ReadSimpleName() is { } to)
            {
                Add(TableHazard(LintRules.RenameColumn, table, LockMode.AccessExclusive,
                    $"{_section} renames column {from} of {table} to {to}: the code still running fails on every query that names {from}",
                    $"Add column {to}, write both and backfill, move the readers to {to}, then drop {from} in a later migration") with
                { Column = from });
            }

            return LockMode.AccessExclusive;
        }

        if (a.Word("VALIDATE") && a.Word("CONSTRAINT"))
        {
            if (a.ReadSimpleName() is { } constraint)
            {
                ValidatedConstraints.Add((table, constraint));
            }

            LockOnly(table, scans: true, mode: LockMode.ShareUpdateExclusive);
            return LockMode.ShareUpdateExclusive;
        }

        if (a.Word("DETACH") && a.Word("PARTITION"))
        {
            var partition = a.ReadName();
            var concurrently = a.Word("CONCURRENTLY");
            if (a.Word("FINALIZE") || concurrently)
            {
                return LockMode.ShareUpdateExclusive;
            }

            if (partition is { } p)
            {
                Lock(p, LockMode.AccessExclusive);
            }

            Add(TableHazard(LintRules.NonConcurrentDetachPartition, table, LockMode.AccessExclusive,
                $"{_section} detaches partition {partition?.Display ?? "?"} from {table} without CONCURRENTLY: it takes an ACCESS " +
                    $"EXCLUSIVE lock on {table}, so every read and write of every partition waits behind it",
                Version >= 14
                    ? $"ALTER TABLE {table} DETACH PARTITION {partition?.Display ?? "..."} CONCURRENTLY, alone in a migration with '-- " +
                        $"Transaction: none' (PostgreSQL 14+)"
                    : "DETACH PARTITION CONCURRENTLY needs PostgreSQL 14 (set migration.postgres_version when the server runs it); on 13 " +
                        "detach in a quiet window")
            with
            {
                Severity = Version >= 14 ? null : DiagnosticSeverity.Information,
            });
            return LockMode.AccessExclusive;
        }

        if (a.Word("ATTACH") && a.Word("PARTITION"))
        {
            if (a.ReadName() is { } partition)
            {
                Lock(partition, LockMode.AccessExclusive, scans: true);
            }

            return LockMode.ShareUpdateExclusive;
        }

        if (a.Is("SET") && (a.IsAt(
            1,
            "TABLESPACE") || a.IsAt(1, "LOGGED") || a.IsAt(1, "UNLOGGED") || (a.IsAt(1, "ACCESS") && a.IsAt(2, "METHOD"))))
        {
            var what = string.Join(' ', action.Take(a.IsAt(1, "ACCESS") ? 3 : 2).Select(x => x.Text.ToUpperInvariant()));
            Rewrite(table, what, "rewrites");
            return LockMode.AccessExclusive;
        }

        if (a.Is("SET") && a.Position + 1 < action.Length && action[a.Position + 1].Kind == SqlTokenKind.OpenParen)
        {
            return LockMode.ShareUpdateExclusive; // storage parameters (fillfactor, autovacuum_*)
        }

        if (a.Is("CLUSTER") || (a.Is("SET") && a.IsAt(1, "WITHOUT") && a.IsAt(2, "CLUSTER")))
        {
            return LockMode.ShareUpdateExclusive;
        }

        if (a.Is("ENABLE") || a.Is("DISABLE"))
        {
            return a.IsAt(1, "TRIGGER")
                || (a.IsAt(1, "ALWAYS") || a.IsAt(1, "REPLICA")) ? LockMode.ShareRowExclusive : LockMode.AccessExclusive;
        }

        return LockMode.AccessExclusive;
    }

    private LockMode ReadAdd(SqlName table, TokenCursor a, LintToken[] action)
    {
        SqlName? constraintName = null;
        var isColumn = a.Word("COLUMN");
        if (!isColumn && a.Word("CONSTRAINT"))
        {
            constraintName = a.ReadSimpleName();
        }

        if (!isColumn && a.Current is { Kind: SqlTokenKind.Word } w
            && (w.IsWord("CHECK") || w.IsWord("FOREIGN") || w.IsWord("PRIMARY") || w.IsWord("UNIQUE") || w.IsWord("EXCLUDE")))
        {
            return ReadAddConstraint(table, constraintName, action);
        }

        if (constraintName is not null)
        {
            return LockMode.AccessExclusive; // ADD CONSTRAINT name NOT NULL col (PostgreSQL 18) and other forms
        }

        if (a.Is("IF") && a.IsAt(1, "NOT") && a.IsAt(2, "EXISTS"))
        {
            a.Skip(3);
        }

        if (a.ReadSimpleName() is not { } column)
        {
            return LockMode.AccessExclusive;
        }

        var definition = action[a.Position..];
        var serial = definition.Length > 0 && definition[0].Kind == SqlTokenKind.Word && SerialTypes.Contains(definition[0].Text);
        var identity = HasWords(definition, "GENERATED") && HasWords(definition, "IDENTITY");
        var stored = HasWords(definition, "GENERATED") && HasWords(definition, "STORED");
        var primaryKey = HasWords(definition, "PRIMARY");
        var unique = HasWords(definition, "UNIQUE");
        var volatileDefault = DefaultCall(definition) is { } call && (VolatileFunctions.Contains(call) || (Version < 11));
        var references = IndexOfWord(definition, "REFERENCES");

        if ((serial || identity) && primaryKey)
        {
            LockOnly(table, rewrites: true);
            Add(TableHazard(LintRules.SerialPrimaryKey, table, LockMode.AccessExclusive,
                $"{_section} adds {(serial ? "serial" : "identity")} primary key column {column} to existing table {table}: PostgreSQL " +
                    $"fills every row, rewriting {table}, and builds the primary key index, all under an ACCESS EXCLUSIVE lock that " +
                        $"blocks every read and write",
                $"Add the column nullable with no default, fill it in batches, CREATE UNIQUE INDEX CONCURRENTLY on it, then ADD " +
                    $"CONSTRAINT ... PRIMARY KEY USING INDEX"));
            return LockMode.AccessExclusive;
        }

        if (serial || identity || stored || volatileDefault)
        {
            var why = serial ? "a serial type (a nextval() default)" : identity ? "an identity" : stored
                ? "a stored generated expression"
                : $"a volatile default ({DefaultCall(definition)}())";
            LockOnly(table, rewrites: true);
            Add(TableHazard(LintRules.VolatileDefault, table, LockMode.AccessExclusive,
                $"{_section} adds column {column} to {table} with {why}: PostgreSQL computes it for every existing row, " +
                    $"rewriting {table} under an ACCESS EXCLUSIVE lock that blocks every read and write until it ends",
                $"Add the column with no default (or a constant one), set the default afterwards for new rows, and fill the existing " +
                    $"rows in batches"));
        }

        if (primaryKey || unique)
        {
            LockOnly(table, scans: true);
            Add(TableHazard(primaryKey ? LintRules.PrimaryKeyWithoutIndex : LintRules.UniqueWithoutIndex, table, LockMode.AccessExclusive,
                $"{_section} adds column {column} to {table} as {(primaryKey ? "PRIMARY KEY" : "UNIQUE")}: its index is built under an " +
                    $"ACCESS EXCLUSIVE lock, blocking every read and write of {table} while it builds",
                $"Add the column, CREATE UNIQUE INDEX CONCURRENTLY on it in a '-- Transaction: none' migration, then ADD CONSTRAINT " +
                    $"... {(primaryKey ? "PRIMARY KEY" : "UNIQUE")} USING INDEX"));
        }

        if (references >= 0 && ReadNameAt(definition, references + 1) is { } referenced)
        {
            Lock(referenced, LockMode.ShareRowExclusive);
            var hasDefault = HasWords(definition, "DEFAULT");
            Add(TableHazard(LintRules.ForeignKeyWithoutNotValid, table, LockMode.ShareRowExclusive,
                $"{_section} adds column {column} to {table} with a foreign key to {referenced}: PostgreSQL checks every row of {table} " +
                    $"while it holds an ACCESS EXCLUSIVE lock on it and a SHARE ROW EXCLUSIVE lock on {referenced}, " +
                    $"blocking writes to both",
                $"Add the column without REFERENCES, then ADD CONSTRAINT ... FOREIGN KEY ({column}) REFERENCES {referenced} NOT VALID, " +
                    $"and VALIDATE CONSTRAINT in a later migration")
            with
            {
                Severity = hasDefault ? null : DiagnosticSeverity.Information,
            });
        }

        return LockMode.AccessExclusive;
    }

    private LockMode ReadAddConstraint(SqlName table, SqlName? name, LintToken[] action)
    {
        var notValid = HasNotValid(action);
        var usingIndex = IndexOfWord(action, "USING") is var u and >= 0 && u + 1 < action.Length && action[u + 1].IsWord("INDEX");
        var named = name is { } n ? $"constraint {n}" : "a constraint";
        if (HasWords(action, "FOREIGN"))
        {
            var referencesAt = IndexOfWord(action, "REFERENCES");
            var referenced = referencesAt >= 0 ? ReadNameAt(action, referencesAt + 1) : null;
            if (referenced is { } r)
            {
                Lock(r, notValid ? LockMode.ShareRowExclusive : LockMode.ShareRowExclusive, scans: false);
            }

            if (notValid && name is { } c)
            {
                NotValidConstraints.Add((table, c));
            }

            if (!notValid)
            {
                LockOnly(table, scans: true, mode: LockMode.ShareRowExclusive);
                Add(TableHazard(LintRules.ForeignKeyWithoutNotValid, table, LockMode.ShareRowExclusive,
                    $"{_section} adds foreign key {named} on {table} without NOT VALID: PostgreSQL checks every row of {table} while it " +
                        $"holds SHARE ROW EXCLUSIVE locks on {table} and {referenced?.Display ?? "the referenced table"}, blocking " +
                            $"writes to both until the scan ends",
                    $"ALTER TABLE {table} ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID; then ALTER TABLE {table} VALIDATE CONSTRAINT ... " +
                        $"in a later migration (it takes only a SHARE UPDATE EXCLUSIVE lock)"));
            }

            return LockMode.ShareRowExclusive;
        }

        if (HasWords(action, "CHECK"))
        {
            if (notValid && name is { } c)
            {
                NotValidConstraints.Add((table, c));
            }

            if (!notValid)
            {
                LockOnly(table, scans: true);
                Add(TableHazard(LintRules.ConstraintWithoutNotValid, table, LockMode.AccessExclusive,
                    $"{_section} adds check {named} on {table} without NOT VALID: PostgreSQL checks every row under an ACCESS EXCLUSIVE " +
                        $"lock, blocking every read and write of {table} until the scan ends",
                    $"ALTER TABLE {table} ADD CONSTRAINT ... CHECK (...) NOT VALID; then ALTER TABLE {table} VALIDATE CONSTRAINT ... in " +
                        $"a later migration"));
            }

            return LockMode.AccessExclusive;
        }

        var primaryKey = HasWords(action, "PRIMARY");
        if (!usingIndex && (primaryKey || HasWords(action, "UNIQUE") || HasWords(action, "EXCLUDE")))
        {
            var kind = primaryKey ? "PRIMARY KEY" : HasWords(action, "UNIQUE") ? "UNIQUE" : "EXCLUDE";
            LockOnly(table, scans: true);
            Add(TableHazard(primaryKey ? LintRules.PrimaryKeyWithoutIndex : LintRules.UniqueWithoutIndex, table, LockMode.AccessExclusive,
                $"{_section} adds {kind} {named} on {table}: its index is built under an ACCESS EXCLUSIVE lock, blocking every read and " +
                    $"write of {table} while it builds",
                kind == "EXCLUDE"
                    ? "Exclusion constraints cannot use a prepared index; add it while the table is small or in a quiet window"
                    : $"CREATE UNIQUE INDEX CONCURRENTLY ... ON {table} (...) in a '-- Transaction: none' migration, then ALTER " +
                        $"TABLE {table} ADD CONSTRAINT ... {kind} USING INDEX ..."));
        }

        return LockMode.AccessExclusive;
    }

    /// <summary>Records an error when the statement touches the service's own history, audit or schema tables.</summary>
    private void CheckHistoryTable(SqlName table, string verb)
    {
        if (_settings.HistoryTables.Contains(table.Key))
        {
            Add(new Hazard(LintRules.HistoryTableChange, table, LockMode.AccessExclusive,
                $"{_section} {verb} table {table}, which is this service's migration history (migration.table_name and its _log and " +
                    $"_schema tables): the runner reads and writes it during every run, so the deploy breaks mid-way and the record of " +
                        $"what was applied is lost",
                "Never touch the history tables from a migration; if the table is an application table of the same name, rename it or " +
                    "set migration.table_name to another name")
            {
                OnlyForExistingTable = false,
            });
        }
    }

    private Hazard TableHazard(string rule, SqlName table, LockMode mode, string message, string fix) =>
        new(rule, table, mode, message, fix);

    private void Add(Hazard hazard) => Hazards.Add(hazard);

    private void Lock(SqlName table, LockMode mode, bool rewrites = false, bool scans = false)
    {
        var i = Locks.FindIndex(l => l.Table.Matches(table));
        if (i < 0)
        {
            Locks.Add(new TableLock(table, mode, rewrites, scans));
            return;
        }

        var old = Locks[i];
        Locks[i] = new TableLock(old.Table, mode > old.Mode ? mode : old.Mode, old.Rewrites || rewrites, old.Scans || scans);
    }

    /// <summary>Marks a rewrite or scan on the table without lowering its lock (the ALTER TABLE sets the mode at the end).</summary>
    private void LockOnly(SqlName table, bool rewrites = false, bool scans = false, LockMode mode = LockMode.AccessExclusive) =>
        Lock(table, mode, rewrites, scans);

    private static bool HasNotValid(LintToken[] tokens)
    {
        for (var i = 0; i + 1 < tokens.Length; i++)
        {
            if (tokens[i].Depth == 0 && tokens[i].IsWord("NOT") && tokens[i + 1].IsWord("VALID"))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasWords(LintToken[] tokens, string word) => IndexOfWord(tokens, word) >= 0;

    private static int IndexOfWord(LintToken[] tokens, string word)
    {
        for (var i = 0; i < tokens.Length; i++)
        {
            if (tokens[i].Depth == 0 && tokens[i].IsWord(word))
            {
                return i;
            }
        }

        return -1;
    }

    private static int? FindTopLevelWord(LintToken[] tokens, string word) => IndexOfWord(tokens, word) is var i and >= 0 ? i : null;

    /// <summary>The function called by a column's DEFAULT (its last name part), or null when the default calls none.</summary>
    private static string? DefaultCall(LintToken[] definition)
    {
        var at = IndexOfWord(definition, "DEFAULT");
        if (at < 0)
        {
            return null;
        }

        for (var i = at + 1; i < definition.Length; i++)
        {
            var token = definition[i];
            if (token.Depth == 0 && token.Kind == SqlTokenKind.Word && (token.IsWord(
                "NOT") || token.IsWord("NULL") || token.IsWord("CONSTRAINT")
                || token.IsWord(
                    "CHECK") || token.IsWord("REFERENCES") || token.IsWord("UNIQUE") || token.IsWord("PRIMARY") || token.IsWord("COLLATE")))
            {
                return null;
            }

            if (token.IsIdentifier && i + 1 < definition.Length && definition[i + 1].Kind == SqlTokenKind.OpenParen)
            {
                return token.IdentifierValue;
            }

            if (i == at + 1 && token.Kind != SqlTokenKind.OpenParen && !(
                token.IsIdentifier && i + 2 < definition.Length && definition[i + 1].IsPunctuation('.')))
            {
                // A constant, or a keyword such as CURRENT_TIMESTAMP: the default is not a call, unless a call follows.
                continue;
            }
        }

        return null;
    }

    private static SqlName? ReadNameAt(LintToken[] tokens, int index) =>
        index >= 0 && index < tokens.Length ? new TokenCursor(tokens[index..]).ReadName() : null;
}
