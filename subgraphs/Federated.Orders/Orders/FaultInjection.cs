namespace Federated.Orders.Orders;

/// <summary>
/// For crash tests: with <c>Orders:FaultInjection:PauseAfter</c> set to <c>reservation</c> or
/// <c>authorization</c>, placeOrder stops after that step (for <c>Orders:FaultInjection:Pause</c>,
/// ten minutes by default) so that a test can kill the process exactly there. Off unless set,
/// and loudly logged when on; never set it in production.
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
    }

    public Task PauseAfterAsync(string step) =>
        string.Equals(step, _step, StringComparison.OrdinalIgnoreCase) ? Task.Delay(_pause) : Task.CompletedTask;
}
