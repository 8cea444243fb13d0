/**
 * A deterministic CorDapp for the language benchmark: several files of about 2,000 lines each, with messages,
 * enums, and initiating/responder flow pairs whose bodies use every statement kind. It checks clean against
 * `benchHostModules`.
 */
import { staticHostModules, type HostModules, type SourceFile } from '../../language/index.js';
import { T, type Type } from '../../language/types.js';

/** A small seeded generator (mulberry32), so every run benchmarks the same text. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const asset: Type = {
  kind: 'record',
  name: 'Asset',
  origin: 'host',
  fields: [
    { name: 'id', type: T.String },
    { name: 'description', type: T.String },
    { name: 'units', type: T.Int },
  ],
};

const fn = (name: string, params: [string, Type][], result: Type, async = false) =>
  [
    name,
    { name, params: params.map(([n, type]) => ({ name: n, type, optional: false })), result, async },
  ] as const;

/** The host TypeScript module every file imports (`"./host.ts"`), described in memory. */
export const benchHostModules: HostModules = staticHostModules({
  './host.ts': {
    functions: new Map([
      fn('findAsset', [['id', T.String]], asset),
      fn('priceOf', [['asset', asset]], T.Amount),
      fn('score', [['a', T.Int], ['b', T.Int]], T.Int),
      fn('log', [['message', T.String]], T.unit),
      fn('fetchQuote', [['assetId', T.String]], T.Amount, true),
      fn('approve', [['assetId', T.String], ['price', T.Amount]], T.Bool, true),
    ]),
    types: new Map<string, Type>([
      ['Asset', asset],
      ['Priority', { kind: 'enum', name: 'Priority', members: ['Low', 'High'] }],
    ]),
  },
}); // prettier-ignore

const HOST_IMPORT =
  'import { Asset, Priority, findAsset, priceOf, score, log, fetchQuote, approve } from "./host.ts"';

function declarations(f: number): string[] {
  return [
    `/// A line of an offer made in part ${f}.`,
    `message Leg${f} {`,
    '  description: String',
    '  units: Int',
    '}',
    '',
    `/// What a seller offers in part ${f}.`,
    `message Offer${f} {`,
    '  /// The asset on sale.',
    '  assetId: String',
    '  price: Amount',
    '  legs: List<Leg' + f + '>',
    '  payTo: Party',
    '  priority: Priority',
    '  note: String',
    '}',
    '',
    `message Receipt${f} {`,
    '  assetId: String',
    '  paid: Amount',
    '  units: Int',
    '}',
    '',
    `enum Verdict${f} { Accept, Reject, Counter }`,
    '',
    `enum Decision${f} { Buy, Pass }`,
    '',
    `/// Haggles over a quote on a session it is given.`,
    `flow Haggle${f}(session: Session, quote: Amount) -> Amount {`,
    '  progress {',
    '    Asking "Asking for a counter-offer"',
    '  }',
    '  step Asking',
    '  send quote to session',
    '  return receive Amount from session within 30m',
    '}',
    '',
    '@idempotent',
    `flow Tally${f}(values: List<Int>) -> Int {`,
    '  var sum = 0',
    '  for v in values {',
    '    sum = sum + v',
    '  }',
    '  return sum',
    '}',
  ];
}

/**
 * One initiating flow and its responder: about 75 lines with every statement kind. Their protocol is linear
 * (both branches of an `if` send the same type), so it also satisfies a protocol checker.
 */
