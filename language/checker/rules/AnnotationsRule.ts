/** `unknown-annotation`: annotations the language does not define, or used where they mean nothing. */
import { IssueCodes } from '../../diagnostics.js';
import { KNOWN_ANNOTATIONS } from '../builtins.js';
import { didYouMean } from '../suggest.js';
import type { Rule } from './context.js';

export const AnnotationsRule: Rule = (context) => ({
  MessageDecl(node) {
    for (const a of node.annotations) {
      context.report(
        IssueCodes.UnknownAnnotation,
        a.loc,
        `Annotation "@${a.name.name}" does not apply to a message.`,
      );
    }
  },
  EnumDecl(node) {
    for (const a of node.annotations) {
      context.report(
        IssueCodes.UnknownAnnotation,
        a.loc,
        `Annotation "@${a.name.name}" does not apply to an enum.`,
      );
    }
  },
  FlowDecl(node) {
    for (const a of node.annotations) {
      const name = a.name.name;
      if (name === '') continue;
      if (!KNOWN_ANNOTATIONS.has(name)) {
        context.report(
          IssueCodes.UnknownAnnotation,
          a.loc,
          `Unknown annotation "@${name}".${didYouMean(name, KNOWN_ANNOTATIONS.keys()).replace(' "', ' "@') || ' Known: @startable, @version(N), @idempotent.'}`,
        );
        continue;
      }
      if (name === 'version') {
        if (node.flowKind !== 'initiating') {
          context.report(
            IssueCodes.UnknownAnnotation,
            a.loc,
            '"@version" is the protocol version of an initiating flow; it does not apply here.',
          );
        } else if (a.args.length !== 1) {
          context.report(
            IssueCodes.UnknownAnnotation,
            a.loc,
            '"@version" takes one number, as in "@version(2)".',
          );
        }
      } else if (a.args.length > 0) {
        context.report(IssueCodes.UnknownAnnotation, a.loc, `"@${name}" takes no arguments.`);
      }
      if (name === 'startable' && node.flowKind === 'responder') {
        context.report(
          IssueCodes.UnknownAnnotation,
          a.loc,
          'A responder flow cannot be "@startable": it starts when its initiator opens a session.',
        );
      }
    }
  },
});
