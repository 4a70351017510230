namespace Meridian.Cli.Terminal;

/// <summary>Tables and colours for people; JSON (stable, the API's field names) for scripts.</summary>
internal enum OutputFormat
{
    Table,
    Json,
}
