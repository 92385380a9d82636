namespace Federated.Tests.Gateway;

/// <summary>
/// The operations sent to both gateways over the feature subgraphs (tests/Federated.Gateway.FeatureGraphs):
/// accounts, products, inventory and reviews, built to use what the product's schema does not. Each group
/// names the feature it exercises; the subgraphs' README says where each feature lives. The data is the
/// fixed seed of <c>World</c> (products p1-p6 with SKU-1 to SKU-6; SKU-5 is discontinued, so inventory fails
/// its entity; SKU-6 is being counted, so its <c>stock</c> fails).
/// </summary>
public static class FeatureCorpus
{
    private const string AliasedKey = "Hive Gateway (both planners) fetches the key field `sku` for the jump to inventory under the response key `sku`, "
        + "which the client gave to another field (`sku: upc`). Spec 6.3: a response key holds the field the client selected under it. ";

    private const string AliasedKeyCrash = "Hive Gateway answers 500 (\"Unexpected error.\") when the client's selection uses the name of a key field "
        + "for another field; the .NET gateway fetches the key under an internal alias and answers the client's fields.";

    private const string NonNullEntity = "Review.product is non-null: when inventory fails the product's entity, its non-null fields (inStock) are null, "
        + "so the product is null, and a null in a non-null position propagates to the nearest nullable parent (spec 6.4.4, \"Handling Execution Errors\"). "
        + "Hive Gateway's default (Rust) planner leaves product: null inside the non-null field; its JavaScript planner propagates as the .NET gateway does. "
        + "One error per failed entity, at the entity's path, as Hive reports it.";

    private const string SerialMutations = "Spec 6.2.2: the root fields of a mutation execute serially, each with its whole selection set before the next begins; "
        + "Hive Gateway runs the entity fetches of a mutation field's selection after the later mutation fields. ";

    private const string Outage = "Inventory answers HTTP 503 to any request for deliveryEstimate (a subgraph that is down). Hive Gateway reports the failed fetch as "
        + "\"Unexpected error.\" with code INTERNAL_SERVER_ERROR; the .NET gateway says which subgraph failed, with the stable code SUBGRAPH_UNAVAILABLE "
        + "that the product suite's subgraph failures have too. The error's path is the fetch's merge path up to the first list, as Hive gives it. ";

