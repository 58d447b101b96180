using Npgsql;

namespace SharedMigrations.Core.Schema;

/// <summary>
/// The change log of a scratch database, so that a round trip reads again only what its migrations changed: two event
/// triggers (<c>ddl_command_end</c> and <c>sql_drop</c>, enabled ALWAYS, so that a migration's
/// <c>session_replication_role</c> does not silence them) record, for every DDL command in the database, the tables whose
/// snapshot rows it may have changed: the objects the command names, the objects that depend on them and on those in
/// turn (a foreign key names the table it references, a default the sequence or function it calls, a column its type; a
/// table moved to another schema takes its sequences along, which other tables' defaults name), each taken to the table
/// it belongs to, and every table that inherits from one of those, down the whole tree (partitions of partitions get
/// the parent's cloned indexes, triggers and renamed constraints); a rule's relation too (a table made a view). What
/// belongs to no table (schemas, types, functions, views, free sequences) is entry 0; entry 1 says "every table" (a
/// schema altered or an extension created, altered or dropped, a partitioned table altered, an index dropped whose
/// table is not known, or any error in the triggers themselves, which never fail a migration). Each entry
/// holds the position of the last command that named it, from one sequence, so a reader asks for what changed after the
/// position it has (<see cref="SchemaQuery.LoggedSql"/>, <see cref="LoggedSchemaReader"/>).
/// Creating an event trigger takes a superuser (PostgreSQL 13 to 17); without one a round trip reads table stamps
/// instead (<see cref="IncrementalSchemaReader"/>). The log lives in the schema <see cref="Schema"/>, which snapshots of
/// a round trip leave out; it is removed before a scratch database is kept.
/// </summary>
internal static class SchemaChangeLog
{
    /// <summary>The schema of the change log (left out of the round trip's snapshots).</summary>
    public const string Schema = "sharedmigrations_roundtrip";

    private const string InsufficientPrivilege = "42501";

    /// <summary>Removes the log (its event triggers go with their functions).</summary>
    public const string RemoveSql = $"DROP SCHEMA IF EXISTS {Schema} CASCADE";

