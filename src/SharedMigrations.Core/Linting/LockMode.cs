namespace SharedMigrations.Core.Linting;

/// <summary>PostgreSQL's table-level lock modes, weakest first (the "Explicit Locking" chapter of its documentation).</summary>
internal enum LockMode : byte
{
    /// <summary>No table lock worth reporting.</summary>
    None,

    /// <summary>SELECT: conflicts only with AccessExclusive.</summary>
    AccessShare,

    /// <summary>SELECT FOR UPDATE/SHARE; the referenced table of a FOREIGN KEY validation.</summary>
    RowShare,

    /// <summary>INSERT, UPDATE, DELETE, MERGE.</summary>
    RowExclusive,

    /// <summary>VACUUM, ANALYZE, CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT, some ALTER TABLE forms: reads and writes go on.</summary>
    ShareUpdateExclusive,

    /// <summary>CREATE INDEX: blocks writes, not reads.</summary>
    Share,

    /// <summary>CREATE TRIGGER, ADD FOREIGN KEY: blocks writes, not reads.</summary>
    ShareRowExclusive,

    /// <summary>REFRESH MATERIALIZED VIEW CONCURRENTLY: blocks writes, lets plain reads through.</summary>
    Exclusive,

    /// <summary>DROP, TRUNCATE, most ALTER TABLE forms: blocks reads and writes.</summary>
    AccessExclusive,
}
