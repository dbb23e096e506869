// Small helpers to find synthesized objects in tests.

/** The one manifest of this kind (and name, when given); throws when there is none or several. */
export function findOne(manifests: any[], kind: string, name?: string): any {
  const found = manifests.filter(m => m.kind === kind && (name === undefined || m.metadata?.name === name));
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${kind}${name ? ` named ${name}` : ''}, found ${found.length}: `
      + manifests.map(m => `${m.kind}/${m.metadata?.name}`).join(', '));
  }
  return found[0];
}

/** All manifests of a kind. */
export function findAll(manifests: any[], kind: string): any[] {
  return manifests.filter(m => m.kind === kind);
}
