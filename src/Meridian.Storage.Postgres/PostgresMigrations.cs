namespace Meridian.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema, as numbered steps; the same tables and columns as SQLite's, in PostgreSQL's types. Each step
/// runs once, in order, in the transaction that holds the migration lock; never edit a released step.
/// </summary>
internal static class PostgresMigrations
{
    public static readonly IReadOnlyList<(int Version, string Sql)> All =
    [
        (1, """
            CREATE TABLE namespaces (
                id          TEXT PRIMARY KEY,
                name        TEXT NOT NULL,
                description TEXT NOT NULL,
                revision    BIGINT NOT NULL DEFAULT 0
            );
            CREATE TABLE services (
                namespace  TEXT NOT NULL,
                grp        TEXT NOT NULL,
                name       TEXT NOT NULL,
                definition TEXT NOT NULL,
                revision   BIGINT NOT NULL DEFAULT 0,
                explicit   INTEGER NOT NULL DEFAULT 1,
                PRIMARY KEY (namespace, grp, name)
            );
            CREATE TABLE instances (
                namespace   TEXT NOT NULL,
                grp         TEXT NOT NULL,
                service     TEXT NOT NULL,
                instance_id TEXT NOT NULL,
                body        TEXT NOT NULL,
                revision    BIGINT NOT NULL DEFAULT 0,
                ephemeral   INTEGER NOT NULL DEFAULT 0,
                owner       TEXT,
                PRIMARY KEY (namespace, grp, service, instance_id)
            );
            CREATE INDEX instances_owner ON instances (owner) WHERE owner IS NOT NULL;
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
                version     BIGINT NOT NULL,
                created_at  BIGINT NOT NULL,
                modified_at BIGINT NOT NULL,
                revision    BIGINT NOT NULL DEFAULT 0,
                deleted     INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (namespace, grp, data_id)
            );
            CREATE TABLE config_history (
                id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                namespace      TEXT NOT NULL,
                grp            TEXT NOT NULL,
                data_id        TEXT NOT NULL,
                version        BIGINT NOT NULL,
                op             TEXT NOT NULL,
                content        TEXT NOT NULL,
                md5            TEXT NOT NULL,
                type           TEXT NOT NULL,
                app_name       TEXT NOT NULL,
                tags           TEXT NOT NULL,
                description    TEXT NOT NULL,
                who            TEXT NOT NULL,
                source_address TEXT NOT NULL,
                changed_at     BIGINT NOT NULL,
                UNIQUE (namespace, grp, data_id, version)
            );
            CREATE INDEX config_history_changed_at ON config_history (changed_at);
            CREATE TABLE revision_counter (
                id    INTEGER PRIMARY KEY CHECK (id = 1),
                value BIGINT NOT NULL
            );
            INSERT INTO revision_counter (id, value) VALUES (1, (extract(epoch FROM clock_timestamp()) * 1000)::bigint * 1024);
            CREATE TABLE change_log (
                revision  BIGINT PRIMARY KEY,
                at        BIGINT NOT NULL,
                kind      TEXT NOT NULL,
                namespace TEXT NOT NULL,
                grp       TEXT NOT NULL,
                name      TEXT NOT NULL,
                item      TEXT NOT NULL,
                version   BIGINT NOT NULL,
                body      TEXT NOT NULL
            );
            CREATE INDEX change_log_at ON change_log (at);
            CREATE TABLE auth_users (
                name          TEXT PRIMARY KEY,
                password_hash TEXT NOT NULL,
                roles         TEXT NOT NULL,
                created_at    BIGINT NOT NULL
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
                created_at   BIGINT NOT NULL,
                expires_at   BIGINT,
                revoked_at   BIGINT,
                last_used_at BIGINT
            );
            CREATE TABLE auth_secrets (
                name  TEXT PRIMARY KEY,
                value BYTEA NOT NULL
            );
            """),
        (2, """
            CREATE UNLOGGED TABLE instance_beats (
                namespace   TEXT NOT NULL,
                grp         TEXT NOT NULL,
                service     TEXT NOT NULL,
                instance_id TEXT NOT NULL,
                node        TEXT NOT NULL,
                at          BIGINT NOT NULL,
                PRIMARY KEY (namespace, grp, service, instance_id)
            );
            CREATE INDEX instance_beats_at ON instance_beats (at);
            """),
        (3, """
            CREATE TABLE cluster_nodes (
                id               TEXT PRIMARY KEY,
                address          TEXT NOT NULL,
                started_at       BIGINT NOT NULL,
                lease_until      BIGINT NOT NULL,
                applied_revision BIGINT NOT NULL
            );
            CREATE TABLE cluster_leader (
                id         INTEGER PRIMARY KEY CHECK (id = 1),
                holder     TEXT NOT NULL,
                term       BIGINT NOT NULL,
                expires_at BIGINT NOT NULL
            );
            """),
        (4, """
            CREATE TABLE write_probe (
                id   INTEGER PRIMARY KEY CHECK (id = 1),
                data BYTEA NOT NULL
            );
            ALTER TABLE write_probe ALTER COLUMN data SET STORAGE EXTERNAL;
            """),
        (5, """
            CREATE TABLE auth_revoked_sessions (
                id       TEXT PRIMARY KEY,
                until_at BIGINT NOT NULL
            );
            """),
    ];
}
