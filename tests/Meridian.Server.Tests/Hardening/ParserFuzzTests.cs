using Meridian.Fuzzing.Parsers;

namespace Meridian.Server.Tests.Hardening;

/// <summary>
/// A bounded run of the parser fuzzer over every target (Nacos Listening-Configs, metadata and beats; Eureka JSON and
/// XML; the JSON, YAML, properties, XML and TOML content checks): no parser may throw anything but its documented
/// refusal. Longer runs are local: <c>dotnet run --project fuzz/Meridian.Fuzz -- parsers --seconds 600</c>.
/// </summary>
public sealed class ParserFuzzTests(ITestOutputHelper output)
{
    public static TheoryData<string> Targets => [.. ParserTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void A_parser_answers_mutated_input_with_its_documented_refusal_only(string target)
    {
        var report = ParserFuzzer.Run(new ParserFuzzOptions
        {
            Target = ParserTargets.Find(target)!,
            Seed = 7,
            Iterations = 3_000,
            Duration = TimeSpan.FromSeconds(8),
        }, TestContext.Current.CancellationToken);
        output.WriteLine(report.Summary());

        Assert.True(report.Passed, report.Summary());
        Assert.True(report.Iterations > 500, report.Summary());
    }
}
