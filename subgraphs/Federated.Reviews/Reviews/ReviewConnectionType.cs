using Federated.Kit.Types;
using Federated.Reviews.Data;

namespace Federated.Reviews.Reviews;

public sealed class ReviewConnectionType : ConnectionType<ReviewType, Review>;
