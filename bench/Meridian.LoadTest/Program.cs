using System.Globalization;
using Meridian.LoadTest;

// Modes of their own (bench/soak.sh, bench/storm.sh); without one, the Meridian vs etcd suite (bench/run.sh).
if (args.Contains("--soak"))
{
    Environment.ExitCode = await Meridian.LoadTest.Soak.SoakRun.RunAsync(args);
    return;
}

if (args.Contains("--probe"))
{
    Environment.ExitCode = await Meridian.LoadTest.Storm.ProbeRun.RunAsync(args);
    return;
}

if (args.Contains("--storm"))
{
    Environment.ExitCode = await Meridian.LoadTest.Storm.StormRun.RunAsync(args);
    return;
}

var settings = Settings.Parse(args);
var loadAtStart = Report.LoadAverage();
using var abort = new CancellationTokenSource(settings.Quick ? TimeSpan.FromMinutes(4) : TimeSpan.FromMinutes(15));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    abort.Cancel();
};
var ct = abort.Token;

using var meridian = await MeridianTarget.ConnectAsync(settings, ct);
using var etcd = new EtcdTarget(settings);
var rows = new List<Row>();
var d = settings.Duration;
const int ConfigBytes = 512;

RunConditions? heldConditions = null;

// Each row's conditions run from the end of the row before it (its warm-up included) to its own end; a row derived
// from the one before (its memory, its tail rate) is measured in the same window and takes its conditions.
// The scripts read it before they build and start the servers (BENCH_LOAD_BEFORE), so the build's own load does not count.
var runLoad = double.TryParse(Environment.GetEnvironmentVariable("BENCH_LOAD_BEFORE"), NumberStyles.Float, CultureInfo.InvariantCulture, out var loadBefore)
    ? loadBefore
    : RunConditions.LoadAverage1();
var mark = RunConditions.Mark.Take(runLoad, settings.OwnPids);

void Add(Row row)
{
    var conditions = mark.End(settings.OwnPids);
    row = row with { Conditions = conditions.Seconds < RunConditions.MinSeconds && rows.Count > 0 ? rows[^1].Conditions : conditions };
    rows.Add(row);
    Console.WriteLine(Report.ConsoleLine(row));
    mark = RunConditions.Mark.Take(runLoad, settings.OwnPids);
}

// Resident memory is read while both servers carry the same steady load (heartbeats on the small set), so the
// allocation budget the garbage collectors hold is the same in the reading before and the reading after.
async Task<(long Meridian, long Etcd)> SettledMemoryAsync()
{
    await meridian.HeartbeatAsync("reg", settings.SmallRegistration, TimeSpan.FromSeconds(1), ct);
    var m = ProcessStats.ResidentBytes(meridian.Pid);
    await etcd.HeartbeatAsync("reg", TimeSpan.FromSeconds(1), ct);
    return (m, ProcessStats.ResidentBytes(etcd.Pid));
}

Console.WriteLine($"Meridian {settings.MeridianHttp} (gRPC {settings.MeridianGrpc}) vs etcd {settings.Etcd}; " +
                  $"{settings.Concurrency} in flight; {(settings.Quick ? "quick" : "full")} run");

// Every row runs Meridian first and etcd second (alternating on the same machine), each after a warm-up.
var small = settings.SmallRegistration;
await meridian.RegisterAsync("warm", settings.WarmupRegistration, settings.RegistrationTimeLimit, ct);
await etcd.RegisterAsync("warm", settings.WarmupRegistration, settings.RegistrationTimeLimit, ct);
var mReg = await meridian.RegisterAsync("reg", small, settings.RegistrationTimeLimit, ct);
var eReg = await etcd.RegisterAsync("reg", small, settings.RegistrationTimeLimit, ct);
Add(Row.Throughput("register", $"Register {small / 1000}k ephemeral instances (HTTP)", mReg, eReg,
    "Meridian: POST …/instances; etcd: LeaseGrant + Put with that lease, per instance"));

if (settings.Runs("heartbeat"))
{
    await meridian.HeartbeatAsync("reg", small, settings.Warmup, ct);
    await etcd.HeartbeatAsync("reg", settings.Warmup, ct);
    Add(Row.Throughput("heartbeat", $"Heartbeats over {small / 1000}k instances", await meridian.HeartbeatAsync("reg", small, d, ct),
        await etcd.HeartbeatAsync("reg", d, ct), "Meridian: PUT …/heartbeat; etcd: LeaseKeepAlive round trip on one stream per worker"));
}

