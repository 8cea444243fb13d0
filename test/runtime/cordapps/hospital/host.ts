// Host functions of the hospital tests. What they do is decided by the test, through globalThis.hospitalHost: the
// bundle carries its own copy of this module, so the test cannot reach it by importing it.
export type Int = number;

export interface FlowContext {
  flowId: string;
  me: string;
  operationId: string;
}

interface Control {
  reserve(operationId: string, item: string): Promise<Int> | Int;
  price(item: string): Int;
}

function control(): Control {
  const host = (globalThis as { hospitalHost?: Control }).hospitalHost;
  if (!host) throw new Error('The test has not set globalThis.hospitalHost.');
  return host;
}

/** Reserves an item in an outside system; the operation id lets that system ignore a repeated call. */
export async function reserve(ctx: FlowContext, item: string): Promise<Int> {
  return control().reserve(ctx.operationId, item);
}

/** The price of an item, from a local table. */
export function price(item: string): Int {
  return control().price(item);
}
