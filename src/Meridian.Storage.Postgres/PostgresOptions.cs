namespace Meridian.Storage.Postgres;

/// <summary>The shared database of a cluster, bound from <c>Meridian:Storage:Postgres</c>.</summary>
public sealed class PostgresOptions
{
    public const string SectionName = "Meridian:Storage:Postgres";

    /// <summary>
    /// An Npgsql connection string: <c>Host=db;Port=5432;Database=meridian;Username=meridian;Password=...</c>. Point it at
    /// PostgreSQL itself or a session-mode pooler: the node keeps one direct connection that LISTENs, which a
    /// transaction-mode pooler (pgbouncer's default) would silently break.
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>How often a node looks for changes itself while it cannot LISTEN (the connection is down); 1 s by default.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a node reads the log after its revision even when notifications arrive: a net under NOTIFY, which
    /// PostgreSQL delivers only to connected listeners. 30 s by default.
    /// </summary>
    public TimeSpan CatchUpInterval { get; set; } = TimeSpan.FromSeconds(30);
}