if (settings.Runs("large"))
{
    // Early, while the servers hold little else, so the memory readings see the instances and not leftovers of other rows.
    var large = settings.LargeRegistration;
    var before = await SettledMemoryAsync();
    var mLarge = await meridian.RegisterAsync("big", large, settings.RegistrationTimeLimit, ct);
    var eLarge = await etcd.RegisterAsync("big", large, settings.RegistrationTimeLimit, ct);
    var after = await SettledMemoryAsync();
    Add(Row.Throughput("register-large", $"Register {large / 1000}k ephemeral instances (HTTP)", mLarge, eLarge,
        "as the 10k row, into services of 100"));
    Add(new Row("instance-memory", "Server memory per ephemeral instance", "bytes (RSS delta)", false,
        (after.Meridian - before.Meridian) / (double)Math.Max(1, mLarge.Succeeded), (after.Etcd - before.Etcd) / (double)Math.Max(1, eLarge.Succeeded), null, null,
        FormattableString.Invariant($"VmRSS after minus before registering {mLarge.Succeeded:N0} instances, each read under the same 1 s heartbeat load; ") +
        FormattableString.Invariant($"totals after: Meridian {after.Meridian / 1048576.0:0} MiB, etcd {after.Etcd / 1048576.0:0} MiB")));
}

if (settings.Runs("one-service"))
{
    // Registration cost must not grow with the service: the rate of the last 10k against the first 10k shows it.
    const int Block = 10_000;
    var count = settings.OneServiceRegistration;
    var mClock = new BlockClock(Block, count);
    var mOne = await meridian.RegisterIntoOneServiceAsync("one", count, settings.RegistrationTimeLimit, mClock, ct);
    var eClock = new BlockClock(Block, count);
    var eOne = await etcd.RegisterIntoOneServiceAsync("one", count, settings.RegistrationTimeLimit, eClock, ct);
    Add(Row.Throughput("register-one-service", $"Register {count / 1000}k instances into ONE service (HTTP)", mOne, eOne,
        FormattableString.Invariant($"rate per 10k: Meridian first {mClock.Rate(0):N0}/s, last {mClock.Rate(mClock.Blocks - 1):N0}/s; ") +
        FormattableString.Invariant($"etcd first {eClock.Rate(0):N0}/s, last {eClock.Rate(eClock.Blocks - 1):N0}/s")));
    Add(new Row("one-service-tail", $"Last 10k / first 10k registration rate, {count / 1000}k into ONE service", "ratio", true,
        mClock.Rate(mClock.Blocks - 1) / mClock.Rate(0), eClock.Rate(eClock.Blocks - 1) / eClock.Rate(0), null, null,
        "1.0 = registering into a full service costs what it costs into an empty one; target at least 0.8"));
}

if (settings.Runs("grpc"))
{
    var grpcReg = await meridian.RegisterOverConnectionAsync("grpc", small, settings.RegistrationTimeLimit, ct);
    Add(Row.Throughput("register-grpc", $"Register {small / 1000}k ephemeral instances (client connection)", grpcReg, eReg,
        $"Meridian: RegisterInstance + Ack over {settings.Concurrency} gRPC connections; etcd: the same LeaseGrant + Put row as above"));
}

if (settings.RunsBeyondQuick("nacos"))
{
    var nacos = new NacosTarget(settings, meridian.Key);
    var nacosReg = await nacos.RegisterAsync("nacos", small, settings.RegistrationTimeLimit, ct);
    Add(Row.Throughput("register-nacos-grpc", $"Register {small / 1000}k ephemeral instances (Nacos 2.x gRPC)", nacosReg, eReg,
        $"Meridian: InstanceRequest over {settings.Concurrency} Nacos connections (JSON in protobuf, as the Nacos SDKs send it); etcd: the same LeaseGrant + Put row as above"));
}

if (settings.Runs("list"))
{
    var listed = Naming.Service("reg", 0, Naming.Services(small));
    var count = await meridian.CountInstancesAsync(listed, ct);
    await meridian.ListAsync(listed, settings.Warmup, ct);
    await etcd.ListAsync(listed, Naming.InstancesPerService, settings.Warmup, ct);
    Add(Row.Throughput("list", $"Instance list of a {count}-instance service", await meridian.ListAsync(listed, d, ct),
        await etcd.ListAsync(listed, Naming.InstancesPerService, d, ct), "Meridian: GET …/instances?healthyOnly=true; etcd: prefix range"));
}

if (settings.Runs("get"))
{
    await meridian.PublishAsync("bench-get", Naming.ConfigContent(0, ConfigBytes), ct);
    await etcd.PutAsync("/configs/public/DEFAULT_GROUP/bench-get", Naming.ConfigContent(0, ConfigBytes), ct);
    await meridian.ConfigGetAsync("bench-get", settings.Warmup, ct);
    await etcd.GetAsync("/configs/public/DEFAULT_GROUP/bench-get", settings.Warmup, ct);
    Add(Row.Throughput("config-get", $"Config get ({ConfigBytes} B)", await meridian.ConfigGetAsync("bench-get", d, ct),
        await etcd.GetAsync("/configs/public/DEFAULT_GROUP/bench-get", d, ct), "Meridian: GET …/configs/{dataId}; etcd: Range on one key"));
}

