using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Meridian.Fuzzing.Http;
using Meridian.Fuzzing.Parsers;

// meridian-fuzz http --server URL [--grpc URL] [--seed N] [--count N] [--concurrency N] [--only I] [--token T | --password P]
// meridian-fuzz parsers [--target NAME|all] [--corpus DIR] [--iterations N] [--seconds S] [--seed N] [--artifacts DIR]
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(Usage);
    return 0;
}

var options = Options.Parse(args.Skip(1));
try
{
    return args[0] switch
    {
        "http" => await HttpAsync(options, cancel.Token),
        "parsers" => Parsers(options, cancel.Token),
        _ => Fail($"Unknown command '{args[0]}'.\n{Usage}"),
    };
}
catch (UsageException e)
{
    return Fail($"{e.Message}\n{Usage}");
}

static async Task<int> HttpAsync(Options options, CancellationToken cancellationToken)
{
    var server = new Uri(options.Get("server") ?? throw new UsageException("--server URL is required."));
    var token = options.Get("token") ?? await LoginAsync(server, options.Get("password") ?? Environment.GetEnvironmentVariable("MERIDIAN_ADMIN_PASSWORD")
        ?? throw new UsageException("Give --token, --password or MERIDIAN_ADMIN_PASSWORD (the administrator's password)."), cancellationToken);
    var report = await HttpFuzzer.RunAsync(new HttpFuzzOptions
    {
        Server = server,
        Grpc = options.Get("grpc") is { } grpc ? new Uri(grpc) : null,
        Token = token,
        Seed = options.Int("seed", 1),
        Count = options.Int("count", 10_000),
        Concurrency = options.Int("concurrency", 4),
        Only = options.Get("only") is { } only ? int.Parse(only, CultureInfo.InvariantCulture) : null,
    }, Console.Out, cancellationToken);
    Console.WriteLine(report.Summary(maxFindings: 100));
    return report.Passed ? 0 : 1;
}

static async Task<string> LoginAsync(Uri server, string password, CancellationToken cancellationToken)
{
    using var http = new HttpClient { BaseAddress = server };
    using var response = await http.PostAsJsonAsync("/v1/auth/token", new { username = "admin", password }, cancellationToken);
    var body = await response.Content.ReadAsStringAsync(cancellationToken);
    if (!response.IsSuccessStatusCode)
    {
        throw new UsageException($"Login as admin failed: {(int)response.StatusCode} {body}");
    }

    return JsonDocument.Parse(body).RootElement.GetProperty("accessToken").GetString()!;
}

static int Parsers(Options options, CancellationToken cancellationToken)
{
    var name = options.Get("target") ?? "all";
    var targets = name == "all" ? ParserTargets.All : [ParserTargets.Find(name) ?? throw new UsageException(
        $"No target '{name}'; there are: {string.Join(", ", ParserTargets.All.Select(t => t.Name))}.")];
    var seconds = options.Get("seconds") is { } s ? TimeSpan.FromSeconds(double.Parse(s, CultureInfo.InvariantCulture)) : (TimeSpan?)null;
    var failed = false;
    foreach (var target in targets)
    {
        var corpus = options.Get("corpus") is { } root ? (targets.Count == 1 ? root : Path.Combine(root, target.Name)) : DefaultCorpus(target.Name);
        var report = ParserFuzzer.Run(new ParserFuzzOptions
        {
            Target = target,
            Seed = options.Int("seed", 1),
            Iterations = options.Get("iterations") is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : seconds is null ? 100_000 : long.MaxValue,
            Duration = seconds,
            CorpusDirectory = corpus,
            ArtifactDirectory = options.Get("artifacts") ?? "fuzz-artifacts",
        }, cancellationToken);
        Console.WriteLine(report.Summary());
        failed |= !report.Passed;
    }

    return failed ? 1 : 0;
}

static string? DefaultCorpus(string target)
{
    var beside = Path.Combine(AppContext.BaseDirectory, "corpus", target);
    return Directory.Exists(beside) ? beside : null;
}

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}

internal sealed partial class Program
{
    private const string Usage = """
        meridian-fuzz http --server URL [--grpc URL] [--seed N] [--count N] [--concurrency N] [--only INDEX] [--token T | --password P]
          Sends N malformed requests to every endpoint of a running server (native API from its OpenAPI document, Nacos, Eureka,
          gRPC when --grpc is given). Exits 1 on any 5xx, a request the server hung on, or a server not ready at the end.
          --only INDEX replays one request of the seed. The password defaults to MERIDIAN_ADMIN_PASSWORD.
        meridian-fuzz parsers [--target NAME|all] [--corpus DIR] [--iterations N] [--seconds S] [--seed N] [--artifacts DIR]
          Mutation-fuzzes the parsers in-process. Exits 1 when one throws something other than its documented rejection;
          the input is saved under --artifacts (default ./fuzz-artifacts).
        """;
}

/// <summary>A command line the program cannot run.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>--name value pairs.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static Options Parse(IEnumerable<string> args)
    {
        var options = new Options();
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                name = arg[2..];
                var eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    options._values[name[..eq]] = name[(eq + 1)..];
                    name = null;
                }
            }
            else if (name is not null)
            {
                options._values[name] = arg;
                name = null;
            }
            else
            {
                throw new UsageException($"Unexpected argument '{arg}'.");
            }
        }

        return options;
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public int Int(string name, int fallback) => Get(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
