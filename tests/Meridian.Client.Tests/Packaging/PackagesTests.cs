using System.Globalization;
using System.Net.Http.Json;
using Meridian.Client.Tests.Infrastructure;
using Meridian.Testing;

namespace Meridian.Client.Tests.Packaging;

/// <summary>
/// What a user of the packages does: `dotnet pack` at the root fills a feed, a brand-new app restores Meridian.Client
/// from it (its Meridian dependencies come from the same feed), builds, and resolves a service through a real server;
/// and the <c>meridian</c> tool installs from the same feed and talks to that server.
/// </summary>
public sealed class PackagesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_fresh_app_restores_Meridian_Client_from_the_packed_feed_and_resolves_a_service()
    {
        var root = RepositoryRoot();
        var work = TempDirectory.Create("meridian-packages-");
        // A version of its own, so no package cached by an earlier run is taken instead.
        var version = $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        try
        {
            var feed = Path.Combine(work, "feed");
            await RunAsync("dotnet", ["pack", Path.Combine(root, "Meridian.slnx"), "--no-build", "-c", Configuration(), "-o", feed,
                $"-p:VersionPrefix=0.0.0", $"-p:VersionSuffix={version["0.0.0-".Length..]}"], root, TimeSpan.FromMinutes(4));
            var packed = Directory.GetFiles(feed, "*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal([$"Meridian.Cli.{version}.nupkg", $"Meridian.Client.{version}.nupkg", $"Meridian.Client.Configuration.{version}.nupkg", $"Meridian.Contracts.{version}.nupkg",
                $"Meridian.Hosting.Aspire.{version}.nupkg"], packed);
            Assert.Equal(5, Directory.GetFiles(feed, "*.snupkg").Length);

            var app = Path.Combine(work, "fresh-app");
            Directory.CreateDirectory(app);
            await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
                <configuration>
                  <packageSources>
                    <add key="meridian" value="{feed}" />
                  </packageSources>
                </configuration>
                """, Ct);
            await File.WriteAllTextAsync(Path.Combine(app, "FreshApp.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Meridian.Client" Version="{version}" />
                  </ItemGroup>
                </Project>
                """, Ct);
            await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
                using Meridian.Client.Discovery;
                using Microsoft.Extensions.DependencyInjection;
                using Microsoft.Extensions.Hosting;

                var builder = Host.CreateApplicationBuilder(args);
                builder.AddMeridian();
                using var host = builder.Build();
                await host.StartAsync();
                var instances = await host.Services.GetRequiredService<IMeridianDiscovery>().GetInstancesAsync("billing");
                Console.WriteLine($"resolved billing: {string.Join(",", instances.Select(i => $"{i.Host}:{i.Port}"))}");
                await host.StopAsync();
                """, Ct);
            await RunAsync("dotnet", ["build", app, "-c", "Release", "-o", Path.Combine(app, "out")], app, TimeSpan.FromMinutes(4));

            await using var server = await ServerHost.StartAsync();
            using var registered = await server.Http.PostAsJsonAsync(
                "/v1/namespaces/public/groups/DEFAULT_GROUP/services/billing/instances", new { ip = "10.0.0.5", port = 8080, ephemeral = false }, Ct);
            Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync(Ct));

            await using var run = ChildProcess.Start("dotnet", [Path.Combine(app, "out", "FreshApp.dll")], new Dictionary<string, string>
            {
                ["Meridian__ServerAddresses__0"] = server.ClientAddress,
                ["Meridian__AccessKey"] = TestTokens.AdminToken,
                ["Meridian__ServiceName"] = "fresh-app",
                ["Meridian__Register"] = "false",
                ["Meridian__Discovery__SnapshotDirectory"] = Path.Combine(work, "snapshots"),
            }, app);
            await run.WaitForAsync(@"^resolved billing: 10\.0\.0\.5:8080$", TimeSpan.FromSeconds(60), Ct);
            await run.WaitForExitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.True(run.ExitCode == 0, run.Output);

            var tools = Path.Combine(work, "tools");
            await RunAsync("dotnet", ["tool", "install", "Meridian.Cli", "--tool-path", tools, "--version", version, "--add-source", feed], work, TimeSpan.FromMinutes(4));
            await using var cli = ChildProcess.Start(Path.Combine(tools, "meridian"), ["svc", "ls", "--server", server.Http.BaseAddress!.ToString(), "--token", TestTokens.AdminToken, "-o", "json"],
                new Dictionary<string, string> { ["HOME"] = work }, work);
            await cli.WaitForExitAsync(TimeSpan.FromSeconds(60), Ct);
            Assert.True(cli.ExitCode == 0, cli.Output);
            Assert.Contains("\"name\": \"billing\"", cli.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
            ForgetCachedPackages(version);
        }
    }

    private static async Task RunAsync(string program, string[] args, string directory, TimeSpan timeout)
    {
        await using var process = ChildProcess.Start(program, args, new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" }, directory);
        await process.WaitForExitAsync(timeout, Ct);
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} exited with {process.ExitCode.ToString(CultureInfo.InvariantCulture)}:\n{process.Output}");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Meridian.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Meridian.slnx above {AppContext.BaseDirectory}.");
    }

    /// <summary>The configuration these tests were built in, which `pack --no-build` must read.</summary>
    private static string Configuration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.OrdinalIgnoreCase) ? "Release" : "Debug";

    /// <summary>Restoring put the test's packages in the global packages folder; they are of no use to anyone after the test.</summary>
    private static void ForgetCachedPackages(string version)
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in (string[])["meridian.cli", "meridian.client", "meridian.client.configuration", "meridian.contracts"])
        {
            var folder = Path.Combine(cache, id, version);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
