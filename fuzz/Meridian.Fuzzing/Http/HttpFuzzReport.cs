using System.Globalization;
using System.Text;

namespace Meridian.Fuzzing.Http;

/// <summary>
/// A request the server answered with a 5xx, did not answer at all, or after which it stopped answering; with the
/// request (replay it with the same seed and <c>--only</c> its index) and the start of the answer.
/// </summary>
public sealed record HttpFuzzFinding(string Kind, int? Status, FuzzRequest Request, string Response)
{
    public override string ToString() =>
        $"{Kind}{(Status is { } s ? $" {s}" : "")}: {Request.Describe()}  answer: {(Response.Length > 600 ? Response[..600] + "…" : Response)}";
}

/// <summary>What one fuzz run sent, what came back, and what failed.</summary>
public sealed class HttpFuzzReport
{
    private readonly Lock _gate = new();

    public required int Seed { get; init; }
    public required int Count { get; init; }
    public required IReadOnlyDictionary<string, int> EndpointsByFamily { get; init; }
    public int Endpoints => EndpointsByFamily.Values.Sum();
    public Dictionary<string, int> RequestsByFamily { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<int, int> Statuses { get; } = [];
    public SortedDictionary<MutationClass, int> Classes { get; } = [];

    /// <summary>Connections the server closed without an answer (expected for some broken framing).</summary>
    public int Closed { get; private set; }

    /// <summary>Long polls and bare-socket requests still held when the fuzzer stopped waiting (expected).</summary>
    public int Held { get; private set; }

    public List<HttpFuzzFinding> Findings { get; } = [];
    public TimeSpan Elapsed { get; set; }
    public bool ReadyAfterwards { get; set; }
    public string ReadyDetail { get; set; } = "";
    public int Sent => Statuses.Values.Sum() + Closed + Held + Findings.Count(f => f.Status is null);
    public double RequestsPerSecond => Elapsed > TimeSpan.Zero ? Sent / Elapsed.TotalSeconds : 0;
    public bool Passed => Findings.Count == 0 && ReadyAfterwards;

    internal void Answered(FuzzRequest request, int status)
    {
        lock (_gate)
        {
            Tally(request);
            Statuses[status] = Statuses.GetValueOrDefault(status) + 1;
        }
    }

    internal void ClosedWithoutAnswer(FuzzRequest request)
    {
        lock (_gate)
        {
            Tally(request);
            Closed++;
        }
    }

    internal void StillHeld(FuzzRequest request)
    {
        lock (_gate)
        {
            Tally(request);
            Held++;
        }
    }

    internal void Found(HttpFuzzFinding finding)
    {
        lock (_gate)
        {
            if (finding.Status is null)
            {
                Tally(finding.Request);
            }

            Findings.Add(finding);
        }
    }

    private void Tally(FuzzRequest request)
    {
        RequestsByFamily[request.Family] = RequestsByFamily.GetValueOrDefault(request.Family) + 1;
        foreach (var mutation in request.Classes)
        {
            Classes[mutation] = Classes.GetValueOrDefault(mutation) + 1;
        }
    }

    public string Summary(int maxFindings = 20)
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"seed {Seed}: {Sent} of {Count} requests to {Endpoints} endpoints in {Elapsed.TotalSeconds:F1} s ({RequestsPerSecond:F0}/s)");
        text.AppendLine("endpoints: " + string.Join(", ", EndpointsByFamily.Select(p => $"{p.Key} {p.Value}")));
        text.AppendLine("requests: " + string.Join(", ", RequestsByFamily.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")));
        text.AppendLine("mutations: " + string.Join(", ", Classes.Select(p => $"{p.Key} {p.Value}")));
        text.AppendLine("statuses: " + string.Join(", ", Statuses.Select(p => $"{p.Key} x{p.Value}")) + $"; closed without answer {Closed}; held {Held}");
        text.AppendLine($"ready afterwards: {ReadyAfterwards} {ReadyDetail}");
        text.AppendLine(invariant, $"findings: {Findings.Count}");
        foreach (var group in Findings.GroupBy(f => $"{f.Kind} {f.Status} {f.Request.Endpoint}").Take(maxFindings))
        {
            text.AppendLine(invariant, $"- {group.Key} (x{group.Count()}), e.g. {group.First()}");
        }

        return text.ToString();
    }
}
