using Federated.Kit.Paging;
using GraphQL;
using GraphQL.Federation;
using GraphQL.Types;

namespace Federated.Kit.Types;

/// <summary>A Relay connection of <typeparamref name="TNodeType"/>: <c>edges</c>, <c>nodes</c>, <c>pageInfo</c>, <c>totalCount</c>.</summary>
public class ConnectionType<TNodeType, TNode> : ObjectGraphType<Connection<TNode>>
    where TNodeType : IGraphType
{
    public ConnectionType()
    {
        Name = $"{typeof(TNodeType).GraphQLName()}Connection";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EdgeType<TNodeType, TNode>>>>>("edges")
            .Resolve(ctx => ctx.Source.Edges);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TNodeType>>>>("nodes")
            .Resolve(ctx => ctx.Source.Nodes);
        Field<NonNullGraphType<PageInfoType>>("pageInfo")
            .Resolve(ctx => ctx.Source.PageInfo);
    }

    /// <summary>Adds <c>totalCount</c> for lists where counting is cheap.</summary>
    protected void AddTotalCount() =>
        Field<NonNullGraphType<IntGraphType>>("totalCount")
            .Resolve(ctx => ctx.Source.TotalCount ?? throw new InvalidOperationException("totalCount was not computed."));
}

public sealed class EdgeType<TNodeType, TNode> : ObjectGraphType<Edge<TNode>>
    where TNodeType : IGraphType
{
    public EdgeType()
    {
        Name = $"{typeof(TNodeType).GraphQLName()}Edge";
        Field(x => x.Cursor);
        Field<NonNullGraphType<TNodeType>>("node").Resolve(ctx => ctx.Source.Node);
    }
}

public sealed class PageInfoType : ObjectGraphType<PageInfo>
{
    public PageInfoType()
    {
        Name = "PageInfo";
        this.Shareable();
        Field(x => x.HasNextPage);
        Field(x => x.HasPreviousPage);
        Field(x => x.StartCursor, nullable: true);
        Field(x => x.EndCursor, nullable: true);
    }
}
