// The timeline of a release: one segment per step, holding the weight in force after the step for the step's minimum
// time. Not exported from the package.

/** A step on the timeline. */
export interface Segment {
  readonly weight: number;
  readonly seconds: number;
}

export class Timeline {
  /** Indexes of segments whose weight is higher than the one before, plus the promotion (index = length) if it raises the weight. */
  public readonly increases: readonly number[];
  /** First segment with canary traffic (length if the canary gets traffic only at promotion). */
  public readonly firstTraffic: number;

  constructor(private readonly segments: Segment[]) {
    const increases: number[] = [];
    let prev = 0;
    segments.forEach((s, i) => {
      if (s.weight > prev) increases.push(i);
      prev = s.weight;
    });
    if (prev < 100) increases.push(segments.length);
    this.increases = increases;
    const first = segments.findIndex(s => s.weight > 0);
    this.firstTraffic = first < 0 ? segments.length : first;
  }

  public get length(): number {
    return this.segments.length;
  }

  /** Traffic weight in segment i; 100 after the last step (full promotion). */
  public weight(i: number): number {
    return i < this.segments.length ? this.segments[i].weight : 100;
  }

  /** Real time from the start of segment `from` to the start of segment `to` (to may be < from: negative). */
  public offset(from: number, to: number): number {
    if (to < from) return -this.offset(to, from);
    let t = 0;
    for (let i = from; i < to; i++) t += this.segments[i].seconds;
    return t;
  }

  /** The segment in force `t` seconds after the start of segment `from` (later segment wins at a boundary). */
  public locate(from: number, t: number): number {
    let acc = 0;
    for (let i = from; i < this.segments.length; i++) {
      if (t < acc + this.segments[i].seconds) return i;
      acc += this.segments[i].seconds;
    }
    return this.segments.length;
  }

  /** ∫ weight dt over the `t` seconds after the start of segment `from` (percent × seconds). */
  public integral(from: number, t: number): number {
    let acc = 0;
    let sum = 0;
    for (let i = from; i < this.segments.length && acc < t; i++) {
      const d = Math.min(this.segments[i].seconds, t - acc);
      sum += d * this.segments[i].weight;
      acc += d;
    }
    if (acc < t) sum += (t - acc) * 100;
    return sum;
  }
}

/** Where each step starts on the minimum timeline, on which unbounded steps count as 0. */
export interface StepTimes {
  readonly timeline: Timeline;
  /** Start of each step, and the end of the last one. */
  readonly starts: number[];
  /** Whether an unbounded step comes before each step, and before the end. */
  readonly unboundedBefore: boolean[];
}

/** The timeline of the steps (weight and minimum time of each) and where each starts. */
export function stepTimes(steps: Segment[]): StepTimes {
  const starts: number[] = [];
  const unboundedBefore: boolean[] = [];
  let t = 0;
  let unbounded = false;
  for (const s of steps) {
    starts.push(t);
    unboundedBefore.push(unbounded);
    if (Number.isFinite(s.seconds)) t += s.seconds;
    else unbounded = true;
  }
  starts.push(t);
  unboundedBefore.push(unbounded);
  return { timeline: new Timeline(steps.map(s => ({ weight: s.weight, seconds: s.seconds }))), starts, unboundedBefore };
}
