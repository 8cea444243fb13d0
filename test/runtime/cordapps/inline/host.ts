// A host function that fails the way a flow's `require` does: with an error named FlowError.
export function positive(n: number): number {
  if (n <= 0) throw Object.assign(new Error(`${n} is not positive`), { name: 'FlowError' });
  return n;
}
