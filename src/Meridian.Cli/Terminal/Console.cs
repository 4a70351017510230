using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Meridian.Cli.Terminal;

/// <summary>
/// Where a command writes: results on standard output (tables, or JSON with <c>--output json</c>), progress, notes and
/// errors on standard error, so a script piping the output reads nothing else. Colours only on a terminal.
/// </summary>
internal sealed class CliConsole
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly TextWriter _out;

    public CliConsole(OutputFormat format, TextWriter output, TextWriter error)
    {
        Format = format;
        _out = output;
        Out = Create(output, Console.IsOutputRedirected);
        Err = Create(error, Console.IsErrorRedirected);
    }

    public OutputFormat Format { get; }

    public bool Json => Format == OutputFormat.Json;

    /// <summary>Standard output, for tables and human results.</summary>
    public IAnsiConsole Out { get; }

    /// <summary>Standard error, for progress bars, notes and errors.</summary>
    public IAnsiConsole Err { get; }

    public void WriteJson(JsonNode? node) => _out.WriteLine(node?.ToJsonString(Indented) ?? "null");

    /// <summary>One compact JSON document per line (a stream of events, as <c>cfg watch</c> writes).</summary>
    public void WriteJsonLine(JsonNode node)
    {
        _out.WriteLine(node.ToJsonString(Compact));
        _out.Flush();
    }

    /// <summary>Text exactly as it is (config content), never wrapped or interpreted as markup.</summary>
    public void WriteRaw(string text, bool endLine)
    {
        _out.Write(text);
        if (endLine && !text.EndsWith('\n'))
        {
            _out.WriteLine();
        }

        _out.Flush();
    }

    /// <summary>A one-line result for people (nothing in JSON mode, where the command writes the result itself).</summary>
    public void Done(string markup)
    {
        if (!Json)
        {
            Out.MarkupLine("[green]✓[/] " + markup);
        }
    }

    public void Note(string markup) => Err.MarkupLine("[grey]" + markup + "[/]");

    public void Warn(string text) => Err.MarkupLine("[yellow]warning:[/] " + Markup.Escape(text));

    public void Error(string text) => Err.MarkupLine("[red]error:[/] " + Markup.Escape(text));

    public static string Escape(string? text) => Markup.Escape(text ?? "");

    public static Table Table(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded).BorderColor(Color.Grey);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn("[bold]" + Markup.Escape(column) + "[/]"));
        }

        return table;
    }

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            // A pipe has no width: lines (an error, a table row) stay whole for a script or a log to read.
            console.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 0 ? columns : 4096;
        }

        return console;
    }
}
