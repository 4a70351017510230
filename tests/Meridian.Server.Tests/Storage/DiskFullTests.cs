using System.Diagnostics;
using System.Net;
using Meridian.Server.Tests.Api.Config;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Storage;

/// <summary>
/// The server on a small tmpfs that fills up: writes answer 507, readiness turns off and on again with the disk, and
/// everything acknowledged stays readable, then and after a SIGKILL. Mounting needs root, as CI runs.
/// </summary>
public sealed class DiskFullTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_full_disk_refuses_writes_with_507_turns_readiness_off_and_loses_nothing_acknowledged()
    {
        await using var disk = await Tmpfs.MountAsync("16m", Ct);
        var data = Path.Combine(disk.Path, "data");
        var acknowledged = new Dictionary<string, string>();
        string refused;
        await using (var server = await ServerProcess.StartAsync(data, Ct))
        {
            using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
            for (var i = 0; i < 5; i++)
            {
                await Publish(server, $"before-{i}.txt", Content(i), acknowledged);
            }

            var filler = Path.Combine(disk.Path, "filler");
            Fill(filler);

            // Large distinct configs until the store finds no room: each answer is 200 or 507, never anything else.
            string? firstRefused = null;
            for (var i = 0; i < 300 && firstRefused is null; i++)
            {
                var dataId = $"after-{i}.txt";
                using var response = await server.Client.PutConfigAsync(dataId, new { content = Content(1000 + i) });
                if (response.StatusCode == HttpStatusCode.InsufficientStorage)
                {
                    var problem = await response.ProblemAsync(HttpStatusCode.InsufficientStorage);
                    Assert.Contains("out of space", problem.Detail);
                    firstRefused = dataId;
                }
                else
                {
                    Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                    acknowledged[dataId] = Content(1000 + i);
                    // Room may have been left by the first fill (the journal grew since): take it too.
                    Fill(filler);
                }
            }

            refused = firstRefused ?? throw new Xunit.Sdk.XunitException("300 publishes of 60 KB fitted on a full 16 MB disk.");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync("/health/ready", Ct)).StatusCode);
            await AssertServedAsync(server, acknowledged, refused);

            File.Delete(filler);
            // The readiness check makes its own probe write when writes failed, so the first check after the disk has
            // room finds it writable: nothing to wait for.
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready", Ct)).StatusCode);
            await Publish(server, refused, "written once there is room\n", acknowledged);
            await server.KillAsync();
        }

        await using var restarted = await ServerProcess.StartAsync(data, Ct);
        await AssertServedAsync(restarted, acknowledged, refusedDataId: null);
    }

    private static string Content(int seed) => string.Create(60 * 1024, seed, (span, s) =>
    {
        var random = new Random(s);
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (char)('a' + random.Next(26));
        }
    });

    private static async Task Publish(ServerProcess server, string dataId, string content, Dictionary<string, string> acknowledged)
    {
        using var response = await server.Client.PutConfigAsync(dataId, new { content });
        Assert.Equal(acknowledged.ContainsKey(dataId) ? HttpStatusCode.OK : HttpStatusCode.Created, response.StatusCode);
        acknowledged[dataId] = content;
    }

    private static async Task AssertServedAsync(ServerProcess server, Dictionary<string, string> acknowledged, string? refusedDataId)
    {
        foreach (var (dataId, content) in acknowledged)
        {
            using var response = await server.Client.GetAsync(ConfigWire.Path(dataId), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(content, await response.Content.ReadAsStringAsync(Ct));
        }

        if (refusedDataId is not null)
        {
            using var missing = await server.Client.GetAsync(ConfigWire.Path(refusedDataId), Ct);
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
    }

    /// <summary>Appends to <paramref name="path"/> until the file system has no byte left.</summary>
    private static void Fill(string path)
    {
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
        foreach (var size in (ReadOnlySpan<int>)[1 << 20, 4096, 1])
        {
            var chunk = new byte[size];
            try
            {
                while (true)
                {
                    file.Write(chunk);
                }
            }
            catch (IOException)
            {
                // No room for a chunk this size; try smaller ones.
            }
        }
    }

    private sealed class Tmpfs : IAsyncDisposable
    {
        private Tmpfs(string path) => Path = path;

        public string Path { get; }

        public static async Task<Tmpfs> MountAsync(string size, CancellationToken cancellationToken)
        {
            var path = Directory.CreateTempSubdirectory("meridian-full-").FullName;
            var (code, output) = await RunAsync("mount", ["-t", "tmpfs", "-o", $"size={size}", "tmpfs", path], cancellationToken);
            Assert.True(code == 0, $"mount -t tmpfs failed ({code}): {output}. This test mounts a small file system and needs root (CI runs as root).");
            return new Tmpfs(path);
        }

        public async ValueTask DisposeAsync()
        {
            await RunAsync("umount", ["-l", Path], CancellationToken.None);
            Directory.Delete(Path, recursive: true);
        }

        private static async Task<(int Code, string Output)> RunAsync(string program, string[] args, CancellationToken cancellationToken)
        {
            var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var output = await process.StandardError.ReadToEndAsync(cancellationToken) + await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return (process.ExitCode, output);
        }
    }
}
