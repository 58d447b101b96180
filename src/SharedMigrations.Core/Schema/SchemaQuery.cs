using SharedMigrations.Core.Configuration;

namespace SharedMigrations.Core.Schema;

/// <summary>
/// The catalog query of a schema snapshot, as one SQL text (CTEs joined by UNION ALL), for PostgreSQL 13 and later:
/// the objects with PostgreSQL's own definitions, in canonical order, leaving out system and temporary schemas,
/// plpgsql, implicit row and array types, extension members and the service's own history, audit and snapshot tables.
/// The same object list gives the rows (<see cref="SelectSql"/>), the fingerprint the server computes
/// (<see cref="FingerprintExpression"/>) and the JSON the snapshot table stores (<see cref="JsonExpression"/>).
/// </summary>
internal sealed class SchemaQuery
{
    /// <summary>The order of the rows, for the select, the fingerprint and the JSON alike.</summary>
    private const string Order =
        "o.schema_name COLLATE \"C\", o.kind_order, o.grp COLLATE \"C\", o.sub_order, o.position, o.name COLLATE \"C\", " +
        "o.table_name COLLATE \"C\"";

    /// <param name="ownTable">The history table whose history, audit and snapshot tables are left out.</param>
    /// <param name="schemas">The schemas to cover (null: all but the system ones).</param>
    /// <param name="ownSchema">The schema of <paramref name="ownTable"/> when it names none (default: the connection's
    /// <c>current_schema()</c>); given when the snapshot is read on a connection with another search path.</param>
    /// <param name="incremental">Builds <see cref="IncrementalSql"/>: tables whose catalog stamp the caller already
    /// knows are left out (see <see cref="IncrementalSchemaReader"/>).</param>
    /// <param name="logged">The database has the change log of <see cref="SchemaChangeLog"/>: its schema is left out of
    /// every read, and with <paramref name="incremental"/> the query is <see cref="LoggedSql"/> instead of stamps.</param>
    public SchemaQuery(
        HistoryTableName? ownTable,
        IReadOnlyList<string>? schemas,
        string? ownSchema = null,
        bool incremental = false,
        bool logged = false)
    {
        Incremental = incremental;
        Logged = logged;
        Objects = BuildObjects(ownTable, schemas, ownSchema, incremental, logged);
    }

    /// <summary>Whether <see cref="IncrementalSql"/> is available (and <see cref="Objects"/> expects its parameter).</summary>
    public bool Incremental { get; }

    /// <summary>Whether the query reads the change log (<see cref="LoggedSql"/>) and leaves its schema out.</summary>
    public bool Logged { get; }

    /// <summary>The CTEs that define <c>o</c>: the object list (to follow <c>WITH</c>).</summary>
    public string Objects { get; }

    /// <summary>The rows: schema, kind, name, table, position, definition, in canonical order.</summary>
    public string SelectSql =>
        $"WITH {Objects} SELECT o.schema_name, o.kind, o.name, o.table_name, o.position, o.definition FROM o ORDER BY {Order}";

    /// <summary>
    /// The incremental read (parameter <c>$1 text[]</c>: the <c>oid:stamp</c> of every table whose rows the caller holds):
    /// every object that belongs to no table, the rows of each table whose stamp is not in <c>$1</c>, with the table's oid
    /// (<c>owner</c>); then one row per table with kind NULL, the table's oid (<c>owner</c>) and its stamp (in
    /// <c>definition</c>; NULL when it cannot be stamped). Not ordered: the caller orders (<see cref="SchemaObjectOrder"/>).
    /// </summary>
    public string IncrementalSql =>
        Incremental && !Logged
            ? $"WITH {Objects} SELECT o.schema_name, o.kind, o.name, o.table_name, o.position, o.definition, o.owner FROM o " +
              "UNION ALL SELECT NULL, NULL, NULL, NULL, 0, t.stamp, t.oid FROM tab t"
            : throw new InvalidOperationException("This schema query was not built for incremental reads.");

