// A two-phase commit node is a coordinator or a participant, by its role.
import type { NodeContext } from '../../sim/types.js';
import { Coordinator } from './coordinator.js';
import type { TwoPcMsg } from './messages.js';
import type { TwoPcOptions } from './options.js';
import { Participant } from './participant.js';

export type TwoPcNode = Coordinator | Participant;

export function createTwoPcNode(ctx: NodeContext<TwoPcMsg>, options: TwoPcOptions): TwoPcNode {
  if (ctx.role === 'coordinator') return new Coordinator(ctx, options);
  return new Participant(ctx, options);
}
