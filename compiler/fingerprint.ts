/**
 * A protocol's skeleton: what an initiating flow and its responder send and receive, in graph order. The build
 * records its sha256 per initiating flow, so two builds that talk alike have the same fingerprint; the protocol
 * checker (a later stage) will decide compatibility properly, this only tells whether anything changed.
 */
import type { FlowIR, IRNode } from './ir.js';

function nodeSkeleton(node: IRNode): string | undefined {
  switch (node.kind) {
    case 'exec': {
      const parts = node.ops.flatMap((op) =>
        op.op === 'send' ? [`send ${op.messageType}`] : op.op === 'close' ? ['close'] : [],
      );
      return parts.length ? parts.join(';') : undefined;
    }
    case 'suspend':
      switch (node.suspend.kind) {
        case 'receive':
          return `receive ${node.suspend.type}`;
        case 'open':
          return 'open';
        case 'call':
          return `call ${node.suspend.flow}`;
        default:
          return undefined;
      }
    case 'branch':
      return `branch ${node.id}`;
    default:
      return undefined;
  }
}

function flowSkeleton(ir: FlowIR): string {
  return `${ir.name}@${ir.version}{${ir.nodes.flatMap((n) => nodeSkeleton(n) ?? []).join(',')}}`;
}

export function protocolSkeleton(initiator: FlowIR, responder: FlowIR | undefined): string {
  return `${flowSkeleton(initiator)}<->${responder ? flowSkeleton(responder) : 'none'}`;
}
