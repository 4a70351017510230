using Meridian.Auth;
using Meridian.Core.Tests.Infrastructure;
using Meridian.Config;
using Meridian.Validation;

namespace Meridian.Core.Tests.Config;

public sealed class ConfigServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Publish_creates_version_1_with_the_nacos_md5_and_get_serves_the_same_snapshot()
    {
        await using var f = await CoreHost.StartAsync();
        var item = await f.PublishAsync("userservice-dev.yaml", "server:\n  port: 8080\n");

        Assert.Equal(1, item.Version);
        Assert.Equal(ConfigType.Yaml, item.Type);
        Assert.Equal(32, item.Md5.Length);
        Assert.Equal(f.Time.GetUtcNow(), item.CreatedAt);
        Assert.Same(item, f.Configs.Get(CoreHost.Config("userservice-dev.yaml")));
    }

    [Theory]
    [InlineData("hello", "5d41402abc4b2a76b9719d911017c592")]
    [InlineData("你好", "7eca689f0d3389d9dea66ae112e5cfd7")]
    public async Task Md5_is_of_the_utf8_bytes_in_lower_case_hex_as_nacos_clients_compute_it(string content, string md5)
    {
        await using var f = await CoreHost.StartAsync();
        Assert.Equal(md5, (await f.PublishAsync("a.txt", content)).Md5);
    }

    [Fact]
    public async Task Each_change_grows_the_version_and_keeps_the_creation_time()
    {
        await using var f = await CoreHost.StartAsync();
        var first = await f.PublishAsync("app.properties", "a=1");
        f.Time.Advance(TimeSpan.FromMinutes(5));
        var second = await f.PublishAsync("app.properties", "a=2");

        Assert.Equal(2, second.Version);
        Assert.Equal(first.CreatedAt, second.CreatedAt);
        Assert.Equal(first.CreatedAt + TimeSpan.FromMinutes(5), second.ModifiedAt);
    }

    [Fact]
    public async Task Publishing_the_same_content_again_makes_no_new_version_and_no_change()
    {
        await using var f = await CoreHost.StartAsync();
        var first = await f.PublishAsync("app.txt", "hello");
        var changes = 0;
        using var _ = f.Configs.Changes.Subscribe(_ => changes++);

        var again = await f.PublishAsync("app.txt", "hello");

        Assert.Same(first, again);
        Assert.Equal(0, changes);
    }

    [Fact]
    public async Task Compare_and_set_refuses_a_stale_md5_and_accepts_the_current_one()
    {
        await using var f = await CoreHost.StartAsync();
        var v1 = await f.PublishAsync("app.txt", "one");
        await f.PublishAsync("app.txt", "two");

        var stale = await Assert.ThrowsAsync<ConflictException>(() => f.PublishAsync("app.txt", "three", expectedMd5: v1.Md5));
        Assert.Contains("not the expected", stale.Message, StringComparison.Ordinal);

        var current = f.Configs.Require(CoreHost.Config("app.txt"));
        var v3 = await f.PublishAsync("app.txt", "three", expectedMd5: current.Md5);
        Assert.Equal(3, v3.Version);
    }

    [Fact]
    public async Task Compare_and_set_on_the_version_refuses_a_stale_one_even_when_the_content_came_back()
    {
        await using var f = await CoreHost.StartAsync();
        var key = CoreHost.Config("versioned.txt");
        await f.PublishAsync("versioned.txt", "one");
        await f.PublishAsync("versioned.txt", "two");
        await f.PublishAsync("versioned.txt", "one");

        var stale = await Assert.ThrowsAsync<ConflictException>(() =>
            f.ConfigCommands.PublishAsync(key, new ConfigDraft("mine", ExpectedVersion: 1), CoreHost.Alice, Ct));
        Assert.Contains("is at version 3, not the expected 1", stale.Message, StringComparison.Ordinal);
        var absent = await Assert.ThrowsAsync<ConflictException>(() =>
            f.ConfigCommands.PublishAsync(CoreHost.Config("never.txt"), new ConfigDraft("x", ExpectedVersion: 1), CoreHost.Alice, Ct));
        Assert.Contains("does not exist", absent.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidInputException>(() =>
            f.ConfigCommands.PublishAsync(key, new ConfigDraft("x", ExpectedVersion: 0), CoreHost.Alice, Ct));

        var v4 = await f.ConfigCommands.PublishAsync(key, new ConfigDraft("mine", ExpectedVersion: 3), CoreHost.Alice, Ct);
        Assert.Equal(4, v4.Version);
    }

    [Fact]
    public async Task Compare_and_set_on_a_missing_config_conflicts_unless_it_expects_absence()
    {
        await using var f = await CoreHost.StartAsync();
        var missing = await Assert.ThrowsAsync<ConflictException>(() => f.PublishAsync("new.txt", "x", expectedMd5: new string('a', 32)));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);

        await f.PublishAsync("new.txt", "x", expectedMd5: "");
        var exists = await Assert.ThrowsAsync<ConflictException>(() => f.PublishAsync("new.txt", "y", expectedMd5: ""));
        Assert.Contains("already exists", exists.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_removes_the_config_and_a_later_publish_continues_its_versions()
    {
        await using var f = await CoreHost.StartAsync();
        await f.PublishAsync("app.txt", "one");
        ConfigChange? seen = null;
        using var _ = f.Configs.Changes.Subscribe(c => seen = c);

        await f.ConfigCommands.DeleteAsync(CoreHost.Config("app.txt"), CoreHost.Alice, Ct);

        Assert.Null(f.Configs.Get(CoreHost.Config("app.txt")));
        Assert.Equal((ConfigChangeKind.Deleted, ""), (seen!.Kind, seen.Md5));
        Assert.Equal(3, (await f.PublishAsync("app.txt", "again")).Version);
        await Assert.ThrowsAsync<NotFoundException>(() => f.ConfigCommands.DeleteAsync(CoreHost.Config("gone.txt"), CoreHost.Alice, Ct));
    }

    [Fact]
    public async Task Versions_continue_after_a_restart_even_for_deleted_configs()
    {
        await using var f = await CoreHost.StartAsync();
        await f.PublishAsync("kept.txt", "1");
        await f.PublishAsync("kept.txt", "2");
        await f.PublishAsync("dropped.txt", "1");
        await f.ConfigCommands.DeleteAsync(CoreHost.Config("dropped.txt"), CoreHost.Alice, Ct);

        await using var restarted = await CoreHost.StartAsync(f.Store, f.Time);

        Assert.Equal("2", restarted.Configs.Require(CoreHost.Config("kept.txt")).Content);
        var author = CoreHost.Alice;
        Assert.Equal(3, (await restarted.ConfigCommands.PublishAsync(CoreHost.Config("kept.txt"), new ConfigDraft("3"), author, Ct)).Version);
        Assert.Equal(3, (await restarted.ConfigCommands.PublishAsync(CoreHost.Config("dropped.txt"), new ConfigDraft("back"), author, Ct)).Version);
    }

    [Fact]
    public async Task A_failed_store_write_changes_nothing()
    {
        await using var f = await CoreHost.StartAsync();
        var v1 = await f.PublishAsync("app.txt", "one");
        f.Store.FailWrites = true;

        await Assert.ThrowsAsync<StorageUnavailableException>(() => f.PublishAsync("app.txt", "two"));

        Assert.Same(v1, f.Configs.Get(CoreHost.Config("app.txt")));
        f.Store.FailWrites = false;
        Assert.Equal(2, (await f.PublishAsync("app.txt", "two")).Version);
    }

    [Fact]
    public async Task The_namespace_must_exist_and_names_sizes_and_tags_are_checked_together()
    {
        await using var f = await CoreHost.StartAsync(settings: new Dictionary<string, string?> { ["Meridian:Config:MaxContentBytes"] = "10" });
        await Assert.ThrowsAsync<NotFoundException>(() =>
            f.ConfigCommands.PublishAsync(CoreHost.Config("a.txt", ns: "nope"), new ConfigDraft("x"), CoreHost.Alice, Ct));

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => f.ConfigCommands.PublishAsync(
            CoreHost.Config("bad id", group: ""), new ConfigDraft("ééééééé", Tags: ["ok", "not ok"], ExpectedMd5: "XYZ"), CoreHost.Alice, Ct));
        Assert.Equal(["content", "dataId", "expectedMd5", "group", "tags"], error.Errors.Keys.Order());
        Assert.Contains("14 bytes", error.Errors["content"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_type_comes_from_the_request_else_the_current_one_else_the_data_id()
    {
        await using var f = await CoreHost.StartAsync();
        Assert.Equal(ConfigType.Json, (await f.PublishAsync("a.json", "{}")).Type);
        Assert.Equal(ConfigType.Text, (await f.PublishAsync("a.json", "not json", ConfigType.Text)).Type);
        Assert.Equal(ConfigType.Text, (await f.PublishAsync("a.json", "still not json")).Type);
        Assert.Equal(ConfigType.Text, (await f.PublishAsync("noext", "x")).Type);
        Assert.Equal(ConfigType.Yaml, (await f.PublishAsync("b.yml", "a: 1")).Type);
    }

    [Fact]
    public async Task Search_matches_wildcards_tags_and_content_and_pages_in_order()
    {
        await using var f = await CoreHost.StartAsync();
        var key = (string id, string group) => CoreHost.Config(id, group);
        await f.ConfigCommands.PublishAsync(key("user-dev.yaml", "A"), new ConfigDraft("db: mysql", Tags: ["dev", "db"]), CoreHost.Alice, Ct);
        await f.ConfigCommands.PublishAsync(key("user-prod.yaml", "A"), new ConfigDraft("db: postgres", Tags: ["prod", "db"]), CoreHost.Alice, Ct);
        await f.ConfigCommands.PublishAsync(key("order-dev.yaml", "B"), new ConfigDraft("queue: kafka", Tags: ["dev"]), CoreHost.Alice, Ct);
        await f.ConfigCommands.PublishAsync(key("user-dev.yaml", "B"), new ConfigDraft("db: MySQL 8"), CoreHost.Alice, Ct);

        string[] Ids(ConfigPage page) => [.. page.Items.Select(i => $"{i.Key.Group}/{i.Key.DataId}")];
        Assert.Equal(["A/user-dev.yaml", "A/user-prod.yaml", "B/user-dev.yaml"], Ids(f.Configs.Search(new("public", DataId: "user*"), Caller.System)));
        Assert.Equal(["A/user-dev.yaml", "B/order-dev.yaml", "B/user-dev.yaml"], Ids(f.Configs.Search(new("public", DataId: "*-dev.*"), Caller.System)));
        Assert.Equal(["A/user-dev.yaml"], Ids(f.Configs.Search(new("public", Tags: ["dev", "db"]), Caller.System)));
        Assert.Equal(["A/user-dev.yaml", "B/user-dev.yaml"], Ids(f.Configs.Search(new("public", ContentContains: "mysql"), Caller.System)));
        Assert.Equal(["B/order-dev.yaml", "B/user-dev.yaml"], Ids(f.Configs.Search(new("public", Group: "B"), Caller.System)));
        Assert.Empty(f.Configs.Search(new("public", DataId: "user"), Caller.System).Items);

        var page2 = f.Configs.Search(new("public", PageNo: 2, PageSize: 3), Caller.System);
        Assert.Equal(4, page2.Total);
        Assert.Equal(["B/user-dev.yaml"], Ids(page2));
    }

    [Fact]
    public async Task Has_configs_tells_whether_a_namespace_still_holds_a_live_config()
    {
        await using var f = await CoreHost.StartAsync();
        Assert.False(f.Configs.HasConfigs("public"));
        await f.PublishAsync("a.txt", "x");
        Assert.True(f.Configs.HasConfigs("public"));
        await f.ConfigCommands.DeleteAsync(CoreHost.Config("a.txt"), CoreHost.Alice, Ct);
        Assert.False(f.Configs.HasConfigs("public"));
    }
}
