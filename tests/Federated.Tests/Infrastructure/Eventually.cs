namespace Federated.Tests.Infrastructure;

/// <summary>
/// Waits for what the stack does in the background (a settlement, a webhook, a store coming
/// back): polls until the condition holds, or fails the test with what was last seen.
/// </summary>
public static class Eventually
{
    public static async Task WaitForAsync(Func<Task<bool>> condition, Func<string>? failure = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException(failure?.Invoke() ?? "The expected state was not reached in time.");
            await Task.Delay(200);
        }
    }
}
