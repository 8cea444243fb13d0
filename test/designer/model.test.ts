/** The designer's pure model, without a DOM: AST to graph, conversations, graph edits to text, layout input/output. */
import { readFileSync } from 'node:fs';
import * as elkModule from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { parse } from '../../language/index.js';
import { allItems, buildConversation, indexPrograms } from '../../designer/src/model/conversation.js';
import {
  addReceive,
  addSend,
  applyChanges,
  changeProgressLabel,
  changeSendType,
  deleteStatement,
  EditError,
  findFlow,
  moveStatement,
  rename,
} from '../../designer/src/model/edits.js';
import { flowStepGraph, flowsOf } from '../../designer/src/model/flowGraph.js';
import {
  absolute,
  alignLanes,
  fromElk,
  moveInSidecar,
  readSidecar,
  toElk,
  withManualPositions,
  type ElkNode,
} from '../../designer/src/model/layoutGraph.js';
import { toSvg } from '../../designer/src/model/svg.js';
import { conversationView, defaultExpanded, stepView } from '../../designer/src/model/view.js';
import { checkDir } from './helpers.js';

/** elkjs is CommonJS: its class is the module's default export. */
const ELK = (elkModule as unknown as { default: new () => { layout(graph: unknown): Promise<unknown> } })
  .default;

const APPROVAL = 'test/designer/fixtures/approval';
const TRADE = 'samples/trade';
const approvalText = readFileSync(`${APPROVAL}/approval.flow`, 'utf8');
const tradeText = readFileSync(`${TRADE}/trade.flow`, 'utf8');

describe('AST to step graph', () => {
  const document = parse(approvalText).document;
  const [requester, approver] = flowsOf(document);

  it('has a node per statement, control edges, and the progress steps as bands', () => {
    const graph = flowStepGraph(requester!, 'approval.flow');
    expect(graph.nodes.map((n) => n.kind)).toEqual(['start', 'open', 'send', 'receive', 'return', 'end']);
    expect(graph.bands).toEqual([
      {
        name: 'Asking',
        label: 'Sending the request',
        nodes: [expect.stringContaining('open'), expect.stringContaining('send')],
      },
      {
        name: 'Waiting',
        label: 'Waiting for the decision',
        nodes: [expect.stringContaining('receive'), expect.stringContaining('return')],
      },
    ]);
    const send = graph.nodes.find((n) => n.kind === 'send')!;
    expect(send.sendType).toBe('Request');
    expect(graph.edges.some((e) => e.to.endsWith('end:end#1'))).toBe(true);
  });

  it('branches with then and else', () => {
    const graph = flowStepGraph(approver!, 'approval.flow');
    const ifNode = graph.nodes.find((n) => n.kind === 'if')!;
    const out = graph.edges.filter((e) => e.from === ifNode.id).map((e) => e.kind);
    expect(out.sort()).toEqual(['else', 'then']);
    expect(graph.nodes.find((n) => n.kind === 'input')?.label).toContain('await input Bool');
  });

  it('keeps node ids when unrelated text moves', () => {
    const moved = parse(approvalText.replace('// A small', '// An extra line\n// A small')).document;
    const ids = (d: typeof document) => flowStepGraph(flowsOf(d)[0]!, 'approval.flow').nodes.map((n) => n.id);
    expect(ids(moved)).toEqual(ids(document));
  });
});

