using Federated.Gateway.Operations;
using Federated.Gateway.Supergraph;

namespace Federated.Gateway.Planning;

public sealed partial class QueryPlanner
{
    private sealed partial class Run
    {
        private void PlanAbstract(Context context, TypeDef type, SelectionSet selection)
        {
            if (type.InterfaceObjectIn.Contains(context.Subgraph))
            {
                PlanInterfaceObject(context, type, selection);
                return;
            }
            AddTypename(context.Target, context.Reserved);
            var possible = type.PossibleTypes.Where(t => model.IsPossibleTypeIn(context.Subgraph, type.Name, t)).ToList();
            // A union where other subgraphs could answer the same path: only the members all of them
            // have are asked for; an object of another member keeps its type name and nothing else.
            if (type.Kind == TypeKind.Union && context.Candidates is { } candidates)
                possible = possible.Where(t => candidates.All(c => model.IsPossibleTypeIn(c, type.Name, t))).ToList();
            if (CanKeepAbstract(context, type, selection, possible))
            {
                foreach (var item in selection.Items)
                {
                    switch (item)
                    {
                        case FieldSelection field:
                            PlanField(context, type, new CollectedField(field.ResponseKey, field, field.SelectionSet));
                            break;
                        case InlineFragmentSelection fragment when fragment.TypeCondition is null || fragment.TypeCondition == type.Name:
                            PlanAbstract(context, type, fragment.SelectionSet);
                            break;
                        case InlineFragmentSelection fragment:
                            var condition = model.Type(fragment.TypeCondition!);
                            if (!condition.Subgraphs.Contains(context.Subgraph)
                                || !possible.Any(p => model.IsPossibleType(condition.Name, p)))
                                break;
                            // The subgraph may not know every object of the condition as one (an interface a
                            // type implements in another subgraph only): a fragment per object type then.
                            if (condition.IsAbstract && possible.Any(p => model.IsPossibleType(condition.Name, p) && !model.IsPossibleTypeIn(context.Subgraph, condition.Name, p)))
                            {
                                foreach (var objectType in possible.Where(p => model.IsPossibleType(condition.Name, p)))
                                    PlanSelection(context with { Target = context.Target.AddInlineFragment(objectType) }, objectType, fragment.SelectionSet);
                                break;
                            }
                            PlanSelection(context with { Target = context.Target.AddInlineFragment(condition.Name) }, condition.Name, fragment.SelectionSet);
                            break;
                    }
                }
                return;
            }

            // No object type here to plan a field of the interface for, and no way to another subgraph:
            // the field cannot be resolved, which is a planning error, not a silently missing field.
            if (possible.Count == 0 && selection.Items.OfType<FieldSelection>().FirstOrDefault(f => !f.IsTypename && !Resolvable(context.Subgraph, f.Definition!, context.Provided)) is { } unreachable)
                throw new PlanningException($"Cannot plan {type.Name}.{unreachable.Name}: no subgraph resolving it can be reached from subgraph '{context.Subgraph}' through a key.");
            foreach (var objectType in possible)
            {
                if (selection.Collect(objectType, model).Length == 0)
                    continue;
                PlanSelection(context with { Target = context.Target.AddInlineFragment(objectType) }, objectType, selection);
            }
        }

        /// <summary>
        /// An interface this subgraph knows only as an @interfaceObject: it answers with the
        /// interface's name, so __typename and fragments on implementations come from a
        /// subgraph that owns the interface, through its key.
        /// </summary>
        private void PlanInterfaceObject(Context context, TypeDef type, SelectionSet selection)
        {
            AddTypename(context.Target, context.Reserved);
            var owned = new List<Selection>();
            Split(selection);
            if (owned.Count == 0)
                return;
            var owner = type.Keys.Keys.FirstOrDefault(s => s != context.Subgraph && !type.InterfaceObjectIn.Contains(s) && FindKey(context, type, s) is not null)
                ?? throw new PlanningException($"Cannot plan {type.Name}: no subgraph owning the interface can be reached from subgraph '{context.Subgraph}'.");
            var (_, target) = EntityGroup(context, type, owner, null);
            PlanAbstract(new Context(target.Group, target.Selection, context.Path, null, context.Reserved, context.Internal), type, new SelectionSet(type.Name, owned));

            void Split(SelectionSet set)
            {
                foreach (var item in set.Items)
                {
                    switch (item)
                    {
                        case FieldSelection { IsTypename: true } typename:
                            owned.Add(typename);
                            break;
                        case FieldSelection field:
                            PlanField(context, type, new CollectedField(field.ResponseKey, field, field.SelectionSet));
                            break;
                        case InlineFragmentSelection fragment when fragment.TypeCondition is null || fragment.TypeCondition == type.Name:
                            Split(fragment.SelectionSet);
                            break;
                        default:
                            owned.Add(item);
                            break;
                    }
                }
            }
        }

        /// <summary>
        /// Whether the abstract selection can be sent as written: every field selected on the
        /// abstract type itself is resolved here for every possible type (or by an entity interface).
        /// </summary>
        private bool CanKeepAbstract(Context context, TypeDef type, SelectionSet selection, List<string> possible)
        {
            if (type.InterfaceObjectIn.Contains(context.Subgraph))
                return true;
            foreach (var item in selection.Items)
            {
                switch (item)
                {
                    case FieldSelection { IsTypename: true }:
                        continue;
                    case FieldSelection field:
                        if (!Resolvable(context.Subgraph, field.Definition!, context.Provided))
                        {
                            if (type.IsEntity && FindJump(context, type, field.Definition!) is not null)
                                continue;
                            return false;
                        }
                        foreach (var objectType in possible)
                            if (model.Type(objectType).Fields.TryGetValue(field.Name, out var implementation) && !implementation.ResolvableIn(context.Subgraph))
                                return false;
                        break;
                    case InlineFragmentSelection fragment when fragment.TypeCondition is null || fragment.TypeCondition == type.Name:
                        if (!CanKeepAbstract(context, type, fragment.SelectionSet, possible))
                            return false;
                        break;
                }
            }
            return true;
        }
    }
}
