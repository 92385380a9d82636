namespace Federated.Tests.Gateway;

/// <summary>Who sends an operation: nobody, the seeded administrator, or a customer (a test account of this run).</summary>
public enum Caller
{
    Anonymous,
    Admin,
    Customer,
}

/// <summary>
/// One operation of the differential corpus. <paramref name="GuestCart"/>: the operation is sent with
/// X-Cart-Id naming a fresh guest cart holding one line, made for each gateway separately, so that a
/// mutation on one gateway's cart never changes what the other gateway's call reads.
/// </summary>
public sealed record DifferentialCase(string Name, string Query, object? Variables = null, Caller Caller = Caller.Anonymous, bool GuestCart = false,
    string? OperationName = null, string? Accept = null, KnownDifference? Known = null);

/// <summary>
/// Where the two gateways answer differently and the reference gateway is not the yardstick (it breaks a
/// spec, or the difference is the validator's own): the .NET gateway's answer is checked against this
/// instead, in full (status, data, error paths and codes), and <see cref="Why"/> says why.
/// <see cref="Data"/> is JSON, or null for no data; <see cref="Errors"/> are "path code" as the test prints them.
/// </summary>
public sealed record KnownDifference(string Why, int Status, string? Data, params string[] Errors);

/// <summary>
/// The operations sent to both gateways over the project's own subgraphs. Seeded data only (products,
/// reviews, users and categories of the seed), or state each gateway's call makes for itself.
/// </summary>
public static class DifferentialCorpus
{
    public const string Product = "prod-0000002";
    public const string OtherProduct = "prod-0000017";
    public const string Sku = "SKU-0000002-01";
    public const string CartSku = "SKU-0000005-01";

    private const string VariableCoercion = "Hive Gateway answers a variable value that cannot be coerced with 200 and an error without a code, "
        + "even for Accept: application/graphql-response+json, where GraphQL over HTTP requires a 4xx for a response without data; "
        + "the .NET gateway answers 400 BAD_USER_INPUT, as the subgraphs do.";

    private const string MoneyFields = "amount currencyCode";
    private const string CartFields = "id itemCount lines { id quantity unitPrice { amount } total { amount } variant { sku title product { id name } } } subtotal { amount currencyCode } discounts { code amount { amount } freeShipping } total { amount }";

