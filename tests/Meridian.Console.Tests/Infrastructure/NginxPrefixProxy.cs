using System.Net;
using System.Net.Sockets;
using Meridian.Testing;

namespace Meridian.Console.Tests.Infrastructure;

/// <summary>
/// nginx (Debian's, run from a folder of its own) serving the server under <c>/meridian/</c>: it strips the prefix and
/// says so in <c>X-Forwarded-Prefix</c>, as a reverse proxy in front of Meridian would. Given several servers (the nodes
/// of a cluster) it takes turns between them, request by request, with no stickiness.
/// </summary>
public sealed class NginxPrefixProxy : IAsyncDisposable
{
    public const string Prefix = "/meridian";
    private readonly ChildProcess _process;
    private readonly string _folder;

    private NginxPrefixProxy(ChildProcess process, string folder, Uri address)
    {
        _process = process;
        _folder = folder;
        Address = address;
    }

    /// <summary>The console's address through the proxy, ending in <c>/meridian/</c>.</summary>
    public Uri Address { get; }

    public static Task<NginxPrefixProxy> StartAsync(Uri upstream, CancellationToken cancellationToken) => StartAsync([upstream], cancellationToken);

    public static async Task<NginxPrefixProxy> StartAsync(IReadOnlyList<Uri> upstreams, CancellationToken cancellationToken)
    {
        var nginx = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
        var folder = Directory.CreateTempSubdirectory("meridian-nginx-").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "temp"));
        var port = FreePort();
        var servers = string.Join(" ", upstreams.Select(u => $"server {u.Authority};"));
        await File.WriteAllTextAsync(Path.Combine(folder, "nginx.conf"), $$"""
            daemon off;
            worker_processes 1;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            events { worker_connections 256; }
            http {
                access_log {{folder}}/access.log;
                client_body_temp_path {{folder}}/temp/client_body;
                proxy_temp_path {{folder}}/temp/proxy;
                fastcgi_temp_path {{folder}}/temp/fastcgi;
                uwsgi_temp_path {{folder}}/temp/uwsgi;
                scgi_temp_path {{folder}}/temp/scgi;
                upstream meridian { {{servers}} keepalive 8; }
                server {
                    listen 127.0.0.1:{{port}};
                    location = {{Prefix}} { return 301 {{Prefix}}/; }
                    location {{Prefix}}/ {
                        proxy_pass http://meridian/;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $host;
                        proxy_set_header X-Forwarded-Prefix {{Prefix}};
                        proxy_set_header X-Forwarded-Proto $scheme;
                        proxy_buffering off;
                        proxy_read_timeout 130s;
                    }
                    location / { return 404; }
                }
            }
            """, cancellationToken);
        var process = ChildProcess.Start(nginx, ["-p", folder, "-e", Path.Combine(folder, "error.log"), "-c", Path.Combine(folder, "nginx.conf")]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        return new NginxPrefixProxy(process, folder, new Uri($"http://127.0.0.1:{port}{Prefix}/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
