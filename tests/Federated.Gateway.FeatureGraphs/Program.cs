using Federated.Gateway.FeatureGraphs.Hosting;

// Test-only subgraphs for the gateway's differential suite: see README.md.
//   Federated.Gateway.FeatureGraphs --ports accounts=5201,products=5202,inventory=5203,reviews=5204
//   Federated.Gateway.FeatureGraphs --export-schema DIR
return await FeatureGraphHost.RunAsync(args);
