using System.Globalization;
using Meridian.LoadTest;

var settings = Settings.Parse(args);
using var abort = new CancellationTokenSource(settings.Quick ? TimeSpan.FromMinutes(4) : TimeSpan.FromMinutes(15));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    abort.Cancel();
};
var ct = abort.Token;

using var meridian = new MeridianTarget(settings);
using var etcd = new EtcdTarget(settings);
var rows = new List<Row>();
var d = settings.Duration;

void Add(Row row)
{
    rows.Add(row);
    Console.WriteLine(Report.ConsoleLine(row));
}

Console.WriteLine($"Meridian {settings.MeridianHttp} (gRPC {settings.MeridianGrpc}) vs etcd {settings.Etcd}; " +
                  $"{settings.Concurrency} in flight; {(settings.Quick ? "quick" : "full")} run");

// Registration: Meridian first, etcd second, for every row (alternating on the same machine).
var small = settings.SmallRegistration;
var mReg = await meridian.RegisterAsync("reg", small, settings.RegistrationTimeLimit, ct);
var eReg = await etcd.RegisterAsync("reg", small, settings.RegistrationTimeLimit, ct);
Add(Row.Throughput("register", $"Register {small / 1000}k ephemeral instances (HTTP)", mReg, eReg,
    "Meridian: POST …/instances; etcd: LeaseGrant + Put with that lease, per instance"));

// Heartbeats right after, so every instance is alive.
await meridian.HeartbeatAsync("reg", small, settings.Warmup, ct);
await etcd.HeartbeatAsync("reg", settings.Warmup, ct);
Add(Row.Throughput("heartbeat", $"Heartbeats over {small / 1000}k instances", await meridian.HeartbeatAsync("reg", small, d, ct),
    await etcd.HeartbeatAsync("reg", d, ct), "Meridian: PUT …/heartbeat; etcd: LeaseKeepAlive round trip on one stream per worker"));

var grpcReg = await meridian.RegisterOverConnectionAsync("grpc", small, settings.RegistrationTimeLimit, ct);
Add(Row.Throughput("register-grpc", $"Register {small / 1000}k ephemeral instances (client connection)", grpcReg, eReg,
    $"Meridian: RegisterInstance + Ack over {settings.Concurrency} gRPC connections; etcd: the same LeaseGrant + Put row as above"));

// Instance list of a 100-instance service (the first service of the registration above).
var listed = Naming.Service("reg", 0, settings.InstancesPerService);
var count = await meridian.CountInstancesAsync(listed, ct);
await meridian.ListAsync(listed, settings.Warmup, ct);
await etcd.ListAsync(listed, settings.InstancesPerService, settings.Warmup, ct);
Add(Row.Throughput("list", $"Instance list of a {count}-instance service", await meridian.ListAsync(listed, d, ct),
    await etcd.ListAsync(listed, settings.InstancesPerService, d, ct), "Meridian: GET …/instances?healthyOnly=true; etcd: prefix range"));

// Config get.
const int ConfigBytes = 512;
await meridian.PublishAsync("bench-get", Naming.ConfigContent(0, ConfigBytes), ct);
await etcd.PutAsync("/configs/public/DEFAULT_GROUP/bench-get", Naming.ConfigContent(0, ConfigBytes), ct);
await meridian.ConfigGetAsync("bench-get", settings.Warmup, ct);
await etcd.GetAsync("/configs/public/DEFAULT_GROUP/bench-get", settings.Warmup, ct);
Add(Row.Throughput("config-get", $"Config get ({ConfigBytes} B)", await meridian.ConfigGetAsync("bench-get", d, ct),
    await etcd.GetAsync("/configs/public/DEFAULT_GROUP/bench-get", d, ct), "Meridian: GET …/configs/{dataId}; etcd: Range on one key"));

