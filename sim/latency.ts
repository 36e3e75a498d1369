// Latency models: how long a message takes, drawn from the network's stream. A model is
// checked once and turned into a LatencySampler, which the network asks once per message
// copy: the model's kind as a number, its parameters in fields, a mixture's weights summed
// once and its components as samplers of one piece (so a draw never recurses). The draws
// are the model's definition, in the same order from the same stream: a component's index
// first (an integer below the total weight), then the component's own draw.
import type { BaseLatencyModel, LatencyModel } from './config.js';
import { KernelError, kernelAssert, kernelNever } from './errors.js';
import type { Micros, Random } from './types.js';

const FIXED = 0;
const UNIFORM = 1;
const EXPONENTIAL = 2;
const PARETO = 3;

/** A model of one piece, as numbers (every field set, so every piece has one shape). */
class Piece {
  readonly kind: number;
  readonly us: Micros;
  readonly minUs: Micros;
  readonly maxUs: Micros;
  readonly meanUs: Micros;
  readonly alphaMilli: number;

  constructor(m: BaseLatencyModel) {
    this.us = m.kind === 'fixed' ? m.us : 0;
    this.minUs = m.kind === 'fixed' ? m.us : m.minUs;
    this.maxUs = m.kind === 'fixed' ? m.us : m.maxUs;
    this.meanUs = m.kind === 'exponential' ? m.meanUs : 0;
    this.alphaMilli = m.kind === 'pareto' ? m.alphaMilli : 0;
    switch (m.kind) {
      case 'fixed':
        this.kind = FIXED;
        break;
      case 'uniform':
        this.kind = UNIFORM;
        break;
      case 'exponential':
        this.kind = EXPONENTIAL;
        break;
      case 'pareto':
        this.kind = PARETO;
        break;
      default:
        this.kind = kernelNever(m, 'latency model');
    }
  }
}

/** One draw from a piece. Floats are only local and rounded at once. */
function drawPiece(p: Piece, random: Random): Micros {
  switch (p.kind) {
    case UNIFORM:
      return random.int(p.minUs, p.maxUs);
    case FIXED:
      return p.us;
    case EXPONENTIAL: {
      // Inverse CDF on a 32-bit uniform draw; the only float is local and rounded at once.
      const u = random.int(1, 0xffffffff) / 0x100000000;
      return Math.min(p.maxUs, p.minUs + Math.round(-Math.log(u) * (p.meanUs - p.minUs)));
    }
    default: {
      // Pareto, by its inverse CDF: min * u^(-1/alpha), as min * exp(-ln(u) / alpha); beyond the cap, the cap.
      const u = random.int(1, 0xffffffff) / 0x100000000;
      const x = p.minUs * Math.exp((-Math.log(u) * 1000) / p.alphaMilli);
      return x >= p.maxUs ? p.maxUs : Math.round(x);
    }
  }
}

/** A checked latency model, ready to draw from (checkLatency's errors for a bad one). */
export class LatencySampler {
  /** The only piece when the model is not a mixture, else the first component's. */
  private readonly piece: Piece;
  private readonly mixture: boolean;
  private readonly pieces: readonly Piece[];
  private readonly weights: Float64Array;
  private readonly total: number;

  constructor(model: LatencyModel) {
    checkLatency(model);
    if (model.kind === 'mixture') {
      this.mixture = true;
      this.pieces = model.components.map((c) => new Piece(c.model));
      this.weights = Float64Array.from(model.components, (c) => c.weight);
      let total = 0;
      for (const c of model.components) total += c.weight;
      this.total = total;
    } else {
      this.mixture = false;
      this.pieces = [new Piece(model)];
      this.weights = new Float64Array([1]);
      this.total = 1;
    }
    this.piece = this.pieces[0];
  }

  draw(random: Random): Micros {
    if (!this.mixture) return drawPiece(this.piece, random);
    const weights = this.weights;
    let x = random.int(0, this.total - 1);
    for (let i = 0; i < weights.length; i++) {
      if (x < weights[i]) return drawPiece(this.pieces[i], random);
      x -= weights[i];
    }
    throw new KernelError('unreachable: a mixture draw beyond its total weight');
  }
}

/** One latency draw from a model, on the given stream (a sampler per call: the network keeps one). */
export function sampleLatency(l: LatencyModel, random: Random): Micros {
  return new LatencySampler(l).draw(random);
}

/** A latency model the kernel can draw from: integer µs, min <= max, weights that add up to something. */
export function checkLatency(l: LatencyModel): void {
  const us = (x: number, what: string) => {
    if (!(Number.isSafeInteger(x) && x >= 0)) throw new KernelError(`latency ${what} must be whole non-negative microseconds (got ${x})`);
  };
  const base = (m: BaseLatencyModel) => {
    switch (m.kind) {
      case 'fixed':
        return us(m.us, 'fixed');
      case 'uniform':
      case 'exponential':
      case 'pareto':
        us(m.minUs, 'min');
        us(m.maxUs, 'max');
        if (m.minUs > m.maxUs) throw new KernelError(`latency min ${m.minUs} > max ${m.maxUs}`);
        if (m.kind === 'exponential') kernelAssert(m.minUs <= m.meanUs && m.meanUs <= m.maxUs, 'exponential latency needs min <= mean <= max');
        if (m.kind === 'pareto') {
          kernelAssert(m.minUs >= 1, 'a Pareto latency needs min >= 1us');
          if (!(Number.isInteger(m.alphaMilli) && m.alphaMilli >= 1)) throw new KernelError(`Pareto alpha in thousandths must be a positive integer (got ${m.alphaMilli})`);
        }
        return;
      default:
        return kernelNever(m, 'latency model');
    }
  };
  if (l.kind !== 'mixture') return base(l);
  kernelAssert(l.components.length > 0, 'a latency mixture needs a component');
  let total = 0;
  for (const c of l.components) {
    if (!(Number.isInteger(c.weight) && c.weight >= 0)) throw new KernelError(`mixture weights are non-negative integers (got ${c.weight})`);
    kernelAssert((c.model.kind as string) !== 'mixture', 'a mixture does not nest');
    base(c.model);
    total += c.weight;
  }
  kernelAssert(total > 0 && total <= 0x100000000, 'a latency mixture needs a total weight above 0');
}
