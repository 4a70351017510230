namespace Meridian.Storage.Sqlite;

/// <summary>The schema, as numbered steps. Each runs once, in order, in its own transaction; never edit a released step.</summary>
internal static class SqliteMigrations
{
    public static readonly IReadOnlyList<(int Version, string Sql)> All =
    [
        (1, """
            CREATE TABLE namespaces (
                id          TEXT PRIMARY KEY,
                name        TEXT NOT NULL,
                description TEXT NOT NULL
            );
            CREATE TABLE services (
                namespace  TEXT NOT NULL,
                grp        TEXT NOT NULL,
                name       TEXT NOT NULL,
                definition TEXT NOT NULL,
                PRIMARY KEY (namespace, grp, name)
            );
            CREATE TABLE instances (
                namespace   TEXT NOT NULL,
                grp         TEXT NOT NULL,
                service     TEXT NOT NULL,
                instance_id TEXT NOT NULL,
                body        TEXT NOT NULL,
                PRIMARY KEY (namespace, grp, service, instance_id)
            );
            """),
    ];
}
