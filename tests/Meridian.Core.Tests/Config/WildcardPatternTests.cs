using Meridian.Core.Tests.Infrastructure;
using Meridian.Config;

namespace Meridian.Core.Tests.Config;

public sealed class WildcardPatternTests
{
    [Theory]
    [InlineData("user*", "userservice.yaml", true)]
    [InlineData("user*", "myuser", false)]
    [InlineData("*.yaml", "a.yaml", true)]
    [InlineData("*.yaml", "a.yml", false)]
    [InlineData("*dev*", "user-dev.yaml", true)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXcYYb", false)]
    [InlineData("*", "", true)]
    [InlineData("exact", "exact", true)]
    [InlineData("exact", "Exact", false)]
    [InlineData("a**", "a", true)]
    public void Star_matches_any_run_of_characters(string pattern, string text, bool expected) =>
        Assert.Equal(expected, new WildcardPattern(pattern).IsMatch(text));

    [Fact]
    public void A_pathological_pattern_finishes()
    {
        var text = new string('a', 5000);
        Assert.False(new WildcardPattern("*a*a*a*a*a*a*b").IsMatch(text));
    }
}
