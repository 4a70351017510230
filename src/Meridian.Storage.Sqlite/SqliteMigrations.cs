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
        (3, """
            CREATE TABLE revision_counter (
                id    INTEGER PRIMARY KEY CHECK (id = 1),
                value INTEGER NOT NULL
            );
            INSERT INTO revision_counter (id, value)
                VALUES (1, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) * 1024);
            CREATE TABLE change_log (
                revision  INTEGER PRIMARY KEY,
                at        INTEGER NOT NULL,
                kind      TEXT NOT NULL,
                namespace TEXT NOT NULL,
                grp       TEXT NOT NULL,
                name      TEXT NOT NULL,
                item      TEXT NOT NULL,
                version   INTEGER NOT NULL,
                body      TEXT NOT NULL
            );
            ALTER TABLE namespaces ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE services ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE services ADD COLUMN explicit INTEGER NOT NULL DEFAULT 1;
            ALTER TABLE instances ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE instances ADD COLUMN ephemeral INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE instances ADD COLUMN owner TEXT;
            ALTER TABLE configs ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE configs ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
            UPDATE namespaces SET revision = (SELECT value FROM revision_counter);
            UPDATE services SET revision = (SELECT value FROM revision_counter);
            UPDATE instances SET revision = (SELECT value FROM revision_counter);
            UPDATE configs SET revision = (SELECT value FROM revision_counter);
            INSERT INTO configs (namespace, grp, data_id, content, md5, type, app_name, tags, description, version, created_at, modified_at, revision, deleted)
                SELECT h.namespace, h.grp, h.data_id, '', '', MAX(h.type), '', '[]', '', MAX(h.version), MIN(h.changed_at), MAX(h.changed_at),
                       (SELECT value FROM revision_counter), 1
                FROM config_history h
                WHERE NOT EXISTS (SELECT 1 FROM configs c WHERE c.namespace = h.namespace AND c.grp = h.grp AND c.data_id = h.data_id)
                GROUP BY h.namespace, h.grp, h.data_id;
            """),
        (4, """
            CREATE TABLE auth_users (
                name          TEXT PRIMARY KEY,
                password_hash TEXT NOT NULL,
                roles         TEXT NOT NULL,
                created_at    INTEGER NOT NULL
            );
            CREATE TABLE auth_roles (
                name   TEXT PRIMARY KEY,
                grants TEXT NOT NULL
            );
            CREATE TABLE auth_keys (
                id           TEXT PRIMARY KEY,
                name         TEXT NOT NULL,
                secret_hash  TEXT NOT NULL UNIQUE,
                grants       TEXT NOT NULL,
                created_by   TEXT NOT NULL,
                created_at   INTEGER NOT NULL,
                expires_at   INTEGER,
                revoked_at   INTEGER,
                last_used_at INTEGER
            );
            CREATE TABLE auth_secrets (
                name  TEXT PRIMARY KEY,
                value BLOB NOT NULL
            );
            """),
        (5, """
            CREATE TABLE write_probe (
                id   INTEGER PRIMARY KEY CHECK (id = 1),
                data BLOB NOT NULL
            );
            """),
        (6, """
            CREATE TABLE auth_revoked_sessions (
                id       TEXT PRIMARY KEY,
                until_at BIGINT NOT NULL
            );
            """),
    ];
}
