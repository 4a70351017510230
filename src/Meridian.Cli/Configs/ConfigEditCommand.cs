using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Meridian.Cli.Terminal;

namespace Meridian.Cli.Configs;

/// <summary>
/// <c>meridian cfg edit</c>: opens the config in <c>$VISUAL</c> or <c>$EDITOR</c>, then publishes what was saved with a
/// compare-and-set on the md5 it opened, so an edit never overwrites a change someone made meanwhile.
/// </summary>
internal static class ConfigEditCommand
{
    public static Command Create(GlobalOptions options, ConfigScope scope)
    {
        var edit = new Command("edit", "Opens a config in $VISUAL or $EDITOR and publishes it if nobody changed it meanwhile (a new one if it does not exist)") { scope.DataId, scope.Options.Group };
        edit.Run(options, async (run, ct) =>
        {
            var api = await run.ApiAsync(ct);
            var current = await api.FindAsync(scope.Path(run) + "?format=json", ct);
            var opened = current?["content"]?.GetValue<string>() ?? "";
            var md5 = current?["md5"]?.GetValue<string>() ?? "";
            var dataId = run.Value(scope.DataId);
            var folder = Directory.CreateTempSubdirectory("meridian-edit-");
            var file = Path.Combine(folder.FullName, Path.GetFileName(dataId));
            await File.WriteAllTextAsync(file, opened, ct);
            var keep = false;
            try
            {
                await RunEditorAsync(file, ct);
                var saved = await File.ReadAllTextAsync(file, ct);
                if (saved == opened)
                {
                    if (run.Console.Json)
                    {
                        run.Console.WriteJson(current ?? new JsonObject { ["dataId"] = dataId, ["changed"] = false });
                    }

                    run.Console.Note($"No change to {CliConsole.Escape(scope.Describe(run))}; nothing published.");
                    return ExitCodes.Ok;
                }

                JsonNode published;
                try
                {
                    published = await ConfigCommands.PublishAsync(api, scope.Path(run), new JsonObject { ["content"] = saved, ["expectedMd5"] = md5 },
                        scope.Describe(run), ct);
                }
                catch (CliException e) when (e.ExitCode == ExitCodes.Conflict)
                {
                    keep = true;
                    throw new CliException(ExitCodes.Conflict,
                        $"{e.Message} Your edit is kept in {file}: run 'meridian cfg edit' again to edit the current version, or " +
                        $"'meridian cfg set {dataId} --file {file}' to replace it with yours.");
                }

                ConfigCommands.Report(run, published);
                return ExitCodes.Ok;
            }
            finally
            {
                if (!keep)
                {
                    folder.Delete(recursive: true);
                }
            }
        });
        return edit;
    }

    /// <summary>As git does: the variable may hold arguments (<c>code --wait</c>), so the shell runs it with the file appended.</summary>
    private static async Task RunEditorAsync(string file, CancellationToken ct)
    {
        var editor = Environment.GetEnvironmentVariable("VISUAL") is { Length: > 0 } visual ? visual
            : Environment.GetEnvironmentVariable("EDITOR") is { Length: > 0 } configured ? configured
            : OperatingSystem.IsWindows() ? "notepad" : "vi";
        var info = OperatingSystem.IsWindows()
            ? new ProcessStartInfo("cmd.exe") { ArgumentList = { "/c", editor, file } }
            : new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", editor + " \"$1\"", "meridian-editor", file } };
        info.UseShellExecute = false;
        Process process;
        try
        {
            process = Process.Start(info) ?? throw CliException.Usage($"The editor '{editor}' did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw CliException.Usage($"The editor '{editor}' did not start ({e.Message}); set EDITOR to one that is installed.");
        }

        using (process)
        {
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0)
            {
                throw CliException.Usage($"The editor '{editor}' exited with {process.ExitCode}; nothing was published.");
            }
        }
    }
}
