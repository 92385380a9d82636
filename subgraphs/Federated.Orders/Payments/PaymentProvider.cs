namespace Federated.Orders.Payments;

public enum ProviderOutcome { Authorized, ChallengeRequired, Declined, Voided, Captured, Refunded }

/// <summary>
/// What the provider answered: its reference, and a challenge id or a decline reason when there
/// is one; <paramref name="Refunded"/> is how much of a captured payment it has given back, by
/// whoever asked (the store's refunds, or its own dashboard).
/// </summary>
public sealed record ProviderResult(ProviderOutcome Outcome, string Reference, string? ChallengeId = null, string? DeclineReason = null, decimal Refunded = 0m);

/// <summary>The provider's answer to a refund: given back (with its reference), or refused with a reason.</summary>
public sealed record RefundResult(bool Succeeded, string? Reference, string? DeclineReason = null);

/// <summary>The provider did not answer in time: whether it charged is unknown until asked again.</summary>
public sealed class PaymentTimeoutException() : Exception("The payment provider did not answer in time.");

/// <summary>
/// A card payment provider, as the big ones work: every call carries an idempotency key (the
/// order id), so a retried call never charges twice; authorize first, capture when the goods
/// ship; a void or refund gives the money back.
/// </summary>
public interface IPaymentProvider
{
    string Name { get; }

    Task<ProviderResult> AuthorizeAsync(string idempotencyKey, decimal amount, string currency, string cardToken, CancellationToken cancellationToken);

    /// <summary>The shopper's answer to a 3-D Secure challenge.</summary>
    Task<ProviderResult> ConfirmAsync(string idempotencyKey, string challengeResponse, CancellationToken cancellationToken);

    /// <summary>Cancels an authorization (or refunds a capture); a key never authorized cannot be authorized afterwards.</summary>
    Task<ProviderResult> VoidAsync(string idempotencyKey, CancellationToken cancellationToken);

    Task<ProviderResult> CaptureAsync(string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>
    /// Gives back <paramref name="amount"/> of a captured payment, at most what it still holds;
    /// idempotent by <paramref name="refundKey"/>: a key sent again answers as the first time and
    /// never refunds twice. The payment is refunded once all of it has been given back.
    /// </summary>
    Task<RefundResult> RefundAsync(string idempotencyKey, string refundKey, decimal amount, CancellationToken cancellationToken);

    /// <summary>Where the payment stands at the provider now; null when it never heard of the key. Webhooks are only a hint to ask this.</summary>
    Task<ProviderResult?> RetrieveAsync(string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>The country a card was issued in, for fraud rules; null when unknown.</summary>
    string? CardCountry(string cardToken);
}
