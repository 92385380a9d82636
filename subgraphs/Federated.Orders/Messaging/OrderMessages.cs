namespace Federated.Orders.Messaging;

/// <summary>
/// Give a failed or cancelled order's money and stock back: payment voided (refunded if
/// captured), reservation released; with <paramref name="GiveCartBack"/> (an order cancelled
/// while its 3-D Secure challenge waited), its lines back into the cart the challenge took
/// them from. Messages written before that flag read it as false.
/// </summary>
public sealed record SettleOrder(string OrderId, bool GiveCartBack = false);

/// <summary>
/// Written with every new order by versions before <see cref="Orders.InterruptedPlacements"/>
/// took over, delivered <c>Orders:PendingTimeout</c> later. Nothing writes it any more; it is
/// still handled so that the deadlines an upgraded database holds are not dropped.
/// </summary>
public sealed record PlacementDeadline(string OrderId);

/// <summary>Ask the payment provider for a refund recorded with the order, and record its answer.</summary>
public sealed record IssueRefund(string OrderId, string RefundId);

/// <summary>Written when an order starts waiting for a 3-D Secure answer, delivered <c>Orders:ChallengeTimeout</c> later.</summary>
public sealed record ChallengeDeadline(string OrderId);
