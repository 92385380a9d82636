using Federated.Kit.GraphQL;
using Federated.Kit.Hosting;
using Federated.Kit.Marten;
using Federated.Reviews.Data;
using Federated.Reviews.Reviews;

namespace Federated.Reviews;

public static class ReviewsExtensions
{
    public const string ServiceName = "reviews";

    public static IHostApplicationBuilder AddReviewsServices(this IHostApplicationBuilder builder)
    {
        builder.AddMartenStore(ServiceName, ReviewsStore.Configure);
        builder.Services.AddStartupTask<ReviewIndexes>();
        builder.Services.AddStartupTask<ReviewsSeeder>();
        builder.Services.AddScoped<ReviewPageQuery>();
        builder.Services.AddScoped<ReviewByIdDataLoader>();
        builder.Services.AddScoped<ReviewsByProductDataLoader>();
        builder.Services.AddScoped<ReviewsByAuthorDataLoader>();
        builder.Services.AddScoped<RatingByProductDataLoader>();
        builder.AddSubgraph<ReviewsQuery>(ServiceName);
        return builder;
    }
}
