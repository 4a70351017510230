using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Meridian.Cli.Tests.Infrastructure;

namespace Meridian.Cli.Tests.Configs;

public sealed class ConfigCommandsTests(CliServer server) : IClassFixture<CliServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Set_then_get_gives_the_content_raw_and_its_metadata_in_json()
    {
        var published = CliAssert.Ok(await server.RunAsync("cfg", "set", "set-get.yaml", "a: 1\nb: two\n", "--tag", "team-a", "--description", "Set and get"));
        Assert.Contains("Published set-get.yaml (group DEFAULT_GROUP, namespace public) version 1", published.Stdout, StringComparison.Ordinal);

        Assert.Equal("a: 1\nb: two\n", CliAssert.Ok(await server.RunAsync("cfg", "get", "set-get.yaml")).Stdout);
        var json = CliAssert.Ok(await server.RunAsync("cfg", "get", "set-get.yaml", "-o", "json")).Json;
        Assert.Equal("a: 1\nb: two\n", json["content"]!.GetValue<string>());
        Assert.Equal("yaml", json["type"]!.GetValue<string>());
        Assert.Equal(1, json["version"]!.GetValue<long>());
        Assert.Equal(["team-a"], json["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal("Set and get", json["description"]!.GetValue<string>());

        var fromStdin = CliAssert.Ok(await server.RunWithInputAsync("{\"from\":\"stdin\"}", "cfg", "set", "stdin.json", "-", "-g", "PIPED", "-o", "json")).Json;
        Assert.Equal("json", fromStdin["type"]!.GetValue<string>());
        Assert.Equal("{\"from\":\"stdin\"}", CliAssert.Ok(await server.RunAsync("cfg", "get", "stdin.json", "-g", "PIPED")).Stdout);

        var listed = CliAssert.Ok(await server.RunAsync("cfg", "ls", "-o", "json")).Json.AsArray();
        Assert.Contains(listed, c => c!["dataId"]!.GetValue<string>() == "stdin.json" && c["group"]!.GetValue<string>() == "PIPED");
        Assert.Contains("set-get.yaml", CliAssert.Ok(await server.RunAsync("cfg", "ls")).Stdout, StringComparison.Ordinal);
        var piped = CliAssert.Ok(await server.RunAsync("cfg", "ls", "-g", "PIP*", "-o", "json")).Json.AsArray();
        Assert.Equal(["stdin.json"], piped.Select(c => c!["dataId"]!.GetValue<string>()));

        var removed = CliAssert.Ok(await server.RunAsync("cfg", "rm", "stdin.json", "-g", "PIPED"));
        Assert.Contains("Removed stdin.json", removed.Stdout, StringComparison.Ordinal);
        CliAssert.Exits(2, await server.RunAsync("cfg", "get", "stdin.json", "-g", "PIPED"));

        var invalid = CliAssert.Exits(1, await server.RunAsync("cfg", "set", "broken.json", "{\"a\":"));
        Assert.Contains("not valid json", invalid.Stderr, StringComparison.OrdinalIgnoreCase);
        CliAssert.Exits(1, await server.RunAsync("cfg", "set", "nofile.txt", "--file", "/nonexistent/file.txt"));
    }

    [Fact]
    public async Task A_set_with_a_stale_md5_or_version_is_a_conflict_and_publishes_nothing()
    {
        var first = CliAssert.Ok(await server.RunAsync("cfg", "set", "cas.properties", "a=1", "-o", "json")).Json;
        var md5 = first["md5"]!.GetValue<string>();
        CliAssert.Ok(await server.RunAsync("cfg", "set", "cas.properties", "a=2", "--expect-md5", md5));

        var staleMd5 = CliAssert.Exits(3, await server.RunAsync("cfg", "set", "cas.properties", "a=3", "--expect-md5", md5));
        Assert.Contains("Conflict: cas.properties (group DEFAULT_GROUP, namespace public) was not published", staleMd5.Stderr, StringComparison.Ordinal);
        var staleVersion = CliAssert.Exits(3, await server.RunAsync("cfg", "set", "cas.properties", "a=3", "--expect-version", "1"));
        Assert.Contains("is at version 2, not the expected 1", staleVersion.Stderr, StringComparison.Ordinal);
        Assert.Equal("a=2", CliAssert.Ok(await server.RunAsync("cfg", "get", "cas.properties")).Stdout);

        var third = CliAssert.Ok(await server.RunAsync("cfg", "set", "cas.properties", "a=3", "--expect-version", "2", "-o", "json")).Json;
        Assert.Equal(3, third["version"]!.GetValue<long>());
        CliAssert.Exits(3, await server.RunAsync("cfg", "set", "cas.properties", "a=4", "--expect-md5", ""));
    }

    [Fact]
    public async Task History_diff_and_rollback_show_and_restore_earlier_versions()
    {
        foreach (var content in (string[])["port: 1\nname: a\n", "port: 2\nname: a\n", "port: 3\nname: b\n"])
        {
            CliAssert.Ok(await server.RunAsync("cfg", "set", "history.yaml", content));
        }

        var table = CliAssert.Ok(await server.RunAsync("cfg", "history", "history.yaml"));
        Assert.Contains("3 change(s) of history.yaml", table.Stderr, StringComparison.Ordinal);
        Assert.Contains("publish", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("admin", table.Stdout, StringComparison.Ordinal);
        var history = CliAssert.Ok(await server.RunAsync("cfg", "history", "history.yaml", "-o", "json")).Json;
        Assert.Equal([3L, 2L, 1L], history["items"]!.AsArray().Select(e => e!["version"]!.GetValue<long>()));

        var diff = CliAssert.Ok(await server.RunAsync("cfg", "diff", "history.yaml", "1", "2"));
        Assert.Contains("-port: 1", diff.Stdout, StringComparison.Ordinal);
        Assert.Contains("+port: 2", diff.Stdout, StringComparison.Ordinal);
        var toCurrent = CliAssert.Ok(await server.RunAsync("cfg", "diff", "history.yaml", "1", "-o", "json")).Json;
        Assert.Equal(3, toCurrent["to"]!.GetValue<long>());
        Assert.Contains("+name: b", toCurrent["unified"]!.GetValue<string>(), StringComparison.Ordinal);

        var rolledBack = CliAssert.Ok(await server.RunAsync("cfg", "rollback", "history.yaml", "1"));
        Assert.Contains("back to the content of version 1: now version 4", rolledBack.Stdout, StringComparison.Ordinal);
        Assert.Equal("port: 1\nname: a\n", CliAssert.Ok(await server.RunAsync("cfg", "get", "history.yaml")).Stdout);
        var after = CliAssert.Ok(await server.RunAsync("cfg", "history", "history.yaml", "-o", "json")).Json;
        Assert.Equal("rollback", after["items"]![0]!["operation"]!.GetValue<string>());
        Assert.Contains("Versions 1 and 4 hold the same content", CliAssert.Ok(await server.RunAsync("cfg", "diff", "history.yaml", "1")).Stdout, StringComparison.Ordinal);

        CliAssert.Exits(2, await server.RunAsync("cfg", "rollback", "history.yaml", "99"));
        CliAssert.Exits(1, await server.RunAsync("cfg", "diff", "history.yaml", "one"));
    }

    [Fact]
    public async Task Edit_publishes_what_the_editor_saved_with_a_compare_and_set_on_what_it_opened()
    {
        CliAssert.Ok(await server.RunAsync("cfg", "set", "edit.yaml", "level: info\n"));
        var editor = Script("edit-ok.sh", """sed -i 's/info/debug/' "$1" """);

        var edited = CliAssert.Ok(await server.RunAsAsync(server.Environment(("EDITOR", editor)), "cfg", "edit", "edit.yaml"));
        Assert.Contains("Published edit.yaml", edited.Stdout, StringComparison.Ordinal);
        Assert.Equal("level: debug\n", CliAssert.Ok(await server.RunAsync("cfg", "get", "edit.yaml")).Stdout);

        var unchanged = CliAssert.Ok(await server.RunAsAsync(server.Environment(("EDITOR", "true")), "cfg", "edit", "edit.yaml"));
        Assert.Contains("nothing published", unchanged.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_reports_a_conflict_when_the_config_changed_while_the_editor_was_open()
    {
        CliAssert.Ok(await server.RunAsync("cfg", "set", "edit-race.yaml", "owner: me\n"));
        // While "the editor is open", someone else publishes (the CLI itself, with the environment the editor inherits).
        var editor = Script("edit-race.sh", $"""
            dotnet "{CliRun.Dll}" cfg set edit-race.yaml 'owner: someone else' > /dev/null || exit 1
            sed -i 's/me/mine/' "$1"
            """);

        var conflict = await server.RunAsAsync(server.Environment(("EDITOR", editor)), "cfg", "edit", "edit-race.yaml");
        var kept = System.Text.RegularExpressions.Regex.Match(conflict.Stderr, @"Your edit is kept in (\S+):").Groups[1].Value;
        try
        {
            CliAssert.Exits(3, conflict);
            Assert.Contains("Conflict: edit-race.yaml (group DEFAULT_GROUP, namespace public) was not published", conflict.Stderr, StringComparison.Ordinal);
            Assert.Contains("someone changed it since you read it", conflict.Stderr, StringComparison.Ordinal);
            Assert.Equal("owner: someone else", CliAssert.Ok(await server.RunAsync("cfg", "get", "edit-race.yaml")).Stdout);
            Assert.Equal("owner: mine\n", await File.ReadAllTextAsync(kept, Ct));
        }
        finally
        {
            if (kept.Length > 0 && Path.GetDirectoryName(kept) is { } folder && Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Watch_prints_the_config_then_a_publish_made_while_it_watches()
    {
        CliAssert.Ok(await server.RunAsync("cfg", "set", "watched.yaml", "color: blue\n"));
        await using var watch = Meridian.Testing.ChildProcess.Start("dotnet", [CliRun.Dll, "cfg", "watch", "watched.yaml", "--count", "2", "-o", "json"], server.Environment());
        await watch.WaitForAsync("Watching watched.yaml", TimeSpan.FromSeconds(30), Ct);

        await server.ArrangeAsync(HttpMethod.Put, "/v1/namespaces/public/groups/DEFAULT_GROUP/configs/watched.yaml", new { content = "color: green\n" });
        await watch.WaitForAsync("color: green", TimeSpan.FromSeconds(10), Ct);
        await server.ArrangeAsync(HttpMethod.Delete, "/v1/namespaces/public/groups/DEFAULT_GROUP/configs/watched.yaml", null);
        await watch.WaitForExitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(watch.ExitCode == 0, watch.Output);

        var events = watch.Output.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(["current", "changed", "deleted"], events.Select(e => e["event"]!.GetValue<string>()));
        Assert.Equal("color: blue\n", events[0]["config"]!["content"]!.GetValue<string>());
        Assert.Equal("color: green\n", events[1]["config"]!["content"]!.GetValue<string>());
        Assert.Equal(2, events[1]["config"]!["version"]!.GetValue<long>());
        Assert.Null(events[2]["config"]);
    }

    [Fact]
    public async Task Watch_in_a_table_prints_each_version_with_a_header()
    {
        CliAssert.Ok(await server.RunAsync("cfg", "set", "watched.txt", "one"));
        await using var watch = Meridian.Testing.ChildProcess.Start("dotnet", [CliRun.Dll, "cfg", "watch", "watched.txt", "--count", "1"], server.Environment());
        await watch.WaitForAsync("Watching watched.txt", TimeSpan.FromSeconds(30), Ct);
        CliAssert.Ok(await server.RunAsync("cfg", "set", "watched.txt", "two"));
        await watch.WaitForExitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(watch.ExitCode == 0, watch.Output);
        Assert.Contains("# current: watched.txt version 1", watch.Output, StringComparison.Ordinal);
        Assert.Contains("# changed: watched.txt version 2", watch.Output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^two$", watch.Output);
    }

    [Fact]
    public async Task Export_then_import_into_another_namespace_copies_content_and_metadata_with_progress()
    {
        await server.ArrangeAsync(HttpMethod.Post, "/v1/namespaces", new { id = "export-from" });
        await server.ArrangeAsync(HttpMethod.Post, "/v1/namespaces", new { id = "import-to" });
        for (var i = 0; i < 12; i++)
        {
            await server.ArrangeAsync(HttpMethod.Put, $"/v1/namespaces/export-from/groups/{(i % 2 == 0 ? "EVEN" : "ODD")}/configs/app-{i}.yaml",
                new { content = $"index: {i}\n", tags = new[] { "t" + i }, description = "config " + i, appName = "shop" });
        }

        var zip = Path.Combine(server.Home, "export.zip");
        // On a terminal (a pseudo-terminal here) the export draws Spectre's progress bar.
        var onTerminal = await CliRun.RunOnTerminalAsync($"dotnet \"{CliRun.Dll}\" cfg export \"{zip}\" -n export-from", server.Environment(), Ct);
        CliAssert.Ok(onTerminal);
        Assert.Contains("Exporting 12 config(s) from export-from", onTerminal.Stdout, StringComparison.Ordinal);
        Assert.Contains("━━━", onTerminal.Stdout, StringComparison.Ordinal);
        Assert.Contains("100%", onTerminal.Stdout, StringComparison.Ordinal);
        Assert.Contains("Exported 12 config(s)", onTerminal.Stdout, StringComparison.Ordinal);

        using (var archive = System.IO.Compression.ZipFile.OpenRead(zip))
        {
            Assert.Equal(13, archive.Entries.Count);
            Assert.NotNull(archive.GetEntry("EVEN/app-0.yaml"));
            Assert.NotNull(archive.GetEntry(".metadata.yml"));
        }

        // On a pipe, progress is plain lines on standard error, and the result is JSON on standard output.
        var imported = CliAssert.Ok(await server.RunAsync("cfg", "import", zip, "-n", "import-to", "-o", "json"));
        Assert.Equal(12, imported.Json["imported"]!.GetValue<int>());
        Assert.Contains("Importing 12 config(s) into import-to: 0/12 (0%)", imported.Stderr, StringComparison.Ordinal);
        Assert.Contains("Importing 12 config(s) into import-to: 12/12 (100%)", imported.Stderr, StringComparison.Ordinal);

        var copy = await server.Admin.GetFromJsonAsync<JsonObject>("/v1/namespaces/import-to/groups/ODD/configs/app-7.yaml?format=json", Ct);
        Assert.Equal("index: 7\n", copy!["content"]!.GetValue<string>());
        Assert.Equal("yaml", copy["type"]!.GetValue<string>());
        Assert.Equal("shop", copy["appName"]!.GetValue<string>());
        Assert.Equal("config 7", copy["description"]!.GetValue<string>());
        Assert.Equal(["t7"], copy["tags"]!.AsArray().Select(t => t!.GetValue<string>()));

        var again = CliAssert.Exits(3, await server.RunAsync("cfg", "import", zip, "-n", "import-to"));
        Assert.Contains("12 config(s) already exist in namespace 'import-to'", again.Stderr, StringComparison.Ordinal);
        var skipped = CliAssert.Ok(await server.RunAsync("cfg", "import", zip, "-n", "import-to", "--policy", "skip", "-o", "json")).Json;
        Assert.Equal(12, skipped["skipped"]!.GetValue<int>());

        var notZip = Path.Combine(server.Home, "not.zip");
        await File.WriteAllTextAsync(notZip, "plain text", Ct);
        Assert.Contains("not a zip archive", CliAssert.Exits(1, await server.RunAsync("cfg", "import", notZip, "-n", "import-to")).Stderr, StringComparison.Ordinal);
    }

    private string Script(string name, string body)
    {
        var path = Path.Combine(server.Home, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
