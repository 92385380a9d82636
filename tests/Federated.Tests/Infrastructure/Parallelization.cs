// The product's tests and the feature-graph tests have fixtures of their own (two collections), which xunit
// would run side by side. They run one after the other instead, as everything did while there was one
// collection: the machines are small, and the product's tests wait on timers (order recovery, fulfillment)
// that a second stack of services starting beside them would delay.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