if (settings.Runs("publish"))
{
    // Durable publishes of distinct configs; the servers' memory around them gives the cost of a config. A warm-up of
    // other distinct configs first, as every row has (it compiles the publish path and prepares the store's statements).
    // The warm-up is bounded by time alone: a count reached in a second would leave the JIT still tiering up the
    // publish path (a cold server publishes at about half its warm rate).
    var configs = settings.Configs;
    await meridian.ConfigPublishAsync("warm-cfg", int.MaxValue, settings.Warmup, ConfigBytes, ct);
    await etcd.PutManyAsync("warm-cfg", int.MaxValue, settings.Warmup, ConfigBytes, ct);
    var before = await SettledMemoryAsync();
    var mPub = await meridian.ConfigPublishAsync("cfg", configs, TimeSpan.FromSeconds(60), ConfigBytes, ct);
    var ePub = await etcd.PutManyAsync("cfg", configs, TimeSpan.FromSeconds(60), ConfigBytes, ct);
    var after = await SettledMemoryAsync();
    Add(Row.Throughput("publish", $"Durable config publish ({configs / 1000}k distinct, {ConfigBytes} B)", mPub, ePub,
        "Meridian: PUT …/configs/{dataId}, SQLite synchronous=FULL with history; etcd: Put (WAL fsync)"));
    Add(new Row("config-memory", $"Server memory per config ({ConfigBytes} B content)", "bytes (RSS delta)", false,
        (after.Meridian - before.Meridian) / (double)Math.Max(1, mPub.Succeeded), (after.Etcd - before.Etcd) / (double)Math.Max(1, ePub.Succeeded), null, null,
        FormattableString.Invariant($"VmRSS after minus before the publishes, each read under the same 1 s heartbeat load, divided by the configs written")));
}

if (settings.Runs("fanout"))
{
    // Config long-polls against watches, then client-connection subscriptions against the same watches.
    foreach (var n in settings.FanOuts)
    {
        var mFan = await meridian.LongPollFanOutAsync(n, settings.FanOutTrials, ct);
        var eFan = await etcd.WatchFanOutAsync(n, settings.FanOutTrials, ct);
        Add(Row.FanOut($"fanout-config-{n}", $"One config publish to {n:N0} long-poll listeners", mFan, eFan,
            $"Meridian: {n:N0} held POST /v1/configs/listener, one connection each; etcd: {n:N0} watches on the key, one watch stream each"));
        var mPush = await meridian.ServicePushFanOutAsync(n, settings.FanOutTrials, ct);
        Add(Row.FanOut($"fanout-push-{n}", $"One instance change pushed to {n:N0} subscribers", mPush, eFan,
            $"Meridian: {n:N0} gRPC client connections subscribed to the service; etcd: the watch row above"));
        if (settings.RunsBeyondQuick("nacos"))
        {
            var nPush = await new NacosTarget(settings, meridian.Key).PushFanOutAsync(meridian.Api, n, settings.FanOutTrials, ct);
            Add(Row.FanOut($"fanout-nacos-{n}", $"One instance change pushed to {n:N0} Nacos 2.x subscribers", nPush, eFan,
                $"Meridian: {n:N0} Nacos gRPC connections (one HTTP/2 connection each) subscribed, each push acked; etcd: the watch row above"));
        }
    }
}

HeldConnectionsResult? held = null;
// Only when named (--only connections): it holds tens of thousands of connections in this process and the server.
if (settings.Only.Contains("connections"))
{
    // Meridian alone: what holding this many client connections costs, and one change to all of them.
    var heldMark = RunConditions.Mark.Take(runLoad, settings.OwnPids);
    // Each connection is a descriptor in the server and one in this process; both run under this limit.
    var count = Math.Min(settings.HeldConnections, ProcessStats.OpenFileLimit() - 2_000);
    if (count < settings.HeldConnections)
    {
        Console.WriteLine($"The open-file limit ({ProcessStats.OpenFileLimit():N0}, which the scripts could not raise) holds the row to {count:N0} of the {settings.HeldConnections:N0} connections asked for.");
    }

    held = await new HeldConnections(settings, meridian.Key).RunAsync(count, settings.FanOutTrials, meridian.Api, ct) with
    {
        Requested = settings.HeldConnections,
        FileLimit = ProcessStats.OpenFileLimit(),
    };
    heldConditions = heldMark.End(settings.OwnPids);
    Console.WriteLine(Report.HeldLine(held, heldConditions));
}

Directory.CreateDirectory(settings.OutputDirectory);
var markdown = Report.Markdown(rows, settings, loadAtStart, held, heldConditions);
var md = Path.Combine(settings.OutputDirectory, "latest.md");
await File.WriteAllTextAsync(md, markdown, ct);
var png = Path.Combine(settings.OutputDirectory, "latest.png");
Chart.Save(rows, png, settings.Quick);
Console.WriteLine();
Console.WriteLine(markdown);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {md} and {png}"));