    public static readonly IReadOnlyList<DifferentialCase> Cases =
    [
        // Several @keys on one type: products knows Product by upc and sku, inventory by sku only.
        new("product jumps to inventory by its second key", """{ product(upc: "p1") { upc name stock inStock } }"""),
        new("products with stock, one discontinued and one being counted", "{ products { upc stock } }"),
        new("aliased key fields still reach inventory", """{ product(upc: "p3") { sku: upc id: name stock } }""",
            Known: new(AliasedKey + "Here Hive sends products both `sku: upc` and `sku`, which products rejects as a conflict (5.3.2), and answers data null.",
                200, """{"product":{"sku":"p3","id":"Chair","stock":12}}""")),

        // A key reachable only through a third subgraph: reviews knows products by upc, inventory by sku.
        new("review's product stock through products", """{ review(id: "r1") { body product { upc stock inStock } } }"""),
        new("review's product with aliased key through products", """{ review(id: "r3") { product { sku: upc name stock } } }""",
            Known: new(AliasedKey + "Here Hive answers the key's value, SKU-2, under the client's `sku`, where the client asked for upc.",
                200, """{"review":{"product":{"sku":"p2","name":"Couch","stock":0}}}""")),
        // Two intermediate subgraphs: reviews (handle) -> accounts (accountNo) -> products (vatId) -> inventory.
        new("seller warehouses through two intermediate subgraphs", "{ reviews { id seller { handle warehouses { city } } } }"),
        new("seller warehouses and their managers", """{ review(id: "r2") { seller { warehouses { code city manager { name } } } } }"""),

        // Compound keys: Warehouse @key(fields: "region code"), owned by inventory, extended by accounts.
        new("warehouses with managers by compound key", "{ warehouses { region code city manager { name username } } }"),
        new("compound key field name aliased by the client", "{ warehouses { code: city manager { name } } }",
            Known: new("Hive Gateway fetches the key field `code` for the jump to accounts under the response key `code`, which the client gave to `city`: "
                + "it sends inventory both `code: city` and `code`, which inventory rejects as a conflict (5.3.2), and answers no data. "
                + "Spec 6.3: a response key holds the field the client selected under it.",
                200, """{"warehouses":[{"code":"Amsterdam","manager":{"name":"Ada Lovelace"}},{"code":"Berlin","manager":{"name":"Grace Hopper"}},{"code":"New York","manager":{"name":"Alan Turing"}}]}""")),
        new("warehouse by both key fields", """{ warehouse(region: "eu", code: "BER") { city manager { name org { name } } products { sku name } } }"""),

        // Nested key fields: reviews knows users by @key(fields: "id org { id }").
        new("review authors through a nested key", "{ reviews { id author { id name } } }"),
        new("author org name through the org's own key", """{ review(id: "r3") { author { org { id name } } } }"""),
        new("user's reviews sent with a nested key", "{ me { name reviews { id body } } }"),
        new("nested key field name aliased by the client", "{ me { org: name reviews { id } } }",
            Known: new(AliasedKeyCrash, 200, """{"me":{"org":"Ada Lovelace","reviews":[{"id":"r1"},{"id":"r4"}]}}""")),
        new("nested key under a client alias", "{ me { o: org { id } reviews { id } } }"),
        new("user by id with reviews and their products", """{ user(id: "u2") { username reviews { rating product { name } } } }"""),

        // @requires, with a field argument: inventory's shippingEstimate needs price and weight(unit: KILOGRAM).
        new("shipping estimate requires price and weight", """{ product(upc: "p3") { shippingEstimate } }"""),
        new("shipping estimates of all products", "{ products { upc name shippingEstimate } }"),
        new("requires beside the client's own weight fields", """{ product(upc: "p1") { weight shippingEstimate kg: weight(unit: KILOGRAM) price } }"""),
        new("requires beside a plain field of the same subgraph", "{ products { upc stock shippingEstimate } }"),
        new("requires and an indirect key to the same subgraph, one product failing", "{ reviews { id product { stock shippingEstimate } } }",
            Known: new("Hive Gateway's default (Rust) planner fails to plan @requires two hops away and answers 500 (see \"requires two hops from reviews\"). "
                + "Spec: r4's product (SKU-5) fails in inventory, its non-null shippingEstimate nulls it, and the null climbs through the non-null "
                + "Review.product, the review and the non-null list to data; each failed entity is reported once.",
                200, "null", """["reviews",3,"product"] DISCONTINUED""", """["reviews",4,"product","stock"] STOCK_COUNT_IN_PROGRESS""")),
        new("skipped field that a @requires still needs", """query($noPrice: Boolean!) { product(upc: "p1") { price @skip(if: $noPrice) shippingEstimate } }""",
            new { noPrice = true }),
        new("required field's name taken by another field", """{ product(upc: "p3") { price: name shippingEstimate } }"""),
        new("required field's name taken by another required field", """{ product(upc: "p3") { weight: price shippingEstimate } }"""),
        new("requires from inventory's own root", """{ warehouse(region: "eu", code: "AMS") { products { sku shippingEstimate } } }"""),
        new("requires two hops from reviews", """{ review(id: "r1") { id product { upc shippingEstimate } } }""",
            Known: new("Hive Gateway's default (Rust) planner fails to plan this (\"Expected a single parent, but the FetchStep has many\") and answers 500; "
                + "its JavaScript planner answers the same as the .NET gateway: reviews, products (upc to sku, price, weight), inventory.",
                200, """{"review":{"id":"r1","product":{"upc":"p1","shippingEstimate":44}}}""")),

        // @provides and @external: reviews serves author usernames itself.
        new("provided username stays in reviews", "{ reviews { author { username } } }"),
        new("provided field under an alias", "{ reviews { author { u: username name } } }"),
        new("provided and not provided author fields", """{ product(upc: "p1") { reviews { author { username name } } } }"""),

        // @shareable: Product.name is served by products and by inventory.
        new("shareable name served by inventory", "{ warehouses { code products { sku name } } }"),
        new("shareable and overridden fields of inventory's own products", "{ warehouses { products { name inStock } } }"),
        // A shareable root field: products and reviews both answer featuredProduct.
        new("shareable root field answered by the subgraph that needs no jump", "{ featuredProduct { upc reviews { id body } } }"),
        new("shareable root field answered by the other subgraph", "{ featuredProduct { name price } }"),
        new("shareable root field with fields of three subgraphs", "{ featuredProduct { upc name reviews { body } stock } }"),
        new("shareable root field joining another root field's fetch", """{ reviews { id } featuredProduct { upc reviews { id } } product(upc: "p2") { name } }"""),
        new("shareable name served by products", "{ products { name } }"),

        // @override(from: "products"): inStock is inventory's now (products would say true for all).
        new("overridden field answered by inventory", """{ product(upc: "p2") { name inStock } }"""),
        new("overridden field of every product", "{ products { upc inStock } }"),

        // Progressive @override (federation 2.7) with a fixed draw of 0.5 for both gateways
        // (PROGRESSIVE_OVERRIDE_RNG, FeatureGraphStack): percent(90) holds, so dispatch and the root
        // field storeNotice are inventory's; percent(10) does not, so returnWindow stays in products.
        new("progressive override that holds, on an entity field", """{ product(upc: "p2") { name dispatch } }"""),
        new("progressive overrides that hold and that do not, side by side", "{ products { upc dispatch returnWindow inStock } }"),
        new("progressive override of a root field", "{ storeNotice featuredProduct { returnWindow } }"),
        new("progressive override through a third subgraph", """{ review(id: "r1") { product { dispatch returnWindow } } }"""),

        // Interfaces and unions whose members live in different subgraphs.
        new("media interface with members extended by reviews", "{ media { __typename id title ... on Book { pages reviews { body } } ... on Movie { minutes reviews { rating } } } }"),
        new("search union across three member types", """{ search(text: "e") { __typename ... on Product { name stock } ... on Book { title } ... on Movie { title reviews { id } } } }"""),
        new("union composed from two subgraphs' members, asked in one", """{ searchReviews(text: "y") { __typename ... on Review { body product { name } } ... on Product { name } } }"""),
        new("union composed from two subgraphs' members, asked in both", """{ search(text: "a") { __typename ... on Review { body } ... on Book { title } } searchReviews(text: "ine") { ... on Review { id } } }"""),
        new("introspection of a union composed from two subgraphs", """{ __type(name: "SearchResult") { possibleTypes { name } } }"""),
        new("attachment union with a member owned by products", "{ reviews { id attachments { __typename ... on Photo { url } ... on Movie { title minutes } } } }"),
        new("interface fragment inside a union", """{ search(text: "a") { ... on Media { title } ... on Product { upc } } }"""),
        new("union member with fields in two subgraphs", """{ review(id: "r1") { attachments { ... on Movie { title reviews { body } } } } }"""),
        new("provided field below an interface member", "{ media { ... on Book { title reviews { author { username } } } } }"),
        new("union fragment inside an object selection", "{ products { ... on Product { name } ... on SearchResult { ... on Product { sku } } } }",
            Known: new("Hive Gateway drops the fields of `... on SearchResult { ... on Product { sku } }` inside a Product selection. Product is a member of "
                + "SearchResult, so the fragment applies (spec 5.5.2.3, fragment spread is possible; CollectFields' DoesFragmentTypeApply), and so does the inner one.",
                200, """{"products":[{"name":"Table","sku":"SKU-1"},{"name":"Couch","sku":"SKU-2"},{"name":"Chair","sku":"SKU-3"},{"name":"Lamp","sku":"SKU-4"},"""
                + """{"name":"Rug","sku":"SKU-5"},{"name":"Shelf","sku":"SKU-6"}]}""")),
        new("interface fields through a named fragment", "query Media { media { ...MediaFields } } fragment MediaFields on Media { id title }"),

        // @interfaceObject: reviews adds reviewCount to every Account without knowing User or Admin.
        new("interface object field on every account", "{ accounts { __typename id name reviewCount } }"),
        new("interface object resolved to its concrete type", "{ topAccount { __typename id reviewCount name ... on User { username org { name } } ... on Admin { level } } }"),
        new("interface object field in a fragment on one implementation", "{ accounts { ... on User { org { name } reviews { body } } ... on Admin { level reviewCount } } }",
            Known: new("Hive Gateway sends reviews one fetch for both User.reviews (key id and org) and Account.reviewCount (the @interfaceObject), "
                + "with every representation typed Account and carrying org: reviews cannot read them (and ... on User would never match an Account), "
                + "so Hive answers empty objects and an error. The .NET gateway sends the users as User and the administrator as Account.",
                200, """{"accounts":[{"org":{"name":"Acme"},"reviews":[{"body":"Sturdy"},{"body":"Scratchy"}]},{"org":{"name":"Globex"},"reviews":[{"body":"Wobbly"},{"body":"Fine"}]},"""
                + """{"level":9,"reviewCount":0},{"org":{"name":"Acme"},"reviews":[{"body":"Comfy"}]}]}""")),
        new("fragments on the implementations of an interface object", "{ topAccount { ... on Admin { level } ... on User { name } } }"),
        new("interface objects in a list resolved to their types", "{ reviews { id authorAccount { __typename id reviewCount ... on User { username } } } }"),
        new("interface objects in a list, typename only", "{ reviews { authorAccount { __typename } } }"),
        new("interface object and nested key to the same account", "{ reviews { authorAccount { name } author { name } } }"),
        new("interface object typename only", "{ topAccount { __typename } }"),
        new("interface object fields of its own subgraph", "{ topAccount { id reviewCount } }"),

        // The same field under different aliases with different arguments.
        new("weights in two units", """{ product(upc: "p2") { g: weight kg: weight(unit: KILOGRAM) grams: weight(unit: GRAM) } }"""),
        new("aliased arguments after an entity jump", "{ reviews { product { upc light: weight(unit: KILOGRAM) exact: weight } } }"),
        new("variable argument after an entity jump", "query($unit: WeightUnit) { reviews { id product { weight(unit: $unit) } } }", new { unit = "KILOGRAM" }),
        new("the same entity reached through two paths", """{ review(id: "r1") { product { name } } product(upc: "p1") { name stock } }"""),
        new("aliased root fields each jumping twice", """{ a: review(id: "r1") { product { stock } } b: review(id: "r3") { product { stock } } }"""),
        new("aliased root fields with different arguments", """{ a: product(upc: "p1") { name } b: product(upc: "p3") { name stock } }"""),

        // Mutations whose root fields live in different subgraphs: in order, one after another.
        new("mutations across subgraphs run in order",
            """mutation { first: restock(sku: "SKU-3", quantity: 2) { stock } price: setPrice(upc: "p3", price: 1500) { price shippingEstimate } second: restock(sku: "SKU-3", quantity: 3) { stock inStock } }"""),
        new("a mutation's entity fetches finish before the next mutation",
            """mutation { restock(sku: "SKU-1", quantity: 1) { stock shippingEstimate name } setPrice(upc: "p1", price: 2000) { price shippingEstimate } }""",
            Known: new("Spec 6.2.2: the root fields of a mutation execute serially, each with its whole selection set before the next begins. "
                + "restock's shippingEstimate needs the price from products: it is 44 at price 899, before setPrice makes it 2000 (free shipping, 0). "
                + "Hive Gateway fetches restock's price after running setPrice and answers 0.",
                200, """{"restock":{"stock":6,"shippingEstimate":44,"name":"Table"},"setPrice":{"price":2000,"shippingEstimate":0}}""")),
        new("a mutation's author is read before the next mutation renames her",
            """mutation { addReview(upc: "p2", body: "Soft") { author { name } } renameUser(id: "u1", name: "Ada King") { name } }""",
            Known: new(SerialMutations + "addReview's author (accounts) is read before renameUser runs: Ada Lovelace. Hive reads it after, Ada King.",
                200, """{"addReview":{"author":{"name":"Ada Lovelace"}},"renameUser":{"name":"Ada King"}}""")),
        new("mutations of one subgraph around another's, each read in its turn",
            """mutation { a: setPrice(upc: "p3", price: 10) { shippingEstimate } restock(sku: "SKU-3", quantity: 1) { shippingEstimate } b: setPrice(upc: "p3", price: 2000) { price shippingEstimate } }""",
            Known: new(SerialMutations + "restock's shippingEstimate needs products' price, 10 then (5 + 3 a kilogram: 20); Hive reads it after b set 2000 (free: 0).",
                200, """{"a":{"shippingEstimate":20},"restock":{"shippingEstimate":20},"b":{"price":2000,"shippingEstimate":0}}""")),
        new("a rename read through entity fetches of both mutations",
            """mutation { renameUser(id: "u2", name: "G. Hopper") { name reviews { body author { name } } } addReview(upc: "p1", body: "Zany") { product { reviews { author { name } } } } }"""),
        new("mutation result read across subgraphs",
            """mutation { addReview(upc: "p4", body: "Bright") { id body product { name inStock reviews { body } } author { username name } } }"""),
        new("rename then read it through another subgraph",
            """mutation { renameUser(id: "u1", name: "Ada King") { name } addReview(upc: "p2", body: "Soft") { author { name } } }"""),
        new("mutation with variables", "mutation($sku: ID!, $quantity: Int!) { restock(sku: $sku, quantity: $quantity) { sku stock shippingEstimate } }",
            new { sku = "SKU-4", quantity = 4 }),
        new("mutation result with requires two hops away", """mutation { addReview(upc: "p1", body: "New") { id product { shippingEstimate } } }""",
            Known: new("Hive Gateway's default (Rust) planner fails to plan @requires two hops from the mutation's subgraph and answers 500 (as for the query \"requires two hops from reviews\").",
                200, """{"addReview":{"id":"r6","product":{"shippingEstimate":44}}}""")),
        new("failed mutation field does not stop the next",
            """mutation { setPrice(upc: "p9", price: 1) { price } restock(sku: "SKU-1", quantity: 1) { stock } }"""),

        // Errors and nulls from entity fetches.
        new("entity field error for one product", """{ product(upc: "p6") { name stock } }"""),
        new("entity fetch fails for a nullable root field", """{ product(upc: "p5") { name inStock } }"""),
        new("entity fetch fails under nullable fields only", """{ product(upc: "p5") { name stock } }"""),
        new("entity fetch fails under a non-null field", """{ review(id: "r4") { id body product { upc stock inStock } } }""",
            Known: new(NonNullEntity, 200, """{"review":null}""", """["review","product"] DISCONTINUED""")),
        new("entity fetch failures in a list under non-null fields", "{ reviews { id product { upc stock inStock } } }",
            Known: new(NonNullEntity + " The list of reviews is non-null too, so data is null.", 200, "null",
                """["reviews",3,"product"] DISCONTINUED""", """["reviews",4,"product","stock"] STOCK_COUNT_IN_PROGRESS""")),
        new("entity fetch to a subgraph that is down", "{ products { upc name deliveryEstimate } }",
            Known: new(Outage + "Data as Hive's: the fields of the failed fetch are null.", 200,
                """{"products":[{"upc":"p1","name":"Table","deliveryEstimate":null},{"upc":"p2","name":"Couch","deliveryEstimate":null},{"upc":"p3","name":"Chair","deliveryEstimate":null},"""
                + """{"upc":"p4","name":"Lamp","deliveryEstimate":null},{"upc":"p5","name":"Rug","deliveryEstimate":null},{"upc":"p6","name":"Shelf","deliveryEstimate":null}]}""",
                """["products"] SUBGRAPH_UNAVAILABLE""")),
        new("one entity's fetch to a subgraph that is down", """{ review(id: "r1") { body product { name deliveryEstimate } } }""",
            Known: new(Outage + "Hive also nulls the whole product, whose name products answered; only the nullable field whose fetch failed is null (spec 6.4.4).",
                200, """{"review":{"body":"Sturdy","product":{"name":"Table","deliveryEstimate":null}}}""", """["review","product"] SUBGRAPH_UNAVAILABLE""")),
        new("root fetch to a subgraph that is down", "{ warehouses { code products { deliveryEstimate } } }",
            Known: new(Outage + "For a root fetch Hive answers 500 without data; the field error nulls the non-null root field and so data, "
                + "which GraphQL over HTTP answers with 200 (data is present, and null).", 200, "null", """["warehouses"] SUBGRAPH_UNAVAILABLE""")),
        new("one failing entity under two aliases", """{ a: review(id: "r4") { product { stock } } b: review(id: "r4") { product { stock } } }"""),
        new("one representation failing for every place it answers",
            """mutation { addReview(upc: "p6", body: "Wobbly too") { product { reviews { body product { stock } } } } }"""),
        new("product that does not exist", """{ product(upc: "p9") { name stock } }"""),

        // Fields merged from several selections (fragments, the same field twice) across subgraphs.
        new("one field merged from a fragment, across two subgraphs", """{ review(id: "r1") { product { upc } ... on Review { product { stock name } } } }"""),
        new("provided and nested-key fields merged from a named fragment", """{ review(id: "r2") { author { username } ...A } } fragment A on Review { author { name org { name } } }"""),
        new("interface object with typename and a member's fields", "{ topAccount { ... on Account { id } __typename ... on User { reviews { id } } } }"),
        new("interface object field in a fragment on one member", "{ accounts { __typename ... on User { username reviewCount } } }"),
        new("compound key, nested key and indirect key in one path", """{ warehouse(region: "us", code: "NYC") { manager { reviews { product { inStock } } } } }"""),
        new("one root field under two aliases with other subselections", "{ a: products { upc } b: products { name stock } }"),

        // The response key "__typename" given to another field: a valid alias; the planner's own __typename must not take its place.
        new("client alias __typename before an entity jump", """{ review(id: "r1") { product { __typename: upc stock } } }""",
            Known: new("Hive Gateway adds its own __typename beside the client's `__typename: upc`, which reviews rejects as a conflict (5.3.2). "
                + "Spec 6.3: the response key holds the field the client selected under it; the jump to inventory goes on.",
                200, """{"review":{"product":{"__typename":"p1","stock":5}}}""")),
        new("client alias __typename beside an entity jump", """{ review(id: "r1") { __typename: body product { stock } } }""",
            Known: new("Hive Gateway answers review: null without an error when the client gives the response key __typename to another field.",
                200, """{"review":{"__typename":"Sturdy","product":{"stock":5}}}""")),
        new("client alias named like the planner's own", """{ review(id: "r1") { product { __fed_typename: upc stock } } }"""),
        new("client alias __typename on an abstract type", "{ accounts { __typename: id ... on User { name } ... on Admin { level } } }",
            Known: new("Hive Gateway adds its own __typename beside the client's `__typename: id`, which accounts rejects as a conflict (5.3.2).",
                200, """{"accounts":[{"__typename":"u1","name":"Ada Lovelace"},{"__typename":"u2","name":"Grace Hopper"},{"__typename":"a1","level":9},"""
                + """{"__typename":"u3","name":"Alan Turing"}]}""")),

        // @skip and @include with variables.
        new("include false with a variable", "query($withStock: Boolean!) { products { upc stock @include(if: $withStock) name } }", new { withStock = false }),
        new("include true with a variable", "query($withStock: Boolean!) { products { upc stock @include(if: $withStock) } }", new { withStock = true }),
        // The same document as "include false with a variable": plans are cached per @skip/@include values.
        new("include true with a variable, same document as false", "query($withStock: Boolean!) { products { upc stock @include(if: $withStock) name } }",
            new { withStock = true }),
        new("skip an entity jump with a variable set to false", "query($noAuthors: Boolean!) { reviews { id author @skip(if: $noAuthors) { name } } }", new { noAuthors = false }),
        new("skip an entity jump with a variable", "query($noAuthors: Boolean!) { reviews { id author @skip(if: $noAuthors) { name } } }", new { noAuthors = true }),
        new("include a field with @requires with a variable", "query($withEstimate: Boolean!) { products { upc shippingEstimate @include(if: $withEstimate) } }",
            new { withEstimate = true }),
        new("skip the only root field", "query($skipMe: Boolean!) { me @skip(if: $skipMe) { name } }", new { skipMe = true },
            Known: new("Hive Gateway answers {} without data when every root field is skipped; the result of executing an empty selection set is an empty map, "
                + "and a response to an executed operation has data (spec 7.1.2).", 200, "{}")),
        new("include a fragment with a variable", "query($detail: Boolean!) { media { id ... on Book @include(if: $detail) { reviews { body } } } }", new { detail = true }),

        // __typename on abstract types.
        new("typename on an interface list", "{ accounts { __typename } }"),
        new("aliased typename on an interface", "{ media { kind: __typename id } }"),
        new("typename at every level", "{ __typename reviews { __typename product { __typename upc } author { __typename } } }"),
        new("cycle through three subgraphs", "{ reviews { author { reviews { product { reviews { author { name } } } } } } }"),
        new("operation chosen by name", "query Me { me { name } } query Top { topAccount { id reviewCount } }", OperationName: "Top"),
        new("introspection of a type composed from four subgraphs", """{ __type(name: "Product") { name fields { name args { name defaultValue type { name } } } } }"""),
        new("introspection of an interface with an interface object", """{ __type(name: "Account") { kind fields { name } possibleTypes { name } } }"""),
        new("variable with a default value", """query($unit: WeightUnit = KILOGRAM) { product(upc: "p2") { weight(unit: $unit) } }"""),
        new("include false on a fragment of an abstract type", """query($detail: Boolean!) { search(text: "e") { __typename ... on Movie @include(if: $detail) { title } } }""",
            new { detail = false }),
        new("fragment on an interface the object implements", "{ accounts { ... on Account { reviewCount } } }"),
        new("argument of the wrong type", """{ warehouse(region: 1, code: "x") { city } }"""),
        new("typename only on a union", """{ review(id: "r1") { attachments { __typename } } }"""),
    ];
}
