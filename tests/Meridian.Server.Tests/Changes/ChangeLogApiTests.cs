using System.Net;
using System.Net.Http.Json;
using Meridian.Testing;
using Meridian.Server.Tests.Api.Config;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Changes;

/// <summary>The change log as HTTP clients see it: revisions from the store, compare-and-set, listeners that resume.</summary>
public sealed class ChangeLogApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record ChangedDto(string DataId, string Md5, long Revision);

    private sealed record ListenResponseDto(List<ChangedDto> Changed);

    [Fact]
    public async Task Revisions_grow_in_commit_order_and_keep_growing_across_a_restart()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            long highest;
            await using (var first = await TestServer.StartAsync(dataDirectory: data, cancellationToken: Ct))
            {
                var published = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => first.Client.PublishAsync($"c{i}.txt", $"v{i}")));
                Assert.Equal(40, published.Select(p => p.Revision).Distinct().Count());
                Assert.All(published, p => Assert.True(p.Revision > 0));

                // One key published twice in a row: the later publish commits later and carries the higher revision.
                var a = await first.Client.PublishAsync("seq.txt", "1");
                var b = await first.Client.PublishAsync("seq.txt", "2");
                Assert.True(b.Revision > a.Revision);
                Assert.True(a.Revision > published.Max(p => p.Revision));
                highest = b.Revision;
            }

            await using var second = await TestServer.StartAsync(dataDirectory: data, cancellationToken: Ct);
            var kept = await (await second.Client.GetAsync(ConfigWire.Path("seq.txt") + "?format=json", Ct)).ReadAsync<ConfigWire.ConfigDto>();
            Assert.Equal(highest, kept.Revision);
            var after = await second.Client.PublishAsync("seq.txt", "3");
            Assert.True(after.Revision > highest);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Of_two_concurrent_compare_and_set_publishes_one_gets_200_and_the_other_409()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var v1 = await server.Client.PublishAsync("app.yaml", "a: 1\n");
        using var other = TestAuth.ClientWith(server.BaseAddress, server.Token);

        var answers = await Task.WhenAll(
            server.Client.PutConfigAsync("app.yaml", new { content = "a: 2\n", expectedMd5 = v1.Md5 }),
            other.PutConfigAsync("app.yaml", new { content = "a: 3\n", expectedMd5 = v1.Md5 }));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        var problem = await answers.Single(a => a.StatusCode == HttpStatusCode.Conflict).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("someone changed it", problem.Detail, StringComparison.Ordinal);
        var current = await (await server.Client.GetAsync(ConfigWire.Path("app.yaml") + "?format=json", Ct)).ReadAsync<ConfigWire.ConfigDto>();
        Assert.Equal(2, current.Version);
    }

    [Fact]
    public async Task A_long_poll_that_names_its_revision_hears_of_any_later_change_even_back_to_the_same_content()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var v1 = await server.Client.PublishAsync("app.txt", "same");
        await server.Client.PublishAsync("app.txt", "different");
        var v3 = await server.Client.PublishAsync("app.txt", "same");
        Assert.Equal(v1.Md5, v3.Md5);

        var byMd5 = await (await server.Client.ListenAsync(
            new { timeoutMs = 1000, keys = new[] { new { dataId = "app.txt", md5 = v1.Md5 } } }, Ct)).ReadAsync<ListenResponseDto>();
        var byRevision = await (await server.Client.ListenAsync(
            new { timeoutMs = 1000, keys = new[] { new { dataId = "app.txt", md5 = v1.Md5, revision = v1.Revision } } }, Ct)).ReadAsync<ListenResponseDto>();

        Assert.Empty(byMd5.Changed);
        var changed = Assert.Single(byRevision.Changed);
        Assert.Equal((v3.Md5, v3.Revision), (changed.Md5, changed.Revision));

        var current = await (await server.Client.ListenAsync(
            new { timeoutMs = 1000, keys = new[] { new { dataId = "app.txt", md5 = v3.Md5, revision = v3.Revision } } }, Ct)).ReadAsync<ListenResponseDto>();
        Assert.Empty(current.Changed);
    }

    [Fact]
    public async Task A_negative_revision_is_refused_with_what_to_send()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);

        var response = await server.Client.ListenAsync(new { keys = new[] { new { dataId = "app.txt", md5 = "", revision = -1 } } }, Ct);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("keys[0].revision", problem.Errors!.Keys);
    }
}
