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
        (2, """
            CREATE TABLE configs (
                namespace   TEXT NOT NULL,
                grp         TEXT NOT NULL,
                data_id     TEXT NOT NULL,
                content     TEXT NOT NULL,
                md5         TEXT NOT NULL,
                type        TEXT NOT NULL,
                app_name    TEXT NOT NULL,
                tags        TEXT NOT NULL,
                description TEXT NOT NULL,
                version     INTEGER NOT NULL,
                created_at  INTEGER NOT NULL,
                modified_at INTEGER NOT NULL,
                PRIMARY KEY (namespace, grp, data_id)
            );
            CREATE TABLE config_history (
                id             INTEGER PRIMARY KEY AUTOINCREMENT,
                namespace      TEXT NOT NULL,
                grp            TEXT NOT NULL,
                data_id        TEXT NOT NULL,
                version        INTEGER NOT NULL,
                op             TEXT NOT NULL,
                content        TEXT NOT NULL,
                md5            TEXT NOT NULL,
                type           TEXT NOT NULL,
                app_name       TEXT NOT NULL,
                tags           TEXT NOT NULL,
                description    TEXT NOT NULL,
                who            TEXT NOT NULL,
                source_address TEXT NOT NULL,
                changed_at     INTEGER NOT NULL,
                UNIQUE (namespace, grp, data_id, version)
            );
            CREATE INDEX config_history_changed_at ON config_history (changed_at);
            """),
    ];
}
