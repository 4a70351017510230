using System.Threading.Channels;

namespace Meridian.Protocols.Native;

/// <summary>
/// What one connection still has to send. Replies (acks, pongs) queue in order up to a bound; pushes coalesce per
/// topic, so a slow reader holds at most one pending push per service, always the newest revision, in the order the
/// topics first became pending. The lock is this connection's alone.
/// </summary>
internal sealed class Outbox(int maxPendingReplies)
{
    private readonly Lock _gate = new();
    private readonly Queue<PushFrame> _replies = new();
    private readonly Dictionary<PushTopic, PushFrame> _pushes = [];
    private readonly Queue<PushTopic> _order = new();

    // A doorbell, not a queue: one pending ring is enough to wake the writer.
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>Queues a reply. False when the client has left too many unread: the caller closes the connection.</summary>
    public bool TryEnqueueReply(PushFrame frame)
    {
        lock (_gate)
        {
            if (_replies.Count >= maxPendingReplies)
            {
                return false;
            }

            _replies.Enqueue(frame);
        }

        _doorbell.Writer.TryWrite(true);
        return true;
    }

    /// <summary>Queues a push, replacing a pending one for the same topic unless that one is newer.</summary>
    public void EnqueuePush(PushTopic topic, PushFrame frame)
    {
        lock (_gate)
        {
            if (_pushes.TryGetValue(topic, out var pending))
            {
                if (pending.Revision > frame.Revision)
                {
                    return;
                }

                _pushes[topic] = frame;
                return;
            }

            _pushes.Add(topic, frame);
            _order.Enqueue(topic);
        }

        _doorbell.Writer.TryWrite(true);
    }

    /// <summary>The next frame to write, replies first; waits while there is none.</summary>
    public async ValueTask<PushFrame> DequeueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryDequeue(out var frame))
            {
                return frame;
            }

            await _doorbell.Reader.ReadAsync(cancellationToken);
        }
    }

    /// <summary>How many pushes are waiting; for tests and diagnostics.</summary>
    public int PendingPushes
    {
        get
        {
            lock (_gate)
            {
                return _pushes.Count;
            }
        }
    }

    private bool TryDequeue(out PushFrame frame)
    {
        lock (_gate)
        {
            if (_replies.TryDequeue(out frame!))
            {
                return true;
            }

            if (_order.TryDequeue(out var topic))
            {
                _pushes.Remove(topic, out frame!);
                return true;
            }

            return false;
        }
    }
}