describe('conversations', () => {
  it('puts the trade sample in three lanes, with an edge from each send to the receive it meets', async () => {
    const checked = await checkDir(TRADE);
    expect(checked.diagnostics).toEqual([]);
    const conversation = buildConversation(
      indexPrograms(checked.results),
      'SellerFlow',
      checked.diagnostics,
    )!;
    expect(conversation.lanes.map((l) => [l.label, l.flow])).toEqual([
      ['Seller', 'SellerFlow'],
      ['Buyer', 'BuyerFlow'],
      ['Notary', 'NotaryService'],
    ]);
    expect(conversation.responder).toBe('BuyerFlow');
    const items = new Map(allItems(conversation).map((i) => [i.id, i]));
    const described = conversation.edges.map(
      (e) => `${items.get(e.from)!.flow} ${e.type} → ${items.get(e.to)!.flow}`,
    );
    expect(described).toContain('TwoPartyTradeSeller SellerTradeInfo → TwoPartyTradeBuyer');
    expect(described).toContain('NotaryService NotaryAnswer → NotaryClient');
    expect(conversation.edges.every((e) => e.ok)).toBe(true);
    // every send in the Seller and Buyer lanes meets a receive
    const sends = allItems(conversation).filter((i) => i.kind === 'send');
    for (const send of sends) expect(conversation.edges.some((e) => e.from === send.id)).toBe(true);
  });

  it('draws a protocol error on the edge it is about', async () => {
    const broken = approvalText.replace('receive Decision from session', 'receive Int from session');
    const checked = await checkDir(APPROVAL, { 'approval.flow': broken });
    expect(checked.diagnostics.map((d) => d.code)).toContain('protocol-mismatch');
    const conversation = buildConversation(
      indexPrograms(checked.results),
      'RequestApproval',
      checked.diagnostics,
    )!;
    const bad = conversation.edges.filter((e) => !e.ok);
    expect(bad.map((e) => [e.type, e.diagnostics[0]?.code])).toEqual([
      ['Decision', 'protocol-mismatch'],
      ['Decision', 'protocol-mismatch'],
    ]);
    const view = conversationView(conversation, defaultExpanded(conversation));
    expect(view.edges.filter((e) => e.error).length).toBe(2);
  });

  it('shows a fault the checker reports at one end on the edge that meets there', async () => {
    const broken = tradeText.replace(
      '  step Trading\n  let final = call TwoPartyTradeBuyer',
      '  step Trading\n  let early = receive Int from session\n  let final = call TwoPartyTradeBuyer',
    );
    const checked = await checkDir(TRADE, { 'trade.flow': broken });
    const conversation = buildConversation(
      indexPrograms(checked.results),
      'SellerFlow',
      checked.diagnostics,
    )!;
    const bad = conversation.edges.filter((e) => !e.ok);
    expect(bad.map((e) => e.type)).toEqual(['SellerTradeInfo']);
    expect(bad[0]!.diagnostics.map((d) => d.code)).toEqual(checked.diagnostics.map((d) => d.code));
  });
});

describe('graph edits to text', () => {
  const document = parse(approvalText).document;

  it('adds a send at the end of a flow, before its return, keeping comments', () => {
    const next = applyChanges(approvalText, [
      addSend(approvalText, document, 'RequestApproval', { type: 'Decision' }),
    ]);
    expect(next).toContain('  send Decision.Approve to session\n  return decision == Decision.Approve');
    expect(next).toContain('// A small CorDapp with human input');
    expect(parse(next).diagnostics).toEqual([]);
  });

  it('adds a send after a statement, with a record value filled in', () => {
    const at = findFlow(document, 'RequestApproval').body.statements[1]!.loc.offset;
    const next = applyChanges(approvalText, [
      addSend(approvalText, document, 'RequestApproval', { type: 'Request', after: at }),
    ]);
    expect(next).toContain(
      'let session = open approver\n  send Request { amount: 0, reason: "" } to session',
    );
  });

  it('connects: adds the receive the other side needs', () => {
    const next = applyChanges(approvalText, [
      addReceive(approvalText, document, 'Approver', { type: 'Int' }),
    ]);
    expect(next).toMatch(/ {2}}\n {2}let received = receive Int from session\n}\n$/);
  });

  it('deletes, moves, retypes, relabels and renames', () => {
    const flow = findFlow(document, 'RequestApproval');
    const send = flow.body.statements[2]!;
    const deleted = applyChanges(approvalText, [deleteStatement(approvalText, flow, send.loc.offset)]);
    expect(deleted).not.toContain('send Request');
    expect(deleted.split('\n').length).toBe(approvalText.split('\n').length - 1);
    const moved = applyChanges(approvalText, moveStatement(approvalText, flow, send.loc.offset, -1));
    expect(moved).toContain(
      'send Request { amount: amount, reason: reason } to session\n  let session = open approver',
    );
    expect(() => moveStatement(approvalText, flow, flow.body.statements[0]!.loc.offset, -1)).toThrow(
      EditError,
    );
    const retyped = applyChanges(approvalText, [
      changeSendType(approvalText, document, 'RequestApproval', send.loc.offset, 'Decision'),
    ]);
    expect(retyped).toContain('send Decision.Approve to session');
    const relabelled = applyChanges(approvalText, [
      changeProgressLabel(approvalText, document, 'RequestApproval', 'Asking', 'Asking "nicely"'),
    ]);
    expect(relabelled).toContain('Asking "Asking \\"nicely\\""');
    const renamed = applyChanges(approvalText, rename(document, 'RequestApproval', 'AskForApproval'));
    expect(renamed).toContain('initiating flow AskForApproval(');
    expect(renamed).toContain('for AskForApproval {');
    expect(() => rename(document, 'RequestApproval', 'not a name')).toThrow(EditError);
  });

  it('refuses what it cannot write', () => {
    expect(() => addSend(approvalText, document, 'Nope', { type: 'Int' })).toThrow(EditError);
    expect(() => addSend(approvalText, document, 'RequestApproval', { type: 'Mystery' })).toThrow(/Mystery/);
  });
});

