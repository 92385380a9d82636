using Federated.Kit.DataLoaders;
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
        builder.Services.AddDataLoader<ReviewByIdDataLoader>();
        builder.Services.AddDataLoader<ReviewsByProductDataLoader>();
        builder.Services.AddDataLoader<ReviewsByAuthorDataLoader>();
        builder.Services.AddDataLoader<RatingByProductDataLoader>();
        builder.AddSubgraph<ReviewsQuery>(ServiceName);
        return builder;
    }
}
