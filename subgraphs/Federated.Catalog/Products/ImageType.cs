using Federated.Catalog.Data;
using GraphQL.Types;

namespace Federated.Catalog.Products;

public sealed class ImageType : ObjectGraphType<ProductImage>
{
    public ImageType()
    {
        Name = "Image";
        Field(i => i.Url);
        Field(i => i.Alt).Description("Alternative text for screen readers and the voice skill.");
    }
}
