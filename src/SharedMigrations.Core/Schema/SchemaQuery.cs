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
        "o.schema_name COLLATE \"C\", o.kind_order, o.grp COLLATE \"C\", o.sub_order, o.position, o.name COLLATE \"C\", o.table_name " +
            "COLLATE \"C\"";

    public SchemaQuery(HistoryTableName? ownTable, IReadOnlyList<string>? schemas)
    {
        Objects = BuildObjects(ownTable, schemas);
    }

    /// <summary>The CTEs that define <c>o</c>: the object list (to follow <c>WITH</c>).</summary>
    public string Objects { get; }

    /// <summary>The rows: schema, kind, name, table, position, definition, in canonical order.</summary>
    public string SelectSql =>
        $"WITH {Objects} SELECT o.schema_name, o.kind, o.name, o.table_name, o.position, o.definition FROM o ORDER BY {Order}";

    /// <summary>
    /// The fingerprint as one text column (SHA-256 hex of the fingerprint lines, as <see cref="SchemaSnapshot.ComputeFingerprint"/>).
    /// </summary>
    public string FingerprintSql => $"WITH {Objects} SELECT {FingerprintExpression} FROM o";

    /// <summary>An aggregate over <c>o</c>: the fingerprint.</summary>
    public static string FingerprintExpression =>
        "encode(sha256(convert_to(COALESCE(string_agg(o.kind || E'\\t' || o.schema_name || E'\\t' || COALESCE(o.table_name, '') || " +
            "E'\\t' || " +
        $"o.name || E'\\t' || o.position::text || E'\\t' || o.definition, E'\\n' ORDER BY {Order}), ''), 'UTF8')), 'hex')";

    /// <summary>An aggregate over <c>o</c>: the objects as a JSON array (what the snapshot table stores).</summary>
    public static string JsonExpression =>
        "COALESCE(jsonb_agg(jsonb_build_object('s', o.schema_name, 'k', o.kind, 'n', o.name, 't', o.table_name, 'p', o.position, " +
        $"'d', o.definition) ORDER BY {Order}), '[]'::jsonb)";

    /// <summary>A SQL string literal.</summary>
    public static string Literal(string? text) => text is null ? "NULL" : "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string BuildObjects(HistoryTableName? ownTable, IReadOnlyList<string>? schemas)
    {
        var schemaFilter = schemas is { Count: > 0 }
            ? $" AND n.nspname IN ({string.Join(", ", schemas.Select(Literal))})"
            : string.Empty;
        var own = ownTable is null
            ? "SELECT 0::oid AS oid WHERE false"
            : "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
              $"WHERE n.nspname = COALESCE({Literal(ownTable.Schema)}, current_schema()) AND c.relname IN " +
              $"({Literal(ownTable.Table)}, {Literal(ownTable.LogTable)}, {Literal(SchemaStore.TableNameOf(ownTable))})";
        var ownFunction = ownTable is null
            ? "false"
            : $"(n.nspname = COALESCE({Literal(ownTable.Schema)}, current_schema()) AND p.proname " +
                $"= {Literal(ownTable.LogTable + "_append_only")})";
        const string q = "quote_ident";
        return $"""
            nsp AS (
              SELECT n.oid, n.nspname FROM pg_namespace n
              WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'{schemaFilter}
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid
                  AND d.deptype = 'e')),
            ext AS (
              SELECT d.classid, d.objid FROM pg_extension x
              JOIN pg_depend d ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = x.oid AND d.deptype = 'e'),
            own AS ({own}),
            rel AS (
              SELECT c.oid, c.relname, c.relkind, c.relpersistence, c.relrowsecurity, c.relforcerowsecurity, c.relispartition,
                     c.relpartbound, n.nspname
              FROM pg_class c JOIN nsp n ON n.oid = c.relnamespace
              WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'i', 'I', 'f')
                AND c.oid NOT IN (SELECT oid FROM own)
                AND NOT EXISTS (SELECT 1 FROM ext e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid)),
            raw(schema_name, kind_order, kind, name, table_name, grp, sub_order, position, definition) AS (
              SELECT n.nspname, 1, 'Schema', n.nspname, NULL::name, n.nspname, 0, 0::bigint, 'CREATE SCHEMA ' || {q}(n.nspname) FROM nsp n
              UNION ALL
              SELECT n.nspname, 2, 'Extension', x.extname, NULL, x.extname, 0, 0,
                     'CREATE EXTENSION ' || {q}(x.extname) || ' WITH SCHEMA ' || {q}(n.nspname) || ' VERSION ' ||
                       quote_literal(x.extversion)
              FROM pg_extension x JOIN nsp n ON n.oid = x.extnamespace WHERE x.extname <> 'plpgsql'
              UNION ALL
              SELECT n.nspname, 3, 'Type', t.typname, NULL, t.typname, 0, 0,
                     CASE t.typtype
                       WHEN 'e' THEN 'CREATE TYPE ' || {q}(n.nspname) || '.' || {q}(t.typname) || ' AS ENUM (' ||
                         COALESCE((SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e
                           WHERE e.enumtypid = t.oid), '') || ')'
                       WHEN 'r' THEN (SELECT 'CREATE TYPE ' || {q}(n.nspname) || '.' || {q}(t.typname) || ' AS RANGE (SUBTYPE = ' ||
                         format_type(r.rngsubtype, NULL) ||
                         COALESCE(', COLLATION = ' || {q}(co.collname), '') ||
                         CASE WHEN r.rngsubopc <> 0 THEN ', SUBTYPE_OPCLASS = ' || (SELECT {q}(oc.opcname) FROM pg_opclass oc
                           WHERE oc.oid = r.rngsubopc) ELSE '' END || ')'
                         FROM pg_range r LEFT JOIN pg_collation co ON co.oid = r.rngcollation WHERE r.rngtypid = t.oid)
                       ELSE 'CREATE TYPE ' || {q}(n.nspname) || '.' || {q}(t.typname) || ' AS (' ||
                         COALESCE((SELECT string_agg({q}(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                                   FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '') || ')'
                     END
              FROM pg_type t JOIN nsp n ON n.oid = t.typnamespace
              WHERE (t.typtype IN ('e', 'r') OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid
                AND c.relkind = 'c')))
                AND NOT EXISTS (SELECT 1 FROM ext e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid)
              UNION ALL
              SELECT n.nspname, 4, 'Domain', t.typname, NULL, t.typname, 0, 0,
                     'CREATE DOMAIN ' || {q}(n.nspname) || '.' || {q}(t.typname) || ' AS ' || format_type(t.typbasetype, t.typtypmod) ||
                     CASE WHEN t.typcollation <> 0 AND t.typcollation <> (SELECT b.typcollation FROM pg_type b WHERE b.oid = t.typbasetype)
                       THEN ' COLLATE ' || (SELECT {q}(co.collname) FROM pg_collation co WHERE co.oid = t.typcollation) ELSE '' END ||
                     CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END || COALESCE(' DEFAULT ' || t.typdefault, '') ||
                     COALESCE((SELECT string_agg(' CONSTRAINT ' || {q}(k.conname) || ' ' || pg_get_constraintdef(k.oid), ''
                       ORDER BY k.conname COLLATE "C")
                               FROM pg_constraint k WHERE k.contypid = t.oid), '')
              FROM pg_type t JOIN nsp n ON n.oid = t.typnamespace
              WHERE t.typtype = 'd' AND NOT EXISTS (SELECT 1 FROM ext e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid)
              UNION ALL
              SELECT c.nspname, 5, 'Sequence', c.relname, NULL, c.relname, 0, 0,
                     'CREATE SEQUENCE ' || {q}(c.nspname) || '.' || {q}(c.relname) || ' AS ' || format_type(s.seqtypid, NULL) ||
                     ' INCREMENT BY ' || s.seqincrement || ' MINVALUE ' || s.seqmin || ' MAXVALUE ' || s.seqmax || ' START WITH ' ||
                       s.seqstart ||
                     ' CACHE ' || s.seqcache || CASE WHEN s.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END
              FROM rel c JOIN pg_sequence s ON s.seqrelid = c.oid
              WHERE c.relkind = 'S' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
              UNION ALL
              SELECT c.nspname, 6, 'Table', c.relname, NULL, c.relname, 0, 0,
                     'CREATE ' || CASE c.relpersistence WHEN 'u' THEN 'UNLOGGED ' ELSE '' END ||
                     CASE c.relkind WHEN 'f' THEN 'FOREIGN ' ELSE '' END || 'TABLE ' || {q}(c.nspname) || '.' || {q}(c.relname) ||
                     CASE WHEN c.relispartition
                       THEN COALESCE((SELECT ' PARTITION OF ' || {q}(pn.nspname) || '.' || {q}(p.relname) FROM pg_inherits i
                         JOIN pg_class p ON p.oid = i.inhparent
                              JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid), '') || ' ' ||
                                COALESCE(pg_get_expr(c.relpartbound, c.oid), '')
                       ELSE COALESCE((SELECT ' INHERITS (' || string_agg({q}(pn.nspname) || '.' || {q}(p.relname), ', '
                         ORDER BY i.inhseqno) || ')'
                              FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
                              WHERE i.inhrelid = c.oid HAVING count(*) > 0), '') END ||
                     CASE WHEN c.relkind = 'p' THEN ' PARTITION BY ' || pg_get_partkeydef(c.oid) ELSE '' END ||
                     CASE WHEN c.relrowsecurity THEN E'\nROW LEVEL SECURITY ENABLED' ELSE '' END ||
                     CASE WHEN c.relforcerowsecurity THEN E'\nROW LEVEL SECURITY FORCED' ELSE '' END
              FROM rel c WHERE c.relkind IN ('r', 'p', 'f')
              UNION ALL
              SELECT c.nspname, 6, 'Column', a.attname, c.relname, c.relname, 1, row_number() OVER (PARTITION BY a.attrelid
                ORDER BY a.attnum),
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
              WHERE c.relkind IN ('r', 'p', 'f')
              UNION ALL
              SELECT c.nspname, 6, 'Constraint', k.conname, c.relname, c.relname, 2, 0, pg_get_constraintdef(k.oid)
              FROM rel c JOIN pg_constraint k ON k.conrelid = c.oid WHERE c.relkind IN ('r', 'p', 'f')
              UNION ALL
              SELECT c.nspname, 9, 'Index', i.relname, c.relname, i.relname, 0, 0, pg_get_indexdef(i.oid)
              FROM pg_index x JOIN rel i ON i.oid = x.indexrelid JOIN rel c ON c.oid = x.indrelid
              WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid
                AND k.contype IN ('p', 'u', 'x'))
              UNION ALL
              SELECT c.nspname, CASE c.relkind WHEN 'v' THEN 10 ELSE 11 END, CASE c.relkind WHEN 'v' THEN 'View'
                ELSE 'MaterializedView' END,
                     c.relname, NULL, c.relname, 0, 0,
                     'CREATE ' || CASE c.relkind WHEN 'v' THEN 'VIEW ' ELSE 'MATERIALIZED VIEW ' END || {q}(c.nspname) || '.' ||
                       {q}(c.relname) ||
                     ' AS' || E'\n' || pg_get_viewdef(c.oid)
              FROM rel c WHERE c.relkind IN ('v', 'm')
              UNION ALL
              SELECT n.nspname, 12, 'Function', p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', NULL,
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
              WHERE NOT EXISTS (SELECT 1 FROM ext e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid) AND NOT {ownFunction}
              UNION ALL
              SELECT c.nspname, 13, 'Trigger', t.tgname, c.relname, t.tgname, 0, 0, pg_get_triggerdef(t.oid)
              FROM pg_trigger t JOIN rel c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal
              UNION ALL
              SELECT c.nspname, 14, 'Policy', pol.polname, c.relname, pol.polname, 0, 0,
                     'CREATE POLICY ' || {q}(pol.polname) || ' ON ' || {q}(c.nspname) || '.' || {q}(c.relname) ||
                     CASE WHEN pol.polpermissive THEN ' AS PERMISSIVE' ELSE ' AS RESTRICTIVE' END || ' FOR ' ||
                     CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE'
                       ELSE 'ALL' END ||
                     ' TO ' || COALESCE((SELECT string_agg(CASE WHEN r.role = 0 THEN 'PUBLIC' ELSE {q}(pg_get_userbyid(r.role)) END, ', '
                                          ORDER BY CASE WHEN r.role = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r.role)::text END COLLATE "C")
                                         FROM unnest(pol.polroles) AS r(role)), 'PUBLIC') ||
                     COALESCE(' USING (' || pg_get_expr(pol.polqual, pol.polrelid) || ')', '') ||
                     COALESCE(' WITH CHECK (' || pg_get_expr(pol.polwithcheck, pol.polrelid) || ')', '')
              FROM pg_policy pol JOIN rel c ON c.oid = pol.polrelid),
            o AS (
              SELECT r.schema_name::text AS schema_name, r.kind_order, r.kind, r.name::text AS name, r.table_name::text AS table_name,
                     r.grp::text AS grp, r.sub_order, r.position, rtrim(COALESCE(r.definition, ''), E' \n\r\t') AS definition
              FROM raw r)
            """;
    }
}
