using Meridian.Changes;

namespace Meridian.Core.Tests.Changes;

public sealed class SubscriberSetTests
{
    private sealed class Member;

    private static readonly DateTimeOffset At = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_member_joins_once_and_leaves_once_and_the_count_follows()
    {
        var set = new SubscriberSet<Member>();
        var a = new Member();
        var b = new Member();

        Assert.True(set.Add(a, At));
        Assert.False(set.Add(a, At.AddSeconds(1)));
        Assert.True(set.Add(b, At.AddSeconds(2)));
        Assert.Equal(2, set.Count);
        Assert.Equal([(a, At), (b, At.AddSeconds(2))], set.WithSince().OrderBy(m => m.Since));

        Assert.True(set.Remove(a));
        Assert.False(set.Remove(a));
        Assert.Equal(1, set.Count);
        Assert.Equal([b], set);
        Assert.True(set.Remove(b));
        Assert.True(set.IsEmpty);
    }

    [Fact]
    public async Task A_fan_out_running_while_others_join_and_leave_sees_every_member_that_stays()
    {
        var set = new SubscriberSet<Member>();
        var stayers = Enumerable.Range(0, 1000).Select(_ => new Member()).ToList();
        foreach (var member in stayers)
        {
            Assert.True(set.Add(member, At));
        }

        using var stop = new CancellationTokenSource();
        var churn = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var visitor = new Member();
                set.Add(visitor, At);
                set.Remove(visitor);
            }
        }, TestContext.Current.CancellationToken);

        for (var round = 0; round < 50; round++)
        {
            var seen = set.ToHashSet();
            Assert.True(stayers.All(seen.Contains), $"round {round}: a member that never left was missed");
        }

        await stop.CancelAsync();
        await churn;
        Assert.Equal(stayers.Count, set.Count);
    }
}