    /// <summary>
    /// The read of a database with a change log (<see cref="SchemaChangeLog"/>; parameter <c>$1 bigint</c>: the log position
    /// the caller's rows are from, 0 for none): the rows of every table the log names after <c>$1</c> (every table when
    /// it says so, and always those with a policy, whose text names roles), with the table's oid (<c>owner</c>); the
    /// objects that belong to no table only when the log says one of them changed; then one row (kind NULL, definition
    /// <c>T</c>, <c>owner</c> the oid) per table read, whether it still exists or not, and a last row (kind and owner
    /// NULL) whose definition holds <c>A</c> (every table was read) and <c>L</c> (the objects of no table were read) and
    /// whose position is the log position the rows are from. Not ordered.
    /// </summary>
    public string LoggedSql =>
        Incremental && Logged
            ? $"WITH {Objects} SELECT o.schema_name, o.kind, o.name, o.table_name, o.position, o.definition, o.owner FROM o " +
              "UNION ALL SELECT NULL, NULL, NULL, NULL, 0, 'T', f.oid FROM fresh f " +
              "UNION ALL SELECT NULL, NULL, NULL, NULL, (SELECT COALESCE(max(s.n), 0) FROM " + SchemaChangeLog.Schema + ".stamp s), " +
              "CASE WHEN g.al THEN 'A' ELSE '' END || CASE WHEN g.lo THEN 'L' ELSE '' END, NULL FROM flag g"
            : throw new InvalidOperationException("This schema query was not built for reads of a change log.");

    /// <summary>
    /// The fingerprint as one text column (SHA-256 hex of the fingerprint lines, as <see cref="SchemaSnapshot.ComputeFingerprint"/>).
    /// </summary>
    public string FingerprintSql => $"WITH {Objects} SELECT {FingerprintExpression} AS f FROM o";

    /// <summary>An aggregate over <c>o</c>: the fingerprint.</summary>
    public static string FingerprintExpression =>
        "encode(sha256(convert_to(COALESCE(string_agg(o.kind || E'\\t' || o.schema_name || E'\\t' || " +
        "COALESCE(o.table_name, '') || E'\\t' || " +
        $"o.name || E'\\t' || o.position::text || E'\\t' || o.definition, E'\\n' ORDER BY {Order}), ''), 'UTF8')), 'hex')";

    /// <summary>An aggregate over <c>o</c>: the objects as a JSON array (what the snapshot table stores).</summary>
    public static string JsonExpression =>
        "COALESCE(jsonb_agg(jsonb_build_object('s', o.schema_name, 'k', o.kind, 'n', o.name, 't', o.table_name, 'p', o.position, " +
        $"'d', o.definition) ORDER BY {Order}), '[]'::jsonb)";

    /// <summary>
    /// CTEs (to follow <see cref="Objects"/>, whose <c>nsp</c> they do not need) that stamp the whole catalog cheaply:
    /// <c>cstamp</c> holds <c>n</c>, the number of catalog rows of the database's own objects (oid 16384 and up: initdb's
    /// objects have lower ones; also the <c>public</c> schema's row and extension memberships), and <c>newest</c>, the
    /// smallest <c>age()</c> of their <c>xmin</c>. Every change that can alter a snapshot writes such a row (a new
    /// <c>xmin</c>, younger than any before) or removes one (a lower count); the reverse does not hold (a GRANT, a
    /// TRUNCATE or a temporary table also write rows), so an unchanged stamp proves an unchanged schema and a changed
    /// one only says "compute the fingerprint". Role names (which only policies show) live in a shared catalog and are
    /// not covered. A scan of index ranges: no definition is computed.
    /// </summary>
    public static string CatalogStampCtes => """
        cat AS (
          SELECT x.xmin FROM pg_namespace x WHERE x.oid >= 16384 OR x.nspname = 'public'
          UNION ALL SELECT x.xmin FROM pg_class x WHERE x.oid >= 16384
          UNION ALL SELECT x.xmin FROM pg_attribute x WHERE x.attrelid >= 16384
          UNION ALL SELECT x.xmin FROM pg_attrdef x WHERE x.oid >= 16384
          UNION ALL SELECT x.xmin FROM pg_constraint x WHERE x.oid >= 16384
          UNION ALL SELECT x.xmin FROM pg_index x WHERE x.indexrelid >= 16384
          UNION ALL SELECT x.xmin FROM pg_trigger x WHERE x.oid >= 16384
          UNION ALL SELECT x.xmin FROM pg_policy x WHERE x.oid >= 16384
          UNION ALL SELECT x.xmin FROM pg_inherits x WHERE x.inhrelid >= 16384
          UNION ALL SELECT x.xmin FROM pg_rewrite x WHERE x.oid >= 16384
          UNION ALL SELECT x.xmin FROM pg_sequence x WHERE x.seqrelid >= 16384
          UNION ALL SELECT x.xmin FROM pg_type x WHERE x.oid >= 16384
          UNION ALL SELECT x.xmin FROM pg_enum x WHERE x.oid >= 16384
          UNION ALL SELECT x.xmin FROM pg_range x WHERE x.rngtypid >= 16384
          UNION ALL SELECT x.xmin FROM pg_proc x WHERE x.oid >= 16384
          UNION ALL SELECT x.xmin FROM pg_aggregate x WHERE x.aggfnoid >= 16384
          UNION ALL SELECT x.xmin FROM pg_extension x WHERE x.oid >= 16384
          UNION ALL SELECT x.xmin FROM pg_collation x WHERE x.oid >= 16384
          UNION ALL SELECT x.xmin FROM pg_opclass x WHERE x.oid >= 16384
          UNION ALL SELECT x.xmin FROM pg_opfamily x WHERE x.oid >= 16384
          UNION ALL SELECT x.xmin FROM pg_operator x WHERE x.oid >= 16384
          UNION ALL SELECT x.xmin FROM pg_depend x WHERE x.refclassid = 'pg_extension'::regclass),
        cstamp AS (SELECT count(*) AS n, min(age(c.xmin)) AS newest FROM cat c)
        """;

