using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Client.Discovery;

/// <summary>
/// Keeps the last known list of each looked-up service on disk, so an app that restarts while every server is down
/// still resolves its peers. Writes happen off the push path, newest list only, by replace-on-rename.
/// </summary>
internal sealed partial class SnapshotStore : BackgroundService
{
    private readonly string _directory;
    private readonly ILogger<SnapshotStore> _logger;
    private readonly Channel<CachedService> _dirty = Channel.CreateUnbounded<CachedService>(new UnboundedChannelOptions { SingleReader = true });

    public SnapshotStore(IOptions<MeridianClientOptions> options, ILogger<SnapshotStore> logger)
    {
        _logger = logger;
        var settings = options.Value;
        var configured = settings.Discovery.SnapshotDirectory;
        var root = string.IsNullOrEmpty(configured) ? DefaultDirectory() : configured;
        var application = string.IsNullOrEmpty(settings.ServiceName) ? Meridian.Client.Configuration.SnapshotScope.DefaultApplication : settings.ServiceName;
        _directory = Path.Combine(Meridian.Client.Configuration.SnapshotScope.Of(root, settings.ServerAddresses, application), settings.Namespace);
    }

    public string Directory => _directory;

    public void Save(CachedService service) => _dirty.Writer.TryWrite(service);

    /// <summary>The stored list of a service, or null when there is none or it cannot be read.</summary>
    public StoredService? Load(ServiceId id)
    {
        var path = PathOf(id);
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, SnapshotJson.Default.StoredService);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            LogUnreadable(_logger, e, path);
            return null;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var service in _dirty.Reader.ReadAllAsync(stoppingToken))
        {
            Write(service);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Whatever changed last still reaches the disk.
        while (_dirty.Reader.TryRead(out var service))
        {
            Write(service);
        }
    }

    private void Write(CachedService service)
    {
        var current = service.Current;
        if (current.FromSnapshot || current.Revision < 0)
        {
            return;
        }

        var path = PathOf(service.Id);
        var temporary = path + ".tmp";
        try
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var stored = new StoredService(current.Revision, current.ProtectThreshold, [.. current.All]);
            using (var stream = File.Create(temporary))
            {
                JsonSerializer.Serialize(stream, stored, SnapshotJson.Default.StoredService);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogUnwritable(_logger, e, path);
        }
    }

    private string PathOf(ServiceId id) => Path.Combine(_directory, $"{id.Group}@@{id.Name}.json");

    private static string DefaultDirectory()
    {
        var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        return Path.Combine(string.IsNullOrEmpty(local) ? Path.GetTempPath() : local, "meridian", "snapshots");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the instance snapshot {Path}; it is ignored and rewritten on the next push. Delete it if it keeps failing")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the instance snapshot {Path}; a restart while the server is down will not find this service. Make Meridian:Discovery:SnapshotDirectory writable")]
    private static partial void LogUnwritable(ILogger logger, Exception exception, string path);
}

internal sealed record StoredService(long Revision, double ProtectThreshold, List<ServiceInstance> Instances);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(StoredService))]
internal sealed partial class SnapshotJson : JsonSerializerContext;
