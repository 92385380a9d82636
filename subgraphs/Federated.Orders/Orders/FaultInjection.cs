namespace Federated.Orders.Orders;

/// <summary>
/// For tests of what cannot otherwise be forced. With <c>Orders:FaultInjection:PauseAfter</c>
/// set to <c>reservation</c> or <c>authorization</c>, placeOrder stops after that step (for
/// <c>Orders:FaultInjection:Pause</c>, ten minutes by default) so that a test can kill the
/// process exactly there. With <c>Orders:FaultInjection:OrderNumber</c> set, every order first
/// draws that number, as two orders drawing the same random number would. Off unless set, and
/// loudly logged when on; never set it in production.
/// </summary>
public sealed class FaultInjection
{
    public const string AfterReservation = "reservation";
    public const string AfterAuthorization = "authorization";

    private readonly string? _step;
    private readonly TimeSpan _pause;

    public FaultInjection(IConfiguration configuration, ILogger<FaultInjection> logger)
    {
        _step = configuration["Orders:FaultInjection:PauseAfter"] is { Length: > 0 } step ? step : null;
        _pause = configuration.GetValue("Orders:FaultInjection:Pause", TimeSpan.FromMinutes(10));
        if (_step is not null)
            logger.LogWarning("Fault injection is on: placeOrder pauses {Pause} after {Step}", _pause, _step);
        OrderNumber = configuration["Orders:FaultInjection:OrderNumber"] is { Length: > 0 } number ? number : null;
        if (OrderNumber is not null)
            logger.LogWarning("Fault injection is on: every order first draws the number {Number}", OrderNumber);
    }

    /// <summary>The number every order draws first, or null (a random one).</summary>
    public string? OrderNumber { get; }

    public Task PauseAfterAsync(string step) =>
        string.Equals(step, _step, StringComparison.OrdinalIgnoreCase) ? Task.Delay(_pause) : Task.CompletedTask;
}
