using Federated.Kit.GraphQL;
using Microsoft.Extensions.Time.Testing;

namespace Federated.Kit.Tests;

/// <summary>
/// The admission gate's order of turns and its refusals, on a clock the test moves: first come,
/// first served while the queue clears; newest first and the stale from the edge refused once
/// it stands; another service's requests first; a caller that waits too long or leaves taken out
/// of the queue, no turn lost. (Through the GraphQL surface: the catalog's reservation tests.)
/// </summary>
public sealed class AdmissionTests
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan StandingAfter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StandingWait = TimeSpan.FromMilliseconds(500);

    private readonly FakeTimeProvider _time = new();

    private Admission Gate(int turns = 1) => new(turns, MaxWait, StandingAfter, StandingWait, _time);

    /// <summary>The answer of a request at the gate, failing the test (not hanging it) when none comes: the test's clock does not move by itself.</summary>
    private static Task<IDisposable?> Answered(Task<IDisposable?> entering) => entering.WaitAsync(TimeSpan.FromSeconds(10));

    [Fact]
    public async Task WhileTheQueueClears_TurnsGoFirstComeFirstServed()
    {
        var gate = Gate();
        var first = await gate.EnterAsync(false, default);
        var (second, third) = (gate.EnterAsync(false, default), gate.EnterAsync(false, default));

        first!.Dispose();

        Assert.NotNull(await Answered(second));
        Assert.False(third.IsCompleted);
    }

    [Fact]
    public async Task AllTurnsBusyWithNobodyWaiting_IsNoStandingQueue()
    {
        var gate = Gate();
        var first = await gate.EnterAsync(false, default);
        _time.Advance(TimeSpan.FromSeconds(5));
        var second = gate.EnterAsync(false, default);
        var third = gate.EnterAsync(false, default);

        first!.Dispose();

        Assert.NotNull(await Answered(second));
        Assert.False(third.IsCompleted);
    }

    [Fact]
    public async Task OnceTheQueueStands_TheNewestGoesFirst_AndTheStaleFromTheEdgeAreRefused()
    {
        var gate = Gate();
        var first = await gate.EnterAsync(false, default);
        var stale = gate.EnterAsync(false, default);
        _time.Advance(TimeSpan.FromMilliseconds(1_200));
        var older = gate.EnterAsync(false, default);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        var newer = gate.EnterAsync(false, default);

        Assert.Null(await Answered(stale));
        first!.Dispose();

        Assert.NotNull(await Answered(newer));
        Assert.False(older.IsCompleted);
    }

    [Fact]
    public async Task AnotherServicesRequests_GoFirst_AndAreNotRefusedForTheStandingQueue()
    {
        var gate = Gate();
        var first = await gate.EnterAsync(false, default);
        var edge = gate.EnterAsync(false, default);
        var chained = gate.EnterAsync(true, default);
        _time.Advance(TimeSpan.FromMilliseconds(1_200));

        var late = gate.EnterAsync(false, default);
        Assert.Null(await Answered(edge));
        Assert.False(chained.IsCompleted);
        first!.Dispose();

        var turn = await Answered(chained);
        Assert.NotNull(turn);
        Assert.False(late.IsCompleted);
        turn!.Dispose();
        Assert.NotNull(await Answered(late));
    }

    [Fact]
    public async Task ARequestWaitingPastMaxWait_IsRefused_AndTheTurnGoesToTheNext()
    {
        var gate = Gate();
        var first = await gate.EnterAsync(false, default);
        var waiting = gate.EnterAsync(true, default);

        _time.Advance(MaxWait + TimeSpan.FromMilliseconds(1));

        Assert.Null(await Answered(waiting));
        first!.Dispose();
        var next = gate.EnterAsync(false, default);
        Assert.True(next.IsCompletedSuccessfully);
        Assert.NotNull(await Answered(next));
    }

    [Fact]
    public async Task ACallerThatLeaves_LeavesTheQueue_AndATurnGivenToItPassesOn()
    {
        var gate = Gate();
        var first = await gate.EnterAsync(false, default);
        using var leaving = new CancellationTokenSource();
        var left = gate.EnterAsync(false, leaving.Token);
        var after = gate.EnterAsync(false, default);

        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => left);
        first!.Dispose();

        var turn = await Answered(after);
        Assert.NotNull(turn);
        turn!.Dispose();
        // Every turn came back: the only one is free again.
        Assert.True(gate.EnterAsync(false, default).IsCompletedSuccessfully);
    }

    [Fact]
    public void ATimerThatCannotBeSet_IsRefusedWhenTheGateIsMade()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Admission(1, TimeSpan.Zero, StandingAfter, StandingWait, _time));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Admission(1, TimeSpan.FromDays(100), StandingAfter, StandingWait, _time));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Admission(0, MaxWait, StandingAfter, StandingWait, _time));
    }
}
