using Federated.Catalog.Variants;
using GraphQL.Types;

namespace Federated.Catalog.Products;

public sealed record ImageInput(string Url, string Alt);

public sealed record AttributeInput(string Name, string Value);

public sealed record CreateProductInput
{
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public string Brand { get; init; } = "";
    public string CategoryId { get; init; } = "";
    public List<ImageInput>? Images { get; init; }
    public List<AttributeInput>? Attributes { get; init; }
    public List<VariantInput> Variants { get; init; } = [];
}

public sealed record UpdateProductInput
{
    public string Id { get; init; } = "";
    public string? Name { get; init; }
    public string? Description { get; init; }
    public string? Brand { get; init; }
    public string? CategoryId { get; init; }
    public List<ImageInput>? Images { get; init; }
    public List<AttributeInput>? Attributes { get; init; }
}

public sealed class ImageInputType : InputObjectGraphType<ImageInput>
{
    public ImageInputType()
    {
        Name = "ImageInput";
        Field(i => i.Url);
        Field(i => i.Alt);
    }
}

public sealed class AttributeInputType : InputObjectGraphType<AttributeInput>
{
    public AttributeInputType()
    {
        Name = "AttributeInput";
        Field(a => a.Name);
        Field(a => a.Value);
    }
}

public sealed class CreateProductInputType : InputObjectGraphType<CreateProductInput>
{
    public CreateProductInputType()
    {
        Name = "CreateProductInput";
        Field(p => p.Name);
        Field(p => p.Description);
        Field(p => p.Brand);
        Field(p => p.CategoryId, type: typeof(NonNullGraphType<IdGraphType>)).Description("A leaf of the category tree.");
        Field(p => p.Images, type: typeof(ListGraphType<NonNullGraphType<ImageInputType>>));
        Field(p => p.Attributes, type: typeof(ListGraphType<NonNullGraphType<AttributeInputType>>));
        Field(p => p.Variants, type: typeof(NonNullGraphType<ListGraphType<NonNullGraphType<VariantInputType>>>))
            .Description("At least one: a product's price is its cheapest variant's.");
    }
}

public sealed class UpdateProductInputType : InputObjectGraphType<UpdateProductInput>
{
    public UpdateProductInputType()
    {
        Name = "UpdateProductInput";
        Description = "Fields left out keep their values; images and attributes, when given, replace the old ones whole.";
        Field(p => p.Id, type: typeof(NonNullGraphType<IdGraphType>));
        Field(p => p.Name, nullable: true);
        Field(p => p.Description, nullable: true);
        Field(p => p.Brand, nullable: true);
        Field(p => p.CategoryId, type: typeof(IdGraphType));
        Field(p => p.Images, type: typeof(ListGraphType<NonNullGraphType<ImageInputType>>));
        Field(p => p.Attributes, type: typeof(ListGraphType<NonNullGraphType<AttributeInputType>>));
    }
}
