using Microsoft.Extensions.FileProviders;

namespace Federated.Gateway.Http;

/// <summary>
/// Banana Cake Pop, from the npm package installed in <c>ide/</c> (never a CDN): a browser
/// that opens /graphql gets the IDE, connected to the gateway through bcp-config.json.
/// </summary>
public static class BananaCakePop
{
    public const string PackagePath = "ide/node_modules/@chillicream/bananacakepop-graphql-ide";

    public static WebApplication UseBananaCakePop(this WebApplication app)
    {
        var directory = Find(app.Configuration["FEDERATED_GATEWAY_IDE_PATH"], app.Environment.ContentRootPath);
        if (directory is null)
        {
            app.Logger.LogWarning("Banana Cake Pop is not installed ({Path}): run eng/npm-ci-if-needed.sh gateway/Federated.Gateway/ide", PackagePath);
            return app;
        }
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(directory), RequestPath = GatewayEndpoint.Path });
        // The IDE reads its preset here: connect to the URL it was opened at; no telemetry calls.
        app.MapGet(GatewayEndpoint.Path + "/bcp-config.json", () => Results.Json(new { useBrowserUrlAsEndpoint = true, disableTelemetry = true, title = "Federated Commerce" }));
        app.Services.GetRequiredService<IdeFiles>().IndexHtml = Path.Combine(directory, "index.html");
        return app;
    }

    /// <summary>Whether a GET asks for the IDE: a browser page request without a query.</summary>
    public static bool WantsIde(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && !request.Query.ContainsKey("query")
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    public static async Task ServeAsync(HttpContext http)
    {
        var index = http.RequestServices.GetRequiredService<IdeFiles>().IndexHtml;
        if (index is null)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            await http.Response.WriteAsync("Banana Cake Pop is not installed: run eng/npm-ci-if-needed.sh gateway/Federated.Gateway/ide");
            return;
        }
        // The IDE's assets are relative: it must be served from /graphql/, not /graphql.
        if (!http.Request.Path.Value!.EndsWith('/'))
        {
            http.Response.Redirect(http.Request.PathBase + http.Request.Path + "/");
            return;
        }
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.SendFileAsync(index, http.RequestAborted);
    }

    private static string? Find(string? configured, string contentRoot)
    {
        if (!string.IsNullOrEmpty(configured))
            return File.Exists(Path.Combine(configured, "index.html")) ? configured : null;
        foreach (var start in new[] { contentRoot, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                foreach (var candidate in new[] { Path.Combine(dir.FullName, PackagePath), Path.Combine(dir.FullName, "gateway", "Federated.Gateway", PackagePath) })
                    if (File.Exists(Path.Combine(candidate, "index.html")))
                        return candidate;
            }
        }
        return null;
    }
}

/// <summary>Where the IDE's page is, once found.</summary>
public sealed class IdeFiles
{
    public string? IndexHtml { get; set; }
}
