using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Federated.Gateway.Tests.Http;

public class AccessTokenTests
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private Task<GatewayHost> StartAsync(FakeSubgraphs subgraphs) =>
        GatewayHost.StartAsync(TestSupergraphs.RepoFile("schema/supergraph.graphql"), subgraphs, settings: new Dictionary<string, string?>
        {
            ["Identity:PublicKey"] = _key.ExportSubjectPublicKeyInfoPem(),
            ["FEDERATED_IDENTITY_ISSUER"] = "issuer",
            ["FEDERATED_IDENTITY_AUDIENCE"] = "audience",
        });

    private string Token(string audience) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "issuer",
        Audience = audience,
        Subject = new ClaimsIdentity([new Claim("sub", "u1")]),
        Expires = DateTime.UtcNow.AddMinutes(5),
        SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_key), SecurityAlgorithms.EcdsaSha256),
    });

    private static HttpRequestMessage Request(string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent("""{"query":"{ product(id: \"p1\") { name } }"}""", Encoding.UTF8, "application/json"),
        };
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    [Fact]
    public async Task AValidToken_IsForwarded_AndABadOneRefusedWith401()
    {
        var subgraphs = new FakeSubgraphs().On("catalog", _ => """{"data":{"product":{"name":"Kettle"}}}""");
        await using var host = await StartAsync(subgraphs);

        var valid = Token("audience");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Request(valid))).StatusCode);
        Assert.Equal("Bearer " + valid, subgraphs.Requests.Single().Request.Headers.Authorization!.ToString());

        var refused = await host.Client.SendAsync(Request(Token("someone-else")));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("UNAUTHENTICATED", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Request(null))).StatusCode);
    }
}