    public static readonly IReadOnlyList<DifferentialCase> Cases =
    [
        // Root fields of the catalog
        new("product by id", $$"""{ product(id: "{{Product}}") { id name brand description } }"""),
        new("product that does not exist", """{ product(id: "prod-9999999") { id name } }"""),
        new("product with prices", $$"""{ product(id: "{{Product}}") { price { {{MoneyFields}} } listPrice { {{MoneyFields}} } availability } }"""),
        new("product images and attributes", $$"""{ product(id: "{{Product}}") { images { url alt } attributes { name value } } }"""),
        new("product category with parent", $$"""{ product(id: "{{Product}}") { category { id name parent { id name children { id } } } } }"""),
        new("products first page", "{ products(first: 5) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { id name } } }"),
        new("products edges with cursors", "{ products(first: 3) { edges { cursor node { id name } } } }"),
        new("products second page", """{ products(first: 3, after: "Mw==") { nodes { id } pageInfo { hasNextPage endCursor } } }"""),
        new("products filtered and sorted", """{ products(first: 5, filter: { categoryId: "electronics", inStockOnly: true }, sort: PRICE_ASC) { totalCount nodes { id price { amount } category { id } } } }"""),
        new("products by price band", """{ products(first: 4, filter: { priceMin: "10.00", priceMax: "50.00" }, sort: NAME) { nodes { name price { amount } } } }"""),
        new("search", """{ search(query: "headphones", first: 5) { totalCount nodes { id name brand } } }"""),
        new("search with facets", """{ search(query: "jacket", first: 2) { totalCount facets { name values { value count } } } }"""),
        new("search misspelled as you type", """{ search(query: "backpak tra", first: 3, sort: RELEVANCE) { nodes { id name } } }"""),
        new("categories tree", "{ categories { id name children { id name parent { id } } } }"),
        new("category by id", """{ category(id: "home-kitchen") { id name children { name } } }"""),
        new("category that does not exist", """{ category(id: "nope") { id } }"""),
        new("variants", $$"""{ product(id: "{{Product}}") { variants { sku title options { name value } price { amount } listPrice { amount } weightGrams quantityAvailable } } }"""),
        new("variant back to its product", $$"""{ product(id: "{{Product}}") { variants { sku product { id name variants { sku } } } } }"""),

        // Reviews and ratings: entity jumps from the catalog to reviews and users
        new("product rating", $$"""{ product(id: "{{Product}}") { id rating { average count histogram } } }"""),
        new("product reviews", $$"""{ product(id: "{{Product}}") { reviews(first: 5) { nodes { id rating title body verifiedPurchase helpfulVotes createdAt } pageInfo { hasNextPage endCursor } } } }"""),
        new("product reviews sorted", $$"""{ product(id: "{{Product}}") { reviews(first: 3, sort: MOST_HELPFUL) { edges { cursor node { id helpfulVotes } } } } }"""),
        new("reviews with authors", $$"""{ product(id: "{{Product}}") { reviews(first: 4) { nodes { id author { id name } } } } }"""),
        new("review by id", """{ review(id: "rev-00000001") { id rating product { id name price { amount } } author { id name } } }"""),
        new("review that does not exist", """{ review(id: "rev-99999999") { id } }"""),
        new("product page", """
            {
              products(first: 10) {
                nodes {
                  id name
                  price { amount currencyCode }
                  variants { sku title }
                  rating { average count }
                  reviews(first: 3) { nodes { rating title author { name } } }
                }
              }
            }
            """),
        new("deep entity jumps", $$"""
            {
              product(id: "{{Product}}") {
                name
                reviews(first: 2) {
                  nodes {
                    title
                    author {
                      name
                      reviews(first: 2) { nodes { id product { id name rating { count } reviews(first: 1) { nodes { id author { id } } } } } }
                    }
                  }
                }
              }
            }
            """),
        new("list of products, their reviews, each review's product and its reviews", """
            {
              products(first: 8) {
                nodes {
                  id
                  reviews(first: 3) { nodes { id product { id name reviews(first: 2) { nodes { id rating } } } } }
                }
              }
            }
            """),
        new("search results with ratings", """{ search(query: "lamp", first: 6) { nodes { id name rating { average } } } }"""),

        // Aliases
        new("aliases", $$"""{ p: product(id: "{{Product}}") { key: id title: name cost: price { value: amount } } }"""),
        new("same field with different arguments under aliases", $$"""
            {
              a: product(id: "{{Product}}") { id name }
              b: product(id: "{{OtherProduct}}") { id name }
              missing: product(id: "prod-9999999") { id }
            }
            """),
        new("entity field with different arguments under aliases", $$"""
            {
              product(id: "{{Product}}") {
                newest: reviews(first: 2, sort: NEWEST) { nodes { id } }
                best: reviews(first: 2, sort: HIGHEST_RATING) { nodes { id rating } }
                worst: reviews(first: 2, sort: LOWEST_RATING) { nodes { id rating } }
              }
            }
            """),
        new("same field aliased and not", $$"""{ product(id: "{{Product}}") { name n1: name reviews(first: 1) { nodes { id } } r: reviews(first: 2) { nodes { id title } } } }"""),
        new("alias named like another field", $$"""{ product(id: "{{Product}}") { id: name name: id rating: brand } }"""),

        // Fragments
        new("named fragments", $$"""
            query { product(id: "{{Product}}") { ...ProductCard reviews(first: 2) { nodes { ...ReviewLine } } } }
            fragment ProductCard on Product { id name price { ...Price } }
            fragment Price on Money { amount currencyCode }
            fragment ReviewLine on Review { id rating author { ...Author } }
            fragment Author on User { id name }
            """),
        new("inline fragments", $$"""{ product(id: "{{Product}}") { ... on Product { id ... { name } } ... on Product { rating { count } } } }"""),
        new("fragments overlapping across subgraphs", $$"""
            query { product(id: "{{Product}}") { ...A ...B id } }
            fragment A on Product { name reviews(first: 2) { nodes { id } } }
            fragment B on Product { brand reviews(first: 2) { nodes { title } } rating { average } }
            """),
        new("nested fragments", """
            query { products(first: 3) { ...Page } }
            fragment Page on ProductConnection { totalCount nodes { ...Node } }
            fragment Node on Product { id ... on Product { variants { ...Variant } } }
            fragment Variant on ProductVariant { sku price { amount } }
            """),

        // Variables
        new("variables", "query($id: ID!, $n: Int) { product(id: $id) { id reviews(first: $n) { nodes { id } } } }", new { id = Product, n = 3 }),
        new("unused variable", "query($id: ID!, $unused: String) { product(id: $id) { id name } }", new { id = Product, unused = "x" }),
        new("variable with default value", "query($n: Int = 2) { products(first: $n) { nodes { id } } }"),
        new("input object variable", "query($f: ProductFilter, $s: ProductSort) { products(first: 3, filter: $f, sort: $s) { nodes { id price { amount } } } }",
            new { f = new { categoryId = "sports-outdoors", inStockOnly = false }, s = "PRICE_DESC" }),
        new("enum variable on an entity field", "query($id: ID!, $sort: ReviewSort) { product(id: $id) { reviews(first: 3, sort: $sort) { nodes { id rating } } } }",
            new { id = Product, sort = "HIGHEST_RATING" }),
        new("operation name among several", """
            query One { product(id: "prod-0000002") { id } }
            query Two { categories { id } }
            """, OperationName: "Two"),
        new("several operations without a name", """
            query One { product(id: "prod-0000002") { id } }
            query Two { categories { id } }
            """),

        // @skip and @include
        new("include true and skip true", "query($yes: Boolean!) { product(id: \"prod-0000002\") { id name @include(if: $yes) brand @skip(if: $yes) } }", new { yes = true }),
        new("include false and skip false", "query($yes: Boolean!) { product(id: \"prod-0000002\") { id name @include(if: $yes) brand @skip(if: $yes) } }", new { yes = false }),
        new("skipped entity jump", "query($r: Boolean!) { product(id: \"prod-0000002\") { id reviews(first: 2) @include(if: $r) { nodes { id } } rating @skip(if: $r) { count } } }", new { r = false }),
        new("included entity jump", "query($r: Boolean!) { product(id: \"prod-0000002\") { id reviews(first: 2) @include(if: $r) { nodes { id } } rating @skip(if: $r) { count } } }", new { r = true }),
        new("skip on fragments", """
            query($a: Boolean!, $b: Boolean!) { product(id: "prod-0000002") { id ...F @include(if: $a) ... on Product @skip(if: $b) { brand } } }
            fragment F on Product { name rating { average } }
            """, new { a = true, b = true }),
        new("literal skip", """{ product(id: "prod-0000002") { id name @skip(if: true) brand @include(if: false) description @skip(if: false) } }"""),

        // __typename
        new("typename at the root", "{ __typename }"),
        new("typename at several levels", $$"""
            {
              __typename
              product(id: "{{Product}}") {
                __typename
                price { __typename amount }
                reviews(first: 2) { __typename nodes { __typename author { __typename id } product { __typename } } }
                rating { __typename }
              }
            }
            """),
        new("aliased typename", $$"""{ product(id: "{{Product}}") { t: __typename id reviews(first: 1) { nodes { kind: __typename } } } }"""),

        // Users
        new("me anonymous", "{ me { id name } }"),
        new("me signed in", "{ me { id name email addresses { id city country defaultShipping } } }", Caller: Caller.Admin),
        new("user by id as administrator", """{ user(id: "user-000001") { id name email reviews(first: 2) { nodes { id rating } } } }""", Caller: Caller.Admin),
        new("user by id anonymous", """{ user(id: "user-000001") { id name } }"""),
        new("user by id as customer", """{ user(id: "user-000001") { id name } }""", Caller: Caller.Customer),
        new("review authors' emails anonymous", $$"""{ product(id: "{{Product}}") { reviews(first: 3) { nodes { id author { id name email } } } } }"""),
        new("review authors' emails as customer", $$"""{ product(id: "{{Product}}") { reviews(first: 3) { nodes { id author { id email addresses { id } } } } } }""", Caller: Caller.Customer),
        new("review authors' emails as administrator", $$"""{ product(id: "{{Product}}") { reviews(first: 3) { nodes { id author { id email } } } } }""", Caller: Caller.Admin),
        new("my orders", "{ me { id orders(first: 5) { nodes { id number status } pageInfo { hasNextPage } } } }", Caller: Caller.Admin),
        new("another user's orders", """{ review(id: "rev-00000001") { author { id orders(first: 1) { nodes { id } } } } }""", Caller: Caller.Customer),
        new("order that does not exist", """{ order(id: "order-does-not-exist") { id } }""", Caller: Caller.Admin),

        // Carts
        new("cart without a cart", "{ cart { id } }"),
        new("guest cart", $"{{ cart {{ {CartFields} }} }}", GuestCart: true),
        new("guest cart lines to variants, products and reviews", "{ cart { itemCount lines { variant { sku quantityAvailable product { name rating { count } reviews(first: 1) { nodes { id } } } } } } }", GuestCart: true),
        new("signed-in cart", "{ cart { itemCount lines { id variant { sku } } } }", Caller: Caller.Admin),

        // Mutations, each on a cart or guest of its own
        new("add to cart as a new guest", $"mutation($input: AddToCartInput!) {{ addToCart(input: $input) {{ cart {{ {CartFields} }} errors {{ code field }} }} }}",
            new { input = new { sku = CartSku, quantity = 2 } }),
        new("add to cart with X-Cart-Id", $"mutation($input: AddToCartInput!) {{ addToCart(input: $input) {{ cart {{ {CartFields} }} errors {{ code field }} }} }}",
            new { input = new { sku = Sku, quantity = 1 } }, GuestCart: true),
        new("add too many to cart", "mutation($input: AddToCartInput!) { addToCart(input: $input) { cart { id itemCount } errors { code field } } }",
            new { input = new { sku = CartSku, quantity = 100 } }, GuestCart: true),
        new("add an unknown SKU to cart", "mutation { addToCart(input: { sku: \"SKU-NOPE\", quantity: 1 }) { cart { id } errors { code field } } }", GuestCart: true),
        new("apply discount code", $"mutation($input: ApplyDiscountCodeInput!) {{ applyDiscountCode(input: $input) {{ cart {{ {CartFields} }} errors {{ code field }} }} }}",
            new { input = new { code = "welcome10" } }, GuestCart: true),
        new("apply unknown discount code", "mutation { applyDiscountCode(input: { code: \"NOPE\" }) { cart { id discounts { code } } errors { code field } } }", GuestCart: true),
        new("mutations run in order", $$"""
            mutation {
              first: addToCart(input: { sku: "{{Sku}}", quantity: 1 }) { cart { itemCount } }
              second: addToCart(input: { sku: "{{Sku}}", quantity: 2 }) { cart { itemCount lines { id quantity } } }
              code: applyDiscountCode(input: { code: "WELCOME10" }) { cart { discounts { code } total { amount } } errors { code } }
            }
            """, GuestCart: true),
        new("update and remove cart lines", $$"""
            mutation {
              updateCartLine(input: { lineId: "{{CartSku}}", quantity: 3 }) { cart { itemCount } errors { code } }
              removeCartLine(input: { lineId: "{{CartSku}}" }) { cart { itemCount lines { id } } errors { code } }
              again: removeCartLine(input: { lineId: "{{CartSku}}" }) { cart { itemCount } errors { code field } }
            }
            """, GuestCart: true),
        new("mutation typename", "mutation { __typename }"),

        // Errors
        new("unknown field", "{ product(id: \"prod-0000002\") { id colour } }"),
        new("unknown root field", "{ productz { id } }"),
        new("missing required argument", "{ product { id } }"),
        new("wrong argument type", "{ products(first: \"ten\") { nodes { id } } }"),
        new("undefined variable", "{ product(id: $id) { id } }"),
        new("variable of the wrong type", "query($n: Int) { products(first: $n) { nodes { id } } }", new { n = "many" },
            Known: new(VariableCoercion, 400, null, "(no path) BAD_USER_INPUT")),
        new("missing required variable", "query($id: ID!) { product(id: $id) { id } }", new { },
            Known: new(VariableCoercion, 400, null, "(no path) BAD_USER_INPUT")),
        new("fragment on a wrong type", "{ product(id: \"prod-0000002\") { ... on User { id } } }"),
        new("selection on a scalar", "{ product(id: \"prod-0000002\") { name { x } } }",
            Known: new("GraphQL.NET's validation, which the gateway reuses, reports both the selection on a leaf and the unknown field x in it; "
                + "graphql-js stops at the first. The spec only asks that the document be refused.", 400, null,
                "(no path) GRAPHQL_VALIDATION_FAILED", "(no path) GRAPHQL_VALIDATION_FAILED")),
        new("negative page size", "{ products(first: -1) { nodes { id } } }"),
        new("page size too large", "{ products(first: 1000) { nodes { id } } }"),
        new("bad price band", """{ products(filter: { priceMin: "50", priceMax: "10" }) { nodes { id } } }"""),
        new("search without letters", """{ search(query: "!!!") { totalCount } }"""),
        new("bad argument in an entity field", $$"""{ product(id: "{{Product}}") { id name reviews(first: 500) { nodes { id } } rating { count } } }"""),
        new("bad argument in entity fields of a list", """{ products(first: 3) { nodes { id reviews(first: -2) { nodes { id } } } } }""",
            Known: new("Hive Gateway answers products.nodes as [null,null,null], nulls in a list of Product!: the spec (6.4.4, Handling Execution Errors) "
                + "propagates each null of the non-null reviews through Product! and the non-null nodes list up to products, and, products being "
                + "non-null, data is null.", 200, "null",
                """["products","nodes",0,"reviews"] BAD_USER_INPUT""", """["products","nodes",1,"reviews"] BAD_USER_INPUT""", """["products","nodes",2,"reviews"] BAD_USER_INPUT""")),
        new("bad argument beside good data", """{ ok: product(id: "prod-0000002") { id } bad: products(first: -1) { nodes { id } } }"""),
        new("administrator-only field as anonymous", $$"""{ product(id: "{{Product}}") { variants { sku stockLevels { fulfillmentCenter onHand reserved } } } }"""),
        new("administrator-only field as administrator", $$"""{ product(id: "{{Product}}") { variants { sku stockLevels { fulfillmentCenter onHand reserved } } } }""", Caller: Caller.Admin),

        // Accept: application/json, the legacy media type: a request error is a 200 there
        new("product by id as application/json", $$"""{ product(id: "{{Product}}") { id name } }""", Accept: "application/json"),
        new("unknown field as application/json", "{ product(id: \"prod-0000002\") { id colour } }", Accept: "application/json"),
        new("bad argument as application/json", "{ products(first: -1) { nodes { id } } }", Accept: "application/json"),

        // Introspection, answered by each gateway itself
        new("introspection query type", "{ __schema { queryType { name } mutationType { name } subscriptionType { name } } }"),
        new("introspection of Product", """{ __type(name: "Product") { name kind fields { name } } }"""),
        new("introspection of an internal type", """{ __type(name: "Reservation") { name } }"""),
        new("introspection of an enum", """{ __type(name: "ProductSort") { kind enumValues { name } } }"""),
        new("introspection of an input type", """{ __type(name: "ProductFilter") { inputFields { name type { name kind ofType { name } } } } }"""),
        new("introspection beside data", $$"""{ __typename product(id: "{{Product}}") { id } __type(name: "Money") { fields { name type { kind ofType { name } } } } }""",
            Known: new("Hive Gateway answers 500 INTERNAL_SERVER_ERROR when __type is asked beside fields of a subgraph; each part alone it answers "
                + "(see the cases before this one).", 200,
                """{"__typename":"Query","product":{"id":"prod-0000002"},"__type":{"fields":[{"name":"amount","type":{"kind":"NON_NULL","ofType":{"name":"Decimal"}}},{"name":"currencyCode","type":{"kind":"NON_NULL","ofType":{"name":"String"}}}]}}""")),
    ];
}
