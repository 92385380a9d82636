using System.Text.RegularExpressions;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;

namespace Federated.Tests.Gateway;

/// <summary>
/// Issue 3, point 5: every operation of <see cref="DifferentialCorpus"/> goes to the reference gateway
/// (Hive Gateway) and to the .NET gateway over the product's own subgraphs, and the two answers must be
/// the same, as <see cref="DifferentialComparison"/> compares them. <see cref="FeatureDifferentialTests"/>
/// does the same over the test-only feature subgraphs.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed partial class DifferentialTests(FederatedStack stack)
{
    private static readonly Dictionary<string, DifferentialCase> ByName = DifferentialCorpus.Cases.ToDictionary(c => c.Name);
    private static readonly SemaphoreSlim CallerGate = new(1, 1);
    private static Dictionary<string, string>? _admin;
    private static Dictionary<string, string>? _customer;

    public static TheoryData<string> Operations => [.. DifferentialCorpus.Cases.Select(c => c.Name)];

    [Fact]
    public void Corpus_HasAtLeastSixtyOperations_WithDistinctNames()
    {
        Assert.True(DifferentialCorpus.Cases.Count >= 60, $"{DifferentialCorpus.Cases.Count} operations");
        Assert.Equal(DifferentialCorpus.Cases.Count, ByName.Count);
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Operation_AnswersTheSame_OnBothGateways(string operation)
    {
        var @case = ByName[operation];

        var reference = await SendAsync(ServiceNames.Gateway, @case);
        var dotnet = await SendAsync(ServiceNames.DotnetGateway, @case);

        DifferentialComparison.AssertSameAnswer(@case, reference, dotnet, WithoutGuestCartIds);
    }

    private async Task<GraphQLResponse> SendAsync(string gateway, DifferentialCase @case)
    {
        var headers = await HeadersAsync(@case.Caller);
        if (@case.GuestCart)
            headers["X-Cart-Id"] = await NewGuestCartAsync(gateway);
        var request = DifferentialComparison.NewRequest(stack.GraphQLUrl(gateway), @case);
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        return await stack.SendAsync(request);
    }

    /// <summary>A guest cart with one line, made through the gateway under test: each gateway's call gets a cart of its own.</summary>
    private async Task<string> NewGuestCartAsync(string gateway)
    {
        var response = await stack.PostAsync(gateway, "mutation($input: AddToCartInput!) { addToCart(input: $input) { cart { id } errors { code } } }",
            new { input = new { sku = DifferentialCorpus.CartSku, quantity = 1 } });
        var payload = response.Data.GetProperty("addToCart");
        Assert.True(payload.GetProperty("errors").GetArrayLength() == 0, response.ToString());
        return payload.GetProperty("cart").GetProperty("id").GetString()!;
    }

    private async Task<Dictionary<string, string>> HeadersAsync(Caller caller)
    {
        if (caller == Caller.Anonymous)
            return [];
        await CallerGate.WaitAsync();
        try
        {
            if (caller == Caller.Admin)
                _admin ??= (await stack.SignInAdminAsync()).Bearer;
            else
                _customer ??= (await stack.RegisterAsync()).Bearer;
            return new Dictionary<string, string>(caller == Caller.Admin ? _admin! : _customer!);
        }
        finally
        {
            CallerGate.Release();
        }
    }

    /// <summary>
    /// Guest cart ids replaced by a placeholder: each gateway's call has a cart of its own (see
    /// <see cref="DifferentialCase"/>), so the ids differ by design and nothing else may. Guest cart ids
    /// are the only strings of the graph that start with "g." (products, SKUs, users and reviews have
    /// prefixes of their own), and only the values of "id" fields are touched.
    /// </summary>
    private static string WithoutGuestCartIds(string data) => GuestCartId().Replace(data, "\"id\":\"<guest-cart>\"");

    [GeneratedRegex("\"id\"\\s*:\\s*\"g\\.[^\"]+\"")]
    private static partial Regex GuestCartId();
}