function flowPair(f: number, p: number, next: () => number): string[] {
  const n = (max: number): number => 1 + Math.floor(next() * max);
  const id = `${f}_${p}`;
  const seller = `Seller${id}`;
  return [
    `/// Sells an asset to a buyer (pair ${id}).`,
    '@startable',
    `@version(${n(3)})`,
    `initiating flow ${seller}(buyer: Party, assetId: String, price: Amount, urgent: Bool) -> Decimal {`,
    '  progress {',
    '    Quoting "Getting a quote"',
    `    Offering "Sending the offer" tracks Haggle${f}`,
    '    Waiting "Waiting for the buyer"',
    '    Done "Finished"',
    '  }',
    '  let asset: Asset = findAsset(assetId)',
    '  require asset.units > 0 else "There is nothing to sell for {assetId}"',
    '  if price.quantity < 0.0 {',
    '    fail "The price of {assetId} is negative: {price.quantity}"',
    '  }',
    `  let quote = await fetchQuote(assetId) retry ${n(5)} backoff ${n(900)}ms`,
    '  var total = 0.0',
    '  var count = 0',
    `  let limit = ${n(3)}d + ${n(23)}h - ${n(59)}m`,
    '  step Quoting',
    '  let session = open buyer',
    `  let legs = [Leg${f} { description: asset.description, units: asset.units }, Leg${f} { description: "fee", units: ${n(9)} }]`,
    '  step Offering',
    `  send Offer${f} { assetId: assetId, price: priceOf(asset), legs: legs, payTo: me, priority: Priority.High, note: "pair ${id}" } to session`,
    '  for leg in legs {',
    `    total = total + leg.units * ${n(9)}.5`,
    '    count = score(count, 1)',
    '  }',
    '  step Waiting',
    `  let verdict = receive Verdict${f} from session within ${n(12)}h`,
    `  if verdict == Verdict${f}.Reject {`,
    '    log("{buyer} rejected {assetId} after {count} legs")',
    `  } else if !urgent && total > ${n(100)} {`,
    `    sleep ${n(30)}s`,
    '  } else {',
    `    sleep until now() + ${n(500)}ms`,
    '  }',
    `  let counter = call Haggle${f}(session, quote)`,
    '  try {',
    '    let approved = await approve(assetId, counter)',
    '    require approved || urgent else "The counter-offer of {counter.quantity} was not approved"',
    '    total = total + counter.quantity',
    '  } catch e {',
    '    log(e.message)',
    '  }',
    '  send "Limit {limit.millis} ms, counter-offer {counter.quantity}" to session',
    `  let receipt = receive Receipt${f} from session within ${n(48)}h`,
    '  log("Sold {receipt.assetId} for {receipt.paid.quantity} {receipt.paid.currency}")',
    '  step Done',
    '  close session',
    '  return total * -1 + (count % 2) / 4',
    '}',
    '',
    `responder flow Buyer${id}(seller: Session) for ${seller} {`,
    `  let offer = receive Offer${f} from seller within ${n(12)}h`,
    `  let answer = await input Decision${f} "Buy {offer.assetId} for {offer.price.quantity} {offer.price.currency}?" within ${n(7)}d`,
    '  var units = 0',
    '  for leg in offer.legs {',
    '    units = units + leg.units',
    '  }',
    `  if answer == Decision${f}.Buy && offer.legs.size > 0 {`,
    `    send Verdict${f}.Accept to seller`,
    '  } else {',
    `    send Verdict${f}.Reject to seller`,
    '  }',
    '  let quote = receive Amount from seller',
    `  send amount(quote.quantity * 0.${n(9)}, quote.currency) to seller`,
    '  let note = receive String from seller within 10m',
    '  log("The seller notes: {note}")',
    `  send Receipt${f} { assetId: offer.assetId, paid: offer.price, units: units } to seller`,
    '}',
  ];
}

/** `files` files of about `linesPerFile` lines each, in one directory and one CorDapp. */
export function generateCordapp(files = 5, linesPerFile = 2000): SourceFile[] {
  const next = random(20_260_101);
  return Array.from({ length: files }, (_, f) => {
    const lines = [
      ...(f === 0
        ? ['cordapp com.example.bench version 1.0.0', '']
        : [`// Part ${f} of the benchmark CorDapp.`, '']),
      HOST_IMPORT,
      '',
      ...declarations(f),
    ];
    for (let p = 0; lines.length < linesPerFile - 40; p++) lines.push('', ...flowPair(f, p, next));
    return { path: `bench/part${f}.flow`, text: lines.join('\n') + '\n' };
  });
}

/** Lines of a text, counting a last line without a newline. */
export function lineCount(text: string): number {
  let lines = text.length > 0 && !text.endsWith('\n') ? 1 : 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
  return lines;
}
