/** The checker's rules, run in this order in one traversal of each file. */
import { AnnotationsRule } from './AnnotationsRule.js';
import { AssignmentRule } from './AssignmentRule.js';
import { CallsRule } from './CallsRule.js';
import type { Rule } from './context.js';
import { CordappRule } from './CordappRule.js';
import { KnownImportsRule } from './KnownImportsRule.js';
import { KnownNamesRule } from './KnownNamesRule.js';
import { KnownStepsRule } from './KnownStepsRule.js';
import { MissingReturnRule } from './MissingReturnRule.js';
import { OpenInInitiatingRule } from './OpenInInitiatingRule.js';
import { ProtocolRule } from './ProtocolRule.js';
import { ReachableCodeRule } from './ReachableCodeRule.js';
import { ResponderPairsRule } from './ResponderPairsRule.js';
import { TypeCompatibilityRule } from './TypeCompatibilityRule.js';
import { UniqueDeclarationsRule } from './UniqueDeclarationsRule.js';
import { UnusedValueRule } from './UnusedValueRule.js';
import { ValueNamesRule } from './ValueNamesRule.js';

export type { Rule, RuleContext } from './context.js';

export const specifiedRules: readonly Rule[] = [
  CordappRule,
  KnownImportsRule,
  UniqueDeclarationsRule,
  KnownNamesRule,
  ValueNamesRule,
  TypeCompatibilityRule,
  CallsRule,
  AssignmentRule,
  KnownStepsRule,
  ReachableCodeRule,
  MissingReturnRule,
  ResponderPairsRule,
  OpenInInitiatingRule,
  AnnotationsRule,
  UnusedValueRule,
  ProtocolRule,
];

export {
  AnnotationsRule,
  AssignmentRule,
  CallsRule,
  CordappRule,
  KnownImportsRule,
  KnownNamesRule,
  KnownStepsRule,
  MissingReturnRule,
  OpenInInitiatingRule,
  ProtocolRule,
  ReachableCodeRule,
  ResponderPairsRule,
  TypeCompatibilityRule,
  UniqueDeclarationsRule,
  UnusedValueRule,
  ValueNamesRule,
};
