import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';

function inSelection(
  info: GraphQLResolveInfo,
  selectionSet: SelectionSetNode | undefined,
  name: string,
): boolean {
  return (selectionSet?.selections ?? []).some((selection) => {
    switch (selection.kind) {
      case 'Field':
        return selection.name.value === name;
      case 'InlineFragment':
        return inSelection(info, selection.selectionSet, name);
      case 'FragmentSpread':
        return inSelection(info, info.fragments[selection.name.value]?.selectionSet, name);
    }
  });
}

/**
 * Whether the request asks for the field `name` directly under the field being resolved,
 * through fragments too; a field left out by `@skip` or `@include` still counts.
 */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  return info.fieldNodes.some((node) => inSelection(info, node.selectionSet, name));
}
