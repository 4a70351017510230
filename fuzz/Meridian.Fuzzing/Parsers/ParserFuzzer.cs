using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Meridian.Fuzzing.Parsers;

public sealed record ParserFuzzOptions
{
    public required ParserTarget Target { get; init; }
    public int Seed { get; init; } = 1;
    public long Iterations { get; init; } = 100_000;

    /// <summary>Stops earlier when this much time has passed; null runs all iterations.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Seed inputs, one per file; the target's built-in seeds are used as well.</summary>
    public string? CorpusDirectory { get; init; }

    /// <summary>Where a failing input is written (<c>crash-TARGET-SHA1</c>); null keeps it in the report only.</summary>
    public string? ArtifactDirectory { get; init; }

    public int MaxInputBytes { get; init; } = 64 * 1024;

    /// <summary>An input that takes longer than this is reported as slow.</summary>
    public TimeSpan SlowInput { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>An input the parser threw something other than its documented rejection for, or took too long on.</summary>
public sealed record ParserFinding(string Kind, byte[] Input, string Detail, string? Artifact)
{
    public override string ToString() =>
        $"{Kind}: {Detail}\n  input ({Input.Length} bytes): {Http.FuzzRequest.Printable(Input, 300)}{(Artifact is null ? "" : $"\n  saved as {Artifact}")}";
}

public sealed class ParserFuzzReport
{
    public required string Target { get; init; }
    public long Iterations { get; set; }
    public long Accepted { get; set; }
    public long Rejected { get; set; }
    public int CorpusSize { get; set; }
    public TimeSpan Elapsed { get; set; }
    public List<ParserFinding> Findings { get; } = [];
    public bool Passed => Findings.Count == 0;

    public string Summary() =>
        $"{Target}: {Iterations} inputs in {Elapsed.TotalSeconds:F1} s ({(Elapsed.TotalSeconds > 0 ? Iterations / Elapsed.TotalSeconds : 0):F0}/s), " +
        $"{Accepted} accepted, {Rejected} rejected, corpus {CorpusSize}, findings {Findings.Count}" +
        string.Concat(Findings.Take(10).Select(f => "\n- " + f));
}

/// <summary>
/// A libFuzzer-style mutation fuzzer, in-process and without coverage instrumentation: it mutates inputs from a corpus
/// (bit flips, byte edits, inserted dictionary tokens, repeated chunks for nesting, splices, cuts), runs the target on
/// each, and keeps inputs that give an outcome it has not seen (a new rejection message, or acceptance) in the corpus
/// as a stand-in for new coverage. An exception the target does not document is a finding.
/// </summary>
public static class ParserFuzzer
{
    public static ParserFuzzReport Run(ParserFuzzOptions options, CancellationToken cancellationToken)
    {
        var target = options.Target;
        var random = new Random(options.Seed);
        var corpus = LoadCorpus(options);
        var outcomes = new HashSet<string>(StringComparer.Ordinal);
        var report = new ParserFuzzReport { Target = target.Name };
        var dictionary = target.Dictionary.Select(Encoding.UTF8.GetBytes).ToArray();
        var clock = Stopwatch.StartNew();

        // The seeds themselves first: a seed the parser cannot take is as much a finding as a mutant.
        var pending = new Queue<byte[]>(corpus);

        // A stack overflow ends the process before any handler runs; the input being run is on disk, as libFuzzer leaves its crash-* file.
        var inFlight = options.ArtifactDirectory is { } artifacts ? Path.Combine(artifacts, $"in-flight-{target.Name}") : null;
        if (inFlight is not null)
        {
            Directory.CreateDirectory(options.ArtifactDirectory!);
        }

        for (long i = 0; i < options.Iterations; i++)
        {
            if (cancellationToken.IsCancellationRequested || (options.Duration is { } duration && clock.Elapsed > duration))
            {
                break;
            }

            var input = pending.Count > 0 ? pending.Dequeue() : ByteMutator.Mutate(corpus, dictionary, random, options.MaxInputBytes);
            if (inFlight is not null)
            {
                File.WriteAllBytes(inFlight, input);
            }

            var started = clock.Elapsed;
            string outcome;
            try
            {
                if (target.Run(input) is { } reason)
                {
                    report.Rejected++;
                    outcome = "refused:" + Shape(reason);
                }
                else
                {
                    report.Accepted++;
                    outcome = "accepted";
                }
            }
            catch (Exception e) when (target.Rejects(e))
            {
                report.Rejected++;
                outcome = e.GetType().Name + ":" + Shape(e.Message);
            }
            catch (Exception e)
            {
                outcome = "finding:" + e.GetType().FullName;
                if (outcomes.Add(outcome + Shape(e.Message)))
                {
                    report.Findings.Add(new ParserFinding("undocumented exception", input, $"{e.GetType().FullName}: {e.Message}\n{e.StackTrace}", Save(options, input)));
                }
            }

            var took = clock.Elapsed - started;
            if (took > options.SlowInput)
            {
                report.Findings.Add(new ParserFinding("slow input", input, $"took {took.TotalSeconds:F1} s", Save(options, input)));
            }

            report.Iterations++;
            if (outcomes.Add(outcome) && corpus.Count < 4_096)
            {
                corpus.Add(input);
            }
        }

        if (inFlight is not null)
        {
            File.Delete(inFlight);
        }

        report.Elapsed = clock.Elapsed;
        report.CorpusSize = corpus.Count;
        return report;
    }

    /// <summary>A message with its numbers taken out, so "line 3" and "line 4" count as the same outcome.</summary>
    private static string Shape(string message)
    {
        var text = new StringBuilder(Math.Min(message.Length, 120));
        foreach (var c in message.AsSpan(0, Math.Min(message.Length, 120)))
        {
            if (!char.IsDigit(c))
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    private static List<byte[]> LoadCorpus(ParserFuzzOptions options)
    {
        var corpus = options.Target.Seeds.Select(Encoding.UTF8.GetBytes).ToList();
        if (options.CorpusDirectory is { } directory && Directory.Exists(directory))
        {
            corpus.AddRange(Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal).Select(File.ReadAllBytes));
        }

        return corpus;
    }

    private static string? Save(ParserFuzzOptions options, byte[] input)
    {
        if (options.ArtifactDirectory is null)
        {
            return null;
        }

        Directory.CreateDirectory(options.ArtifactDirectory);
        var path = Path.Combine(options.ArtifactDirectory, $"crash-{options.Target.Name}-{Convert.ToHexStringLower(SHA1.HashData(input))}");
        File.WriteAllBytes(path, input);
        return path;
    }
}

/// <summary>libFuzzer's mutations, over bytes.</summary>
internal static class ByteMutator
{
    public static byte[] Mutate(List<byte[]> corpus, byte[][] dictionary, Random random, int maxBytes)
    {
        var data = new List<byte>(corpus[random.Next(corpus.Count)]);
        var rounds = 1 + random.Next(4);
        for (var r = 0; r < rounds; r++)
        {
            switch (random.Next(10))
            {
                case 0 when data.Count > 0:
                    var bit = random.Next(data.Count);
                    data[bit] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data[random.Next(data.Count)] = Interesting(random);
                    break;
                case 2:
                    var bytes = new byte[1 + random.Next(8)];
                    random.NextBytes(bytes);
                    data.InsertRange(random.Next(data.Count + 1), bytes);
                    break;
                case 3 when data.Count > 1:
                    var from = random.Next(data.Count);
                    data.RemoveRange(from, Math.Min(data.Count - from, 1 + random.Next(16)));
                    break;
                case 4 or 5 when dictionary.Length > 0:
                    data.InsertRange(random.Next(data.Count + 1), dictionary[random.Next(dictionary.Length)]);
                    break;
                case 6 when data.Count > 1:
                    // A chunk repeated many times: nesting, long runs, many entries.
                    var start = random.Next(data.Count);
                    var chunk = data.GetRange(start, Math.Min(data.Count - start, 1 + random.Next(8)));
                    var times = random.Next(4) == 0 ? 2_000 : 1 + random.Next(16);
                    for (var t = 0; t < times && data.Count < maxBytes; t++)
                    {
                        data.InsertRange(start, chunk);
                    }

                    break;
                case 7 when corpus.Count > 1:
                    var other = corpus[random.Next(corpus.Count)];
                    var cut = random.Next(data.Count + 1);
                    var take = random.Next(other.Length + 1);
                    data = [.. data.Take(cut), .. other.Skip(other.Length - take)];
                    break;
                case 8 when data.Count > 1:
                    var keep = random.Next(1, data.Count);
                    data.RemoveRange(keep, data.Count - keep);
                    break;
                default:
                    data.InsertRange(random.Next(data.Count + 1), InvalidUtf8[random.Next(InvalidUtf8.Length)]);
                    break;
            }
        }

        return data.Count > maxBytes ? [.. data.Take(maxBytes)] : [.. data];
    }

    private static readonly byte[][] InvalidUtf8 = [[0xC0, 0x80], [0xFF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x00], [0xEF, 0xBB, 0xBF]];

    private static byte Interesting(Random random) => (byte)(random.Next(6) switch
    {
        0 => 0x00,
        1 => 0xFF,
        2 => 0x7F,
        3 => 0x80,
        4 => (byte)"\"'<>{}[]:=,\\&;\n\r\t"[random.Next(17)],
        _ => random.Next(256),
    });
}