    /// <summary>A SQL string literal.</summary>
    public static string Literal(string? text) => text is null ? "NULL" : "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string BuildObjects(
        HistoryTableName? ownTable, IReadOnlyList<string>? schemas, string? ownSchema, bool incremental, bool logged)
    {
        var schemaFilter = (schemas is { Count: > 0 }
            ? $" AND n.nspname IN ({string.Join(", ", schemas.Select(Literal))})"
            : string.Empty) + (logged ? $" AND n.nspname <> {Literal(SchemaChangeLog.Schema)}" : string.Empty);
        var useLog = incremental && logged;
        var own = ownTable is null
            ? "SELECT 0::oid AS oid WHERE false"
            : "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
              $"WHERE n.nspname = COALESCE({Literal(ownTable.Schema ?? ownSchema)}, current_schema()) AND c.relname IN " +
              $"({Literal(ownTable.Table)}, {Literal(ownTable.LogTable)}, {Literal(SchemaStore.TableNameOf(ownTable))})";
        var ownFunction = ownTable is null
            ? "false"
            : $"(n.nspname = COALESCE({Literal(ownTable.Schema ?? ownSchema)}, current_schema()) " +
              $"AND p.proname = {Literal(ownTable.LogTable + "_append_only")})";
        const string q = "quote_ident";

        // Incremental reads: only the tables whose stamp changed give their rows (tables, columns, constraints, and their
        // indexes, triggers and policies); indexes and triggers of views and materialized views are always read.
        var tableScope = incremental ? " AND c.oid IN (SELECT f.oid FROM fresh f)" : string.Empty;
        var mixedScope = incremental ? " AND (c.relkind NOT IN ('r', 'p', 'f') OR c.oid IN (SELECT f.oid FROM fresh f))" : string.Empty;
        var stamps = incremental && !logged ? "\n" + TableStamps : string.Empty;
        var log = useLog ? LogCtes + "\n" : string.Empty;
        // With the log, rel is every relation only when the objects of no table are read; else the tables to read and their
        // indexes, each found by its oid (LATERAL ... OFFSET 0 keeps the index lookups: a join would scan pg_class).
        const string relColumns = "c.oid, c.relname, c.relkind, c.relpersistence, c.relrowsecurity, c.relforcerowsecurity, " +
            "c.relispartition, c.relpartbound, n.nspname, c.xmin::text::bigint AS row_x, n.nsp_x";
        const string relFilter = "c.relkind IN ('r', 'p', 'v', 'm', 'S', 'i', 'I', 'f') AND c.oid NOT IN (SELECT oid FROM own) " +
            "AND NOT EXISTS (SELECT 1 FROM ext e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid)";
        var relScope = useLog
            ? "\n    AND (SELECT g.lo FROM flag g)\n  UNION ALL\n  SELECT c.* FROM (SELECT f.oid FROM fresh f " +
              "UNION ALL SELECT x.indexrelid " +
              "FROM fresh f CROSS JOIN LATERAL (SELECT x.indexrelid FROM pg_index x WHERE x.indrelid = f.oid OFFSET 0) x) s\n" +
              $"    CROSS JOIN LATERAL (SELECT {relColumns} FROM pg_class c JOIN nsp n ON n.oid = c.relnamespace\n" +
              $"      WHERE c.oid = s.oid AND {relFilter} OFFSET 0) c\n  WHERE NOT (SELECT g.lo FROM flag g)"
            : string.Empty;
        var looseGate = useLog ? " AND (SELECT g.lo FROM flag g)" : string.Empty;
        return $"""
            nsp AS (
              SELECT n.oid, n.nspname, n.xmin::text::bigint AS nsp_x FROM pg_namespace n
              WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'{schemaFilter}
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype =
                  'e')),
            ext AS (
              SELECT d.classid, d.objid FROM pg_extension x
              JOIN pg_depend d ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = x.oid AND d.deptype = 'e'),
            own AS ({own}),
            {log}rel AS (
              SELECT {relColumns}
              FROM pg_class c JOIN nsp n ON n.oid = c.relnamespace
              WHERE {relFilter}{relScope}),{stamps}
            raw(owner, schema_name, kind_order, kind, name, table_name, grp, sub_order, position, definition) AS (
              SELECT NULL::oid, n.nspname, 1, 'Schema', n.nspname, NULL::name, n.nspname, 0, 0::bigint, 'CREATE SCHEMA ' || {q}(n.nspname)
                FROM nsp n WHERE true{looseGate}
              UNION ALL
              SELECT NULL, n.nspname, 2, 'Extension', x.extname, NULL, x.extname, 0, 0,
                     'CREATE EXTENSION ' || {q}(x.extname) || ' WITH SCHEMA ' || {q}(n.nspname) || ' VERSION ' ||
                       quote_literal(x.extversion)
              FROM pg_extension x JOIN nsp n ON n.oid = x.extnamespace WHERE x.extname <> 'plpgsql'{looseGate}
              UNION ALL
              SELECT NULL, n.nspname, 3, 'Type', t.typname, NULL, t.typname, 0, 0,
                     CASE t.typtype
                       WHEN 'e' THEN 'CREATE TYPE ' || {q}(n.nspname) || '.' || {q}(t.typname) || ' AS ENUM (' ||
                         COALESCE((SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE
                           e.enumtypid = t.oid), '') || ')'
                       WHEN 'r' THEN (SELECT 'CREATE TYPE ' || {q}(n.nspname) || '.' || {q}(t.typname) || ' AS RANGE (SUBTYPE = ' ||
                         format_type(r.rngsubtype, NULL) ||
                         COALESCE(', COLLATION = ' || {q}(co.collname), '') ||
                         CASE WHEN r.rngsubopc <> 0 THEN ', SUBTYPE_OPCLASS = ' || (SELECT {q}(oc.opcname) FROM pg_opclass oc WHERE oc.oid
                           = r.rngsubopc) ELSE '' END || ')'
                         FROM pg_range r LEFT JOIN pg_collation co ON co.oid = r.rngcollation WHERE r.rngtypid = t.oid)
                       ELSE 'CREATE TYPE ' || {q}(n.nspname) || '.' || {q}(t.typname) || ' AS (' ||
                         COALESCE((SELECT string_agg({q}(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                                   FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '') || ')'
                     END
              FROM pg_type t JOIN nsp n ON n.oid = t.typnamespace
              WHERE (t.typtype IN ('e', 'r') OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND
                c.relkind = 'c')))
                AND NOT EXISTS (SELECT 1 FROM ext e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid){looseGate}
              UNION ALL
              SELECT NULL, n.nspname, 4, 'Domain', t.typname, NULL, t.typname, 0, 0,
                     'CREATE DOMAIN ' || {q}(n.nspname) || '.' || {q}(t.typname) || ' AS ' || format_type(t.typbasetype, t.typtypmod) ||
                     CASE WHEN t.typcollation <> 0 AND t.typcollation <> (SELECT b.typcollation FROM pg_type b WHERE b.oid = t.typbasetype)
                       THEN ' COLLATE ' || (SELECT {q}(co.collname) FROM pg_collation co WHERE co.oid = t.typcollation) ELSE '' END ||
                     CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END || COALESCE(' DEFAULT ' || t.typdefault, '') ||
                     COALESCE((SELECT string_agg(' CONSTRAINT ' || {q}(k.conname) || ' ' || pg_get_constraintdef(k.oid), '' ORDER BY
                       k.conname COLLATE "C")
                               FROM pg_constraint k WHERE k.contypid = t.oid), '')
              FROM pg_type t JOIN nsp n ON n.oid = t.typnamespace
              WHERE t.typtype = 'd'
                AND NOT EXISTS (SELECT 1 FROM ext e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid){looseGate}
              UNION ALL
              SELECT NULL, c.nspname, 5, 'Sequence', c.relname, NULL, c.relname, 0, 0,
                     'CREATE SEQUENCE ' || {q}(c.nspname) || '.' || {q}(c.relname) || ' AS ' || format_type(s.seqtypid, NULL) ||
                     ' INCREMENT BY ' || s.seqincrement || ' MINVALUE ' || s.seqmin || ' MAXVALUE ' || s.seqmax || ' START WITH ' ||
                       s.seqstart ||
                     ' CACHE ' || s.seqcache || CASE WHEN s.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END
              FROM rel c JOIN pg_sequence s ON s.seqrelid = c.oid
              WHERE c.relkind = 'S' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
              UNION ALL
              SELECT c.oid, c.nspname, 6, 'Table', c.relname, NULL, c.relname, 0, 0,
                     'CREATE ' || CASE c.relpersistence WHEN 'u' THEN 'UNLOGGED ' ELSE '' END ||
                     CASE c.relkind WHEN 'f' THEN 'FOREIGN ' ELSE '' END || 'TABLE ' || {q}(c.nspname) || '.' || {q}(c.relname) ||
                     CASE WHEN c.relispartition
                       THEN COALESCE((SELECT ' PARTITION OF ' || {q}(pn.nspname) || '.' || {q}(p.relname) FROM pg_inherits i JOIN pg_class
                         p ON p.oid = i.inhparent
                              JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid), '') || ' ' ||
                                COALESCE(pg_get_expr(c.relpartbound, c.oid), '')
                       ELSE COALESCE((SELECT ' INHERITS (' || string_agg({q}(pn.nspname) || '.' || {q}(p.relname), ', ' ORDER BY
                         i.inhseqno) || ')'
                              FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
                              WHERE i.inhrelid = c.oid HAVING count(*) > 0), '') END ||
                     CASE WHEN c.relkind = 'p' THEN ' PARTITION BY ' || pg_get_partkeydef(c.oid) ELSE '' END ||
                     CASE WHEN c.relrowsecurity THEN E'\nROW LEVEL SECURITY ENABLED' ELSE '' END ||
                     CASE WHEN c.relforcerowsecurity THEN E'\nROW LEVEL SECURITY FORCED' ELSE '' END
              FROM rel c WHERE c.relkind IN ('r', 'p', 'f'){tableScope}
              UNION ALL
              SELECT c.oid, c.nspname, 6, 'Column', a.attname, c.relname, c.relname, 1, row_number() OVER (PARTITION BY a.attrelid ORDER BY
                a.attnum),
                     format_type(a.atttypid, a.atttypmod) ||
                     CASE WHEN a.attcollation <> 0 AND a.attcollation <> ty.typcollation
                       THEN ' COLLATE ' || (SELECT {q}(co.collname) FROM pg_collation co WHERE co.oid = a.attcollation) ELSE '' END ||
                     CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END ||
                     CASE WHEN a.attgenerated = 's' THEN ' GENERATED ALWAYS AS (' || pg_get_expr(ad.adbin, ad.adrelid) || ') STORED'
                          WHEN ad.adbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(ad.adbin, ad.adrelid) ELSE '' END ||
                     CASE a.attidentity WHEN 'a' THEN ' GENERATED ALWAYS AS IDENTITY' WHEN 'd' THEN ' GENERATED BY DEFAULT AS IDENTITY'
                       ELSE '' END
              FROM rel c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                JOIN pg_type ty ON ty.oid = a.atttypid
                LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
              WHERE c.relkind IN ('r', 'p', 'f'){tableScope}
              UNION ALL
              SELECT c.oid, c.nspname, 6, 'Constraint', k.conname, c.relname, c.relname, 2, 0, pg_get_constraintdef(k.oid)
              FROM rel c JOIN pg_constraint k ON k.conrelid = c.oid WHERE c.relkind IN ('r', 'p', 'f'){tableScope}
              UNION ALL
              SELECT CASE WHEN c.relkind IN ('r', 'p', 'f') THEN c.oid END, c.nspname, 9, 'Index', i.relname, c.relname, i.relname, 0, 0,
                pg_get_indexdef(i.oid)
              FROM pg_index x JOIN rel i ON i.oid = x.indexrelid JOIN rel c ON c.oid = x.indrelid
              WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid AND k.contype IN
                ('p', 'u', 'x')){mixedScope}
              UNION ALL
              SELECT NULL, c.nspname, CASE c.relkind WHEN 'v' THEN 10 ELSE 11 END, CASE c.relkind WHEN 'v' THEN 'View' ELSE
                'MaterializedView' END,
                     c.relname, NULL, c.relname, 0, 0,
                     'CREATE ' || CASE c.relkind WHEN 'v' THEN 'VIEW ' ELSE 'MATERIALIZED VIEW ' END || {q}(c.nspname) || '.' ||
                       {q}(c.relname) ||
                     ' AS' || E'\n' || pg_get_viewdef(c.oid)
              FROM rel c WHERE c.relkind IN ('v', 'm')
              UNION ALL
              SELECT NULL, n.nspname, 12, 'Function', p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', NULL,
                     p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', 0, 0,
                     CASE WHEN p.prokind = 'a' THEN
                       (SELECT 'CREATE AGGREGATE ' || {q}(n.nspname) || '.' || {q}(p.proname) || '(' ||
                         pg_get_function_identity_arguments(p.oid) ||
                          ') (SFUNC = ' || ag.aggtransfn::text || ', STYPE = ' || format_type(ag.aggtranstype, NULL) ||
                          CASE WHEN ag.aggfinalfn::oid <> 0 THEN ', FINALFUNC = ' || ag.aggfinalfn::text ELSE '' END ||
                          CASE WHEN ag.aggcombinefn::oid <> 0 THEN ', COMBINEFUNC = ' || ag.aggcombinefn::text ELSE '' END ||
                          COALESCE(', INITCOND = ' || quote_literal(ag.agginitval), '') || ')'
                        FROM pg_aggregate ag WHERE ag.aggfnoid = p.oid)
                     ELSE pg_get_functiondef(p.oid) END
              FROM pg_proc p JOIN nsp n ON n.oid = p.pronamespace
              WHERE NOT EXISTS (SELECT 1 FROM ext e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid)
                AND NOT {ownFunction}{looseGate}
              UNION ALL
              SELECT CASE WHEN c.relkind IN ('r', 'p', 'f') THEN c.oid END, c.nspname, 13, 'Trigger', t.tgname, c.relname, t.tgname, 0, 0,
                pg_get_triggerdef(t.oid)
              FROM pg_trigger t JOIN rel c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal{mixedScope}
              UNION ALL
              SELECT c.oid, c.nspname, 14, 'Policy', pol.polname, c.relname, pol.polname, 0, 0,
                     'CREATE POLICY ' || {q}(pol.polname) || ' ON ' || {q}(c.nspname) || '.' || {q}(c.relname) ||
                     CASE WHEN pol.polpermissive THEN ' AS PERMISSIVE' ELSE ' AS RESTRICTIVE' END || ' FOR ' ||
                     CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL'
                       END ||
                     ' TO ' || COALESCE((SELECT string_agg(CASE WHEN r.role = 0 THEN 'PUBLIC' ELSE {q}(pg_get_userbyid(r.role)) END, ', '
                                          ORDER BY CASE WHEN r.role = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r.role)::text END COLLATE "C")
                                         FROM unnest(pol.polroles) AS r(role)), 'PUBLIC') ||
                     COALESCE(' USING (' || pg_get_expr(pol.polqual, pol.polrelid) || ')', '') ||
                     COALESCE(' WITH CHECK (' || pg_get_expr(pol.polwithcheck, pol.polrelid) || ')', '')
              FROM pg_policy pol JOIN rel c ON c.oid = pol.polrelid WHERE true{tableScope}),
            o AS (
              SELECT r.owner, r.schema_name::text AS schema_name, r.kind_order, r.kind, r.name::text AS name, r.table_name::text AS
                table_name,
                     r.grp::text AS grp, r.sub_order, r.position, rtrim(COALESCE(r.definition, ''), E' \n\r\t') AS definition
              FROM raw r)
            """;
    }

    /// <summary>
    /// The CTEs <c>tab</c> (each table of <c>rel</c> with its stamp) and <c>fresh</c> (the tables whose <c>oid:stamp</c> is not
    /// in <c>$1</c>), computed set-wise: each catalog's rows of user relations (oid 16384 and up) grouped by relation, and the
    /// groups of tables kept (<c>HAVING</c>), with no join to <c>tabs</c> per catalog: the planner's estimate for a CTE is
    /// small, and a nested loop over it per catalog row cost up to 60 ms a read at 300 tables while autovacuum had not yet
    /// analyzed the fresh catalog. A table's stamp is the count and the
    /// newest <c>xmin</c> of the catalog rows its snapshot rows are made from — its own row and its schema's, its columns,
    /// defaults, constraints, indexes, triggers, inheritance and the sequences its defaults call — joined with the same of the
    /// tables it references (foreign keys, parents) and with one stamp of every user-defined type, function, collation,
    /// operator class and schema of the database (their names appear in a table's definitions). Any change to one of those
    /// rows gives a new <c>xmin</c>, newer than every one before, and a removed row lowers the count, so an unchanged stamp
    /// means unchanged rows (when nothing else writes to the database meanwhile, as on a scratch database). A table with a
    /// policy (its text names roles) or a column whose type is another table's row type has no stamp and is always read.
    /// Objects created by initdb have oids below 16384; the database's own objects never do.
    /// </summary>
    /// <summary>
    /// The CTEs of <see cref="LoggedSql"/> (before <c>rel</c>, which they narrow): <c>lg</c>, the log's entries after
    /// <c>$1</c>; <c>flag</c>, whether they say every table (<c>al</c>) and the objects of no table (<c>lo</c>) changed;
    /// <c>fresh</c>, the tables to read (named by the log, every one when <c>al</c>, and every one with a policy).
    /// </summary>
    private static readonly string LogCtes = $"""
            lg AS (SELECT s.k, s.n FROM {SchemaChangeLog.Schema}.stamp s WHERE s.n > $1),
            flag AS (SELECT COALESCE(bool_or(l.k = 1), false) AS al, COALESCE(bool_or(l.k IN (0, 1)), false) AS lo FROM lg l),
            fresh AS (
              SELECT c.oid FROM pg_class c WHERE c.relkind IN ('r', 'p', 'f') AND c.oid >= 16384 AND (SELECT g.al FROM flag g)
              UNION SELECT l.k FROM lg l WHERE l.k > 1
              UNION SELECT pol.polrelid FROM pg_policy pol),
            """;

    private const string TableStamps = """
            tabs AS (SELECT c.oid, GREATEST(c.row_x, c.nsp_x) AS x FROM rel c WHERE c.relkind IN ('r', 'p', 'f')),
            glob AS (
              SELECT count(*)::text || '.' || COALESCE(max(g.x), 0)::text AS stamp FROM (
                SELECT n.xmin::text::bigint AS x FROM pg_namespace n WHERE n.oid >= 16384 OR n.nspname = 'public'
                UNION ALL
                SELECT t.xmin::text::bigint FROM pg_type t
                WHERE t.oid >= 16384
                  AND NOT EXISTS (SELECT 1 FROM pg_class r WHERE r.oid = t.typrelid AND r.relkind <> 'c')
                  AND NOT EXISTS (SELECT 1 FROM pg_type e JOIN pg_class r ON r.oid = e.typrelid WHERE e.oid = t.typelem AND r.relkind <>
                    'c')
                UNION ALL SELECT p.xmin::text::bigint FROM pg_proc p WHERE p.oid >= 16384
                UNION ALL SELECT x.xmin::text::bigint FROM pg_collation x WHERE x.oid >= 16384
                UNION ALL SELECT x.xmin::text::bigint FROM pg_opclass x WHERE x.oid >= 16384
                UNION ALL SELECT x.xmin::text::bigint FROM pg_opfamily x WHERE x.oid >= 16384
                UNION ALL SELECT x.xmin::text::bigint FROM pg_operator x WHERE x.oid >= 16384) g),
            parts(oid, x, unknown, is_tab) AS (
              SELECT t.oid, t.x, false, true FROM tabs t
              UNION ALL
              SELECT a.attrelid, a.xmin::text::bigint,
                     CASE WHEN a.atttypid >= 16384 THEN EXISTS (
                       SELECT 1 FROM pg_type ty JOIN pg_class r ON r.oid = ty.typrelid AND r.relkind <> 'c'
                       WHERE ty.oid = a.atttypid OR ty.oid = (SELECT at.typelem FROM pg_type at WHERE at.oid = a.atttypid)) ELSE false END,
                     false
              FROM pg_attribute a WHERE a.attrelid >= 16384 AND a.attnum > 0
              UNION ALL SELECT ad.adrelid, ad.xmin::text::bigint, false, false FROM pg_attrdef ad WHERE ad.adrelid >= 16384
              UNION ALL
              SELECT ad.adrelid, GREATEST(d.xmin::text::bigint, s.xmin::text::bigint, sn.xmin::text::bigint), false, false
              FROM pg_attrdef ad
                JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid AND d.refclassid = 'pg_class'::regclass
                JOIN pg_class s ON s.oid = d.refobjid JOIN pg_namespace sn ON sn.oid = s.relnamespace
              UNION ALL SELECT k.conrelid, k.xmin::text::bigint, false, false FROM pg_constraint k WHERE k.conrelid >= 16384
              UNION ALL
              SELECT x.indrelid, GREATEST(x.xmin::text::bigint, ic.xmin::text::bigint), false, false
              FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid WHERE x.indrelid >= 16384
              UNION ALL SELECT g.tgrelid, g.xmin::text::bigint, false, false FROM pg_trigger g WHERE g.tgrelid >= 16384
              UNION ALL SELECT i.inhrelid, i.xmin::text::bigint, false, false FROM pg_inherits i WHERE i.inhrelid >= 16384
              UNION ALL SELECT pol.polrelid, 0, true, false FROM pg_policy pol WHERE pol.polrelid >= 16384),
            own_stamp AS (SELECT p.oid, count(*) AS n, max(p.x) AS x, bool_or(p.unknown) AS unknown FROM parts p GROUP BY p.oid
              HAVING bool_or(p.is_tab)),
            refs AS (
              SELECT k.conrelid AS oid, k.confrelid AS ref FROM pg_constraint k WHERE k.conrelid >= 16384 AND k.confrelid <> 0
              UNION SELECT i.inhrelid, i.inhparent FROM pg_inherits i WHERE i.inhrelid >= 16384
              UNION SELECT g.tgrelid, g.tgconstrrelid FROM pg_trigger g WHERE g.tgrelid >= 16384 AND g.tgconstrrelid <> 0),
            tab AS (
              SELECT s.oid,
                     CASE WHEN s.unknown OR bool_or(f.ref IS NOT NULL AND (r.oid IS NULL OR r.unknown)) THEN NULL
                          ELSE (s.n + COALESCE(sum(r.n), 0))::text || '.' || GREATEST(s.x, max(r.x))::text || '.' || min(g.stamp) END AS
                            stamp
              FROM own_stamp s CROSS JOIN glob g LEFT JOIN refs f ON f.oid = s.oid LEFT JOIN own_stamp r ON r.oid = f.ref
              GROUP BY s.oid, s.n, s.x, s.unknown),
            fresh AS (
              SELECT t.oid FROM tab t WHERE t.stamp IS NULL OR (t.oid::text || ':' || t.stamp) NOT IN (SELECT unnest($1::text[]))),
            """;
}
