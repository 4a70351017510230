using Meridian.Core.Tests.Infrastructure;
using Meridian.Config;
using Meridian.Config.Formats;

namespace Meridian.Core.Tests.Config;

public sealed class ContentCheckTests
{
    [Theory]
    [InlineData(ConfigType.Json, "{\"a\": 1, \"b\": [true, null]}")]
    [InlineData(ConfigType.Yaml, "server:\n  port: 8080\nlist:\n  - a\n  - b\n---\nsecond: doc\n")]
    [InlineData(ConfigType.Properties, "# comment\n! also\na=1\nb : 2\nc 3\nlong = one \\\n      two\nu=\\u00e9\n")]
    [InlineData(ConfigType.Xml, "<?xml version=\"1.0\"?>\n<!DOCTYPE config>\n<config><a x=\"1\">t</a></config>")]
    [InlineData(ConfigType.Toml, "title = \"x\"\n[server]\nport = 8080\n")]
    [InlineData(ConfigType.Text, "{ anything")]
    [InlineData(ConfigType.Html, "<p>unclosed")]
    public void Valid_content_passes(ConfigType type, string content) => Assert.Null(ContentCheck.Find(type, content));

    [Theory]
    [InlineData(ConfigType.Json, "{\n  \"a\": 1,\n  \"b\": }\n", 3, 8)]
    [InlineData(ConfigType.Json, "{\"a\": 1", 1, 8)]
    [InlineData(ConfigType.Yaml, "server:\n  port: 8080\n bad: indent\n", 3, 2)]
    [InlineData(ConfigType.Yaml, "a: [1, 2\nb: 3\n", 2, 1)]
    [InlineData(ConfigType.Properties, "a=1\nb=\\u00zz\n", 2, 3)]
    [InlineData(ConfigType.Properties, "a=1\nlong = one \\\n   two \\u12\n", 3, 8)]
    [InlineData(ConfigType.Xml, "<config>\n  <a>\n</config>", 3, 3)]
    [InlineData(ConfigType.Toml, "title = \"x\"\nport = = 8080\n", 2, 8)]
    public void Invalid_content_is_reported_with_its_line_and_column(ConfigType type, string content, int line, int column)
    {
        var error = ContentCheck.Find(type, content);
        Assert.NotNull(error);
        Assert.True((line, column) == (error.Line, error.Column), $"expected {line}:{column}, got {error}");
        Assert.DoesNotContain("LineNumber", error.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("(Line:", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_yaml_keys_are_refused()
    {
        var error = ContentCheck.Find(ConfigType.Yaml, "a: 1\nb: 2\na: 3\n");
        Assert.NotNull(error);
        Assert.Equal(3, error.Line);
    }

    [Theory]
    [InlineData(ConfigType.Yaml, "\u0000: 1\nb: 2\n")]
    [InlineData(ConfigType.Yaml, "a: 1\nb:\n  !!python/o]bject- x\n")]
    [InlineData(ConfigType.Yaml, "a: *nowhere\n")]
    [InlineData(ConfigType.Yaml, "*nowhere : 1\n*nowhere : 2\n")]
    [InlineData(ConfigType.Yaml, "a: &x [1, *x]\n")]
    [InlineData(ConfigType.Toml, "a = \"\\uD800\"\n")]
    public void Content_the_parsers_would_throw_on_is_reported_as_an_error(ConfigType type, string content)
    {
        Assert.NotNull(ContentCheck.Find(type, content));
    }

    [Theory]
    [InlineData(ConfigType.Yaml, "[")]
    [InlineData(ConfigType.Yaml, "- ")]
    [InlineData(ConfigType.Toml, "a = [")]
    public void Content_nested_past_the_parsers_limits_is_reported_without_overflowing_the_stack(ConfigType type, string unit)
    {
        var error = ContentCheck.Find(type, string.Concat(Enumerable.Repeat(unit, 100_000)));
        Assert.NotNull(error);
    }

    [Fact]
    public void Yaml_aliases_to_earlier_anchors_still_pass()
    {
        Assert.Null(ContentCheck.Find(ConfigType.Yaml, "base: &b {x: 1}\nuse: *b\nmerged:\n  <<: *b\n  y: 2\n"));
    }
}
