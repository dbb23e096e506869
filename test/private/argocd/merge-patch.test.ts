import { applyClientSide, applyMergePatch, applyServerSide, createMergePatch, threeWayMergePatch } from '../../../src/private/argocd/merge-patch';

/** A small deterministic pseudo-random generator (MINSTD, exact in doubles), so that the property tests are reproducible. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a * 48271) % 2147483647;
    return a / 2147483647;
  };
}

/** A random JSON object of small depth (keys from a small set, so that documents overlap). */
function randomObject(rnd: () => number, depth = 0): any {
  const out: any = {};
  const n = Math.floor(rnd() * 4);
  for (let i = 0; i < n; i++) {
    const key = ['a', 'b', 'c', 'd'][Math.floor(rnd() * 4)];
    const kind = Math.floor(rnd() * (depth < 2 ? 5 : 3));
    out[key] = kind === 0 ? Math.floor(rnd() * 3) : kind === 1 ? ['x', 'y'][Math.floor(rnd() * 2)] : kind === 2 ? [Math.floor(rnd() * 2), { k: 1 }]
      : kind === 3 ? randomObject(rnd, depth + 1) : {};
  }
  return out;
}

describe('RFC 7386 merge patches', () => {
  test('replace, add, delete, lists replaced whole, nested nulls (RFC 7386 section 2)', () => {
    expect(applyMergePatch({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(applyMergePatch({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' });
    expect(applyMergePatch({ a: 'b' }, { a: null })).toEqual({});
    expect(applyMergePatch({ a: ['b'] }, { a: 'c' })).toEqual({ a: 'c' });
    expect(applyMergePatch({ a: 'c' }, { a: ['b'] })).toEqual({ a: ['b'] });
    expect(applyMergePatch({ a: { b: 'c' } }, { a: { b: 'd', c: null } })).toEqual({ a: { b: 'd' } });
    expect(applyMergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(applyMergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(applyMergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });

  test('a list that differs in one element is emitted whole', () => {
    const live = { spec: { http: [{ name: 'p', timeout: '5s', route: [{ weight: 90 }] }] } };
    const normalizedLive = { spec: { http: [{ name: 'p', timeout: '5s', route: [{}] }] } };
    expect(createMergePatch(normalizedLive, live)).toEqual({ spec: { http: live.spec.http } });
  });

  test('apply(a, create(a, b)) is b, for 500 random object pairs', () => {
    const rnd = random(15);
    for (let i = 0; i < 500; i++) {
      const a = randomObject(rnd);
      const b = randomObject(rnd);
      expect(applyMergePatch(a, createMergePatch(a, b))).toEqual(b);
    }
  });

  test('create(a, a) is empty, for 200 random objects', () => {
    const rnd = random(7);
    for (let i = 0; i < 200; i++) {
      const a = randomObject(rnd);
      expect(createMergePatch(a, JSON.parse(JSON.stringify(a)))).toEqual({});
    }
  });
});

describe('kubectl client-side apply (three-way JSON merge patch)', () => {
  test('deletes only what the last apply had; keeps what others added', () => {
    const lastApplied = { metadata: { annotations: { a: '1' } }, spec: { x: 1, y: 2 } };
    const live = { metadata: { annotations: { 'a': '1', 'argo-rollouts.argoproj.io/managed-by-rollouts': 'shop' } }, spec: { x: 1, y: 2, z: 3 } };
    const applied = { metadata: { annotations: { a: '1' } }, spec: { x: 5 } };
    expect(applyClientSide(lastApplied, applied, live)).toEqual({
      metadata: { annotations: { 'a': '1', 'argo-rollouts.argoproj.io/managed-by-rollouts': 'shop' } },
      spec: { x: 5, z: 3 },
    });
  });

  test('a list is set to the applied list as a whole (weights, managed routes and labels in it are gone)', () => {
    const live = { spec: { http: [{ name: 'hdr' }, { name: 'p', route: [{ weight: 80 }, { weight: 20 }] }] } };
    const applied = { spec: { http: [{ name: 'p', timeout: '5s', route: [{ weight: 100 }, { weight: 0 }] }] } };
    expect(applyClientSide(applied, applied, live)).toEqual(applied);
  });

  test('without a last-applied configuration nothing is deleted', () => {
    expect(applyClientSide(undefined, { a: 1 }, { a: 2, b: 3 })).toEqual({ a: 1, b: 3 });
  });

  test('for random documents: the result has every applied field, and live-only fields that were never applied', () => {
    const rnd = random(42);
    for (let i = 0; i < 300; i++) {
      const lastApplied = randomObject(rnd);
      const applied = randomObject(rnd);
      const live = applyMergePatch(randomObject(rnd), lastApplied);
      const result = applyClientSide(lastApplied, applied, live);
      expect(applyMergePatch(result, applied)).toEqual(result); // applying again changes nothing
      for (const k of Object.keys(live)) {
        if (!(k in lastApplied) && !(k in applied)) expect(result[k]).toEqual(live[k]);
      }
    }
  });

  test('the three-way patch is empty when nothing changed', () => {
    const o = { spec: { a: [1], b: { c: 'd' } } };
    expect(threeWayMergePatch(o, o, o)).toEqual({});
  });
});

describe('server-side apply (atomic lists)', () => {
  test('sets sent fields (lists whole), removes fields it sent before and no longer sends, keeps the others', () => {
    const previouslySent = { spec: { http: [{ name: 'p' }], old: 1 } };
    const live = { metadata: { annotations: { m: 'x' } }, spec: { http: [{ name: 'hdr' }, { name: 'p', route: [{ weight: 80 }] }], old: 1, other: 2 } };
    const sent = { spec: { http: [{ name: 'p', timeout: '5s' }] } };
    expect(applyServerSide(previouslySent, sent, live)).toEqual({
      metadata: { annotations: { m: 'x' } },
      spec: { http: [{ name: 'p', timeout: '5s' }], other: 2 },
    });
  });
});
