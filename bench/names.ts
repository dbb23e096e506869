// Names and constants shared by the library fleet (bench/fleet.ts) and the floor (bench/floor.ts), which
// must not load the library.

/** Name of the i-th service (zero-padded, so that file order and name order agree). */
export function serviceName(i: number): string {
  return `svc-${String(i).padStart(4, '0')}`;
}

/** Image tag of the i-th service. */
export function serviceTag(i: number): string {
  return `1.${i % 7}.${i % 13}`;
}

export const NAMESPACE = 'fleet';
export const REPO = 'https://git.example.com/acme/gitops.git';
export const SERVER = 'https://kubernetes.default.svc';