    /// <summary>Creates the log (replacing one left by an earlier run) and marks everything as changed.</summary>
    public const string InstallSql = $$"""
        DROP SCHEMA IF EXISTS {{Schema}} CASCADE;
        CREATE SCHEMA {{Schema}};
        CREATE SEQUENCE {{Schema}}.n;
        CREATE TABLE {{Schema}}.stamp (k oid PRIMARY KEY, n bigint NOT NULL);
        CREATE TABLE {{Schema}}.idx (i oid PRIMARY KEY, t oid NOT NULL);
        CREATE FUNCTION {{Schema}}.mark(ks oid[]) RETURNS integer
        LANGUAGE plpgsql AS $f$
        BEGIN
          INSERT INTO {{Schema}}.stamp AS s (k, n)
          SELECT u.k, (SELECT nextval('{{Schema}}.n')) FROM (SELECT DISTINCT e.k FROM unnest(ks) AS e(k) WHERE e.k IS NOT NULL) u
          ON CONFLICT (k) DO UPDATE SET n = excluded.n;
          RETURN 0;
        END
        $f$;
        CREATE FUNCTION {{Schema}}.mark_all() RETURNS void
        LANGUAGE plpgsql AS $f$
        BEGIN
          PERFORM {{Schema}}.mark(ARRAY[1::oid]);
        EXCEPTION WHEN OTHERS THEN
          NULL;
        END
        $f$;
        CREATE FUNCTION {{Schema}}.on_ddl() RETURNS event_trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog
        SET enable_hashjoin = off SET enable_mergejoin = off SET enable_seqscan = off AS $f$
        DECLARE
          done integer;
        BEGIN
          WITH RECURSIVE cmd AS (
            SELECT c.classid, c.objid, c.command_tag FROM pg_event_trigger_ddl_commands() c
            WHERE c.objid IS NOT NULL AND c.classid IS NOT NULL),
          types AS (
            SELECT 'pg_type'::regclass::oid AS classid, r.reltype AS objid FROM cmd JOIN pg_class r ON r.oid = cmd.objid
            WHERE cmd.classid = 'pg_class'::regclass AND r.reltype <> 0
            UNION ALL SELECT cmd.classid, cmd.objid FROM cmd WHERE cmd.classid = 'pg_type'::regclass),
          touched AS (
            SELECT cmd.classid, cmd.objid FROM cmd WHERE cmd.classid NOT IN ('pg_namespace'::regclass, 'pg_extension'::regclass)
            UNION SELECT types.classid, types.objid FROM types
            UNION SELECT 'pg_type'::regclass, t.typarray FROM types JOIN pg_type t ON t.oid = types.objid WHERE t.typarray <> 0),
          near AS (
            SELECT t.classid, t.objid FROM touched t
            UNION SELECT d.classid, d.objid FROM touched t JOIN pg_depend d ON d.refclassid = t.classid AND d.refobjid = t.objid),
          objs AS (
            SELECT o.classid, o.objid FROM near o
            UNION SELECT d.classid, d.objid FROM near o JOIN pg_depend d ON d.refclassid = o.classid AND d.refobjid = o.objid),
          owners AS (
            SELECT CASE
                     WHEN o.classid = 'pg_class'::regclass THEN
                       CASE WHEN c.oid IS NULL OR c.relkind = 't' OR c.relnamespace = 'pg_toast'::regnamespace THEN NULL
                            WHEN c.relkind IN ('r', 'p', 'f') THEN c.oid
                            WHEN c.relkind IN ('i', 'I') AND ti.relkind IN ('r', 'p', 'f') THEN ti.oid
                            WHEN c.relkind = 'S' AND sq.refobjid IS NOT NULL THEN sq.refobjid
                            ELSE 0 END
                     WHEN o.classid = 'pg_constraint'::regclass THEN
                       CASE WHEN k.oid IS NULL THEN NULL WHEN kt.relkind IN ('r', 'p', 'f') THEN kt.oid ELSE 0 END
                     WHEN o.classid = 'pg_attrdef'::regclass THEN ad.adrelid
                     WHEN o.classid = 'pg_trigger'::regclass THEN
                       CASE WHEN g.oid IS NULL THEN NULL WHEN gt.relkind IN ('r', 'p', 'f') THEN gt.oid ELSE 0 END
                     WHEN o.classid = 'pg_policy'::regclass THEN pol.polrelid
                     WHEN o.classid = 'pg_type'::regclass THEN
                       CASE WHEN ty.oid IS NULL OR tr.relkind IN ('r', 'p', 'f', 'v', 'm') THEN NULL ELSE 0 END
                     ELSE 0
                   END AS k
            FROM objs o
              LEFT JOIN pg_class c ON o.classid = 'pg_class'::regclass AND c.oid = o.objid
              LEFT JOIN pg_index xi ON c.relkind IN ('i', 'I') AND xi.indexrelid = c.oid
              LEFT JOIN pg_class ti ON ti.oid = xi.indrelid
              LEFT JOIN LATERAL (
                SELECT d.refobjid FROM pg_depend d WHERE c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid
                  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1) sq ON true
              LEFT JOIN pg_constraint k ON o.classid = 'pg_constraint'::regclass AND k.oid = o.objid
              LEFT JOIN pg_class kt ON kt.oid = k.conrelid
              LEFT JOIN pg_attrdef ad ON o.classid = 'pg_attrdef'::regclass AND ad.oid = o.objid
              LEFT JOIN pg_trigger g ON o.classid = 'pg_trigger'::regclass AND g.oid = o.objid
              LEFT JOIN pg_class gt ON gt.oid = g.tgrelid
              LEFT JOIN pg_policy pol ON o.classid = 'pg_policy'::regclass AND pol.oid = o.objid
              LEFT JOIN pg_type ty ON o.classid = 'pg_type'::regclass AND ty.oid = o.objid
              LEFT JOIN pg_type te ON te.oid = CASE WHEN ty.typelem <> 0 AND ty.typlen = -1 THEN ty.typelem ELSE ty.oid END
              LEFT JOIN pg_class tr ON tr.oid = te.typrelid
            UNION SELECT CASE WHEN cmd.command_tag LIKE 'ALTER%' OR cmd.classid = 'pg_extension'::regclass THEN 1 ELSE 0 END
              FROM cmd WHERE cmd.classid IN ('pg_namespace'::regclass, 'pg_extension'::regclass)
            UNION SELECT 1 FROM cmd JOIN pg_class r ON r.oid = cmd.objid
              WHERE cmd.classid = 'pg_class'::regclass AND r.relkind = 'p' AND cmd.command_tag = 'ALTER TABLE'
            UNION SELECT 0 FROM cmd WHERE cmd.classid = 'pg_class'::regclass AND cmd.command_tag = 'ALTER SEQUENCE'
            UNION SELECT rw.ev_class FROM objs o JOIN pg_rewrite rw ON o.classid = 'pg_rewrite'::regclass AND rw.oid = o.objid),
          tree(k) AS (
            SELECT o.k FROM owners o WHERE o.k IS NOT NULL
            UNION SELECT i.inhrelid FROM tree t JOIN pg_inherits i ON i.inhparent = t.k),
          ks AS (SELECT DISTINCT t.k FROM tree t),
          kept AS (
            INSERT INTO {{Schema}}.idx AS m (i, t)
            SELECT x.indexrelid, x.indrelid FROM pg_index x JOIN ks ON x.indrelid = ks.k
            ON CONFLICT (i) DO UPDATE SET t = excluded.t)
          SELECT {{Schema}}.mark(array_agg(ks.k)) INTO done FROM ks;
        EXCEPTION WHEN OTHERS THEN
          PERFORM {{Schema}}.mark_all();
        END
        $f$;
        CREATE FUNCTION {{Schema}}.on_drop() RETURNS event_trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog
        SET enable_hashjoin = off SET enable_mergejoin = off SET enable_seqscan = off AS $f$
        DECLARE
          done integer;
        BEGIN
          WITH owners AS (
            SELECT CASE
                     WHEN o.object_type IN ('table', 'foreign table') THEN o.objid
                     WHEN o.object_type = 'index' AND o.schema_name = 'pg_toast' THEN NULL
                     WHEN o.object_type = 'index' THEN COALESCE(m.t, 1)
                     WHEN o.object_type IN ('table constraint', 'trigger', 'policy', 'default value', 'table column', 'rule') THEN
                       CASE WHEN r.oid IS NULL THEN NULL WHEN r.relkind IN ('r', 'p', 'f') THEN r.oid ELSE 0 END
                     WHEN o.object_type IN ('toast table', 'toast table column', 'index column') THEN NULL
                     WHEN NOT o.original AND o.object_type IN ('type', 'sequence') THEN NULL
                     WHEN o.object_type = 'extension' THEN 1
                     ELSE 0
                   END AS k
            FROM pg_event_trigger_dropped_objects() o
              LEFT JOIN {{Schema}}.idx m ON o.object_type = 'index' AND m.i = o.objid
              LEFT JOIN pg_namespace rn
          ON o.object_type IN ('table constraint', 'trigger', 'policy', 'default value', 'table column', 'rule')
                AND rn.nspname = o.address_names[1]
              LEFT JOIN pg_class r ON r.relnamespace = rn.oid AND r.relname = o.address_names[2])
          SELECT {{Schema}}.mark(array_agg(o.k)) INTO done FROM owners o;
        EXCEPTION WHEN OTHERS THEN
          PERFORM {{Schema}}.mark_all();
        END
        $f$;
        CREATE EVENT TRIGGER {{Schema}}_ddl ON ddl_command_end EXECUTE FUNCTION {{Schema}}.on_ddl();
        CREATE EVENT TRIGGER {{Schema}}_drop ON sql_drop EXECUTE FUNCTION {{Schema}}.on_drop();
        ALTER EVENT TRIGGER {{Schema}}_ddl ENABLE ALWAYS;
        ALTER EVENT TRIGGER {{Schema}}_drop ENABLE ALWAYS;
        SELECT {{Schema}}.mark(ARRAY[0, 1]::oid[]);
        """;

    /// <summary>
    /// Installs the log on a scratch database. Null when installed; else why not (the role may not create event
    /// triggers, or the server refused the log for another reason), and nothing is left behind.
    /// </summary>
    public static async Task<string?> TryInstallAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using (var command = new NpgsqlCommand(InstallSql, connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (PostgresException ex)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return ex.SqlState == InsufficientPrivilege
                ? "the role may not create event triggers (a superuser may)"
                : $"the server refused the change log ({ex.SqlState}: {ex.MessageText})";
        }
    }

    /// <summary>Removes the log from a scratch database that is kept.</summary>
    public static async Task RemoveAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(RemoveSql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