// Durable publishes of distinct configs; the server's memory around it gives the cost of a config.
var configs = settings.Configs;
var mBefore = ProcessMemory.ResidentBytes(meridian.Pid);
var eBefore = ProcessMemory.ResidentBytes(etcd.Pid);
var mPub = await meridian.ConfigPublishAsync("cfg", configs, TimeSpan.FromSeconds(60), ConfigBytes, ct);
var mConfigBytes = (ProcessMemory.ResidentBytes(meridian.Pid) - mBefore) / (double)Math.Max(1, mPub.Succeeded);
var ePub = await etcd.PutManyAsync("cfg", configs, TimeSpan.FromSeconds(60), ConfigBytes, ct);
var eConfigBytes = (ProcessMemory.ResidentBytes(etcd.Pid) - eBefore) / (double)Math.Max(1, ePub.Succeeded);
Add(Row.Throughput("publish", $"Durable config publish ({configs / 1000}k distinct, {ConfigBytes} B)", mPub, ePub,
    "Meridian: PUT …/configs/{dataId}, SQLite synchronous=FULL with history; etcd: Put (WAL fsync)"));
Add(new Row("config-memory", $"Server memory per config ({ConfigBytes} B content)", "bytes (RSS delta)", false, mConfigBytes, eConfigBytes, null, null,
    $"VmRSS after minus before the {configs:N0} publishes, divided by their number"));

// Push fan-out: config long-polls against watches, then client-connection subscriptions against watches.
foreach (var n in settings.FanOuts)
{
    var mFan = await meridian.LongPollFanOutAsync(n, settings.FanOutTrials, ct);
    var eFan = await etcd.WatchFanOutAsync(n, settings.FanOutTrials, ct);
    Add(Row.FanOut($"fanout-config-{n}", $"One config publish to {n:N0} long-poll listeners", mFan, eFan,
        $"Meridian: {n:N0} held POST /v1/configs/listener, one connection each; etcd: {n:N0} watches on the key"));
    var mPush = await meridian.ServicePushFanOutAsync(n, settings.FanOutTrials, ct);
    Add(Row.FanOut($"fanout-push-{n}", $"One instance change pushed to {n:N0} subscribers", mPush, eFan,
        $"Meridian: {n:N0} gRPC client connections subscribed to the service; etcd: the watch row above"));
}

// Large registration last: it leaves the most state behind. Memory is read before and after.
var large = settings.LargeRegistration;
mBefore = ProcessMemory.ResidentBytes(meridian.Pid);
var mLarge = await meridian.RegisterAsync("big", large, settings.RegistrationTimeLimit, ct);
await Task.Delay(TimeSpan.FromSeconds(2), ct);
var mPerInstance = (ProcessMemory.ResidentBytes(meridian.Pid) - mBefore) / (double)Math.Max(1, mLarge.Succeeded);
eBefore = ProcessMemory.ResidentBytes(etcd.Pid);
var eLarge = await etcd.RegisterAsync("big", large, settings.RegistrationTimeLimit, ct);
await Task.Delay(TimeSpan.FromSeconds(2), ct);
var ePerInstance = (ProcessMemory.ResidentBytes(etcd.Pid) - eBefore) / (double)Math.Max(1, eLarge.Succeeded);
Add(Row.Throughput("register-large", $"Register {large / 1000}k ephemeral instances (HTTP)", mLarge, eLarge,
    "as the 10k row, into services of 100"));
Add(new Row("instance-memory", "Server memory per ephemeral instance", "bytes (RSS delta)", false, mPerInstance, ePerInstance, null, null,
    FormattableString.Invariant($"VmRSS after minus before registering {mLarge.Succeeded:N0} (Meridian) and {eLarge.Succeeded:N0} (etcd) instances; Meridian total {ProcessMemory.ResidentBytes(meridian.Pid) / 1048576.0:0} MiB")));

Directory.CreateDirectory(settings.OutputDirectory);
var markdown = Report.Markdown(rows, settings);
var md = Path.Combine(settings.OutputDirectory, "latest.md");
await File.WriteAllTextAsync(md, markdown, ct);
var png = Path.Combine(settings.OutputDirectory, "latest.png");
Chart.Save(rows, png, settings.Quick);
Console.WriteLine();
Console.WriteLine(markdown);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {md} and {png}"));
