import { describe, expect, it } from 'vitest';
import { checkFlow, dedent, expectDiagnostics, expectValid } from '../../../utils/index.js';

describe('KnownStepsRule', () => {
  describe('valid', () => {
    it('accepts steps declared in the progress block, in any order and in nested blocks', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Deliver(s: Session, legs: List<Int>, urgent: Bool) {
          progress {
            Sending "Sending the legs"
            Waiting "Waiting for the receipt"
            Done "Done"
          }
          for leg in legs {
            step Sending
            send leg to s
          }
          if urgent {
            step Done
            return
          }
          try {
            step Waiting
            let receipt = receive String from s within 1h
          } catch e {
            step Done
          }
        }
      `);
    });

    it('accepts steps that track a sub-flow, declared in another file', () => {
      expectValid({
        'a.flow': dedent`
          cordapp com.example.trade version 1.0.0

          flow Deliver(s: Session) -> Int {
            progress {
              Haggling "Haggling" tracks Haggle
            }
            step Haggling
            return call Haggle(s)
          }
        `,
        'b.flow': dedent`
          flow Haggle(s: Session) -> Int {
            progress {
              Asking "Asking for a price"
            }
            step Asking
            return receive Int from s
          }
        `,
      });
    });

    it('accepts a progress block whose steps are never entered', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        flow Idle() {
          progress {
            Resting "Resting"
          }
          sleep 1s
        }
      `);
    });

    it('checks each flow against its own progress block', () => {
      expectValid(dedent`
        cordapp com.example.trade version 1.0.0

        initiating flow Seller(buyer: Party) {
          progress {
            Offering "Offering"
          }
          let s = open buyer
          step Offering
          send 1 to s
        }

        responder flow Buyer(s: Session) for Seller {
          progress {
            Reading "Reading the offer"
          }
          step Reading
          let offer = receive Int from s
        }
      `);
    });
  });

  describe('invalid', () => {
    it('reports an undeclared step with a suggestion, pointing at the progress block', () => {
      const diagnostics = checkFlow(dedent`
        cordapp com.example.trade version 1.0.0

        flow Deliver(s: Session) {
          progress {
            Sending "Sending"
            Waiting "Waiting"
          }
          step Sending
          send 1 to s
          step Wating
        }
      `);
      expectDiagnostics(diagnostics, [
        {
          code: 'unknown-step',
          line: 10,
          column: 8,
          message:
            'Step "Wating" is not declared in the progress block of flow "Deliver". Did you mean "Waiting"?',
        },
      ]);
      expect(diagnostics[0]!.range).toMatchObject({ endLine: 10, endColumn: 14 });
      expect(diagnostics[0]!.related).toEqual([
        { range: expect.objectContaining({ line: 4, column: 3 }), message: 'The progress block.' },
      ]);
    });

    it('reports a step without a close match and says how to declare it', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Deliver(s: Session) {
            progress {
              Sending "Sending"
            }
            step Sending
            send 1 to s
            step Finished
          }
        `),
        [{ code: 'unknown-step', line: 9, column: 8, message: 'Declare it there: Finished "label".' }],
      );
    });

    it('reports a step in a flow without a progress block, pointing at the flow', () => {
      const diagnostics = checkFlow(dedent`
        cordapp com.example.trade version 1.0.0

        flow Deliver(s: Session, urgent: Bool) {
          if urgent {
            step Sending
          }
          send 1 to s
        }
      `);
      expectDiagnostics(diagnostics, [
        {
          code: 'unknown-step',
          line: 5,
          column: 10,
          message: 'Step "Sending" is not declared: flow "Deliver" has no progress block.',
        },
      ]);
      expect(diagnostics[0]!.related?.[0]).toMatchObject({
        range: { line: 3, column: 6 },
        message: 'Flow "Deliver".',
      });
    });

    it('does not take steps from another flow', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow First() {
            progress {
              Working "Working"
            }
            step Working
          }

          flow Second() {
            progress {
              Resting "Resting"
            }
            step Working
          }
        `),
        [{ code: 'unknown-step', line: 14, column: 8, message: 'flow "Second"' }],
      );
    });

    it('reports steps deep in else-if branches, loops and catch blocks', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          flow Deliver(s: Session, legs: List<Int>, mode: Int) {
            progress {
              Sending "Sending"
            }
            if mode == 1 {
              step Sending
            } else if mode == 2 {
              for leg in legs {
                step Looping
              }
            } else {
              try {
                send mode to s
              } catch e {
                step Failing
              }
            }
          }
        `),
        [
          { code: 'unknown-step', line: 11, column: 12, message: 'Step "Looping"' },
          { code: 'unknown-step', line: 17, column: 12, message: 'Step "Failing"' },
        ],
      );
    });

    it('reports a step that tracks something other than a flow', () => {
      expectDiagnostics(
        checkFlow(dedent`
          cordapp com.example.trade version 1.0.0

          message Haggle {
            price: Amount
          }

          flow Deliver() {
            progress {
              Haggling "Haggling" tracks Haggle
            }
            step Haggling
          }
        `),
        [
          {
            code: 'type-mismatch',
            line: 9,
            column: 32,
            message:
              'Message "Haggle" is not a flow: "tracks" names the flow whose progress nests under step "Haggling".',
          },
        ],
      );
    });
  });
});
