namespace Meridian.Storage.Sqlite;

/// <summary>
/// Makes commits durable off the writer's path. The writer commits with <c>synchronous=NORMAL</c> (in WAL mode: written
/// to the WAL, not yet fsynced) and goes on with the next batch; a caller that needs its commit durable asks for a sync
/// and is answered by the first fsync of the WAL file that starts after it asked. Requests that arrive while an fsync
/// runs share the next one, so the disk sees one fsync per batch at most, and usually fewer.
/// </summary>
/// <remarks>
/// The fsync goes through a handle of this process's own on the WAL file: on Linux fsync flushes the file, whichever
/// descriptor asks. SQLite keeps the WAL file while the writer connection is open, and syncs it itself before every
/// checkpoint, so frames a checkpoint moves into the database are durable before the WAL is reused.
/// </remarks>
internal sealed class SqliteWalSync(string walPath) : IDisposable
{
    private readonly Lock _gate = new();
    private List<TaskCompletionSource> _waiting = [];
    private bool _running;
    private FileStream? _wal;

    public Task SyncAsync()
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiting.Add(waiter);
            if (!_running)
            {
                _running = true;
                _ = Task.Run(SyncLoop);
            }
        }

        return waiter.Task;
    }

    private void SyncLoop()
    {
        while (true)
        {
            List<TaskCompletionSource> round;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _running = false;
                    return;
                }

                round = _waiting;
                _waiting = [];
            }

            try
            {
                _wal ??= new FileStream(walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
                _wal.Flush(flushToDisk: true);
                foreach (var waiter in round)
                {
                    waiter.TrySetResult();
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                foreach (var waiter in round)
                {
                    waiter.TrySetException(e);
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _wal?.Dispose();
            _wal = null;
        }
    }
}