describe('layout input and output', () => {
  it('nests groups, gives items ports, and reads positions back relative to their parent', async () => {
    const graph = stepView(flowStepGraph(flowsOf(parse(approvalText).document)[0]!, 'approval.flow'));
    const input = toElk(graph);
    const band = input.children!.find((c) => c.id.startsWith('band:'))!;
    expect(band.children!.length).toBeGreaterThan(0);
    expect(band.children![0]!.ports!.map((p) => p.id.split(':').pop())).toEqual(['in', 'out', 'msg']);
    const laidOut = (await new ELK().layout(input as never)) as ElkNode;
    const positions = fromElk(laidOut);
    for (const node of graph.nodes) expect(positions[node.id]).toBeDefined();
    const abs = absolute(positions, graph);
    const child = graph.nodes.find((n) => n.parent)!;
    expect(abs[child.id]!.x).toBeCloseTo(positions[child.id]!.x + positions[child.parent!]!.x);
    const svg = toSvg(graph, abs, 'RequestApproval');
    expect(svg).toMatch(/^<svg xmlns/);
    expect(svg).toContain('send Request');
  });

  it('lays lanes side by side, aligned', async () => {
    const checked = await checkDir(APPROVAL);
    const conversation = buildConversation(indexPrograms(checked.results), 'RequestApproval')!;
    const view = conversationView(conversation, defaultExpanded(conversation));
    const positions = alignLanes(fromElk((await new ELK().layout(toElk(view) as never)) as ElkNode), view);
    const [a, b] = conversation.lanes.map((l) => positions[l.id]!);
    expect(a!.y).toBe(b!.y);
    expect(a!.height).toBe(b!.height);
    expect(b!.x).toBeGreaterThanOrEqual(a!.x + a!.width);
    expect(view.edges.filter((e) => e.kind === 'message').map((e) => e.label)).toEqual([
      'Request',
      'Decision',
      'Decision',
    ]);
  });

  it('keeps hand-moved positions in the sidecar', () => {
    const sidecar = moveInSidecar(readSidecar(undefined), 'flow:X', 'n1', { x: 10.4, y: 20.6 });
    expect(sidecar).toEqual({ version: 1, views: { 'flow:X': { n1: { x: 10, y: 21 } } } });
    expect(readSidecar(JSON.parse(JSON.stringify(sidecar)))).toEqual(sidecar);
    expect(readSidecar({ views: { v: { a: { x: 'no' } } } })).toEqual({ version: 1, views: { v: {} } });
    const positions = withManualPositions(
      { n1: { x: 0, y: 0, width: 5, height: 5 } },
      sidecar.views['flow:X'],
    );
    expect(positions.n1).toEqual({ x: 10, y: 21, width: 5, height: 5 });
  });
});
