using Meridian.Core.Tests.Infrastructure;
using Meridian.Config.Formats;

namespace Meridian.Core.Tests.Config;

public sealed class PropertiesParserTests
{
    [Fact]
    public void Separators_comments_continuations_and_escapes_read_as_java_reads_them()
    {
        var text = "# comment\r\n  ! bang comment\n\nspring.datasource.url=jdbc:mysql://db:3306/app\nname : Meridian\nspaced   value here\n" +
                   "multi = first, \\\n        second, \\\n        third\nescaped\\ key\\=x = tab\\there\nunicode=\\u00e9t\\u00e9\nempty=\ntrailing\\\\\n";
        var entries = PropertiesParser.Parse(text);

        Assert.Equal(
            [
                new("spring.datasource.url", "jdbc:mysql://db:3306/app"),
                new("name", "Meridian"),
                new("spaced", "value here"),
                new("multi", "first, second, third"),
                new("escaped key=x", "tab\there"),
                new("unicode", "été"),
                new("empty", ""),
                new("trailing\\", ""),
            ],
            entries);
    }

    [Fact]
    public void A_comment_line_ending_in_a_backslash_does_not_swallow_the_next_line()
    {
        var entries = PropertiesParser.Parse("# note \\\na=1\n");
        Assert.Equal([new KeyValuePair<string, string>("a", "1")], entries);
    }

    [Fact]
    public void A_bad_unicode_escape_names_its_line_and_column()
    {
        var error = Assert.Throws<FormatException>(() => PropertiesParser.Parse("ok=1\nbad=x\\u12G4\n"));
        Assert.Equal(@"line 2, column 6: malformed \uXXXX escape: '\u' must be followed by four hex digits.", error.Message);
    }
}
