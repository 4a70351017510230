using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Meridian.Testing;

/// <summary>
/// A real PostgreSQL server of its own, in a temporary folder, on a free 127.0.0.1 port, with trust authentication:
/// what the storage tests run against. It uses the Debian binaries under <c>/usr/lib/postgresql/VERSION/bin</c>
/// (the newest version; <c>MERIDIAN_POSTGRES_BIN</c> names another folder), which <c>./test.sh</c> installs.
/// As root it runs initdb and pg_ctl as the <c>postgres</c> user, since PostgreSQL refuses to run as root.
/// It talks to the server through <c>psql</c> only, so it compiles into any test project without a package.
/// </summary>
/// <remarks>
/// The server keeps <c>fsync</c> on: a test that kills a Meridian node (or stops this server with
/// <see cref="StopAsync"/> immediate, which is a crash to PostgreSQL) sees what production would.
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>The database <see cref="StartAsync"/> creates; <see cref="ConnectionString"/> points at it.</summary>
    public const string DefaultDatabase = "meridian";

    private const string PostgresUser = "postgres";
    private const string BinEnvironmentVariable = "MERIDIAN_POSTGRES_BIN";
    private const int StartAttempts = 3;

    private readonly string _bin;
    private readonly bool _asPostgresUser;
    private int _disposed;

    private PostgresServer(string bin, bool asPostgresUser, string root)
    {
        _bin = bin;
        _asPostgresUser = asPostgresUser;
        RootDirectory = root;
    }

    /// <summary>The temporary folder: the data directory, the log, the unix socket. Deleted by <see cref="DisposeAsync"/>.</summary>
    public string RootDirectory { get; }

    public string DataDirectory => Path.Combine(RootDirectory, "data");

    /// <summary>The server's log (pg_ctl -l); failures quote its tail.</summary>
    public string LogFile => Path.Combine(RootDirectory, "log");

    /// <summary>The TCP port on 127.0.0.1; it stays the same across <see cref="StopAsync"/> and <see cref="StartAgainAsync"/>.</summary>
    public int Port { get; private set; }

    /// <summary>The Npgsql connection string of the <c>meridian</c> database.</summary>
    public string ConnectionString => ConnectionStringFor(DefaultDatabase);

    /// <summary>Runs initdb, starts the server and creates the <c>meridian</c> database.</summary>
    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken)
    {
        var bin = FindBinaries();
        var asPostgresUser = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        var root = CreateRootDirectory(asPostgresUser);
        var server = new PostgresServer(bin, asPostgresUser, root);
        try
        {
            if (asPostgresUser)
            {
                // The folder becomes the postgres user's: initdb writes the data directory in it, pg_ctl the log, the
                // server its unix socket and lock file.
                await server.RunAsync("chown", ["-R", PostgresUser, root], asPostgresUser: false, cancellationToken);
            }

            await server.RunAsync(
                Path.Combine(bin, "initdb"),
                ["-D", server.DataDirectory, "-U", PostgresUser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                asPostgresUser,
                cancellationToken);

            for (var attempt = 1; ; attempt++)
            {
                server.Port = FreePort();
                try
                {
                    await server.StartAgainAsync(cancellationToken);
                    break;
                }
                catch (InvalidOperationException) when (attempt < StartAttempts && server.LostThePort())
                {
                    // Another process took the port between FreePort and the server's bind: try another one.
                }
            }

            await server.CreateDatabaseAsync(DefaultDatabase, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The Npgsql connection string of a database on this server (no password: trust authentication).</summary>
    public string ConnectionStringFor(string database) =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username={PostgresUser};Database={database}");

    /// <summary>Creates an empty database, so that a test can have one of its own, and returns its connection string.</summary>
    /// <param name="name">Letters, digits and underscores, starting with a letter or an underscore; at most 63 characters.</param>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!IsPlainName(name))
        {
            throw new ArgumentException($"'{name}' is not a plain database name: use letters, digits and '_', starting with a letter or '_', at most 63 characters.", nameof(name));
        }

        await QueryAsync("postgres", $"CREATE DATABASE \"{name}\"", cancellationToken);
        return ConnectionStringFor(name);
    }

    /// <summary>Runs SQL with psql against a database and returns what it prints (unaligned, tuples only: <c>psql -XAtq</c>).</summary>
    public Task<string> QueryAsync(string database, string sql, CancellationToken cancellationToken) =>
        RunAsync(
            Path.Combine(_bin, "psql"),
            ["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", PostgresUser, "-d", database, "-c", sql],
            asPostgresUser: false,
            cancellationToken);

    /// <summary>
    /// Stops the server: <paramref name="immediate"/> is <c>pg_ctl stop -m immediate</c>, which to PostgreSQL is a crash
    /// (no checkpoint; the next start replays the WAL), otherwise <c>-m fast</c> (connections cut, clean shutdown).
    /// </summary>
    public Task StopAsync(bool immediate, CancellationToken cancellationToken) =>
        RunAsync(
            Path.Combine(_bin, "pg_ctl"),
            ["stop", "-D", DataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "-t", "30"],
            _asPostgresUser,
            cancellationToken);

    /// <summary>Starts the server again on the same data directory and port; completes once it accepts connections.</summary>
    public Task StartAgainAsync(CancellationToken cancellationToken)
    {
        var options = string.Create(
            CultureInfo.InvariantCulture,
            $"-p {Port} -c listen_addresses=127.0.0.1 -k {ShellQuote(RootDirectory)} -c max_connections=200 -c shared_buffers=64MB");
        return RunAsync(
            Path.Combine(_bin, "pg_ctl"),
            ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "30", "-o", options],
            _asPostgresUser,
            cancellationToken);
    }

    /// <summary>Stops the server (immediate) if it runs and deletes its folder. Never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (File.Exists(pidFile))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await StopAsync(immediate: true, timeout.Token);
            }
            catch (Exception)
            {
                KillPostmaster(pidFile);
            }
        }

        try
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
        catch (Exception)
        {
            // A folder left in the temp directory is not worth failing a test over.
        }
    }

    private static string FindBinaries()
    {
        string[] needed = ["initdb", "pg_ctl", "postgres", "psql"];
        bool Complete(string bin) => needed.All(program => File.Exists(Path.Combine(bin, program)));

        if (Environment.GetEnvironmentVariable(BinEnvironmentVariable) is { Length: > 0 } configured)
        {
            return Complete(configured)
                ? configured
                : throw new InvalidOperationException($"{BinEnvironmentVariable} is '{configured}', which lacks one of {string.Join(", ", needed)}.");
        }

        const string installed = "/usr/lib/postgresql";
        var newest = Directory.Exists(installed)
            ? Directory.GetDirectories(installed)
                .Select(version => (Version: ParseVersion(Path.GetFileName(version)), Bin: Path.Combine(version, "bin")))
                .Where(candidate => Complete(candidate.Bin))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Bin)
                .FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException(
            $"No PostgreSQL server binaries ({string.Join(", ", needed)}) under {installed}/*/bin. Run ./test.sh, which installs "
            + $"the postgresql package, or install it yourself (apt-get install postgresql), or set {BinEnvironmentVariable} to a folder that has them.");
    }

    private static Version ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version) ? version : new Version(0, 0);

    private static string CreateRootDirectory(bool asPostgresUser)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("PostgresServer runs the Debian PostgreSQL binaries: Linux (or another Unix) only.");
        }

        var parent = Path.GetTempPath();
        if (asPostgresUser && !TraversableByOthers(parent))
        {
            // The postgres user has to reach its folder: a private TMPDIR (say under /root) would stop it.
            parent = "/tmp";
        }

        var root = Path.Combine(parent, "meridian-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(
            root,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return root;
    }

    private static bool TraversableByOthers(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        for (var directory = new DirectoryInfo(Path.GetFullPath(folder)); directory is not null; directory = directory.Parent)
        {
            if (!directory.Exists || (directory.UnixFileMode & UnixFileMode.OtherExecute) == 0)
            {
                return false;
            }
        }

        return true;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private bool LostThePort() =>
        LogTail() is var log && (log.Contains("could not bind", StringComparison.Ordinal) || log.Contains("Address already in use", StringComparison.Ordinal));

    private async Task<string> RunAsync(string program, IReadOnlyList<string> args, bool asPostgresUser, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(asPostgresUser ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            // The postgres user may not be able to enter the test's own working directory; it always can this one.
            WorkingDirectory = RootDirectory,
        };
        if (asPostgresUser)
        {
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add(PostgresUser);
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(program);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Messages in English whatever the machine's locale, so that failures (and LostThePort) read the same.
        info.Environment["LC_ALL"] = "C";
        var command = string.Join(' ', new[] { info.FileName }.Concat(info.ArgumentList).Select(ShellQuote));

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Could not run {command}: {e.Message}", e);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
            await Task.WhenAll(stdout, stderr);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended meanwhile.
            }

            throw;
        }

        var output = (await stdout).TrimEnd();
        if (process.ExitCode != 0)
        {
            var message = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"{command} exited with {process.ExitCode}.")
                .Append("\n--- stdout ---\n").Append(output)
                .Append("\n--- stderr ---\n").Append((await stderr).TrimEnd());
            if (LogTail() is { Length: > 0 } log)
            {
                message.Append("\n--- ").Append(LogFile).Append(" (tail) ---\n").Append(log);
            }

            throw new InvalidOperationException(message.ToString());
        }

        return output;
    }

    private string LogTail()
    {
        try
        {
            if (!File.Exists(LogFile))
            {
                return "";
            }

            var lines = File.ReadAllLines(LogFile);
            return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 30)));
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>The last resort when pg_ctl could not stop the server: SIGKILL the postmaster named in its pid file.</summary>
    private static void KillPostmaster(string pidFile)
    {
        try
        {
            var first = File.ReadLines(pidFile).FirstOrDefault();
            if (int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                using var postmaster = Process.GetProcessById(pid);
                postmaster.Kill(entireProcessTree: true);
            }
        }
        catch (Exception)
        {
            // Gone already, or not ours to kill: nothing more to do.
        }
    }

    private static string ShellQuote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@+%".Contains(c, StringComparison.Ordinal))
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static bool IsPlainName(string name) =>
        name.Length <= 63 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
