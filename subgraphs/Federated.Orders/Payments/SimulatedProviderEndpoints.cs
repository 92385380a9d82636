namespace Federated.Orders.Payments;

/// <summary>
/// The simulated provider's own pages, served beside the store because the provider is
/// simulated in-process: <c>POST /simulated-provider/challenges/{challengeId}</c> with
/// <c>{"response": "pass"}</c> is the bank's 3-D Secure page a client app opens for the
/// shopper. The store hears of the answer only through the webhook that follows.
/// </summary>
public static class SimulatedProviderEndpoints
{
    public sealed record ChallengeAnswer(string? Response);

    public static void MapSimulatedProvider(this WebApplication app) =>
        app.MapPost("/simulated-provider/challenges/{challengeId}", async (string challengeId, ChallengeAnswer answer, SimulatedPaymentProvider provider,
            CancellationToken cancellationToken) =>
            await provider.CompleteChallengeAsync(challengeId, answer.Response ?? "", cancellationToken)
                ? Results.Ok(new { challengeId, answered = true })
                : Results.NotFound(new { error = "no payment waits on this challenge" }));
}
