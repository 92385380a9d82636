namespace Federated.Orders.Orders;

/// <summary>
/// For tests of what cannot otherwise be forced. With <c>Orders:FaultInjection:PauseAfter</c>
/// set to <c>insert</c> (the order recorded, before its reservation), <c>reservation</c>,
/// <c>authorization</c> or <c>accept</c> (the order saved as standing, before its lines leave
/// the cart), placeOrder stops after that step (for
/// <c>Orders:FaultInjection:Pause</c>, ten minutes by default) so that a test can kill the
/// process exactly there; set to <c>capture</c>, a fulfillment wave that shipped orders stops
/// after its catalog and payment calls, before it saves; set to <c>refund</c>, a refund recorded
/// with its message waits before the provider is asked (inline and in the message); set to
/// <c>webhook</c>, a payment webhook received waits after it asked the provider where the payment
/// stands, before it saves. With <c>Orders:FaultInjection:UserId</c>
/// also set, only that customer's orders make it stop (other tests' orders go on). With <c>Orders:FaultInjection:OrderNumber</c> set, every order first
/// draws that number, as two orders drawing the same random number would. With
/// <c>Orders:FaultInjection:TrackingNumber</c> set, every parcel a fulfillment wave ships first
/// draws that tracking number (only the parcels of <c>Orders:FaultInjection:UserId</c>'s orders,
/// when that is set), as two parcels drawing the same random one would. With
/// <c>Orders:FaultInjection:FailStepOf</c> set to a customer's id, a fulfillment wave's step
/// of that customer's orders throws, as a defect met by one order's data would. With
/// <c>Orders:FaultInjection:FailSettleOf</c> set to a customer's id, a cancellation of that
/// customer's order fails to settle inline (after it is saved with its message), so that the
/// message settles it alone, as it does when a store fails there. Off unless set,
/// and loudly logged when on; never set it in production.
/// </summary>
public sealed class FaultInjection
{
    public const string AfterInsert = "insert";
    public const string AfterReservation = "reservation";
    public const string AfterAuthorization = "authorization";
    public const string AfterAccept = "accept";
    public const string AfterCapture = "capture";
    public const string AfterRefundRecorded = "refund";
    public const string AfterRetrieve = "webhook";

    private readonly string? _step;
    private readonly string? _userId;
    private readonly TimeSpan _pause;
    private readonly string? _failStepOf;
    private readonly string? _trackingNumber;
    private readonly string? _failSettleOf;

    public FaultInjection(IConfiguration configuration, ILogger<FaultInjection> logger)
    {
        _step = configuration["Orders:FaultInjection:PauseAfter"] is { Length: > 0 } step ? step : null;
        _pause = configuration.GetValue("Orders:FaultInjection:Pause", TimeSpan.FromMinutes(10));
        _userId = configuration["Orders:FaultInjection:UserId"] is { Length: > 0 } userId ? userId : null;
        if (_step is not null)
            logger.LogWarning("Fault injection is on: orders pause {Pause} after {Step}", _pause, _step);
        _failStepOf = configuration["Orders:FaultInjection:FailStepOf"] is { Length: > 0 } failing ? failing : null;
        if (_failStepOf is not null)
            logger.LogWarning("Fault injection is on: fulfillment steps of customer {UserId}'s orders throw", _failStepOf);
        _failSettleOf = configuration["Orders:FaultInjection:FailSettleOf"] is { Length: > 0 } unsettled ? unsettled : null;
        if (_failSettleOf is not null)
            logger.LogWarning("Fault injection is on: cancellations of customer {UserId}'s orders are settled by their message only", _failSettleOf);
        OrderNumber = configuration["Orders:FaultInjection:OrderNumber"] is { Length: > 0 } number ? number : null;
        if (OrderNumber is not null)
            logger.LogWarning("Fault injection is on: every order first draws the number {Number}", OrderNumber);
        _trackingNumber = configuration["Orders:FaultInjection:TrackingNumber"] is { Length: > 0 } tracking ? tracking : null;
        if (_trackingNumber is not null)
            logger.LogWarning("Fault injection is on: every parcel first draws the tracking number {TrackingNumber}", _trackingNumber);
    }

    /// <summary>The number every order draws first, or null (a random one).</summary>
    public string? OrderNumber { get; }

    /// <summary>The tracking number the parcels of <paramref name="userId"/>'s order draw first (of the customer set, if any), or null.</summary>
    public string? TrackingNumberFor(string userId) =>
        _userId is null || string.Equals(userId, _userId, StringComparison.Ordinal) ? _trackingNumber : null;

    /// <summary>Throws for an order of the customer set to fail, if any.</summary>
    public void FailStep(string userId)
    {
        if (string.Equals(userId, _failStepOf, StringComparison.Ordinal))
            throw new InvalidOperationException("Fault injection: this order's fulfillment step fails.");
    }

    /// <summary>Throws for a cancelled order of the customer set to settle by message only, if any.</summary>
    public void FailInlineSettlement(string userId)
    {
        if (string.Equals(userId, _failSettleOf, StringComparison.Ordinal))
            throw new InvalidOperationException("Fault injection: this cancellation is not settled inline.");
    }

    /// <summary>Pauses after <paramref name="step"/> if it is the one set, for orders of <paramref name="userIds"/> (of the one set, if any).</summary>
    public Task PauseAfterAsync(string step, IEnumerable<string> userIds) =>
        string.Equals(step, _step, StringComparison.OrdinalIgnoreCase) && (_userId is null || userIds.Contains(_userId, StringComparer.Ordinal))
            ? Task.Delay(_pause)
            : Task.CompletedTask;
}
